/** HR statistics against figures worked out by hand (see stats-fixture.ts), on both dialects. */
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/engine/errors.js';
import { countStats, computeStats, participationByDepartmentPartition, type StatsOptions } from '../../src/features/stats/metrics.js';
import { buildReport } from '../../src/features/stats/report.js';
import { purgeOldAnswers } from '../../src/features/stats/retention.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { naiveCounts } from './stats-naive.js';
import { buildFixture, NOW, PERIOD, TODAY, type Fixture } from './stats-fixture.js';

const calendar = new WorkingDayCalendar();
const options = (minGroupSize: number): StatsOptions => ({ calendar, minGroupSize, today: TODAY, now: NOW });
const shown = (numerator: number, denominator: number) => ({ value: numerator / denominator, numerator, denominator, suppressed: false, reason: null });
const hidden = (reason: 'small_group' | 'complementary', denominator: number | null) => ({ value: null, numerator: null, denominator, suppressed: true, reason });
const count = (value: number) => ({ value, suppressed: false, reason: null });

let database: TestDatabase;
afterEach(async () => database?.destroy());

describe.each(DIALECTS)('%s: statistics', (dialect) => {
  let f: Fixture;
  const open = async () => {
    database = await openTestDatabase(dialect);
    f = await buildFixture(database.db);
    return database.db;
  };

  it('GIVEN joiners, leavers, a move, a holiday and answers on days off THEN the organisation report matches the hand count', async () => {
    const db = await open();
    const report = await computeStats(db, { period: PERIOD, departmentId: null }, options(2));
    expect(report).toMatchObject({
      period: PERIOD,
      scope: { departmentId: null, path: null, name: null },
      minGroupSize: 2,
      workingDays: 9,
      quizDaysHeld: 2,
      // m1 m2 m4 (감사과), m3 m5 (총무과), m6 (본부); not m7 (gone), not m9 (only a weekend).
      headcount: 6,
      joiners: 1,
      leavers: 1,
      participation: shown(5, 6),
      // Working days answered: m1 3, m2 1, m3 1, m4 2, m6 0 (holiday and Saturday); working days active 9+5+3+9+9+9.
      depth: shown(7, 44),
      // Quiz runs: 3 + 3 sent (one pending); messages: 4 + 3 sent, m5's failed.
      deliveries: { sent: count(13), failed: count(2), skipped: count(1) },
      departments: [{ departmentId: f.hq, path: '본부', name: '본부', headcount: 6, participation: shown(5, 6), depth: shown(7, 44), rank: 1 }],
    });
    expect(report.topics).toEqual([
      { topic: 'conflict-of-interest', answered: count(3), correct: count(2), accuracy: { ...shown(2, 3) } },
      { topic: 'graft-act', answered: count(6), correct: count(5), accuracy: { ...shown(5, 6) } },
    ]);
    expect(report.pledges).toEqual([
      // m4 signed after the period; m2 signed the old version only.
      { pledgeId: f.pledges.code, key: 'core/code', pack: 'core', slug: 'code', version: 2, audience: 'all', eligible: 5, completion: shown(2, 5) },
      { pledgeId: f.pledges.leaders, key: 'core/leaders', pack: 'core', slug: 'leaders', version: 1, audience: 'leaders', eligible: 1, completion: hidden('small_group', 1) },
    ]);
    // To all on 4 March: its audience is m1 m3 m4 m5 m6, m5 included though their DM failed (counted
    // beside); m7 (gone) and m2 (not yet there) acknowledged but were not in it. The letter of 11 March
    // asks for no acknowledgement and was planned for nobody here, yet it is listed: it was sent.
    expect(report.announcements.map((a) => [a.day, a.recipients, a.acknowledgement, a.failed.value])).toEqual([
      ['2026-03-04', 5, shown(3, 5), 1],
      ['2026-03-10', 3, shown(1, 3), 0],
      ['2026-03-11', 0, { value: null, numerator: null, denominator: 0, suppressed: false, reason: null }, 0],
    ]);
    expect(report.weekly).toEqual([
      { week: '2026-W10', from: '2026-03-02', to: '2026-03-08', workingDays: 4, headcount: 5, participation: shown(4, 5) },
      { week: '2026-W11', from: '2026-03-09', to: '2026-03-13', workingDays: 5, headcount: 5, participation: shown(3, 5) },
    ]);
  });

  it('GIVEN a department THEN its subtree is reported, its children ranked by participation, and a lone small sibling hides the next smallest', async () => {
    const db = await open();
    const hq = await computeStats(db, { period: PERIOD, departmentId: f.hq }, options(2));
    expect(hq.headcount).toBe(6);
    // 본부's own member (1) is too few; 총무과 (2) is the smallest other part, so it goes too.
    expect(hq.departments).toEqual([
      { departmentId: f.audit, path: '본부/감사과', name: '감사과', headcount: 3, participation: shown(3, 3), depth: shown(6, 23), rank: 1 },
      { departmentId: f.general, path: '본부/총무과', name: '총무과', headcount: 2, participation: hidden('complementary', 2), depth: hidden('complementary', 12), rank: null },
    ]);

    const audit = await computeStats(db, { period: PERIOD, departmentId: f.audit }, options(2));
    expect(audit).toMatchObject({ scope: { departmentId: f.audit, path: '본부/감사과', name: '감사과' }, headcount: 3, joiners: 1, leavers: 0, participation: shown(3, 3), depth: shown(6, 23), departments: [] });
    expect(audit.deliveries).toEqual({ sent: count(8), failed: count(0), skipped: count(0) });
    expect(audit.topics.map((t) => [t.topic, t.accuracy])).toEqual([
      ['conflict-of-interest', { ...shown(2, 3) }],
      ['graft-act', { ...shown(3, 3) }],
    ]);
    expect(audit.pledges.map((p) => [p.key, p.eligible, p.completion])).toEqual([
      ['core/code', 3, shown(1, 3)],
      ['core/leaders', 0, { value: null, numerator: 0, denominator: 0, suppressed: false, reason: null }],
    ]);
    // Week 10: 감사과 had m1 and m4 (attributed for the period); 본부's one member is hidden, and 감사과 (2) sorts before 총무과 (2).
    expect(audit.weekly.map((w) => [w.week, w.headcount, w.participation])).toEqual([
      ['2026-W10', 2, hidden('complementary', 2)],
      ['2026-W11', 3, shown(3, 3)],
    ]);
    expect(audit.announcements.map((a) => [a.day, a.recipients, a.acknowledgement])).toEqual([
      ['2026-03-04', 1, hidden('small_group', 1)],
      ['2026-03-10', 3, shown(1, 3)],
      ['2026-03-11', 0, { value: null, numerator: null, denominator: 0, suppressed: false, reason: null }],
    ]);
  });

  it('GIVEN a period before the move THEN the mover counts for the old department', async () => {
    const db = await open();
    const counts = await countStats(db, { from: '2026-03-02', to: '2026-03-06', key: 'w10' }, options(5));
    expect([counts.direct.get(f.audit)!.headcount, counts.direct.get(f.general)!.headcount, counts.direct.get(f.hq)!.headcount]).toEqual([1, 3, 1]);
    expect(counts.direct.get(f.general)!.deliveries).toEqual({ sent: 3, failed: 2, skipped: 1 });
  });

  it('GIVEN the default minimum group of 5 THEN every department figure is hidden but the headcounts, and the organisation is shown', async () => {
    const db = await open();
    const org = await computeStats(db, { period: PERIOD, departmentId: null }, options(5));
    expect(org.participation).toEqual(shown(5, 6));
    expect(org.pledges[0]!.completion).toEqual(shown(2, 5));
    // Four people answered on graft-act, two on conflict-of-interest: both too few, hidden answers and all.
    expect(org.topics.map((t) => [t.topic, t.answered.value, t.accuracy.suppressed])).toEqual([
      ['conflict-of-interest', null, true],
      ['graft-act', null, true],
    ]);
    const hq = await computeStats(db, { period: PERIOD, departmentId: f.hq }, options(5));
    expect(hq.departments.map((d) => [d.headcount, d.participation.reason])).toEqual([
      [3, 'small_group'],
      [2, 'small_group'],
    ]);
    const audit = await computeStats(db, { period: PERIOD, departmentId: f.audit }, options(5));
    expect(audit.headcount).toBe(3);
    expect(audit.participation).toEqual(hidden('small_group', 3));
    expect(audit.deliveries.sent).toEqual({ value: null, suppressed: true, reason: 'small_group' });
    expect(audit.topics.every((t) => t.answered.value === null && t.accuracy.denominator === null)).toBe(true);
  });

  it('GIVEN the flat export THEN rows are direct members, add up to the organisation, and no hidden row can be recovered', async () => {
    const db = await open();
    const partition = await participationByDepartmentPartition(db, PERIOD, options(2));
    expect(partition.organisation).toMatchObject({ headcount: 6, participation: shown(5, 6) });
    expect(partition.rows.map((r) => [r.path, r.level, r.headcount, r.participation, r.pledges[0]!.completion])).toEqual([
      ['본부', 1, 1, hidden('small_group', 1), hidden('small_group', 1)],
      ['본부/감사과', 2, 3, shown(3, 3), shown(1, 3)],
      ['본부/총무과', 2, 2, hidden('complementary', 2), hidden('small_group', 1)],
    ]);
    expect(partition.rows.reduce((s, r) => s + r.headcount, 0)).toBe(partition.organisation.headcount);
  });

  it('GIVEN an unknown department THEN the report is refused with stats.error.department', async () => {
    const db = await open();
    await expect(computeStats(db, { period: PERIOD, departmentId: 99_999 }, options(5))).rejects.toThrow(UserError);
  });

  it('matches the naive recomputation from raw rows, for every scope', async () => {
    const db = await open();
    for (const period of [PERIOD, { from: '2026-02-20', to: '2026-03-09', key: 'p' }, { from: '2026-03-07', to: '2026-03-08', key: 'weekend' }]) {
      const fast = await countStats(db, period, options(2));
      const naive = await naiveCounts(db, period, calendar);
      expect(fast).toEqual(naive);
      for (const scope of [null, f.hq, f.audit, f.general]) expect(buildReport(fast, scope, 2)).toEqual(buildReport(naive, scope, 2));
    }
  });

  it('GIVEN a new answer, acknowledgement and finished run after a report THEN the next report includes them', async () => {
    const db = await open();
    const before = await computeStats(db, { period: PERIOD, departmentId: null }, options(2));
    await db.insertInto('quiz_answers').values({ member_id: f.members.m5, question_id: f.topics.graft, quiz_day: '2026-03-12', choice_index: 0, correct: 1, platform: 'console', answered_at: '2026-03-12T01:00:00Z' }).execute();
    await db.updateTable('deliveries').set({ status: 'sent' }).where('status', '=', 'pending').execute();
    const [toAll] = await db.selectFrom('announcements').select('id').orderBy('day').execute();
    await db.insertInto('acknowledgements').values({ announcement_id: toAll!.id, member_id: f.members.m3, acknowledged_at: '2026-03-05T03:00:00Z', day: '2026-03-05', platform: 'console' }).execute();
    const after = await computeStats(db, { period: PERIOD, departmentId: null }, options(2));
    expect([before.participation.numerator, after.participation.numerator]).toEqual([5, 6]);
    expect([before.deliveries.sent.value, after.deliveries.sent.value]).toEqual([13, 14]);
    expect([before.announcements[0]!.acknowledgement.numerator, after.announcements[0]!.acknowledgement.numerator]).toEqual([3, 4]);
    expect(await countStats(db, PERIOD, options(2))).toEqual(await naiveCounts(db, PERIOD, calendar));
  });

  it('GIVEN answers older than the retention WHEN they are purged THEN every report is deep-equal to before', async () => {
    const db = await open();
    const scopes = [null, f.hq, f.audit, f.general];
    const before = await Promise.all(scopes.map((departmentId) => computeStats(db, { period: PERIOD, departmentId }, options(2))));
    const partitionBefore = await participationByDepartmentPartition(db, PERIOD, options(2));
    // Retention of 5 days on 13 March: answers of quiz days before 8 March go.
    const purge = await purgeOldAnswers(db, { today: TODAY, retentionDays: 5, now: NOW });
    expect(purge).toEqual({ before: '2026-03-08', answers: 8, assignments: 0 });
    expect((await db.selectFrom('quiz_answers').select('quiz_day').orderBy('quiz_day').execute()).map((r) => r.quiz_day)).toEqual(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-16']);
    for (const [i, departmentId] of scopes.entries()) expect(await computeStats(db, { period: PERIOD, departmentId }, options(2))).toEqual(before[i]);
    expect(await participationByDepartmentPartition(db, PERIOD, options(2))).toEqual(partitionBefore);
  });

  it('GIVEN a counted run that gains a recipient later (a one-off send adds one) THEN the run is counted again', async () => {
    const db = await open();
    const before = await computeStats(db, { period: PERIOD, departmentId: null }, options(2));
    const march3 = await db.selectFrom('job_runs').select('id').where('day', '=', '2026-03-03').executeTakeFirstOrThrow();
    expect(await db.selectFrom('stats_job_runs').select('job_run_id').where('job_run_id', '=', march3.id).execute()).toHaveLength(1);
    await db
      .insertInto('deliveries')
      .values({ job_run_id: march3.id, member_id: f.members.m6, recipient: `member:${f.members.m6}`, status: 'sent', attempts: 1, next_attempt_at: NOW.toISOString(), claimed_by: null, claimed_until: null, platform: 'console', message_ref: null, error: null, created_at: NOW.toISOString(), sent_at: null })
      .execute();
    const after = await computeStats(db, { period: PERIOD, departmentId: null }, options(2));
    expect([before.deliveries.sent.value, after.deliveries.sent.value]).toEqual([13, 14]);
    expect(await countStats(db, PERIOD, options(2))).toEqual(await naiveCounts(db, PERIOD, calendar));
  });

  it('GIVEN answers newer than the safety margin THEN they count at once, the watermark waits for them, and folding them again changes nothing', async () => {
    const db = await open();
    await computeStats(db, { period: PERIOD, departmentId: null }, options(2));
    const safe = async () => (await db.selectFrom('stats_state').select('value').where('name', '=', 'answers_safe_id').executeTakeFirstOrThrow()).value;
    const settled = await safe();
    // Answered a minute ago: on PostgreSQL a transaction with a lower id could still be committing.
    await db.insertInto('quiz_answers').values({ member_id: f.members.m5, question_id: f.topics.conflict, quiz_day: '2026-03-13', choice_index: 1, correct: 0, platform: 'console', answered_at: new Date(NOW.getTime() - 60_000).toISOString() }).execute();
    const first = await computeStats(db, { period: PERIOD, departmentId: null }, options(2));
    expect(first.participation.numerator).toBe(6);
    expect(await safe()).toBe(settled);
    const again = await computeStats(db, { period: PERIOD, departmentId: null }, options(2));
    expect(again).toEqual(first);
    const later = { ...options(2), now: new Date(NOW.getTime() + 10 * 60_000) };
    expect(await computeStats(db, { period: PERIOD, departmentId: null }, later)).toEqual(first);
    expect(Number(await safe())).toBeGreaterThan(Number(settled));
  });
});
