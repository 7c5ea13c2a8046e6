/**
 * Holdout assignment and the effect estimate, through the same functions the bot uses: the
 * department-stratified hash assignment (assignHoldout), each member's outcome from their quiz
 * answers (memberOutcomes) and the comparison with its Newcombe interval (compareGroups).
 *
 * Simulated populations (200 seeded runs of 600 members in 8 departments, 30% held out, outcome
 * participation, 50% base rate, 180 held out and 420 treated in every run): with a true effect of
 * +10 points the 95% interval covered it in 189/200 runs (and excluded 0 in 117/200); with no effect
 * it covered 0 in 192/200 runs. Mean interval width: 17 points. In 200 runs of an organisation of 70
 * small teams (3 to 9 members, the smallest answering twice as often, 10% held out, no effect) it
 * covered 0 in 193/200.
 */
import { describe, expect, it } from 'vitest';
import { compareGroups, newcombe } from '../../src/features/holdout/effect.js';
import { effectText } from '../../src/features/holdout/holdout.report.js';
import { translator } from '../../src/i18n/index.js';
import { assignHoldout, memberOutcomes, readCampaignSpec, type Candidate, type SpecProblem } from '../../src/features/holdout/holdout.js';
import { seededRandom } from '../../src/features/quiz/quiz.js';
import { addDays } from '../../src/time.js';

const roster = (sizes: readonly number[]): Candidate[] => {
  let id = 0;
  return sizes.flatMap((size, d) => Array.from({ length: size }, () => ({ memberId: ++id, departmentId: d + 1 })));
};

describe('assignHoldout', () => {
  it('holds out floor or ceil of fraction · n in every department, and fraction · N overall', () => {
    const sizes = [10, 7, 3, 1, 40];
    const members = roster(sizes);
    const assigned = assignHoldout('schedule:weekly-nudge', 0.2, members, []);
    expect(assigned).toHaveLength(61);
    const heldOut = (d: number) => assigned.filter((a) => a.departmentId === d && a.heldOut).length;
    sizes.forEach((n, d) => expect([Math.floor(0.2 * n), Math.ceil(0.2 * n)]).toContain(heldOut(d + 1)));
    expect([heldOut(1), heldOut(5)]).toEqual([2, 8]);
    expect([12, 13]).toContain(assigned.filter((a) => a.heldOut).length);
  });

  it('holds out the declared share of an organisation of small teams', () => {
    // 40 teams of 3 to 8: rounding each team on its own would hold out nobody at 5% and 12% at 10%.
    const sizes = Array.from({ length: 40 }, (_, i) => 3 + (i % 6));
    const members = roster(sizes);
    for (const fraction of [0.05, 0.1]) {
      const held = assignHoldout('schedule:small-teams', fraction, members, []).filter((a) => a.heldOut).length;
      expect(Math.abs(held - fraction * members.length)).toBeLessThan(1);
    }
  });

  it('gives every member the same chance of being held out, whatever the size of their department', () => {
    // Over 400 campaigns, members of two-person teams are held out as often as those of a team of 20.
    const members = roster([2, 2, 2, 2, 2, 20]);
    const small = { held: 0, seen: 0 };
    const large = { held: 0, seen: 0 };
    for (let c = 0; c < 400; c++) {
      for (const a of assignHoldout(`letter:${c}`, 0.1, members, [])) {
        const group = a.departmentId === 6 ? large : small;
        group.seen++;
        if (a.heldOut) group.held++;
      }
    }
    expect(small.held / small.seen).toBeGreaterThan(0.07);
    expect(small.held / small.seen).toBeLessThan(0.13);
    expect(large.held / large.seen).toBeCloseTo(0.1, 2);
  });

  it('is the same on every run and differs between campaigns', () => {
    const members = roster([50, 50]);
    const once = assignHoldout('schedule:a', 0.3, members, []);
    expect(assignHoldout('schedule:a', 0.3, [...members].reverse(), [])).toEqual(once);
    const other = assignHoldout('schedule:b', 0.3, members, []);
    expect(other.filter((a) => a.heldOut).map((a) => a.memberId)).not.toEqual(once.filter((a) => a.heldOut).map((a) => a.memberId));
  });

  it('keeps recorded members as they are and brings newcomers to the department share', () => {
    const first = roster([10]);
    const recorded = assignHoldout('letter:7', 0.2, first, []);
    expect(recorded.filter((a) => a.heldOut)).toHaveLength(2);
    // Ten people join the department: two more are held out, none of the recorded ten moves.
    const grown = [...first, ...Array.from({ length: 10 }, (_, i) => ({ memberId: 100 + i, departmentId: 1 }))];
    const added = assignHoldout('letter:7', 0.2, grown, recorded);
    expect(added.map((a) => a.memberId)).toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
    expect(added.filter((a) => a.heldOut)).toHaveLength(2);
    // Someone left: the rest stay; a later newcomer fills the share again.
    expect(assignHoldout('letter:7', 0.2, grown, [...recorded, ...added])).toEqual([]);
  });
});

describe('readCampaignSpec', () => {
  const read = (raw: Record<string, unknown>) => {
    const problems: SpecProblem[] = [];
    return { spec: readCampaignSpec(raw, new Set(['gifts']), problems), codes: problems.map((p) => p.code) };
  };
  it('reads a fraction as a number or a percentage, and defaults the window', () => {
    expect(read({ holdout: '10%', outcome: 'participation' }).spec).toEqual({ fraction: 0.1, outcome: 'participation', topic: null, weeks: 4, start: null });
    expect(read({ holdout: 0.25, outcome: 'topic_accuracy', topic: 'gifts', weeks: 6 }).spec?.topic).toBe('gifts');
  });
  it('refuses a bad fraction, a missing outcome, an unknown topic, and an outcome without a holdout', () => {
    expect(read({ holdout: 0.8, outcome: 'participation' }).codes).toEqual(['holdout.error.fraction']);
    expect(read({ holdout: 0.1 }).codes).toEqual(['holdout.error.outcome_missing']);
    expect(read({ holdout: 0.1, outcome: 'topic_accuracy', topic: 'bribes' }).codes).toEqual(['holdout.error.topic_unknown']);
    expect(read({ holdout: 0.1, outcome: 'clicks' }).codes).toEqual(['holdout.error.outcome']);
    expect(read({ outcome: 'participation' })).toEqual({ spec: undefined, codes: ['holdout.error.without_holdout'] });
  });
});

/**
 * One simulated campaign: the real assignment, then each member answers the quiz in the window with
 * probability `base` (+ `effect` if treated), recorded as quiz answers; the real outcome computation
 * and comparison follow.
 */
function simulate(run: number, base: number, effect: number) {
  const members = roster([120, 90, 80, 75, 70, 65, 55, 45]);
  const key = `schedule:sim-${run}`;
  const assigned = assignHoldout(key, 0.3, members, []);
  const random = seededRandom(`outcomes:${run}`);
  const start = '2026-03-02';
  const answers = assigned.flatMap((a) => {
    const p = base + (a.heldOut ? 0 : effect);
    return random() < p ? [{ memberId: a.memberId, day: addDays(start, Math.floor(random() * 28)), topic: 'gifts', correct: true }] : [];
  });
  // Answers outside the window never count.
  answers.push(...assigned.map((a) => ({ memberId: a.memberId, day: addDays(start, -1), topic: 'gifts', correct: true })));
  const outcomes = memberOutcomes({ outcome: 'participation', topic: null }, { from: start, to: addDays(start, 28) }, assigned.map((a) => a.memberId), { answers, signatures: [] });
  return compareGroups(assigned, outcomes, 5);
}

/**
 * An organisation of small teams whose quiz habits differ: 70 teams of 3 to 9 (420 members), teams
 * of 3 or 4 answering with probability 0.8 and larger ones 0.4, 10% held out, no effect at all. The
 * real assignment, outcome and comparison as above.
 */
function simulateSmallTeams(run: number) {
  const sizes = Array.from({ length: 70 }, (_, i) => 3 + (i % 7));
  const members = roster(sizes);
  const assigned = assignHoldout(`letter:${run}`, 0.1, members, []);
  const random = seededRandom(`teams:${run}`);
  const start = '2026-03-02';
  const answers = assigned.flatMap((a) => (random() < (sizes[a.departmentId - 1]! <= 4 ? 0.8 : 0.4) ? [{ memberId: a.memberId, day: start, topic: 'gifts', correct: true }] : []));
  const outcomes = memberOutcomes({ outcome: 'participation', topic: null }, { from: start, to: addDays(start, 28) }, assigned.map((a) => a.memberId), { answers, signatures: [] });
  return compareGroups(assigned, outcomes, 5);
}

describe('the effect estimate on simulated populations', () => {
  const RUNS = 200;
  const coverage = (effect: number) => {
    let covered = 0;
    let excludesZero = 0;
    let width = 0;
    for (let run = 0; run < RUNS; run++) {
      const { difference, treated, heldOut } = simulate(run, 0.5, effect);
      if (difference && (difference.lower > 0 || difference.upper < 0)) excludesZero++;
      if (difference) width += (difference.upper - difference.lower) / RUNS;
      // 0.3 · 600: each department floor or ceil of 0.3 · n, 180 in all.
      expect(heldOut.assigned).toBe(180);
      expect(treated.assigned).toBe(420);
      if (difference && difference.lower <= effect && effect <= difference.upper) covered++;
    }
    return { covered, excludesZero, width };
  };

  it('recovers a true effect of +10 points within its 95% interval in at least 90% of runs', () => {
    const { covered, excludesZero, width } = coverage(0.1);
    expect(covered).toBeGreaterThanOrEqual(180);
    // Not by being vague: the interval is under 20 points wide and tells the effect from none most of the time.
    expect(width).toBeLessThan(0.2);
    expect(excludesZero).toBeGreaterThan(RUNS / 2);
  });

  it('shows no effect when there is none: the interval covers 0 in about 95% of runs', () => {
    const { covered, excludesZero } = coverage(0);
    expect(covered).toBeGreaterThanOrEqual(183);
    expect(excludesZero).toBe(RUNS - covered);
  });

  it('shows no effect when there is none in an organisation of small teams that differ (every team can be held out)', () => {
    let covered = 0;
    for (let run = 0; run < RUNS; run++) {
      const { difference, heldOut } = simulateSmallTeams(run);
      expect(heldOut.assigned).toBe(42);
      if (difference && difference.lower <= 0 && 0 <= difference.upper) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(180);
  });

  it('shows nothing when a group is below the minimum group size', () => {
    const assigned = roster([20]).map((c, i) => ({ ...c, heldOut: i < 3 }));
    const outcomes = new Map(assigned.map((a) => [a.memberId, true]));
    const result = compareGroups(assigned, outcomes, 5);
    expect(result.difference).toBeNull();
    expect(result.heldOut).toEqual({ assigned: 3, n: 3, x: 3 });
    expect(compareGroups(assigned, outcomes, 3).difference).not.toBeNull();
  });
});

describe('the effect report text', () => {
  const campaign = { id: 1, key: 'schedule:weekly-nudge', source: 'schedule' as const, holdout: 0.3, outcome: 'participation', topic: null, weeks: 4, start_day: '2026-03-02', treatment: null, active: 1, created_at: '' };
  const report = (difference: boolean) => ({
    name: 'weekly-nudge',
    campaign,
    window: { from: '2026-03-02', to: '2026-03-30' },
    comparison: { treated: { assigned: 28, n: 28, x: 21 }, heldOut: { assigned: 12, n: 12, x: 5 }, difference: difference ? newcombe(21, 28, 5, 12) : null },
  });

  it('reads in English with the same figures, and says when the window is still open', () => {
    const text = effectText(translator('en'), report(true), '2026-03-10', 5);
    expect(text).toContain('Treated: 75.0% (21/28 people, 28 assigned)');
    expect(text).toContain('Held out: 41.7% (5/12 people, 12 assigned)');
    expect(text).toMatch(/Difference \(treated − held out\): \+33\.3 points \(95% CI [+−]\d+\.\d to \+\d+\.\d\)/);
    expect(text).toContain('interim');
    expect(text).not.toMatch(/[가-힣]/);
    expect(effectText(translator('en'), report(true), '2026-03-30', 5)).not.toContain('interim');
  });

  it('shows only the assigned sizes when a group is too small', () => {
    const text = effectText(translator('ko'), report(false), '2026-04-01', 13);
    expect(text).toContain('소집단 비공개');
    expect(text).not.toContain('41.7%');
    expect(text).not.toContain('%p');
  });
});
