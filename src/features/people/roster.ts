/**
 * The roster file (직원 명부): everyone who should take part, and so the denominator of every
 * participation rate. Pure validation: every row is checked before anything is written.
 */
import type { MessageKey, Params } from '../../i18n/index.js';
import { isLocale, type Locale } from '../../i18n/locales.js';
import { isRole, ROLES, type Role } from '../../engine/roles.js';
import { CsvSyntaxError, parseCsv } from './csv.js';

export const REQUIRED_COLUMNS = ['employee_no', 'name', 'email', 'department', 'roles', 'locale'] as const;
/** Optional columns that link chat accounts explicitly. */
export const OPTIONAL_COLUMNS = ['slack_id', 'discord_id', 'works_id'] as const;
export const DEPARTMENT_SEPARATOR = '/';
export const DEPARTMENT_MAX_DEPTH = 8;
export const NAME_MAX = 100;
const EMPLOYEE_NO_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface RosterRow {
  /** The row as a spreadsheet shows it: the header is row 1. */
  row: number;
  employeeNo: string;
  name: string;
  email: string | null;
  department: string[];
  roles: Role[];
  locale: Locale | null;
  slackId: string | null;
  discordId: string | null;
  /** The NAVER WORKS user id (userId in the Developer Console and the users API). */
  worksId: string | null;
}

export interface RosterProblem {
  /** 1 for the header or the file as a whole. */
  row: number;
  code: MessageKey;
  params?: Params;
}

export interface ParsedRoster {
  rows: RosterRow[];
  problems: RosterProblem[];
}

export function parseDepartmentPath(raw: string): string[] | undefined {
  const segments = raw.split(DEPARTMENT_SEPARATOR).map((s) => s.trim());
  if (segments.length > DEPARTMENT_MAX_DEPTH) return undefined;
  if (segments.some((s) => s === '' || s.length > NAME_MAX)) return undefined;
  return segments;
}

export function parseRoster(text: string): ParsedRoster {
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (error) {
    const row = error instanceof CsvSyntaxError ? error.record : 1;
    return { rows: [], problems: [{ row, code: 'roster.error.csv_syntax' }] };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ row: 1, code: 'roster.error.empty' }] };
  const columns = header.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  const known: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
  const unknown = columns.filter((c) => !known.includes(c));
  const problems: RosterProblem[] = [];
  if (missing.length > 0) problems.push({ row: 1, code: 'roster.error.missing_columns', params: { columns: missing.join(', ') } });
  if (unknown.length > 0) problems.push({ row: 1, code: 'roster.error.unknown_columns', params: { columns: unknown.join(', '), allowed: known.join(', ') } });
  if (problems.length > 0) return { rows: [], problems };

  const index = (name: string) => columns.indexOf(name);
  const rows: RosterRow[] = [];
  const seenNo = new Map<string, number>();
  const seenEmail = new Map<string, number>();
  body.forEach((record, i) => {
    const row = i + 2;
    const cell = (name: string) => (index(name) >= 0 ? (record[index(name)] ?? '').trim() : '');
    const fail = (code: MessageKey, params?: Params) => problems.push({ row, code, ...(params ? { params } : {}) });
    // Blank lines and rows of empty cells (as spreadsheets leave them) are not people.
    if (record.every((c) => c.trim() === '')) return;
    if (record.length !== columns.length) {
      fail('roster.error.column_count', { expected: columns.length, actual: record.length });
      return;
    }
    const before = problems.length;
    const employeeNo = cell('employee_no');
    if (!EMPLOYEE_NO_PATTERN.test(employeeNo)) fail('roster.error.employee_no', { value: employeeNo });
    else if (seenNo.has(employeeNo)) fail('roster.error.duplicate_employee_no', { value: employeeNo, other: seenNo.get(employeeNo)! });
    else seenNo.set(employeeNo, row);

    const name = cell('name');
    if (name === '') fail('roster.error.name_missing');
    else if (name.length > NAME_MAX) fail('roster.error.name_too_long', { max: NAME_MAX });

    const emailRaw = cell('email').toLowerCase();
    const email = emailRaw === '' ? null : emailRaw;
    if (email !== null && !EMAIL_PATTERN.test(email)) fail('roster.error.email', { value: emailRaw });
    else if (email !== null && seenEmail.has(email)) fail('roster.error.duplicate_email', { value: email, other: seenEmail.get(email)! });
    else if (email !== null) seenEmail.set(email, row);

    const department = parseDepartmentPath(cell('department'));
    if (!department) fail('roster.error.department', { value: cell('department'), max: DEPARTMENT_MAX_DEPTH });

    const roleNames = cell('roles').split(';').map((r) => r.trim().toLowerCase()).filter((r) => r !== '');
    const badRoles = roleNames.filter((r) => !isRole(r));
    if (badRoles.length > 0) fail('roster.error.roles', { value: badRoles.join(';'), allowed: ROLES.join('|') });
    const roles = Array.from(new Set<Role>(['employee', ...roleNames.filter(isRole)]));

    const localeRaw = cell('locale').toLowerCase();
    if (localeRaw !== '' && !isLocale(localeRaw)) fail('roster.error.locale', { value: localeRaw });

    if (problems.length > before || !department) return;
    rows.push({
      row,
      employeeNo,
      name,
      email,
      department,
      roles: ROLES.filter((r) => roles.includes(r)),
      locale: localeRaw === '' ? null : (localeRaw as Locale),
      slackId: cell('slack_id') || null,
      discordId: cell('discord_id') || null,
      worksId: cell('works_id') || null,
    });
  });
  return { rows, problems };
}
