/**
 * The fast statistics (aggregates, counting) against the naive recomputation from raw rows, on a
 * small random organisation from the benchmark's seed: joiners, leavers, moves, a year end with its
 * holidays, small teams. Then the retention purge, which must leave every figure as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase, type SeedSummary } from '../../bench/seed.js';
import { foldAnswers } from '../../src/features/stats/answerFold.js';
import { countStats, computeStats, participationByDepartmentPartition, type StatsOptions } from '../../src/features/stats/metrics.js';
import type { Period } from '../../src/features/stats/period.js';
import { buildReport } from '../../src/features/stats/report.js';
import { purgeOldAnswers } from '../../src/features/stats/retention.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { addDays } from '../../src/time.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { naiveCounts } from './stats-naive.js';

const calendar = new WorkingDayCalendar();
const K = 5;

describe.each(DIALECTS)('%s: statistics on a seeded organisation', (dialect) => {
  let database: TestDatabase;
  let seeded: SeedSummary;
  let options: StatsOptions;
  let periods: Period[];

  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    seeded = await seedDatabase(database.db, { members: 90, days: 40, seed: 'naive', firstDay: '2025-12-01', deliveries: true });
    const today = addDays(seeded.lastDay, 1);
    options = { calendar, minGroupSize: K, today, now: new Date(`${today}T09:00:00Z`) };
    periods = [
      { from: seeded.firstDay, to: seeded.lastDay, key: 'all' },
      { from: '2025-12-01', to: '2025-12-31', key: '2025-12' },
      { from: '2025-12-22', to: '2026-01-04', key: 'year end' },
      { from: '2026-01-05', to: '2026-01-11', key: '2026-W02' },
    ];
  }, 60_000);
  afterAll(async () => database?.destroy());

  it('GIVEN the seed THEN it has leavers, joiners, movers and a team too small to show', async () => {
    const db = database.db;
    const left = await db.selectFrom('members').select('id').where('left_on', 'is not', null).execute();
    const joined = await db.selectFrom('members').select('id').where('joined_on', '>=', seeded.firstDay).execute();
    const moved = await db.selectFrom('member_departments').select('id').where('to_day', 'is not', null).execute();
    expect([left.length > 0, joined.length > 0, moved.length > 0]).toEqual([true, true, true]);
    const report = await computeStats(db, { period: periods[0]!, departmentId: null }, options);
    expect(report.headcount).toBeGreaterThan(90);
    expect(report.participation.suppressed).toBe(false);
    expect(report.topics.filter((t) => !t.accuracy.suppressed).length).toBeGreaterThan(3);
    expect(report.pledges.map((p) => p.eligible > 0)).toEqual([true, true]);
    expect(report.announcements.filter((a) => a.recipients > 0).length).toBeGreaterThan(0);
    expect(report.deliveries.failed.value).toBeGreaterThan(0);
    expect(report.weekly.length).toBeGreaterThan(7);
    expect(report.departments.some((d) => d.rank === 1)).toBe(true);
  });

  it('counts exactly what the naive recomputation from raw rows counts, for every period', async () => {
    for (const period of periods) {
      expect(await countStats(database.db, period, options), period.key).toEqual(await naiveCounts(database.db, period, calendar));
    }
  });

  it('reports exactly what the naive recomputation reports, for the organisation and every department', async () => {
    const departments = await database.db.selectFrom('departments').select('id').execute();
    for (const period of periods.slice(0, 2)) {
      const fast = await countStats(database.db, period, options);
      const naive = await naiveCounts(database.db, period, calendar);
      for (const scope of [null, ...departments.map((d) => d.id)]) expect(buildReport(fast, scope, K)).toEqual(buildReport(naive, scope, K));
    }
  });

  it('GIVEN a backlog folded member by member THEN the aggregate is the same as folded day by day', async () => {
    const byDay = await database.db.selectFrom('stats_member_years').selectAll().orderBy('member_id').orderBy('year').execute();
    await database.db.deleteFrom('stats_member_years').execute();
    const top = Number((await database.db.selectFrom('quiz_answers').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id);
    const fold = await foldAnswers(database.db, options.now!, { safe: 0, top }, 0);
    expect(fold).toEqual({ answersFolded: top, answersCoveredTo: top });
    expect(await database.db.selectFrom('stats_member_years').selectAll().orderBy('member_id').orderBy('year').execute()).toEqual(byDay);
  });

  it('GIVEN the flat export THEN headcounts add up and every hidden row stays hidden against the total', async () => {
    const partition = await participationByDepartmentPartition(database.db, periods[0]!, options);
    expect(partition.rows.reduce((s, r) => s + r.headcount, 0)).toBe(partition.organisation.headcount);
    const hidden = partition.rows.filter((r) => r.participation.suppressed);
    expect(hidden.length).not.toBe(1);
    expect(hidden.some((r) => r.headcount > 0 && r.headcount < K)).toBe(true);
    if (hidden.length > 1) expect(hidden.reduce((s, r) => s + r.headcount, 0)).toBeGreaterThanOrEqual(K);
  });

  it('GIVEN answers older than the retention THEN purging them changes no figure', async () => {
    const departments = await database.db.selectFrom('departments').select('id').execute();
    const scopes = [null, ...departments.map((d) => d.id)];
    const before = await Promise.all(periods.map((period) => countStats(database.db, period, options)));
    const answersBefore = await database.db.selectFrom('quiz_answers').select('id').execute();

    // Keep the last 20 days: the purge cuts through the middle of the periods above.
    const purge = await purgeOldAnswers(database.db, { today: options.today, retentionDays: 20, now: options.now! });
    expect(purge.before).toBe(addDays(options.today, -20));
    expect(purge.answers).toBeGreaterThan(0);
    expect(purge.assignments).toBe(purge.answers);
    const left = await database.db.selectFrom('quiz_answers').select((eb) => eb.fn.min('quiz_day').as('first')).executeTakeFirstOrThrow();
    expect(left.first! >= purge.before).toBe(true);
    expect(answersBefore.length - purge.answers).toBe((await database.db.selectFrom('quiz_answers').select('id').execute()).length);

    for (const [i, period] of periods.entries()) {
      const after = await countStats(database.db, period, options);
      expect(after, period.key).toEqual(before[i]);
      for (const scope of scopes) expect(buildReport(after, scope, K)).toEqual(buildReport(before[i]!, scope, K));
    }
  });
});
