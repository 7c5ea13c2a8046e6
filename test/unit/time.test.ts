/** Wall-clock helpers used to schedule leadership messages and to check due dates. */
import { describe, expect, it } from 'vitest';
import { addDays, instantOf, isDay, localClock, localDateTime, localDay } from '../../src/time.js';

describe('instantOf: the instant a wall-clock time names', () => {
  it.each([
    ['Asia/Seoul', '2026-12-01', 9 * 60 + 30, '2026-12-01T00:30:00.000Z'],
    ['Asia/Seoul', '2026-12-01', 0, '2026-11-30T15:00:00.000Z'],
    ['Asia/Seoul', '2026-12-31', 23 * 60 + 59, '2026-12-31T14:59:00.000Z'],
    ['Asia/Seoul', '2028-02-29', 18 * 60, '2028-02-29T09:00:00.000Z'],
    ['UTC', '2026-12-01', 9 * 60, '2026-12-01T09:00:00.000Z'],
    ['Asia/Kolkata', '2026-12-01', 0, '2026-11-30T18:30:00.000Z'],
    ['America/New_York', '2026-12-01', 9 * 60, '2026-12-01T14:00:00.000Z'],
    ['America/New_York', '2026-07-01', 9 * 60, '2026-07-01T13:00:00.000Z'],
    ['Pacific/Kiritimati', '2026-12-01', 60, '2026-11-30T11:00:00.000Z'],
    ['Pacific/Pago_Pago', '2026-12-01', 23 * 60, '2026-12-02T10:00:00.000Z'],
  ])('%s %s at minute %i is %s', (zone, day, minutes, iso) => {
    expect(instantOf(day, minutes, zone).toISOString()).toBe(iso);
  });

  it('GIVEN every quarter hour of a year in Seoul THEN the local day and clock of the instant are the ones asked for', () => {
    for (let d = 0; d < 366; d += 7) {
      const day = addDays('2026-01-01', d);
      for (let minutes = 0; minutes < 1440; minutes += 15) {
        const instant = instantOf(day, minutes, 'Asia/Seoul');
        expect(localDay(instant, 'Asia/Seoul')).toBe(day);
        const clock = localClock(instant, 'Asia/Seoul');
        expect(clock.hour * 60 + clock.minute).toBe(minutes);
      }
    }
  });
});

describe('isDay', () => {
  it.each(['2026-11-27', '2026-02-28', '2028-02-29', '2026-12-31', '2027-01-01'])('%s is a day', (value) => {
    expect(isDay(value)).toBe(true);
  });
  it.each(['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-01', '26-01-01', '2026/01/01', '2026-01-01T00:00', ' 2026-01-01', '', 'tomorrow'])(
    '"%s" is not a day',
    (value) => {
      expect(isDay(value)).toBe(false);
    },
  );
});

describe('localDateTime', () => {
  it('shows the organisation-local day and time, across the UTC day boundary', () => {
    expect(localDateTime(new Date('2026-11-27T00:30:00Z'), 'Asia/Seoul')).toBe('2026-11-27 09:30');
    expect(localDateTime(new Date('2026-11-27T15:00:00Z'), 'Asia/Seoul')).toBe('2026-11-28 00:00');
    expect(localDateTime(new Date('2026-11-27T14:59:59Z'), 'Asia/Seoul')).toBe('2026-11-27 23:59');
    expect(localDateTime(new Date('2026-11-27T00:05:00Z'), 'UTC')).toBe('2026-11-27 00:05');
  });
});
