/** The plan file's checks (issue 15): each bad input names the item and field, and gives no plan. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkOwners, milestoneTargets, parsePlan, parseProgress, targetText, tasksOf } from '../../src/features/plan/plan.js';
import { formatPlanProblems } from '../../src/features/plan/plan.commands.js';

const EXAMPLE = readFileSync('examples/plan.yaml', 'utf8');

describe('plan file', () => {
  it('GIVEN the shipped example THEN it is 3 strategies, 6 core tasks and 15 detailed tasks with owners and due dates', () => {
    const { plan, problems } = parsePlan(EXAMPLE);
    expect(problems).toEqual([]);
    expect(plan!.nodes.filter((n) => n.level === 'strategy')).toHaveLength(3);
    expect(plan!.nodes.filter((n) => n.level === 'core')).toHaveLength(6);
    expect(tasksOf(plan!)).toHaveLength(15);
    expect(tasksOf(plan!).every((t) => t.owner !== null && t.due?.startsWith('2026-'))).toBe(true);
  });

  it('GIVEN a duplicate id THEN the problem names it and no plan is given', () => {
    const { plan, problems } = parsePlan(EXAMPLE.replace('  - id: S1-1-2\n', '  - id: S1-1-1\n'));
    expect(plan).toBeUndefined();
    expect(problems).toContainEqual({ item: 'S1-1-1', field: 'id', code: 'plan.check.duplicate', params: { position: 4 } });
  });

  it('GIVEN a cycle among parents THEN the problem names the items in the cycle', () => {
    const cyclic = EXAMPLE.replace('  - id: S1\n    title:', '  - id: S1\n    parent: S1-1\n    title:');
    const { plan, problems } = parsePlan(cyclic);
    expect(plan).toBeUndefined();
    expect(problems.find((p) => p.item === 'S1')).toEqual({ item: 'S1', field: 'parent', code: 'plan.check.cycle', params: { chain: 'S1 → S1-1 → S1' } });
  });

  it('GIVEN a due date outside the plan year THEN the problem names the task and the field', () => {
    const { plan, problems } = parsePlan(EXAMPLE.replace('due: 2026-09-30', 'due: 2027-01-15').replace('{ due: 2026-06-30,', '{ due: 2025-06-30,'));
    expect(plan).toBeUndefined();
    expect(problems).toEqual([
      { item: 'S2-1-1', field: 'due', code: 'plan.check.date_year', params: { value: '2027-01-15', year: 2026 } },
      { item: 'S3-1-2', field: 'milestones[2].due', code: 'plan.check.date_year', params: { value: '2025-06-30', year: 2026 } },
    ]);
  });

  it('GIVEN owners not on the roster THEN each is named, in ko and en with the file', () => {
    const { plan } = parsePlan(EXAMPLE);
    const problems = checkOwners(plan!, new Set(['행정국', '행정국/감사과', '행정국/총무과', '경제국', '경제국/투자유치과']), new Set(['1001', '1004']));
    // 1002 owns S1-1-2 and the 감사과 tasks.
    expect(problems.map((p) => `${p.item}.${p.field}`)).toEqual(['S1-1-2.member', 'S1-2-1.owner', 'S2-1-1.member', 'S2-1-2.member', 'S2-2-1.member', 'S2-2-2.member', 'S3-1-1.member', 'S3-2-2.owner']);
    expect(formatPlanProblems('ko', 'plan.yaml', problems)).toContain('plan.yaml: S1-2-1 · owner: 담당 부서 "시장실"이 명부에 없습니다.');
    expect(formatPlanProblems('en', 'plan.yaml', problems)).toContain('plan.yaml: S1-2-1 · owner: owner department "시장실" is not on the roster.');
  });

  it('GIVEN an unknown parent, a missing owner and a bad metric THEN each is named', () => {
    const bad = EXAMPLE.replace('parent: S2-2\n', 'parent: S9\n').replace('    owner: 경제국/투자유치과\n    due: 2026-08-31', '    due: 2026-08-31').replace('metric: pulse_response', 'metric: pulse');
    const codes = parsePlan(bad).problems.map((p) => `${p.item}.${p.field}:${p.code}`);
    expect(codes).toContain('S3-1-1.indicator.metric:plan.check.metric');
    expect(codes).toContain('S2-2-1.parent:plan.check.parent');
  });

  it('GIVEN an owner path written with spaces around the separator THEN it is the roster path', () => {
    const { plan } = parsePlan(EXAMPLE.replace('owner: 경제국/투자유치과', 'owner: " 경제국 / 투자유치과 "'));
    expect(plan!.nodes.find((n) => n.id === 'S2-1-3')!.owner).toBe('경제국/투자유치과');
  });

  it('GIVEN quarterly milestones THEN each expects an even share of the progress unless it says; a bad or falling expectation is named', () => {
    const plan = parsePlan(EXAMPLE).plan!;
    expect(milestoneTargets(plan.nodes.find((n) => n.id === 'S3-1-2')!.milestones)).toEqual([25, 50, 75, 100]);
    const given = parsePlan(EXAMPLE.replace('{ due: 2026-06-30, label:', '{ due: 2026-06-30, progress: 40, label:')).plan!;
    expect(milestoneTargets(given.nodes.find((n) => n.id === 'S3-1-2')!.milestones)).toEqual([25, 40, 75, 100]);
    const bad = parsePlan(EXAMPLE.replace('{ due: 2026-06-30, label:', '{ due: 2026-06-30, progress: 150, label:'));
    expect([bad.plan, bad.problems]).toEqual([undefined, [{ item: 'S3-1-2', field: 'milestones[2].progress', code: 'plan.check.milestone_progress', params: { value: '150' } }]]);
    const falling = parsePlan(EXAMPLE.replace('{ due: 2026-09-30, label:', '{ due: 2026-09-30, progress: 10, label:'));
    expect(falling.problems).toEqual([{ item: 'S3-1-2', field: 'milestones[3].progress', code: 'plan.check.milestone_order', params: { value: 10, before: 50 } }]);
    expect(formatPlanProblems('en', 'plan.yaml', falling.problems)).toContain("plan.yaml: S3-1-2 · milestones[3].progress: expected progress 10% is below the earlier milestone's 50%.");
  });

  it('GIVEN an indicator unit per language THEN each language shows its own; a word is spaced from the figure, % and 건 are not', () => {
    const plan = parsePlan(EXAMPLE).plan!;
    const indicator = (id: string) => plan.nodes.find((n) => n.id === id)!.indicator!;
    expect([targetText(indicator('S2-2-1'), 'ko'), targetText(indicator('S2-2-1'), 'en'), targetText(indicator('S1-1-1'), 'en')]).toEqual(['4건', '4 times', '100%']);
    const bad = parsePlan(EXAMPLE.replace('unit: { ko: "건", en: "cases" }', 'unit: { ko: "건" }'));
    expect(bad.problems).toEqual([{ item: 'S3-2-2', field: 'indicator.unit.en', code: 'plan.check.text_missing' }]);
    expect(parsePlan(EXAMPLE.replace('unit: { ko: "건", en: "cases" }', 'unit: 42')).problems).toEqual([{ item: 'S3-2-2', field: 'indicator.unit', code: 'plan.check.unit' }]);
  });

  it('reads progress as a whole percentage', () => {
    expect(['0', '60', '60%', '１００', '101', '-1', '5.5', ''].map(parseProgress)).toEqual([0, 60, 60, 100, undefined, undefined, undefined, undefined]);
  });
});
