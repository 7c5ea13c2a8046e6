/**
 * The roster file (직원 명부): everyone who should take part, and so the denominator of every
 * participation rate. Pure validation: every row is checked before anything is written.
 */
import type { MessageKey, Params } from '../../i18n/index.js';
import { isLocale, type Locale } from '../../i18n/locales.js';
import { isRole, ROLES, type Role } from '../../engine/roles.js';
import { hasBidiControl } from '../../engine/text.js';
import { CsvReader, CsvSyntaxError } from './csv.js';

export const REQUIRED_COLUMNS = ['employee_no', 'name', 'email', 'department', 'roles', 'locale'] as const;
/** Optional columns that link chat accounts explicitly. */
export const OPTIONAL_COLUMNS = ['slack_id', 'discord_id', 'works_id', 'promoted_on', 'head'] as const;
/** Words a `head` cell may hold: yes marks the head of the organisation (기관장), empty or no does not. */
const HEAD_YES = new Set(['y', 'yes', 'true', '1', 'o', '예', '네']);
const HEAD_NO = new Set(['', 'n', 'no', 'false', '0', 'x', '아니오', '아니요']);
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD. */
export function isCalendarDay(raw: string): boolean {
  if (!DAY_PATTERN.test(raw)) return false;
  const date = new Date(`${raw}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === raw;
}
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
  /** The latest promotion day; undefined when the file has no promoted_on column (kept as it is). */
  promotedOn?: string | null;
  /** Whether this is the head of the organisation; undefined when the file has no head column. */
  head?: boolean;
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

/** Bidirectional controls could make a department read as another one; refused like any bad path. */
export function parseDepartmentPath(raw: string): string[] | undefined {
  if (hasBidiControl(raw)) return undefined;
  const segments = raw.split(DEPARTMENT_SEPARATOR).map((s) => s.trim());
  if (segments.length > DEPARTMENT_MAX_DEPTH) return undefined;
  if (segments.some((s) => s === '' || s.length > NAME_MAX)) return undefined;
  return segments;
}

/** The character a decoder puts where it could not read the bytes: never stored as someone's name. */
const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Validates roster records one at a time, as a CSV reader produces them, so a file can be read as a
 * stream: the header first, then each row against it and against the rows before it.
 */
export class RosterParser {
  private columns: string[] | undefined;
  /** Each column's position in the header, found once. */
  private readonly positions = new Map<string, number>();
  /** One array per department path, shared by the rows in it. */
  private readonly departments = new Map<string, string[] | undefined>();
  /** The header is unusable: nothing after it is read. */
  private broken = false;
  private recordCount = 0;
  private readonly rows: RosterRow[] = [];
  private readonly problems: RosterProblem[] = [];
  private readonly seenNo = new Map<string, number>();
  private readonly seenEmail = new Map<string, number>();

  record(record: string[]): void {
    this.recordCount++;
    if (this.broken) return;
    if (!this.columns) this.header(record);
    else this.row(record, this.recordCount);
  }

  result(): ParsedRoster {
    if (this.recordCount === 0) return { rows: [], problems: [{ row: 1, code: 'roster.error.empty' }] };
    return this.broken ? { rows: [], problems: this.problems } : { rows: this.rows, problems: this.problems };
  }

  private header(header: string[]): void {
    const columns = header.map((h) => h.trim().toLowerCase());
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
    const known: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
    const unknown = columns.filter((c) => !known.includes(c));
    if (missing.length > 0) this.problems.push({ row: 1, code: 'roster.error.missing_columns', params: { columns: missing.join(', ') } });
    if (unknown.length > 0) this.problems.push({ row: 1, code: 'roster.error.unknown_columns', params: { columns: unknown.join(', '), allowed: known.join(', ') } });
    this.broken = this.problems.length > 0;
    this.columns = columns;
    columns.forEach((c, i) => this.positions.set(c, i));
  }

  private row(record: string[], row: number): void {
    const { problems, seenNo, seenEmail } = this;
    const columns = this.columns!;
    // Blank lines and rows of empty cells (as spreadsheets leave them) are not people.
    if (record.every((c) => c.trim() === '')) return;
    if (record.length !== columns.length) {
      this.fail(row, 'roster.error.column_count', { expected: columns.length, actual: record.length });
      return;
    }
    if (record.some((c) => c.includes(REPLACEMENT_CHARACTER))) {
      this.fail(row, 'roster.error.replacement_character');
      return;
    }
    const before = problems.length;
    const employeeNo = this.cell(record, 'employee_no');
    if (!EMPLOYEE_NO_PATTERN.test(employeeNo)) this.fail(row, 'roster.error.employee_no', { value: employeeNo });
    else if (seenNo.has(employeeNo)) this.fail(row, 'roster.error.duplicate_employee_no', { value: employeeNo, other: seenNo.get(employeeNo)! });
    else seenNo.set(employeeNo, row);

    const name = this.cell(record, 'name');
    if (name === '') this.fail(row, 'roster.error.name_missing');
    else if (name.length > NAME_MAX) this.fail(row, 'roster.error.name_too_long', { max: NAME_MAX });

    const emailRaw = this.cell(record, 'email').toLowerCase();
    const email = emailRaw === '' ? null : emailRaw;
    if (email !== null && !EMAIL_PATTERN.test(email)) this.fail(row, 'roster.error.email', { value: emailRaw });
    else if (email !== null && seenEmail.has(email)) this.fail(row, 'roster.error.duplicate_email', { value: email, other: seenEmail.get(email)! });
    else if (email !== null) seenEmail.set(email, row);

    const departmentRaw = this.cell(record, 'department');
    if (!this.departments.has(departmentRaw)) this.departments.set(departmentRaw, parseDepartmentPath(departmentRaw));
    const department = this.departments.get(departmentRaw);
    if (hasBidiControl(departmentRaw)) this.fail(row, 'error.bidi_control');
    else if (!department) this.fail(row, 'roster.error.department', { value: departmentRaw, max: DEPARTMENT_MAX_DEPTH });

    const roleNames = this.cell(record, 'roles').split(';').map((r) => r.trim().toLowerCase()).filter((r) => r !== '');
    const badRoles = roleNames.filter((r) => !isRole(r));
    if (badRoles.length > 0) this.fail(row, 'roster.error.roles', { value: badRoles.join(';'), allowed: ROLES.join('|') });
    const roles = Array.from(new Set<Role>(['employee', ...roleNames.filter(isRole)]));

    const localeRaw = this.cell(record, 'locale').toLowerCase();
    if (localeRaw !== '' && !isLocale(localeRaw)) this.fail(row, 'roster.error.locale', { value: localeRaw });

    const promotedRaw = this.cell(record, 'promoted_on');
    if (promotedRaw !== '' && !isCalendarDay(promotedRaw)) this.fail(row, 'roster.error.promoted_on', { value: promotedRaw });
    const headRaw = this.cell(record, 'head').toLowerCase();
    if (!HEAD_YES.has(headRaw) && !HEAD_NO.has(headRaw)) this.fail(row, 'roster.error.head', { value: headRaw });

    if (problems.length > before || !department) return;
    this.rows.push({
      row,
      employeeNo,
      name,
      email,
      department,
      roles: ROLES.filter((r) => roles.includes(r)),
      locale: localeRaw === '' ? null : (localeRaw as Locale),
      slackId: this.cell(record, 'slack_id') || null,
      discordId: this.cell(record, 'discord_id') || null,
      worksId: this.cell(record, 'works_id') || null,
      ...(this.positions.has('promoted_on') ? { promotedOn: promotedRaw || null } : {}),
      ...(this.positions.has('head') ? { head: HEAD_YES.has(headRaw) } : {}),
    });
  }

  private cell(record: readonly string[], name: string): string {
    const at = this.positions.get(name);
    return at === undefined ? '' : (record[at] ?? '').trim();
  }

  private fail(row: number, code: MessageKey, params?: Params): void {
    this.problems.push({ row, code, ...(params ? { params } : {}) });
  }
}

/** CSV text in pieces to a validated roster; an unterminated quote makes the whole file unreadable. */
export class RosterReading {
  private readonly reader = new CsvReader();
  private readonly parser = new RosterParser();

  push(piece: string): void {
    for (const record of this.reader.push(piece)) this.parser.record(record);
  }

  end(): ParsedRoster {
    try {
      for (const record of this.reader.end()) this.parser.record(record);
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      return { rows: [], problems: [{ row: error.record, code: 'roster.error.csv_syntax' }] };
    }
    return this.parser.result();
  }
}

export function parseRoster(text: string): ParsedRoster {
  const reading = new RosterReading();
  reading.push(text);
  return reading.end();
}
