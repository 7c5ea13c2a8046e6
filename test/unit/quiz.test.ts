import { describe, expect, it } from 'vitest';
import {
  ANSWER_GRACE_DAYS,
  buildHistory,
  canStillAnswer,
  computeStreak,
  REVIEW_INTERVALS_DAYS,
  reviewOverdue,
  seededRandom,
  selectQuestion,
  type Candidate,
  type PastAnswer,
  type QuestionHistory,
} from '../../src/features/quiz/quiz.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { addDays } from '../../src/time.js';

const q = (id: number, topic = 'graft-act'): Candidate => ({ id, key: `core/q${id}`, topic });
const answer = (id: number, quizDay: string, correct: boolean): PastAnswer => ({ key: `core/q${id}`, quizDay, correct });

function pick(candidates: Candidate[], answers: PastAnswer[], today: string, topicWeights: Record<string, number> = {}, seed = 'm1:' + today) {
  return selectQuestion({ candidates, history: buildHistory(answers), topicWeights, today, seed });
}

/** Every seed in a range picks this: the outcome does not depend on the tie-breaking draw. */
function alwaysPicks(candidates: Candidate[], answers: PastAnswer[], today: string, topicWeights: Record<string, number> = {}): Set<number | undefined> {
  const ids = new Set<number | undefined>();
  for (let s = 0; s < 50; s++) ids.add(pick(candidates, answers, today, topicWeights, `seed-${s}`)?.id);
  return ids;
}

const MISS_DAY = '2026-03-02';

describe('buildHistory', () => {
  it('GIVEN a right answer to a new question THEN it is seen and not in review', () => {
    expect(buildHistory([answer(1, '2026-03-02', true)]).get('core/q1')).toEqual({ lastDay: '2026-03-02', inReview: false, level: 0 });
  });

  it('GIVEN a miss THEN the question goes into review at level 0', () => {
    expect(buildHistory([answer(1, MISS_DAY, false)]).get('core/q1')).toEqual({ lastDay: MISS_DAY, inReview: true, level: 0 });
  });

  it('GIVEN answers out of order THEN they are replayed by day (the latest answer decides)', () => {
    const history = buildHistory([answer(1, '2026-03-10', true), answer(1, '2026-03-02', false)]);
    expect(history.get('core/q1')).toEqual({ lastDay: '2026-03-10', inReview: true, level: 1 });
  });

  it('GIVEN right answers in review THEN the level climbs by one each time', () => {
    let day = MISS_DAY;
    const answers = [answer(1, day, false)];
    for (let level = 1; level < REVIEW_INTERVALS_DAYS.length; level++) {
      day = addDays(day, REVIEW_INTERVALS_DAYS[level - 1]!);
      answers.push(answer(1, day, true));
      expect(buildHistory(answers).get('core/q1')).toEqual({ lastDay: day, inReview: true, level });
    }
  });

  it('GIVEN a miss after some right answers in review THEN the level resets to 0', () => {
    const history = buildHistory([answer(1, '2026-03-02', false), answer(1, '2026-03-04', true), answer(1, '2026-03-08', true), answer(1, '2026-03-16', false)]);
    expect(history.get('core/q1')).toEqual({ lastDay: '2026-03-16', inReview: true, level: 0 });
  });

  it(`GIVEN ${REVIEW_INTERVALS_DAYS.length} right answers in review after a miss THEN the question graduates`, () => {
    let day = MISS_DAY;
    const answers = [answer(1, day, false)];
    for (const interval of REVIEW_INTERVALS_DAYS) {
      day = addDays(day, interval);
      answers.push(answer(1, day, true));
    }
    const entry = buildHistory(answers).get('core/q1')!;
    expect(entry.inReview).toBe(false);
    expect(reviewOverdue(entry, addDays(day, 365))).toBeNull();
  });
});

describe('reviewOverdue', () => {
  it('GIVEN a question not in review THEN it is null', () => {
    expect(reviewOverdue({ lastDay: MISS_DAY, inReview: false, level: 0 }, '2027-01-01')).toBeNull();
  });

  it.each(REVIEW_INTERVALS_DAYS.map((interval, level) => [level, interval] as const))(
    'GIVEN review level %i THEN it is due exactly %i days after the last answer',
    (level, interval) => {
      const entry: QuestionHistory = { lastDay: MISS_DAY, inReview: true, level };
      expect(reviewOverdue(entry, addDays(MISS_DAY, interval - 1))).toBe(-1);
      expect(reviewOverdue(entry, addDays(MISS_DAY, interval))).toBe(0);
      expect(reviewOverdue(entry, addDays(MISS_DAY, interval + 3))).toBe(3);
    },
  );
});

describe('selectQuestion: order of preference', () => {
  it('GIVEN no candidates THEN there is nothing to ask', () => {
    expect(pick([], [], '2026-03-02')).toBeUndefined();
  });

  it('GIVEN some questions seen and some never seen THEN a never-seen one is chosen', () => {
    const candidates = [q(1), q(2), q(3), q(4)];
    const answers = [answer(1, '2026-02-02', true), answer(3, '2026-02-03', true)];
    const picked = alwaysPicks(candidates, answers, '2026-03-02');
    expect([...picked].sort()).toEqual([2, 4]);
  });

  it('GIVEN a missed question whose review is due THEN it is chosen before never-seen ones', () => {
    const candidates = [q(1), q(2), q(3)];
    const answers = [answer(1, MISS_DAY, false)];
    expect(alwaysPicks(candidates, answers, addDays(MISS_DAY, REVIEW_INTERVALS_DAYS[0]))).toEqual(new Set([1]));
  });

  it('GIVEN a missed question whose review is not yet due THEN a never-seen one is chosen instead', () => {
    const candidates = [q(1), q(2), q(3)];
    const answers = [answer(1, MISS_DAY, false)];
    const picked = alwaysPicks(candidates, answers, addDays(MISS_DAY, REVIEW_INTERVALS_DAYS[0] - 1));
    expect(picked.has(1)).toBe(false);
    expect([...picked].every((id) => id === 2 || id === 3)).toBe(true);
  });

  it('GIVEN one right answer in review THEN the question comes back only after the second, longer interval', () => {
    const candidates = [q(1), q(2)];
    const rightDay = addDays(MISS_DAY, REVIEW_INTERVALS_DAYS[0]);
    const answers = [answer(1, MISS_DAY, false), answer(1, rightDay, true)];
    expect(pick(candidates, answers, addDays(rightDay, REVIEW_INTERVALS_DAYS[1] - 1))?.id).toBe(2);
    expect(pick(candidates, answers, addDays(rightDay, REVIEW_INTERVALS_DAYS[1]))?.id).toBe(1);
  });

  it('GIVEN a second miss in review THEN the interval starts again from the first one', () => {
    const candidates = [q(1), q(2)];
    const answers = [answer(1, '2026-03-02', false), answer(1, '2026-03-04', true), answer(1, '2026-03-08', true), answer(1, '2026-03-16', false)];
    expect(pick(candidates, answers, addDays('2026-03-16', REVIEW_INTERVALS_DAYS[0] - 1))?.id).toBe(2);
    expect(pick(candidates, answers, addDays('2026-03-16', REVIEW_INTERVALS_DAYS[0]))?.id).toBe(1);
  });

  it('GIVEN a graduated question and a never-seen one THEN the never-seen one is chosen, however long ago the graduation', () => {
    let day = MISS_DAY;
    const answers = [answer(1, day, false)];
    for (const interval of REVIEW_INTERVALS_DAYS) {
      day = addDays(day, interval);
      answers.push(answer(1, day, true));
    }
    expect(alwaysPicks([q(1), q(2)], answers, addDays(day, 400))).toEqual(new Set([2]));
  });

  it('GIVEN two due reviews THEN the more overdue one is chosen', () => {
    const answers = [answer(1, '2026-03-02', false), answer(2, '2026-03-05', false)];
    expect(alwaysPicks([q(1), q(2), q(3)], answers, '2026-03-10')).toEqual(new Set([1]));
  });

  it('GIVEN every question seen and none in review THEN the least recently seen one is chosen', () => {
    const answers = [answer(1, '2026-03-05', true), answer(2, '2026-03-02', true), answer(3, '2026-03-09', true)];
    expect(alwaysPicks([q(1), q(2), q(3)], answers, '2026-03-10')).toEqual(new Set([2]));
  });

  it('GIVEN every question seen and the oldest one in review but not due THEN the least recently seen settled one is chosen', () => {
    const answers = [answer(1, '2026-03-01', true), answer(2, '2026-03-09', false), answer(3, '2026-03-05', true)];
    expect(alwaysPicks([q(1), q(2), q(3)], answers, '2026-03-10')).toEqual(new Set([1]));
    const answers2 = [answer(1, '2026-03-06', true), answer(2, '2026-03-09', false), answer(3, '2026-03-05', true)];
    expect(alwaysPicks([q(1), q(2), q(3)], answers2, '2026-03-10')).toEqual(new Set([3]));
  });
});

describe('selectQuestion: topic weights and the seeded draw', () => {
  it('GIVEN a topic weighted 0 THEN its questions are never chosen while others are available', () => {
    const candidates = [q(1, 'graft-act'), q(2, 'personnel'), q(3, 'graft-act')];
    expect(alwaysPicks(candidates, [], '2026-03-02', { 'graft-act': 0 })).toEqual(new Set([2]));
  });

  it('GIVEN a topic weighted 0 whose question is the only one unseen THEN a seen question of another topic is chosen', () => {
    const candidates = [q(1, 'graft-act'), q(2, 'personnel')];
    const answers = [answer(2, '2026-02-02', true)];
    expect(alwaysPicks(candidates, answers, '2026-03-02', { 'graft-act': 0 })).toEqual(new Set([2]));
  });

  it('GIVEN only topics weighted 0 THEN a question is still chosen rather than none', () => {
    const candidates = [q(1, 'graft-act'), q(2, 'personnel')];
    const picked = alwaysPicks(candidates, [], '2026-03-02', { 'graft-act': 0, personnel: 0 });
    expect(picked.has(undefined)).toBe(false);
    expect(picked).toEqual(new Set([1, 2]));
  });

  it('GIVEN the same seed THEN the same question is picked; different seeds spread over the candidates', () => {
    const candidates = Array.from({ length: 10 }, (_, i) => q(i + 1));
    const first = pick(candidates, [], '2026-03-02', {}, 'member-7:2026-03-02');
    for (let i = 0; i < 5; i++) expect(pick(candidates, [], '2026-03-02', {}, 'member-7:2026-03-02')).toEqual(first);
    const spread = new Set(Array.from({ length: 100 }, (_, i) => pick(candidates, [], '2026-03-02', {}, `member-${i}:2026-03-02`)?.id));
    expect(spread.size).toBeGreaterThanOrEqual(8);
  });

  it('GIVEN weight 3 against weight 1 over 1000 seeds THEN the heavier topic gets between 65% and 85% of the picks', () => {
    const candidates = [q(1, 'budget-execution'), q(2, 'graft-act')];
    let heavy = 0;
    for (let s = 0; s < 1000; s++) if (pick(candidates, [], '2026-03-02', { 'budget-execution': 3 }, `m${s}:2026-03-02`)?.id === 1) heavy++;
    expect(heavy / 1000).toBeGreaterThan(0.65);
    expect(heavy / 1000).toBeLessThan(0.85);
  });

  it('GIVEN equal weights over 1000 seeds THEN each of two candidates gets close to half', () => {
    const candidates = [q(1), q(2)];
    let first = 0;
    for (let s = 0; s < 1000; s++) if (pick(candidates, [], '2026-03-02', {}, `m${s}`)?.id === 1) first++;
    expect(first / 1000).toBeGreaterThan(0.42);
    expect(first / 1000).toBeLessThan(0.58);
  });
});

describe('seededRandom', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = seededRandom('alpha');
    const b = seededRandom('alpha');
    const c = seededRandom('beta');
    const seqA = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(seqA);
  });

  it('returns numbers in [0, 1) whose mean is close to one half', () => {
    const r = seededRandom('uniform');
    const values = Array.from({ length: 10_000 }, () => r());
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe('computeStreak (real Korean working-day calendar)', () => {
  const calendar = new WorkingDayCalendar();
  const streak = (days: string[], today: string, cal = calendar) => computeStreak(new Set(days), today, cal);

  it('GIVEN answers on Thursday, Friday and Monday WHEN asked on Monday THEN the streak is 3 (the weekend does not break it)', () => {
    expect(streak(['2026-11-26', '2026-11-27', '2026-11-30'], '2026-11-30')).toBe(3);
  });

  it('GIVEN a missed working day THEN the streak counts only the days after it', () => {
    // Wed 25, (Thu 26 missed), Fri 27, Mon 30
    expect(streak(['2026-11-25', '2026-11-27', '2026-11-30'], '2026-11-30')).toBe(2);
  });

  it("GIVEN today not answered yet THEN yesterday's streak still stands", () => {
    expect(streak(['2026-11-26', '2026-11-27'], '2026-11-30')).toBe(2);
  });

  it('GIVEN the last working day was missed too THEN the streak is 0', () => {
    expect(streak(['2026-11-25', '2026-11-26'], '2026-11-30')).toBe(0);
  });

  it('GIVEN no answers THEN the streak is 0', () => {
    expect(streak([], '2026-11-30')).toBe(0);
  });

  it('GIVEN the 추석 holidays (Thu 24 – Sat 26 Sep 2026) between two answers THEN the streak is unbroken', () => {
    // Wed 23 Sep, then the next working day is Mon 28 Sep.
    expect(streak(['2026-09-22', '2026-09-23', '2026-09-28'], '2026-09-28')).toBe(3);
  });

  it('GIVEN a substitute holiday (대체공휴일 개천절, Mon 5 Oct 2026) THEN it does not break the streak', () => {
    // Fri 2 Oct, (Sat 3 개천절, Sun 4, Mon 5 substitute), Tue 6 Oct
    expect(streak(['2026-10-02', '2026-10-06'], '2026-10-06')).toBe(2);
  });

  it('GIVEN an organisation closure THEN it does not break the streak', () => {
    const closed = new WorkingDayCalendar(['2026-11-27']);
    expect(streak(['2026-11-26', '2026-11-30'], '2026-11-30', closed)).toBe(2);
    expect(streak(['2026-11-26', '2026-11-30'], '2026-11-30')).toBe(1);
  });

  it('GIVEN an answer on a Saturday THEN it counts (the member took part) but its absence never breaks a streak', () => {
    expect(streak(['2026-11-28'], '2026-11-28')).toBe(1);
    expect(streak(['2026-11-27', '2026-11-28'], '2026-11-28')).toBe(2);
    expect(streak(['2026-11-28', '2026-11-30'], '2026-11-30')).toBe(2);
    expect(streak(['2026-11-26', '2026-11-30'], '2026-11-30')).toBe(1);
  });

  it('GIVEN an answer on a public holiday (한글날, Fri 9 Oct 2026) THEN it counts too', () => {
    expect(streak(['2026-10-08', '2026-10-09', '2026-10-12'], '2026-10-12')).toBe(3);
  });

  it('GIVEN no answer on a Saturday or a public holiday THEN the streak carries over them', () => {
    expect(streak(['2026-10-08', '2026-10-12'], '2026-10-12')).toBe(2);
    expect(streak(['2026-11-27'], '2026-11-28')).toBe(1);
    expect(streak(['2026-11-27'], '2026-11-29')).toBe(1);
  });

  it('GIVEN answers every working day for a month across a holiday THEN the streak counts every one', () => {
    const days: string[] = [];
    for (let d = '2026-09-01'; d <= '2026-10-12'; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) days.push(d);
    expect(streak(days, '2026-10-12')).toBe(days.length);
  });
});

describe('canStillAnswer', () => {
  it('GIVEN the quiz day itself THEN an answer is accepted', () => {
    expect(canStillAnswer('2026-11-27', '2026-11-27')).toBe(true);
  });

  it(`GIVEN ${ANSWER_GRACE_DAYS} day(s) later THEN an answer is still accepted`, () => {
    expect(canStillAnswer('2026-11-27', addDays('2026-11-27', ANSWER_GRACE_DAYS))).toBe(true);
  });

  it('GIVEN later than the grace period THEN an answer is refused', () => {
    expect(canStillAnswer('2026-11-27', addDays('2026-11-27', ANSWER_GRACE_DAYS + 1))).toBe(false);
  });

  it('GIVEN a quiz day in the future THEN an answer is refused', () => {
    expect(canStillAnswer('2026-11-28', '2026-11-27')).toBe(false);
  });
});
