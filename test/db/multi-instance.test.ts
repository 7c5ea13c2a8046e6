/**
 * Several instances on one PostgreSQL database (two connection pools): a slot fires once, and two
 * dispatchers share the outbox through FOR UPDATE SKIP LOCKED without sending anything twice.
 * SQLite is the one-process database: its single connection serialises everything (see the feature
 * tests), and two synchronous better-sqlite3 connections in one process would only block each other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { composers, planners } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/createDb.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Services } from '../../src/engine/context.js';
import { syncQuestions } from '../../src/features/content/content.repository.js';
import { loadContent } from '../../src/features/content/loader.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { silentLogger } from '../../src/log.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { parseSchedules } from '../../src/scheduler/schedules.js';
import { syncSchedules } from '../../src/scheduler/schedules.repository.js';
import { ManualClock } from '../../src/time.js';
import { createPostgresDatabase, DIALECTS } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { FIXTURE_PACK } from '../support/harness.js';

const MEMBERS = 300;
const NINE_KST = '2026-11-27T00:00:00.000Z';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function twoConnections(): Promise<[Db, Db]> {
  const database = await createPostgresDatabase();
  cleanups.push(database.drop);
  const pair: [Db, Db] = [createDb({ dialect: 'postgres', url: database.url }), createDb({ dialect: 'postgres', url: database.url })];
  cleanups.push(async () => void (await Promise.all(pair.map((d) => d.destroy()))));
  return pair;
}

async function prepare(db: Db, clock: ManualClock): Promise<void> {
  await migrateToLatest(db);
  const roster = ['employee_no,name,email,department,roles,locale', ...Array.from({ length: MEMBERS }, (_, i) => `N${i},Member ${i},,부서/팀${i % 3},employee,${i % 2 ? 'en' : 'ko'}`)].join('\n');
  const nowIso = clock.now().toISOString();
  await importRoster(db, roster, { sync: false, skipInvalid: false, today: '2026-11-02', nowIso, actorLabel: 'test' });
  const members = await db.selectFrom('members').select(['id', 'employee_no']).execute();
  await db
    .insertInto('member_accounts')
    .values(members.map((m) => ({ member_id: m.id, platform: 'console', workspace: 'local', platform_user_id: m.employee_no!, display_name: null, linked_at: nowIso })))
    .execute();
  await syncQuestions(db, loadContent([FIXTURE_PACK]).catalog.quiz, nowIso);
  const { schedules } = parseSchedules('schedules:\n  - name: daily-quiz\n    kind: quiz\n    cron: "0 9 * * 1-5"\n', 'Asia/Seoul');
  await syncSchedules(db, schedules, nowIso);
}

function services(db: Db, clock: ManualClock, instanceId: string): Services {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', PROBITY_INSTANCE_ID: instanceId });
  return { db, clock, config, calendar: new WorkingDayCalendar(), content: loadContent([FIXTURE_PACK]).catalog, log: silentLogger };
}

describe.skipIf(!DIALECTS.includes('postgres'))('postgres: two instances on one database', () => {
  const dialect = 'postgres' as const;
  it('a slot fires once, and two dispatchers deliver every message exactly once between them', async () => {
    const clock = new ManualClock('2026-11-26T23:00:00Z');
    const [dbA, dbB] = await twoConnections();
    await prepare(dbA, clock);
    clock.set(NINE_KST);
    const a = services(dbA, clock, 'instance-a');
    const b = services(dbB, clock, 'instance-b');

    const [schedulerA, schedulerB] = [new Scheduler(a, planners), new Scheduler(b, planners)];
    const outcomes = (await Promise.all([schedulerA.runDue(), schedulerB.runDue(), schedulerA.runDue(), schedulerB.runDue()])).flat();
    await Promise.all([schedulerA.stop(), schedulerB.stop()]);
    expect(outcomes.filter((o) => o.status === 'planned')).toEqual([{ schedule: 'daily-quiz', slot: NINE_KST, status: 'planned', reason: null, planned: MEMBERS }]);
    const runs = await dbA.selectFrom('job_runs').selectAll().execute();
    expect(runs).toHaveLength(1);

    const [portA, portB] = [new FakePort(), new FakePort()];
    // Waiting for the token bucket moves the shared manual clock on.
    const options = { composers, batchSize: 20, sleep: async (ms: number) => clock.advance(ms) };
    await Promise.all([new Dispatcher(a, [portA], options).drainDue(), new Dispatcher(b, [portB], options).drainDue()]);
    const recipients = [...portA.sent, ...portB.sent].map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : ''));
    expect(recipients).toHaveLength(MEMBERS);
    expect(new Set(recipients).size).toBe(MEMBERS);
    // Both took part: claims skip each other's locked rows rather than waiting on them.
    expect(Math.min(portA.sent.length, portB.sent.length)).toBeGreaterThan(0);
    const statuses = await dbB.selectFrom('deliveries').select('status').execute();
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    const claimedBy = new Set((await dbA.selectFrom('deliveries').select('claimed_by').execute()).map((r) => r.claimed_by));
    expect([...claimedBy].every((c) => c === 'instance-a' || c === 'instance-b')).toBe(true);
  });
});
