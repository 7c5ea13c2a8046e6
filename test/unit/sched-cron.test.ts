import { afterEach, describe, expect, it } from 'vitest';
import { CronMatcher, floorToMinute, isValidCron, localMinutes } from '../../src/scheduler/cron.js';

const matchers: CronMatcher[] = [];
function matcher(expression: string, timezone: string): CronMatcher {
  const m = new CronMatcher(expression, timezone);
  matchers.push(m);
  return m;
}
afterEach(() => {
  for (const m of matchers.splice(0)) m.dispose();
});

const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());

/** Mon 23 Nov 2026 00:00 KST to Mon 30 Nov 2026 00:00 KST: an ordinary week. */
const WEEK_FROM = new Date('2026-11-22T15:00:00Z');
const WEEK_TO = new Date('2026-11-29T15:00:00Z');

describe('CronMatcher: matching an instant in a time zone', () => {
  it('GIVEN "0 9 * * 1-5" in Asia/Seoul THEN 09:00 KST on a Friday matches and 09:00 UTC that day does not', () => {
    const m = matcher('0 9 * * 1-5', 'Asia/Seoul');
    expect(m.matches(new Date('2026-11-27T00:00:00Z'))).toBe(true);
    expect(m.matches(new Date('2026-11-27T09:00:00Z'))).toBe(false);
  });

  it('GIVEN "0 9 * * 1-5" in Asia/Seoul THEN 09:00 KST on a Saturday does not match', () => {
    expect(matcher('0 9 * * 1-5', 'Asia/Seoul').matches(new Date('2026-11-28T00:00:00Z'))).toBe(false);
  });

  it('GIVEN an instant some seconds into the fire minute THEN it still matches (the instant is floored to the minute)', () => {
    const m = matcher('0 9 * * 1-5', 'Asia/Seoul');
    expect(m.matches(new Date('2026-11-27T00:00:45.500Z'))).toBe(true);
    expect(m.matches(new Date('2026-11-27T00:01:00Z'))).toBe(false);
  });
});

describe('CronMatcher: fireTimesBetween(from, to) lists fire times with from < t ≤ to', () => {
  it('GIVEN "0 9 * * 1-5" in Asia/Seoul over a week THEN it is exactly 09:00 KST Monday to Friday, oldest first', () => {
    expect(iso(matcher('0 9 * * 1-5', 'Asia/Seoul').fireTimesBetween(WEEK_FROM, WEEK_TO))).toEqual([
      '2026-11-23T00:00:00.000Z',
      '2026-11-24T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
      '2026-11-26T00:00:00.000Z',
      '2026-11-27T00:00:00.000Z',
    ]);
  });

  it('GIVEN a range starting and ending exactly on fire times THEN `from` is excluded and `to` is included', () => {
    const m = matcher('0 9 * * 1-5', 'Asia/Seoul');
    const from = new Date('2026-11-23T00:00:00Z'); // Mon 09:00 KST
    const to = new Date('2026-11-30T00:00:00Z'); // next Mon 09:00 KST
    expect(iso(m.fireTimesBetween(from, to))).toEqual([
      '2026-11-24T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
      '2026-11-26T00:00:00.000Z',
      '2026-11-27T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ]);
  });

  it('GIVEN `from` a few seconds before a fire time THEN that fire time is included', () => {
    const m = matcher('0 9 * * 1-5', 'Asia/Seoul');
    expect(iso(m.fireTimesBetween(new Date('2026-11-26T23:59:30Z'), new Date('2026-11-27T00:00:00Z')))).toEqual(['2026-11-27T00:00:00.000Z']);
  });

  it('GIVEN `to` before the first fire time or an empty range THEN there are none', () => {
    const m = matcher('0 9 * * 1-5', 'Asia/Seoul');
    expect(m.fireTimesBetween(new Date('2026-11-26T00:00:00Z'), new Date('2026-11-26T23:59:59Z'))).toEqual([]);
    expect(m.fireTimesBetween(new Date('2026-11-27T00:00:00Z'), new Date('2026-11-27T00:00:00Z'))).toEqual([]);
  });

  it('GIVEN the same expression in UTC THEN it fires at 09:00 UTC, none of the Seoul times', () => {
    const seoul = iso(matcher('0 9 * * 1-5', 'Asia/Seoul').fireTimesBetween(WEEK_FROM, WEEK_TO));
    const utc = iso(matcher('0 9 * * 1-5', 'UTC').fireTimesBetween(WEEK_FROM, WEEK_TO));
    expect(utc).toEqual([
      '2026-11-23T09:00:00.000Z',
      '2026-11-24T09:00:00.000Z',
      '2026-11-25T09:00:00.000Z',
      '2026-11-26T09:00:00.000Z',
      '2026-11-27T09:00:00.000Z',
    ]);
    expect(utc.filter((t) => seoul.includes(t))).toEqual([]);
  });

  it('GIVEN "*/15 * * * *" over one hour THEN it fires 4 times, at :15, :30, :45 and the hour', () => {
    const times = matcher('*/15 * * * *', 'Asia/Seoul').fireTimesBetween(new Date('2026-11-27T00:00:00Z'), new Date('2026-11-27T01:00:00Z'));
    expect(iso(times)).toEqual(['2026-11-27T00:15:00.000Z', '2026-11-27T00:30:00.000Z', '2026-11-27T00:45:00.000Z', '2026-11-27T01:00:00.000Z']);
  });

  it('GIVEN a zone with daylight saving (America/New_York) THEN 09:00 local moves from 13:00 to 14:00 UTC when DST ends on 1 Nov 2026', () => {
    const times = matcher('0 9 * * *', 'America/New_York').fireTimesBetween(new Date('2026-10-31T00:00:00Z'), new Date('2026-11-03T00:00:00Z'));
    expect(iso(times)).toEqual(['2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z', '2026-11-02T14:00:00.000Z']);
  });

  it('GIVEN a six-field expression with seconds (30 0 9 * * *) THEN it is either rejected or fires once a day', () => {
    const expression = '30 0 9 * * *';
    const fires = matcher(expression, 'Asia/Seoul').fireTimesBetween(WEEK_FROM, new Date('2026-11-23T15:00:00Z'));
    expect(!isValidCron(expression) || fires.length === 1).toBe(true);
  });
});

describe('isValidCron', () => {
  it.each(['0 9 * * 1-5', '*/15 * * * *', '30 8 1 * *', '0 9 * * MON-FRI'])('accepts %s', (expression) => {
    expect(isValidCron(expression)).toBe(true);
  });

  it.each([
    ['61 * * * *', 'a minute out of range'],
    ['0 25 * * *', 'an hour out of range'],
    ['every day', 'words'],
    ['0 9 * *', 'four fields'],
    ['', 'nothing'],
  ])('rejects %j (%s)', (expression) => {
    expect(isValidCron(expression)).toBe(false);
  });
});

describe('localMinutes and floorToMinute', () => {
  it('GIVEN 00:30 UTC THEN it is 570 minutes (09:30) after midnight in Seoul and 30 in UTC', () => {
    expect(localMinutes(new Date('2026-11-27T00:30:00Z'), 'Asia/Seoul')).toBe(570);
    expect(localMinutes(new Date('2026-11-27T00:30:00Z'), 'UTC')).toBe(30);
  });

  it('GIVEN local midnight and the minute before it THEN it is 0 and 1439 (not 1440)', () => {
    expect(localMinutes(new Date('2026-11-26T15:00:00Z'), 'Asia/Seoul')).toBe(0);
    expect(localMinutes(new Date('2026-11-26T14:59:59Z'), 'Asia/Seoul')).toBe(1439);
  });

  it('GIVEN an instant with seconds and milliseconds THEN floorToMinute drops them', () => {
    expect(floorToMinute(new Date('2026-11-27T00:30:59.999Z')).toISOString()).toBe('2026-11-27T00:30:00.000Z');
    expect(floorToMinute(new Date('2026-11-27T00:30:00Z')).toISOString()).toBe('2026-11-27T00:30:00.000Z');
  });
});
