/**
 * Seasonal campaigns computed from the same calendar as working days.
 * - gift-season: 24 days before to 5 days after 설날 and 추석 (청탁금지법 시행령 제17조②), when the
 *   farm and fishery gift limit doubles and gift-giving peaks.
 * - year-end: December, when budgets close and year-end gifts and dinners happen.
 * - personnel-season: January and July, the regular personnel reshuffles of Korean public bodies.
 */
import type { Season } from '../features/content/content.js';
import { addDays, type Day } from '../time.js';
import type { WorkingDayCalendar } from './calendar.js';

export const GIFT_PERIOD_BEFORE_DAYS = 24;
export const GIFT_PERIOD_AFTER_DAYS = 5;
const MAJOR_HOLIDAYS = ['설날', '추석'];

export interface GiftPeriod {
  holiday: string;
  date: Day;
  from: Day;
  to: Day;
}

/** The gift period around a 설날 or 추석 that contains `day`, if any. */
export function giftPeriodOn(day: Day, calendar: WorkingDayCalendar): GiftPeriod | undefined {
  for (let offset = -GIFT_PERIOD_AFTER_DAYS; offset <= GIFT_PERIOD_BEFORE_DAYS; offset++) {
    const candidate = addDays(day, offset);
    const holiday = calendar.holidayNames(candidate).find((n) => MAJOR_HOLIDAYS.includes(n));
    if (holiday) return { holiday, date: candidate, from: addDays(candidate, -GIFT_PERIOD_BEFORE_DAYS), to: addDays(candidate, GIFT_PERIOD_AFTER_DAYS) };
  }
  return undefined;
}

/**
 * The gift period of the next 설날 or 추석 on or after `day` (for holiday letters planned ahead); it
 * may already have begun, since a period opens 24 days before its holiday.
 */
export function nextGiftPeriod(day: Day, calendar: WorkingDayCalendar, horizonDays = 400): GiftPeriod | undefined {
  for (let offset = 0; offset <= horizonDays; offset++) {
    const candidate = addDays(day, offset);
    const holiday = calendar.holidayNames(candidate).find((n) => MAJOR_HOLIDAYS.includes(n));
    if (holiday) return { holiday, date: candidate, from: addDays(candidate, -GIFT_PERIOD_BEFORE_DAYS), to: addDays(candidate, GIFT_PERIOD_AFTER_DAYS) };
  }
  return undefined;
}

export function activeSeasons(day: Day, calendar: WorkingDayCalendar): Season[] {
  const seasons: Season[] = [];
  if (giftPeriodOn(day, calendar)) seasons.push('gift-season');
  const month = Number(day.slice(5, 7));
  if (month === 12) seasons.push('year-end');
  if (month === 1 || month === 7) seasons.push('personnel-season');
  return seasons;
}
