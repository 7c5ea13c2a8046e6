/** Statistics periods: what people type, and what it means as days. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/engine/errors.js';
import { t } from '../../src/i18n/index.js';
import { isoWeekKey, parsePeriod, weeksOf } from '../../src/features/stats/period.js';

const FRIDAY = '2026-11-27';

describe('parsePeriod', () => {
  it.each([
    [undefined, '2026-11-01', '2026-11-27', '2026-11'],
    ['', '2026-11-01', '2026-11-27', '2026-11'],
    ['month', '2026-11-01', '2026-11-27', '2026-11'],
    ['WEEK', '2026-11-23', '2026-11-27', '2026-W48'],
    ['quarter', '2026-10-01', '2026-11-27', '2026-Q4'],
    ['year', '2026-01-01', '2026-11-27', '2026'],
    ['last-week', '2026-11-16', '2026-11-22', '2026-W47'],
    ['last-month', '2026-10-01', '2026-10-31', '2026-10'],
    ['last-quarter', '2026-07-01', '2026-09-30', '2026-Q3'],
    ['last-year', '2025-01-01', '2025-12-31', '2025'],
    ['지난달', '2026-10-01', '2026-10-31', '2026-10'],
    ['올해', '2026-01-01', '2026-11-27', '2026'],
    ['2025', '2025-01-01', '2025-12-31', '2025'],
    ['2026', '2026-01-01', '2026-11-27', '2026'],
    ['2026-03', '2026-03-01', '2026-03-31', '2026-03'],
    ['2024-02', '2024-02-01', '2024-02-29', '2024-02'],
    ['2026-q1', '2026-01-01', '2026-03-31', '2026-Q1'],
    ['2026-W01', '2025-12-29', '2026-01-04', '2026-W01'],
    ['2026-W53', '2026-12-28', '2026-11-27', undefined],
    ['2026-03-05', '2026-03-05', '2026-03-05', '2026-03-05'],
    [' 2026-01-05..2026-03-31 ', '2026-01-05', '2026-03-31', '2026-01-05..2026-03-31'],
    ['2026-11-01..2026-12-31', '2026-11-01', '2026-11-27', '2026-11-01..2026-12-31'],
  ])('%j → %s..%s (%s)', (input, from, to, key) => {
    if (key === undefined) {
      // A week that starts after today is refused.
      expect(() => parsePeriod(input, FRIDAY)).toThrow(UserError);
      return;
    }
    expect(parsePeriod(input, FRIDAY)).toEqual({ from, to, key });
  });

  it('last month in January is December of the year before; last quarter in Q1 is Q4', () => {
    expect(parsePeriod('last-month', '2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31', key: '2025-12' });
    expect(parsePeriod('last-quarter', '2026-02-01')).toEqual({ from: '2025-10-01', to: '2025-12-31', key: '2025-Q4' });
    expect(parsePeriod('last-week', '2026-01-01')).toEqual({ from: '2025-12-22', to: '2025-12-28', key: '2025-W52' });
  });

  it.each([
    ['2026-03-31..2026-01-05', 'stats.error.period_reversed', { from: '2026-03-31', to: '2026-01-05' }],
    ['2026-12-01..2026-12-31', 'stats.error.period_future', { from: '2026-12-01', today: FRIDAY }],
    ['2027', 'stats.error.period_future', { from: '2027-01-01', today: FRIDAY }],
    ['2020-01-01..2026-01-01', 'stats.error.period_too_long', { days: 2193, max: 731 }],
  ])('GIVEN %j, readable but impossible, THEN it is refused saying why (%s)', (input, code, params) => {
    try {
      parsePeriod(input, FRIDAY);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe(code);
      expect((error as UserError).params).toEqual(params);
    }
  });

  it('GIVEN a reversed period THEN the Korean message says the start is after the end', () => {
    try {
      parsePeriod('2026-03-31..2026-01-05', FRIDAY);
      expect.unreachable();
    } catch (error) {
      const { code, params } = error as UserError;
      expect(t('ko', code, params)).toBe('기간의 시작(2026-03-31)이 끝(2026-01-05)보다 늦습니다. 시작..끝 순서로 적어 주세요.');
    }
  });

  it.each(['banana', '2026-13', '2026-00', '2026-02-30', '2026-Q5', '2026-W54'])(
    'refuses %j with stats.error.period naming what was typed',
    (input) => {
      try {
        parsePeriod(input, FRIDAY);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        expect((error as UserError).code).toBe('stats.error.period');
        expect((error as UserError).params).toEqual({ value: input });
      }
    },
  );
});

describe('ISO weeks', () => {
  it.each([
    ['2026-01-01', '2026-W01'],
    ['2025-12-29', '2026-W01'],
    ['2027-01-01', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2021-01-03', '2020-W53'],
  ])('%s is in %s', (day, key) => expect(isoWeekKey(day)).toBe(key));

  it('splits a period into Monday-to-Sunday weeks clipped to it', () => {
    expect(weeksOf({ from: '2026-03-04', to: '2026-03-17' })).toEqual([
      { key: '2026-W10', from: '2026-03-04', to: '2026-03-08' },
      { key: '2026-W11', from: '2026-03-09', to: '2026-03-15' },
      { key: '2026-W12', from: '2026-03-16', to: '2026-03-17' },
    ]);
  });
});
