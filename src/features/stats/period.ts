/**
 * Statistics periods: what `/integrity stats [period]` and the exports accept, as a closed range of
 * organisation-local days. Pure.
 *
 * Accepted (case-insensitive): `week`, `month` (the default), `quarter`, `year` — the current one up
 * to today; `last-week`, `last-month`, `last-quarter`, `last-year` — the previous complete one;
 * `2026`, `2026-03`, `2026-Q1`, `2026-W05` (ISO week), `2026-03-05` (one day) and
 * `2026-01-05..2026-03-31`. Korean aliases: 이번주, 이번달, 이번분기, 올해, 지난주, 지난달, 지난분기, 작년.
 *
 * A period never runs past today: later days have no data yet, and counting them would lower every
 * rate. One that starts after today, ends before it starts or is longer than MAX_PERIOD_DAYS is refused,
 * each with its own message.
 */
import { UserError } from '../../engine/errors.js';
import type { MessageKey } from '../../i18n/index.js';
import { addDays, daysBetween, isDay, weekday, type Day } from '../../time.js';

export interface Period {
  from: Day;
  to: Day;
  /** What the period is called in titles and file names: "2026", "2026-03", "2026-Q1", "2026-W05", "2026-01-05..2026-03-31". */
  key: string;
}

/** Two years and a day: enough for a year-on-year look, small enough to stay fast. */
export const MAX_PERIOD_DAYS = 731;
export const DEFAULT_PERIOD = 'month';
const EARLIEST_DAY = '2000-01-01';

/** The catalogue key of a period the user typed that we cannot read (added to the catalogues with the stats command). */
export const PERIOD_ERROR: MessageKey = 'stats.error.period';

const ALIASES: Readonly<Record<string, string>> = {
  이번주: 'week',
  이번달: 'month',
  이번분기: 'quarter',
  올해: 'year',
  지난주: 'last-week',
  지난달: 'last-month',
  지난분기: 'last-quarter',
  작년: 'last-year',
};

export function parsePeriod(input: string | undefined, today: Day): Period {
  const raw = (input ?? '').trim();
  const text = ALIASES[raw] ?? raw.toLowerCase();
  let period: Period | undefined;
  try {
    period = text === '' ? relative(DEFAULT_PERIOD, today) : (relative(text, today) ?? explicit(text));
  } catch (error) {
    if (error instanceof UserError) throw error;
    // A date the calendar functions cannot take (year 0999, say) is as unreadable as any other.
    period = undefined;
  }
  // Probity's records begin this century: earlier years are typing mistakes.
  if (!period || period.from < EARLIEST_DAY || !isDay(period.from) || !isDay(period.to)) throw new UserError(PERIOD_ERROR, { value: raw });
  const to = period.to > today ? today : period.to;
  // Readable but impossible: say which way, rather than that the period is unknown.
  if (period.from > to) throw new UserError('stats.error.period_future', { from: period.from, today });
  if (daysBetween(period.from, to) + 1 > MAX_PERIOD_DAYS) throw new UserError('stats.error.period_too_long', { days: daysBetween(period.from, to) + 1, max: MAX_PERIOD_DAYS });
  return { ...period, to };
}

function relative(text: string, today: Day): Period | undefined {
  const last = text.startsWith('last-');
  const unit = last ? text.slice('last-'.length) : text;
  switch (unit) {
    case 'week': {
      const monday = mondayOf(today);
      return weekPeriod(last ? addDays(monday, -7) : monday);
    }
    case 'month': {
      const [y, m] = yearMonth(today);
      return last ? monthPeriod(m === 1 ? y - 1 : y, m === 1 ? 12 : m - 1) : monthPeriod(y, m);
    }
    case 'quarter': {
      const [y, m] = yearMonth(today);
      const q = Math.ceil(m / 3);
      return last ? quarterPeriod(q === 1 ? y - 1 : y, q === 1 ? 4 : q - 1) : quarterPeriod(y, q);
    }
    case 'year': {
      const [y] = yearMonth(today);
      return yearPeriod(last ? y - 1 : y);
    }
    default:
      return undefined;
  }
}

function explicit(text: string): Period | undefined {
  let match: RegExpExecArray | null;
  if ((match = /^(\d{4})$/.exec(text))) return yearPeriod(Number(match[1]));
  if ((match = /^(\d{4})-(\d{2})$/.exec(text))) {
    const month = Number(match[2]);
    return month >= 1 && month <= 12 ? monthPeriod(Number(match[1]), month) : undefined;
  }
  if ((match = /^(\d{4})-q([1-4])$/.exec(text))) return quarterPeriod(Number(match[1]), Number(match[2]));
  if ((match = /^(\d{4})-w(\d{2})$/.exec(text))) {
    const year = Number(match[1]);
    const week = Number(match[2]);
    if (week < 1 || week > isoWeeksIn(year)) return undefined;
    return weekPeriod(addDays(mondayOf(`${year}-01-04`), (week - 1) * 7));
  }
  if ((match = /^(\d{4}-\d{2}-\d{2})$/.exec(text))) return isDay(match[1]!) ? { from: match[1]!, to: match[1]!, key: match[1]! } : undefined;
  if ((match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text))) {
    const [from, to] = [match[1]!, match[2]!];
    if (isDay(from) && isDay(to) && from > to) throw new UserError('stats.error.period_reversed', { from, to });
    return isDay(from) && isDay(to) ? { from, to, key: `${from}..${to}` } : undefined;
  }
  return undefined;
}

function yearPeriod(year: number): Period {
  return { from: `${year}-01-01`, to: `${year}-12-31`, key: String(year) };
}

/** A calendar month (not clipped to today). */
export function monthPeriod(year: number, month: number): Period {
  const mm = String(month).padStart(2, '0');
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  return { from: `${year}-${mm}-01`, to: addDays(next, -1), key: `${year}-${mm}` };
}

function quarterPeriod(year: number, quarter: number): Period {
  const first = monthPeriod(year, quarter * 3 - 2);
  const last = monthPeriod(year, quarter * 3);
  return { from: first.from, to: last.to, key: `${year}-Q${quarter}` };
}

function weekPeriod(monday: Day): Period {
  return { from: monday, to: addDays(monday, 6), key: isoWeekKey(monday) };
}

function yearMonth(day: Day): [number, number] {
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
}

/** The Monday on or before `day` (ISO weeks start on Monday). */
export function mondayOf(day: Day): Day {
  return addDays(day, -((weekday(day) + 6) % 7));
}

/** The ISO week a day belongs to, as "2026-W05": the week's Thursday decides the year. */
export function isoWeekKey(day: Day): string {
  const thursday = addDays(mondayOf(day), 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(mondayOf(`${year}-01-04`), mondayOf(day)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function isoWeeksIn(year: number): number {
  return Number(isoWeekKey(`${year}-12-28`).slice(-2));
}

/** The ISO weeks a period touches, each clipped to the period. */
export function weeksOf(period: Pick<Period, 'from' | 'to'>): { key: string; from: Day; to: Day }[] {
  const weeks: { key: string; from: Day; to: Day }[] = [];
  for (let monday = mondayOf(period.from); monday <= period.to; monday = addDays(monday, 7)) {
    const sunday = addDays(monday, 6);
    weeks.push({ key: isoWeekKey(monday), from: monday < period.from ? period.from : monday, to: sunday > period.to ? period.to : sunday });
  }
  return weeks;
}
