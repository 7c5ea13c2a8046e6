import { describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { activeSeasons, giftPeriodOn, nextGiftPeriod, type GiftPeriod } from '../../src/scheduler/seasons.js';
import { addDays } from '../../src/time.js';

const calendar = new WorkingDayCalendar();

/** Every day from `from` to `to` inclusive. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const seasonsOn = (day: string) => [...activeSeasons(day, calendar)].sort();

const SEOLLAL_2026: GiftPeriod = { holiday: '설날', date: '2026-02-17', from: '2026-01-24', to: '2026-02-22' };
const CHUSEOK_2026: GiftPeriod = { holiday: '추석', date: '2026-09-25', from: '2026-09-01', to: '2026-09-30' };
const SEOLLAL_2027: GiftPeriod = { holiday: '설날', date: '2027-02-07', from: '2027-01-14', to: '2027-02-12' };
const CHUSEOK_2027: GiftPeriod = { holiday: '추석', date: '2027-09-15', from: '2027-08-22', to: '2027-09-20' };

describe('giftPeriodOn: 24 days before to 5 days after 설날 and 추석', () => {
  it.each([
    ['설날 2026 (Tue 17 Feb)', SEOLLAL_2026],
    ['추석 2026 (Fri 25 Sep)', CHUSEOK_2026],
    ['설날 2027 (Sun 7 Feb)', SEOLLAL_2027],
    ['추석 2027 (Wed 15 Sep)', CHUSEOK_2027],
  ] as const)('GIVEN %s THEN every day of its period, both ends included, reports that period', (_name, period) => {
    for (const day of days(period.from, period.to)) expect(giftPeriodOn(day, calendar)).toEqual(period);
  });

  it.each([
    ['설날 2026', SEOLLAL_2026],
    ['추석 2026', CHUSEOK_2026],
    ['설날 2027', SEOLLAL_2027],
    ['추석 2027', CHUSEOK_2027],
  ] as const)('GIVEN %s THEN the day before its period and the day after it are outside any period', (_name, period) => {
    expect(giftPeriodOn(addDays(period.from, -1), calendar)).toBeUndefined();
    expect(giftPeriodOn(addDays(period.to, 1), calendar)).toBeUndefined();
  });

  it('GIVEN the 2026 설날 period THEN it runs from 24 Jan to 22 Feb, with 23 Jan and 23 Feb outside', () => {
    expect(giftPeriodOn('2026-01-24', calendar)).toEqual(SEOLLAL_2026);
    expect(giftPeriodOn('2026-02-17', calendar)).toEqual(SEOLLAL_2026);
    expect(giftPeriodOn('2026-02-22', calendar)).toEqual(SEOLLAL_2026);
    expect(giftPeriodOn('2026-01-23', calendar)).toBeUndefined();
    expect(giftPeriodOn('2026-02-23', calendar)).toBeUndefined();
  });

  it('GIVEN 설날 2027 on a Sunday with a substitute holiday on Tue 9 Feb THEN the period is counted from 설날 itself, not the substitute day', () => {
    expect(giftPeriodOn('2027-02-09', calendar)?.date).toBe('2027-02-07');
    expect(giftPeriodOn('2027-02-12', calendar)).toEqual(SEOLLAL_2027);
    expect(giftPeriodOn('2027-02-13', calendar)).toBeUndefined();
  });

  it('GIVEN the days around 설날 and 추석 (전날, 다음 날) THEN only the day named 설날 or 추석 anchors the period', () => {
    // If 설날 전날 (16 Feb) anchored it, 23 Jan would be inside; if 설날 다음 날 (18 Feb) did, 23 Feb would be.
    expect(giftPeriodOn('2026-01-23', calendar)).toBeUndefined();
    expect(giftPeriodOn('2026-02-23', calendar)).toBeUndefined();
    expect(giftPeriodOn('2026-09-24', calendar)?.date).toBe('2026-09-25');
  });

  it('GIVEN 2026 THEN exactly 60 days are in a gift period: 30 around 설날 and 30 around 추석', () => {
    const inPeriod = days('2026-01-01', '2026-12-31').filter((d) => giftPeriodOn(d, calendar) !== undefined);
    expect(inPeriod).toEqual([...days('2026-01-24', '2026-02-22'), ...days('2026-09-01', '2026-09-30')]);
  });

  it('GIVEN an ordinary day in June THEN there is no gift period', () => {
    expect(giftPeriodOn('2026-06-10', calendar)).toBeUndefined();
  });
});

describe('nextGiftPeriod', () => {
  it('GIVEN a day between periods THEN it is the period of the next 설날 or 추석', () => {
    expect(nextGiftPeriod('2026-06-10', calendar)).toEqual(CHUSEOK_2026);
    expect(nextGiftPeriod('2026-12-01', calendar)).toEqual(SEOLLAL_2027);
  });

  it('GIVEN the first day of a period THEN it is that period', () => {
    expect(nextGiftPeriod('2026-09-01', calendar)).toEqual(CHUSEOK_2026);
  });

  it('GIVEN a day after 추석 2026 but still inside its period THEN it is the 설날 2027 period', () => {
    expect(nextGiftPeriod('2026-09-26', calendar)).toEqual(SEOLLAL_2027);
  });

  it('GIVEN a horizon shorter than the distance to the next holiday THEN there is none', () => {
    // 10 Jun → 25 Sep 2026 is 107 days.
    expect(nextGiftPeriod('2026-06-10', calendar, 106)).toBeUndefined();
    expect(nextGiftPeriod('2026-06-10', calendar, 107)).toEqual(CHUSEOK_2026);
  });

  it('GIVEN a day after the last 추석 in the packaged data THEN there is none (no 2028 data)', () => {
    expect(calendar.covers('2028-02-01')).toBe(false);
    expect(nextGiftPeriod('2027-09-16', calendar)).toBeUndefined();
  });

  it('GIVEN a day inside a period before its holiday THEN the period of that coming holiday is returned, already begun', () => {
    const next = nextGiftPeriod('2026-02-01', calendar);
    expect(next).toMatchObject({ date: '2026-02-17', from: '2026-01-24', to: '2026-02-22' });
  });
});

describe('activeSeasons', () => {
  it('GIVEN an ordinary day (10 Jun 2026) THEN there is no season', () => {
    expect(seasonsOn('2026-06-10')).toEqual([]);
  });

  it('GIVEN a day in a gift period outside January, July and December THEN it is gift-season only', () => {
    expect(seasonsOn('2026-02-10')).toEqual(['gift-season']);
    expect(seasonsOn('2026-09-10')).toEqual(['gift-season']);
  });

  it('GIVEN every day of December 2026 THEN it is year-end (and nothing else), and 30 Nov and 1 Jan are not year-end', () => {
    for (const day of days('2026-12-01', '2026-12-31')) expect(seasonsOn(day)).toEqual(['year-end']);
    expect(seasonsOn('2026-11-30')).toEqual([]);
    expect(seasonsOn('2027-01-01')).not.toContain('year-end');
  });

  it('GIVEN January and July THEN it is personnel-season, and the months around them are not', () => {
    expect(seasonsOn('2026-01-10')).toEqual(['personnel-season']);
    for (const day of days('2026-07-01', '2026-07-31')) expect(seasonsOn(day)).toEqual(['personnel-season']);
    expect(seasonsOn('2026-06-30')).toEqual([]);
    expect(seasonsOn('2026-08-01')).toEqual([]);
  });

  it('GIVEN the first day of the 설날 gift period in January THEN it is both gift-season and personnel-season', () => {
    expect(seasonsOn('2026-01-23')).toEqual(['personnel-season']);
    expect(seasonsOn('2026-01-24')).toEqual(['gift-season', 'personnel-season']);
    expect(seasonsOn('2027-01-13')).toEqual(['personnel-season']);
    expect(seasonsOn('2027-01-14')).toEqual(['gift-season', 'personnel-season']);
  });

  it('GIVEN each day of 2026 THEN gift-season is active on exactly the 60 days of the 설날 and 추석 periods', () => {
    const giftDays = days('2026-01-01', '2026-12-31').filter((d) => activeSeasons(d, calendar).includes('gift-season'));
    expect(giftDays).toEqual([...days('2026-01-24', '2026-02-22'), ...days('2026-09-01', '2026-09-30')]);
  });
});
