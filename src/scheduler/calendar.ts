/**
 * Working days: Monday to Friday, minus Korean public holidays (including substitute holidays, from
 * the official gazette as packaged by @hyunbinseo/holidays-kr) and the organisation's own closures.
 */
import * as presets from '@hyunbinseo/holidays-kr/all';
import { addDays, weekday, type Day } from '../time.js';

type Preset = Readonly<Record<string, readonly string[]>>;
const HOLIDAYS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.values(presets as Record<string, Preset>).flatMap((year) => Object.entries(year)),
);
const YEARS_COVERED = new Set(Object.keys(presets).map((k) => k.replace(/^y/, '')));

/** How far ahead the packaged holiday data must reach before operators are warned. */
export const CALENDAR_WARNING_DAYS = 60;

/** How far back a walk over working days may go before we conclude something is wrong. */
const MAX_WALK_DAYS = 366;

export class WorkingDayCalendar {
  private readonly closures: ReadonlySet<string>;
  constructor(closures: readonly string[] = []) {
    this.closures = new Set(closures);
  }

  /** Public-holiday names for a day, or an empty list. */
  holidayNames(day: Day): readonly string[] {
    return HOLIDAYS.get(day) ?? [];
  }

  /** Whether the packaged gazette data covers this day's year (the package is updated yearly). */
  covers(day: Day): boolean {
    return YEARS_COVERED.has(day.slice(0, 4));
  }

  /** The day, within the warning horizon from `today`, that the holiday data no longer covers, if any. */
  uncoveredSoon(today: Day): Day | undefined {
    const horizon = addDays(today, CALENDAR_WARNING_DAYS);
    return this.covers(horizon) ? undefined : horizon;
  }

  isWorkingDay(day: Day): boolean {
    const wd = weekday(day);
    if (wd === 0 || wd === 6) return false;
    return !HOLIDAYS.has(day) && !this.closures.has(day);
  }

  /** The last working day strictly before `day`. */
  previousWorkingDay(day: Day): Day {
    let d = addDays(day, -1);
    for (let i = 0; i < MAX_WALK_DAYS && !this.isWorkingDay(d); i++) d = addDays(d, -1);
    return d;
  }
}
