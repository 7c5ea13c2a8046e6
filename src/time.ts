/** Time in one place: an injectable clock, and organisation-local calendar days as YYYY-MM-DD. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests move by hand. */
export class ManualClock implements Clock {
  private current: Date;
  constructor(start: Date | string) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export type Day = string;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day at `instant` in `timeZone` (e.g. 2026-11-27 at 00:30 in Seoul is still 26 Nov in UTC). */
export function localDay(instant: Date, timeZone: string): Day {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, fmt);
  }
  return fmt.format(instant);
}

export function addDays(day: Day, days: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: Day, to: Day): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/** Hours and minutes on the wall clock of `timeZone` at `instant` (formatters are built once per zone). */
export function localClock(instant: Date, timeZone: string): { hour: number; minute: number } {
  let fmt = clockFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormatters.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: get('hour'), minute: get('minute') };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: Day): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** Whether the runtime knows an IANA time zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** "09:05" for 545 minutes after midnight. */
export function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "2026-11-27 09:31" on the wall clock of `timeZone`, for an instant or its ISO text. */
export function localDateTime(at: Date | string, timeZone: string): string {
  const instant = typeof at === 'string' ? new Date(at) : at;
  const { hour, minute } = localClock(instant, timeZone);
  return `${localDay(instant, timeZone)} ${clockText(hour * 60 + minute)}`;
}

/**
 * The instant a wall-clock time of `timeZone` names ("2026-12-01", 9, 30 in Asia/Seoul → 00:30Z). Exact
 * for zones without a transition at that hour; Korea has none.
 */
export function instantOf(day: Day, minutes: number, timeZone: string): Date {
  const guess = Date.parse(`${day}T00:00:00Z`) + minutes * 60_000;
  const shown = localClock(new Date(guess), timeZone);
  const shownDay = localDay(new Date(guess), timeZone);
  const offsetMinutes = daysBetween(day, shownDay) * 1440 + shown.hour * 60 + shown.minute - minutes;
  return new Date(guess - offsetMinutes * 60_000);
}

/** Whether a string is a real calendar day written YYYY-MM-DD. */
export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}
