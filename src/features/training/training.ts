/**
 * The anti-corruption training duty (부패방지권익위법 시행령 제88조의2): every official at least once a
 * year, for a total of at least two hours; new hires and newly promoted staff must include training
 * in person. Pure rules: the session ledger's CSV rows, and where each member stands in a year.
 *
 * Probity's own micro-learning (the daily quiz) is not training in this sense and never counts here.
 */
import type { MessageKey, Params } from '../../i18n/index.js';
import type { TrainingKind } from '../../db/schema.js';
import { hasBidiControl } from '../../engine/text.js';
import { CsvReader, CsvSyntaxError } from '../people/csv.js';
import { isCalendarDay } from '../people/roster.js';

/** At least two hours in a calendar year. */
export const ANNUAL_MINUTES = 120;
export const TRAINING_KINDS: readonly TrainingKind[] = ['face_to_face', 'online', 'elearning'];
export const TITLE_MAX = 200;
/** One session lasts at most a working day and a half. */
export const MINUTES_MAX = 720;

/** The words accepted for each kind, as a 청렴연수원 (국가청렴권익교육원) record or an officer writes them. */
const KIND_WORDS: Readonly<Record<string, TrainingKind>> = {
  face_to_face: 'face_to_face',
  'face-to-face': 'face_to_face',
  offline: 'face_to_face',
  집합: 'face_to_face',
  대면: 'face_to_face',
  집합교육: 'face_to_face',
  online: 'online',
  온라인: 'online',
  실시간: 'online',
  elearning: 'elearning',
  'e-learning': 'elearning',
  이러닝: 'elearning',
  사이버: 'elearning',
};

export function parseKind(raw: string): TrainingKind | undefined {
  return KIND_WORDS[raw.normalize('NFKC').trim().toLowerCase()];
}

export function parseMinutes(raw: string): number | undefined {
  const text = raw.trim();
  if (!/^\d{1,4}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= MINUTES_MAX ? n : undefined;
}

export interface SessionInput {
  day: string;
  title: string;
  kind: TrainingKind;
  minutes: number;
}

/** One attendance as a file row gives it: the session and the person. */
export interface LedgerRow extends SessionInput {
  /** The row as a spreadsheet shows it: the header is row 1. */
  row: number;
  employeeNo: string;
}

export interface LedgerProblem {
  row: number;
  /** The column at fault, when one is. */
  field?: string;
  code: MessageKey;
  params?: Params;
}

export const LEDGER_COLUMNS = ['date', 'title', 'kind', 'minutes', 'employee_no'] as const;

/**
 * The session's own problems, shared by the CSV rows and `training add`. Attendance is recorded once a
 * session has taken place: a day after `today` (the organisation's day) is refused, so a mistyped year
 * is caught rather than counted in another year.
 */
export function sessionProblems(raw: { day: string; title: string; kind: string; minutes: string }, row: number, today?: string): { session?: SessionInput; problems: LedgerProblem[] } {
  const problems: LedgerProblem[] = [];
  const day = raw.day.trim();
  if (!isCalendarDay(day)) problems.push({ row, field: 'date', code: 'training.error.date', params: { value: day } });
  else if (today !== undefined && day > today) problems.push({ row, field: 'date', code: 'training.error.future', params: { value: day, today } });
  const title = raw.title.normalize('NFC').trim();
  if (title === '') problems.push({ row, field: 'title', code: 'training.error.title_missing' });
  else if (title.length > TITLE_MAX) problems.push({ row, field: 'title', code: 'training.error.title_long', params: { max: TITLE_MAX } });
  else if (hasBidiControl(title)) problems.push({ row, field: 'title', code: 'error.bidi_control' });
  const kind = parseKind(raw.kind);
  if (!kind) problems.push({ row, field: 'kind', code: 'training.error.kind', params: { value: raw.kind.trim(), allowed: TRAINING_KINDS.join('|') } });
  const minutes = parseMinutes(raw.minutes);
  if (minutes === undefined) problems.push({ row, field: 'minutes', code: 'training.error.minutes', params: { value: raw.minutes.trim(), max: MINUTES_MAX } });
  if (problems.length > 0) return { problems };
  return { session: { day, title, kind: kind!, minutes: minutes! }, problems };
}

/** The ledger file: a header naming LEDGER_COLUMNS (any order), then one row per attendance (none after `today`). */
export function parseLedger(text: string, today?: string): { rows: LedgerRow[]; problems: LedgerProblem[] } {
  const reader = new CsvReader();
  let records: string[][];
  try {
    records = [...reader.push(text), ...reader.end()];
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { rows: [], problems: [{ row: error.record, code: 'roster.error.csv_syntax' }] };
  }
  const [header, ...body] = records;
  if (!header || header.length === 0) return { rows: [], problems: [{ row: 1, code: 'roster.error.empty' }] };
  const columns = header.map((h) => h.trim().toLowerCase());
  const missing = LEDGER_COLUMNS.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !(LEDGER_COLUMNS as readonly string[]).includes(c));
  const problems: LedgerProblem[] = [];
  if (missing.length > 0) problems.push({ row: 1, code: 'roster.error.missing_columns', params: { columns: missing.join(', ') } });
  if (unknown.length > 0) problems.push({ row: 1, code: 'roster.error.unknown_columns', params: { columns: unknown.join(', '), allowed: LEDGER_COLUMNS.join(', ') } });
  if (problems.length > 0) return { rows: [], problems };
  const at = (record: readonly string[], name: string) => record[columns.indexOf(name)] ?? '';
  const rows: LedgerRow[] = [];
  const seen = new Map<string, number>();
  body.forEach((record, i) => {
    const row = i + 2;
    if (record.every((c) => c.trim() === '')) return;
    if (record.length !== columns.length) {
      problems.push({ row, code: 'roster.error.column_count', params: { expected: columns.length, actual: record.length } });
      return;
    }
    if (record.some((c) => c.includes('\uFFFD'))) {
      problems.push({ row, code: 'roster.error.replacement_character' });
      return;
    }
    const { session, problems: own } = sessionProblems({ day: at(record, 'date'), title: at(record, 'title'), kind: at(record, 'kind'), minutes: at(record, 'minutes') }, row, today);
    problems.push(...own);
    const employeeNo = at(record, 'employee_no').trim();
    if (employeeNo === '') problems.push({ row, field: 'employee_no', code: 'training.error.employee_no_missing' });
    if (!session || employeeNo === '') return;
    // The same person twice in one session is a copy-paste slip, not two attendances: said, not summed.
    const key = `${sessionKey(session)}\u0000${employeeNo}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({ row, field: 'employee_no', code: 'training.error.duplicate_row', params: { value: employeeNo, other: earlier } });
      return;
    }
    seen.set(key, row);
    rows.push({ row, employeeNo, ...session });
  });
  return { rows, problems };
}

/** What makes two records one session. */
export function sessionKey(s: SessionInput): string {
  return [s.day, s.title, s.kind, s.minutes].join('\u0000');
}

/** One session a member attended. */
export interface Attended {
  day: string;
  kind: TrainingKind;
  minutes: number;
}

export interface TrainingRules {
  newHireDays: number;
  /**
   * The day the roster was first loaded: everyone "joined" then, so nobody who joined on it is a
   * new hire; null when nobody is known to have joined later.
   */
  firstLoadDay: string | null;
}

export interface TrainingPerson {
  joinedOn: string;
  promotedOn: string | null;
  attended: readonly Attended[];
}

/** A face-to-face requirement: met, still open until `due`, or missed. */
export type FaceToFace = { required: false } | { required: true; due: string; met: boolean };

export interface TrainingStatus {
  minutes: number;
  faceToFaceMinutes: number;
  minutesMet: boolean;
  newHire: FaceToFace;
  promoted: FaceToFace;
  /** Every requirement that applies is met. */
  complete: boolean;
  sessions: number;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function faceToFaceWithin(attended: readonly Attended[], from: string, due: string): boolean {
  return attended.some((a) => a.kind === 'face_to_face' && a.day >= from && a.day <= due);
}

/**
 * Where a member stands in `year`, counting sessions up to `asOf` (a day in that year, or its last
 * day). A new hire (joined in the year, after the first roster load) needs a face-to-face session
 * within `newHireDays` of joining; someone promoted in the year needs one within as many days of the
 * promotion. Everyone needs ANNUAL_MINUTES over the year.
 */
export function trainingStatus(person: TrainingPerson, year: number, asOf: string, rules: TrainingRules): TrainingStatus {
  const from = `${year}-01-01`;
  const to = `${year}-12-31` < asOf ? `${year}-12-31` : asOf;
  const inYear = person.attended.filter((a) => a.day >= from && a.day <= to);
  const minutes = inYear.reduce((sum, a) => sum + a.minutes, 0);
  const faceToFaceMinutes = inYear.filter((a) => a.kind === 'face_to_face').reduce((sum, a) => sum + a.minutes, 0);
  const window = (start: string | null, applies: boolean): FaceToFace => {
    if (!start || !applies || start < from || start > to) return { required: false };
    const due = addDays(start, rules.newHireDays);
    // Sessions after asOf are not known yet; a session before the start does not count for it.
    return { required: true, due, met: faceToFaceWithin(person.attended.filter((a) => a.day <= to), start, due) };
  };
  const newHire = window(person.joinedOn, rules.firstLoadDay !== null && person.joinedOn > rules.firstLoadDay);
  const promoted = window(person.promotedOn, true);
  const minutesMet = minutes >= ANNUAL_MINUTES;
  const met = (f: FaceToFace) => !f.required || f.met;
  return { minutes, faceToFaceMinutes, minutesMet, newHire, promoted, complete: minutesMet && met(newHire) && met(promoted), sessions: inYear.length };
}
