import { describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { addDays, weekday } from '../../src/time.js';

const calendar = new WorkingDayCalendar();

/** Every day from `from` to `to` inclusive. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

describe('WorkingDayCalendar: weekdays and weekends', () => {
  it('GIVEN an ordinary week THEN Monday to Friday are working days and Saturday and Sunday are not', () => {
    // 23–29 Nov 2026: Mon … Sun, no holidays.
    const week = days('2026-11-23', '2026-11-29');
    expect(week.map((d) => weekday(d))).toEqual([1, 2, 3, 4, 5, 6, 0]);
    expect(week.map((d) => calendar.isWorkingDay(d))).toEqual([true, true, true, true, true, false, false]);
  });

  it('GIVEN an ordinary weekday THEN it has no holiday names', () => {
    expect(calendar.holidayNames('2026-11-25')).toEqual([]);
  });
});

describe('WorkingDayCalendar: Korean public holidays', () => {
  it.each([
    ['2026-01-01', '1월 1일'],
    ['2026-02-16', '설날 전날'],
    ['2026-02-17', '설날'],
    ['2026-02-18', '설날 다음 날'],
    ['2026-03-02', '대체공휴일(3ㆍ1절)'],
    ['2026-05-05', '어린이날'],
    ['2026-05-25', '대체공휴일(부처님 오신 날)'],
    ['2026-06-03', '전국동시지방선거'],
    ['2026-08-17', '대체공휴일(광복절)'],
    ['2026-09-24', '추석 전날'],
    ['2026-09-25', '추석'],
    ['2026-10-05', '대체공휴일(개천절)'],
    ['2026-10-09', '한글날'],
    ['2026-12-25', '기독탄신일'],
    ['2027-02-08', '설날 다음 날'],
    ['2027-02-09', '대체공휴일(설날)'],
    ['2027-05-03', '대체공휴일(노동절)'],
    ['2027-07-19', '대체공휴일(제헌절)'],
    ['2027-08-16', '대체공휴일(광복절)'],
    ['2027-09-14', '추석 전날'],
    ['2027-09-15', '추석'],
    ['2027-09-16', '추석 다음 날'],
    ['2027-10-04', '대체공휴일(개천절)'],
    ['2027-10-11', '대체공휴일(한글날)'],
    ['2027-12-27', '대체공휴일(기독탄신일)'],
  ])('GIVEN %s, a weekday holiday (%s) THEN it is not a working day and carries its name', (day, name) => {
    expect(weekday(day)).not.toBe(0);
    expect(weekday(day)).not.toBe(6);
    expect(calendar.isWorkingDay(day)).toBe(false);
    expect(calendar.holidayNames(day)).toContain(name);
  });

  it('GIVEN 설날 2026 (Mon 16 – Wed 18 Feb) THEN the week has only Thursday and Friday to work', () => {
    expect(days('2026-02-16', '2026-02-22').filter((d) => calendar.isWorkingDay(d))).toEqual(['2026-02-19', '2026-02-20']);
  });

  it('GIVEN 설날 2027 (Sat 6 – Mon 8 Feb) THEN the substitute holiday Tue 9 Feb is also off and work resumes on Wednesday', () => {
    expect(calendar.holidayNames('2027-02-06')).toEqual(['설날 전날']);
    expect(calendar.holidayNames('2027-02-07')).toEqual(['설날']);
    expect(days('2027-02-06', '2027-02-10').map((d) => calendar.isWorkingDay(d))).toEqual([false, false, false, false, true]);
  });

  it('GIVEN 추석 2026 (Thu 24 – Sat 26 Sep) THEN there is no substitute day: Monday 28 Sep is a working day', () => {
    expect(calendar.holidayNames('2026-09-26')).toEqual(['추석 다음 날']);
    expect(calendar.isWorkingDay('2026-09-23')).toBe(true);
    expect(days('2026-09-24', '2026-09-27').some((d) => calendar.isWorkingDay(d))).toBe(false);
    expect(calendar.isWorkingDay('2026-09-28')).toBe(true);
  });

  it('GIVEN 추석 2027 (Tue 14 – Thu 16 Sep) THEN Monday and Friday of that week are working days', () => {
    expect(days('2027-09-13', '2027-09-17').map((d) => calendar.isWorkingDay(d))).toEqual([true, false, false, false, true]);
  });

  it('GIVEN a holiday that falls on a weekend (개천절, Sat 3 Oct 2026) THEN it is named and its substitute Monday is off', () => {
    expect(calendar.holidayNames('2026-10-03')).toEqual(['개천절']);
    expect(calendar.isWorkingDay('2026-10-05')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-06')).toBe(true);
  });

  it('counts 245 working days in 2026 (365 days − 104 weekend days − 16 weekday holidays)', () => {
    const all = days('2026-01-01', '2026-12-31');
    const weekend = all.filter((d) => weekday(d) === 0 || weekday(d) === 6).length;
    const weekdayHolidays = all.filter((d) => weekday(d) !== 0 && weekday(d) !== 6 && calendar.holidayNames(d).length > 0);
    expect(weekend).toBe(104);
    expect(weekdayHolidays).toEqual([
      '2026-01-01', '2026-02-16', '2026-02-17', '2026-02-18', '2026-03-02', '2026-05-01', '2026-05-05', '2026-05-25',
      '2026-06-03', '2026-07-17', '2026-08-17', '2026-09-24', '2026-09-25', '2026-10-05', '2026-10-09', '2026-12-25',
    ]);
    expect(all.filter((d) => calendar.isWorkingDay(d))).toHaveLength(365 - 104 - 16);
  });
});

describe('WorkingDayCalendar: coverage of the packaged data', () => {
  it('covers 2026 and 2027', () => {
    expect(calendar.covers('2026-06-01')).toBe(true);
    expect(calendar.covers('2027-12-31')).toBe(true);
  });

  it('does not claim to cover a year the package has no data for', () => {
    expect(calendar.covers('2099-01-01')).toBe(false);
  });
});

describe('WorkingDayCalendar: organisation closures', () => {
  const closed = new WorkingDayCalendar(['2026-11-26', '2026-12-31']);

  it('GIVEN closures passed to the constructor THEN those weekdays are not working days', () => {
    expect(closed.isWorkingDay('2026-11-26')).toBe(false);
    expect(closed.isWorkingDay('2026-12-31')).toBe(false);
  });

  it('GIVEN closures THEN other days are unaffected and another calendar without them is unaffected', () => {
    expect(closed.isWorkingDay('2026-11-27')).toBe(true);
    expect(calendar.isWorkingDay('2026-11-26')).toBe(true);
  });

  it('GIVEN a closure THEN it is not reported as a public holiday', () => {
    expect(closed.holidayNames('2026-11-26')).toEqual([]);
  });

  it('GIVEN a closure THEN previousWorkingDay skips it', () => {
    expect(closed.previousWorkingDay('2026-11-27')).toBe('2026-11-25');
  });
});

describe('WorkingDayCalendar: previousWorkingDay', () => {
  it('GIVEN a Tuesday THEN it is the Monday before', () => {
    expect(calendar.previousWorkingDay('2026-11-24')).toBe('2026-11-23');
  });

  it('GIVEN a Monday THEN it is the Friday before', () => {
    expect(calendar.previousWorkingDay('2026-11-30')).toBe('2026-11-27');
  });

  it('GIVEN a Saturday or Sunday THEN it is that Friday', () => {
    expect(calendar.previousWorkingDay('2026-11-28')).toBe('2026-11-27');
    expect(calendar.previousWorkingDay('2026-11-29')).toBe('2026-11-27');
  });

  it('GIVEN the Monday after 추석 2026 THEN it is Wednesday 23 Sep, before the long weekend', () => {
    expect(calendar.previousWorkingDay('2026-09-28')).toBe('2026-09-23');
  });

  it('GIVEN the day after 설날 2027 and its substitute holiday THEN it is Friday 5 Feb', () => {
    expect(calendar.previousWorkingDay('2027-02-10')).toBe('2027-02-05');
  });

  it('GIVEN a long closure on top of 추석 THEN it walks back across all of it', () => {
    const closed = new WorkingDayCalendar(['2026-09-21', '2026-09-22', '2026-09-23', '2026-09-28', '2026-09-29']);
    expect(closed.previousWorkingDay('2026-09-30')).toBe('2026-09-18');
  });

  it('GIVEN the first working day of 2027 THEN it is the last working day of 2026', () => {
    // 1 Jan 2027 is a Friday holiday; Mon 4 Jan → Thu 31 Dec 2026.
    expect(calendar.previousWorkingDay('2027-01-04')).toBe('2026-12-31');
  });
});
