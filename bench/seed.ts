/**
 * npm run bench -- seed [--members N] [--days D] [--db sqlite:<path>] [--pg-db <name>] [--seed S] [--first-day YYYY-MM-DD]
 *
 * Builds a realistic synthetic organisation for the statistics benchmark (bench/seed/organisation.ts)
 * and D working days of activity: the daily quiz delivered to everyone active (a few failures and
 * skips), answers on most days with participation varying by department and accuracy by topic,
 * assignments, two pledges with signatures (one re-versioned), monthly leadership messages through
 * the outbox with acknowledgements. Written with bulk inserts into a fresh SQLite file and, when TEST_DATABASE_URL is
 * set, into a dedicated PostgreSQL database beside it (never the developer's own). Then the statistics
 * aggregates are built, as they would have been through the year. Prints timings; last line JSON.
 */
import { existsSync, rmSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createDb, dialectOf } from '../src/db/createDb.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { seededRandom } from '../src/features/quiz/quiz.js';
import { refreshAggregates } from '../src/features/stats/aggregates.js';
import { WorkingDayCalendar } from '../src/scheduler/calendar.js';
import { addDays, type Day } from '../src/time.js';
import { bulkInsert, resetSequences, type Columns, type Row } from './bulk.js';
import { activeOn, buildDepartments, buildMembers, departmentOn } from './seed/organisation.js';

export const DEFAULT_SQLITE = './data/bench-stats.sqlite';
export const DEFAULT_PG_DATABASE = 'probity_bench_stats';
const T0 = '2024-12-01T00:00:00.000Z';
const TOPICS = ['graft-act', 'conflict-of-interest', 'code-of-conduct', 'whistleblowing', 'personnel', 'preferential-treatment', 'budget-execution', 'assessment', 'civil-act'];
const QUESTIONS_PER_TOPIC = 6;
const DELIVERY_FAILED = 0.025;
const DELIVERY_SKIPPED = 0.01;
const ACK_SHARE = 0.85;
const SQLITE_SEED_CACHE_KIB = 256 * 1024;
const DAYS_PER_TRANSACTION = 10;
const SCHEDULE_COLUMNS: Columns = { id: 'integer', name: 'text', kind: 'text', cron: 'text', timezone: 'text', audience: 'text', delivery: 'text', working_days_only: 'integer', enabled: 'integer', paused: 'integer', created_at: 'text', updated_at: 'text' };
const JOB_RUN_COLUMNS: Columns = { id: 'integer', schedule_id: 'integer', slot: 'text', day: 'text', status: 'text', reason: 'text', planned: 'integer', payload: 'text', created_at: 'text' };
const DELIVERY_COLUMNS: Columns = { id: 'integer', job_run_id: 'integer', member_id: 'integer', recipient: 'text', status: 'text', attempts: 'integer', next_attempt_at: 'text', platform: 'text', error: 'text', created_at: 'text', sent_at: 'text' };

export interface SeedOptions {
  members: number;
  days: number;
  seed: string;
  firstDay: Day;
  /** Skip the outbox rows (2.5 million for a year of 10,000 staff). */
  deliveries: boolean;
}

export interface SeedSummary {
  members: number;
  departments: number;
  answers: number;
  deliveries: number;
  firstDay: Day;
  lastDay: Day;
}

/** The flags every benchmark reads: `--flag value` pairs, whole numbers, and the databases it runs on. */
export function benchArgs(argv: readonly string[]) {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : argv[i + 1];
  };
  const number = (flag: string, fallback: number, min = 0) => {
    const n = Number(value(flag) ?? fallback);
    if (!Number.isInteger(n) || n < min) throw new Error(min > 0 ? `${flag} needs a positive whole number` : `${flag} needs a whole number`);
    return n;
  };
  const db = value('--db') ?? `sqlite:${DEFAULT_SQLITE}`;
  if (!db.startsWith('sqlite:')) throw new Error('--db takes sqlite:<path>; PostgreSQL comes from TEST_DATABASE_URL (--pg-db names the database)');
  return { value, number, sqlite: db.slice('sqlite:'.length), pgDatabase: value('--pg-db') ?? DEFAULT_PG_DATABASE };
}

export function parseSeedArgs(argv: readonly string[]): SeedOptions & { sqlite: string; pgDatabase: string } {
  const { value, number: whole, sqlite, pgDatabase } = benchArgs(argv);
  const number = (flag: string, fallback: number) => whole(flag, fallback, 1);
  return {
    members: number('--members', 10_000),
    days: number('--days', 250),
    seed: value('--seed') ?? 'probity',
    firstDay: value('--first-day') ?? '2025-01-02',
    deliveries: !argv.includes('--no-deliveries'),
    sqlite,
    pgDatabase,
  };
}

/** The working days from `firstDay` on. */
export function seedDays(firstDay: Day, count: number, calendar = new WorkingDayCalendar()): Day[] {
  const days: Day[] = [];
  for (let d = firstDay; days.length < count; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) days.push(d);
  return days;
}

/** Fills a migrated, empty database. */
export async function seedDatabase(db: Kysely<Database>, options: SeedOptions): Promise<SeedSummary> {
  const random = seededRandom(options.seed);
  const days = seedDays(options.firstDay, options.days);
  const departments = buildDepartments(random);
  const members = buildMembers(random, departments, options.members, days);
  const lastDay = days[days.length - 1]!;

  await bulkInsert(db, 'departments', { id: 'integer', name: 'text', parent_id: 'integer', path: 'text', created_at: 'text' }, departments.map((d) => ({ id: d.id, name: d.name, parent_id: d.parentId, path: d.path, created_at: T0 })));
  await bulkInsert(
    db,
    'members',
    { id: 'integer', employee_no: 'text', name: 'text', email: 'text', department_id: 'integer', roles: 'text', locale: 'text', preferred_locale: 'text', source: 'text', joined_on: 'text', left_on: 'text', created_at: 'text', updated_at: 'text' },
    members.map((m) => ({
      id: m.id,
      employee_no: m.employeeNo,
      name: `직원 ${m.id}`,
      email: `${m.employeeNo.toLowerCase()}@bench.example`,
      department_id: m.departmentId,
      roles: ['employee', ...(m.manager ? ['manager'] : []), ...(m.hr ? ['hr'] : [])].join(';'),
      locale: m.id % 10 === 0 ? 'en' : 'ko',
      preferred_locale: null,
      source: 'roster',
      joined_on: m.joinedOn,
      left_on: m.leftOn,
      created_at: T0,
      updated_at: T0,
    })),
  );
  const spans: Row[] = members.flatMap((m) =>
    m.movedOn === null
      ? [{ member_id: m.id, department_id: m.departmentId, from_day: m.joinedOn, to_day: null }]
      : [
          { member_id: m.id, department_id: m.previousDepartmentId, from_day: m.joinedOn, to_day: m.movedOn },
          { member_id: m.id, department_id: m.departmentId, from_day: m.movedOn, to_day: null },
        ],
  );
  await bulkInsert(db, 'member_departments', { id: 'integer', member_id: 'integer', department_id: 'integer', from_day: 'text', to_day: 'text' }, spans.map((s, i) => ({ id: i + 1, ...s })));

  // Questions: a few per topic, each topic with its own difficulty.
  const accuracy = TOPICS.map(() => 0.55 + random() * 0.37);
  const questions = TOPICS.flatMap((topic, t) => Array.from({ length: QUESTIONS_PER_TOPIC }, (_, q) => ({ id: t * QUESTIONS_PER_TOPIC + q + 1, topic, t })));
  await bulkInsert(
    db,
    'questions',
    { id: 'integer', pack: 'text', slug: 'text', version: 'integer', topic: 'text', kind: 'text', difficulty: 'integer', choice_count: 'integer', answer_index: 'integer', content_hash: 'text', body: 'text', active: 'integer', created_at: 'text' },
    questions.map((q) => ({ id: q.id, pack: 'bench', slug: `q${q.id}`, version: 1, topic: q.topic, kind: 'choice', difficulty: 1 + (q.id % 3), choice_count: 4, answer_index: q.id % 4, content_hash: `h${q.id}`, body: '{}', active: 1, created_at: T0 })),
  );

  await bulkInsert(db, 'schedules', SCHEDULE_COLUMNS, [
    { id: 1, name: 'daily-quiz', kind: 'quiz', cron: '0 9 * * 1-5', timezone: 'Asia/Seoul', audience: '{"all":true}', delivery: 'dm', working_days_only: 1, enabled: 1, paused: 0, created_at: T0, updated_at: T0 },
  ]);

  let answers = 0;
  let deliveries = 0;
  let runs: Row[] = [];
  let answerRows: Row[] = [];
  let assignmentRows: Row[] = [];
  let deliveryRows: Row[] = [];
  const flush = () =>
    db.transaction().execute(async (trx) => {
      if (dialectOf(trx) === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
      await bulkInsert(trx, 'job_runs', JOB_RUN_COLUMNS, runs);
      await bulkInsert(trx, 'deliveries', DELIVERY_COLUMNS, deliveryRows);
      await bulkInsert(trx, 'quiz_assignments', { id: 'integer', member_id: 'integer', quiz_day: 'text', question_id: 'integer', assigned_at: 'text' }, assignmentRows);
      await bulkInsert(trx, 'quiz_answers', { id: 'integer', member_id: 'integer', question_id: 'integer', quiz_day: 'text', choice_index: 'integer', correct: 'integer', platform: 'text', answered_at: 'text' }, answerRows);
      [runs, answerRows, assignmentRows, deliveryRows] = [[], [], [], []];
    });
  for (let dayIndex = 0; dayIndex < days.length; dayIndex++) {
    const day = days[dayIndex]!;
    const runId = dayIndex + 1;
    const slot = `${day}T00:00:00.000Z`; // 09:00 in Seoul
    let planned = 0;
    for (const m of members) {
      if (!activeOn(m, day)) continue;
      planned++;
      if (options.deliveries) {
        const r = random();
        const status = r < DELIVERY_FAILED ? 'failed' : r < DELIVERY_FAILED + DELIVERY_SKIPPED ? 'skipped' : 'sent';
        deliveryRows.push({
          id: ++deliveries,
          job_run_id: runId,
          member_id: m.id,
          recipient: `member:${m.id}`,
          status,
          attempts: status === 'failed' ? 10 : 1,
          next_attempt_at: slot,
          platform: 'slack',
          error: status === 'failed' ? 'dm_closed' : status === 'skipped' ? 'no_account' : null,
          created_at: slot,
          sent_at: status === 'sent' ? slot : null,
        });
      }
      if (random() >= m.propensity) continue;
      const question = questions[Math.floor(random() * questions.length)]!;
      const correct = random() < accuracy[question.t]! ? 1 : 0;
      const at = `${day}T0${Math.floor(random() * 9)}:${String(Math.floor(random() * 60)).padStart(2, '0')}:00.000Z`;
      answers++;
      answerRows.push({ id: answers, member_id: m.id, question_id: question.id, quiz_day: day, choice_index: correct ? question.id % 4 : (question.id + 1) % 4, correct, platform: 'slack', answered_at: at });
      assignmentRows.push({ id: answers, member_id: m.id, quiz_day: day, question_id: question.id, assigned_at: slot });
    }
    runs.push({ id: runId, schedule_id: 1, slot, day, status: 'planned', reason: null, planned, payload: '{}', created_at: slot });
    if (runs.length === DAYS_PER_TRANSACTION || dayIndex === days.length - 1) await flush();
  }

  await seedPledges(db, random, members, departments, days);
  deliveries += await seedAnnouncements(db, random, members, departments, days, { run: days.length, delivery: deliveries });
  await resetSequences(db, ['departments', 'members', 'member_departments', 'questions', 'schedules', 'job_runs', 'deliveries', 'quiz_assignments', 'quiz_answers', 'pledges', 'pledge_campaigns', 'pledge_signatures', 'announcements', 'acknowledgements']);
  return { members: members.length, departments: departments.length, answers, deliveries, firstDay: days[0]!, lastDay };
}

type Members = ReturnType<typeof buildMembers>;
type Departments = ReturnType<typeof buildDepartments>;

/** The code of conduct pledge (version 1 signed early on, version 2 after a revision) and the leaders' pledge. */
async function seedPledges(db: Kysely<Database>, random: () => number, members: Members, departments: Departments, days: readonly Day[]): Promise<void> {
  const pledge = (id: number, slug: string, version: number, audience: string, active: number) => ({ id, pack: 'bench', slug, version, audience, content_hash: `${slug}${version}`, body: '{}', active, created_at: T0 });
  await bulkInsert(db, 'pledges', { id: 'integer', pack: 'text', slug: 'text', version: 'integer', audience: 'text', content_hash: 'text', body: 'text', active: 'integer', created_at: 'text' }, [
    pledge(1, 'code-of-conduct', 1, 'all', 0),
    pledge(2, 'code-of-conduct', 2, 'all', 1),
    pledge(3, 'leaders', 1, 'leaders', 1),
  ]);
  const opened = days[Math.min(10, days.length - 1)]!;
  await bulkInsert(db, 'pledge_campaigns', { id: 'integer', pack: 'text', slug: 'text', audience: 'text', due_on: 'text', opened_by: 'integer', opened_at: 'text', day: 'text', recipients: 'integer', closed_at: 'text' }, [
    { id: 1, pack: 'bench', slug: 'code-of-conduct', audience: '{"all":true}', due_on: addDays(opened, 14), opened_by: 1, opened_at: `${opened}T00:00:00.000Z`, day: opened, recipients: 0, closed_at: null },
    { id: 2, pack: 'bench', slug: 'leaders', audience: '{"leaders":true}', due_on: addDays(opened, 14), opened_by: 1, opened_at: `${opened}T00:00:00.000Z`, day: opened, recipients: 0, closed_at: null },
  ]);
  const rows: Row[] = [];
  const sign = (memberId: number, pledgeId: number, day: Day) =>
    rows.push({ id: rows.length + 1, member_id: memberId, pledge_id: pledgeId, campaign_id: pledgeId === 1 ? null : pledgeId - 1, signed_at: `${day}T01:00:00.000Z`, day, platform: 'slack', platform_user_id: `U${memberId}`, locale: 'ko', text_hash: 'bench' });
  for (const m of members) {
    const start = m.joinedOn > opened ? m.joinedOn : opened;
    const willing = 0.7 + departments[m.departmentId - 1]!.keenness * 0.3;
    const signDay = addDays(start, Math.floor(-Math.log(1 - random()) * 6));
    if (m.joinedOn < days[0]! && random() < 0.6) sign(m.id, 1, addDays(days[0]!, -30));
    if ((m.leftOn === null || signDay < m.leftOn) && signDay <= days[days.length - 1]! && random() < willing) {
      sign(m.id, 2, signDay);
      if (m.manager && random() < 0.9) sign(m.id, 3, signDay);
    }
  }
  await bulkInsert(db, 'pledge_signatures', { id: 'integer', member_id: 'integer', pledge_id: 'integer', campaign_id: 'integer', signed_at: 'text', day: 'text', platform: 'text', platform_user_id: 'text', locale: 'text', text_hash: 'text' }, rows);
}

/**
 * A leadership message on the first working day of each month, through its own outbox run as the
 * announcements feature sends them; two of them to one bureau only, one without acknowledgement.
 * Only members it reached acknowledge. Returns the deliveries written.
 */
async function seedAnnouncements(db: Kysely<Database>, random: () => number, members: Members, departments: Departments, days: readonly Day[], after: { run: number; delivery: number }): Promise<number> {
  const firsts = days.filter((d, i) => i === 0 || d.slice(0, 7) !== days[i - 1]!.slice(0, 7));
  const bureau = departments.find((d) => d.parentId === null && d.name === '감사관실') ?? departments[0]!;
  const messages = firsts.map((day, i) => ({ id: i + 1, day, audience: i % 5 === 3 ? { departments: [bureau.path] } : { all: true as const }, ack: i % 6 === 5 ? 0 : 1 }));
  await bulkInsert(
    db,
    'announcements',
    { id: 'integer', author_member_id: 'integer', title: 'text', body: 'text', audience: 'text', ack_required: 'integer', status: 'text', template: 'text', send_at: 'text', day: 'text', recipients: 'integer', created_at: 'text', confirmed_at: 'text' },
    messages.map((a) => ({ id: a.id, author_member_id: 1, title: `${a.day.slice(0, 7)} 기관장 청렴 메시지`, body: '…', audience: JSON.stringify(a.audience), ack_required: a.ack, status: 'sent', template: null, send_at: null, day: a.day, recipients: 0, created_at: `${a.day}T00:00:00.000Z`, confirmed_at: `${a.day}T00:00:00.000Z` })),
  );
  await bulkInsert(db, 'schedules', SCHEDULE_COLUMNS, [
    { id: 2, name: 'system:announcement', kind: 'announcement', cron: '0 0 1 1 *', timezone: 'Asia/Seoul', audience: '{"all":true}', delivery: 'dm', working_days_only: 0, enabled: 0, paused: 0, created_at: T0, updated_at: T0 },
  ]);
  const runs: Row[] = [];
  const outbox: Row[] = [];
  const acks: Row[] = [];
  const pathOf = (id: number) => departments[id - 1]!.path;
  for (const a of messages) {
    const runId = after.run + a.id;
    const at = `${a.day}T01:00:00.000Z`;
    let planned = 0;
    for (const m of members) {
      if (!activeOn(m, a.day)) continue;
      if ('departments' in a.audience && !pathOf(departmentOn(m, a.day)).startsWith(bureau.path)) continue;
      planned++;
      const sent = random() >= DELIVERY_FAILED;
      outbox.push({ id: after.delivery + outbox.length + 1, job_run_id: runId, member_id: m.id, recipient: `member:${m.id}`, status: sent ? 'sent' : 'failed', attempts: 1, next_attempt_at: at, platform: 'slack', error: sent ? null : 'dm_closed', created_at: at, sent_at: sent ? at : null });
      if (!sent || !a.ack || random() >= ACK_SHARE * (0.8 + m.propensity * 0.25)) continue;
      const day = addDays(a.day, Math.floor(random() * 5));
      acks.push({ id: acks.length + 1, announcement_id: a.id, member_id: m.id, acknowledged_at: `${day}T02:00:00.000Z`, day, platform: 'slack' });
    }
    runs.push({ id: runId, schedule_id: 2, slot: `announcement:${a.id}`, day: a.day, status: 'planned', reason: null, planned, payload: JSON.stringify({ announcementId: a.id }), created_at: at });
  }
  await bulkInsert(db, 'job_runs', JOB_RUN_COLUMNS, runs);
  await bulkInsert(db, 'deliveries', DELIVERY_COLUMNS, outbox);
  await bulkInsert(db, 'acknowledgements', { id: 'integer', announcement_id: 'integer', member_id: 'integer', acknowledged_at: 'text', day: 'text', platform: 'text' }, acks);
  return outbox.length;
}

/** A fresh PostgreSQL database of its own on TEST_DATABASE_URL's server; returns its URL. */
export async function recreatePostgresDatabase(baseUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--pg-db must be a plain lower-case name, not ${name}`);
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return postgresUrl(baseUrl, name);
}

export function postgresUrl(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function runSeed(options: ReturnType<typeof parseSeedArgs>, env: { TEST_DATABASE_URL?: string | undefined } = process.env): Promise<Record<string, number | null>> {
  const targets: { label: string; open: () => Promise<Kysely<Database>> }[] = [
    {
      label: `sqlite:${options.sqlite}`,
      open: async () => {
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(options.sqlite + suffix)) rmSync(options.sqlite + suffix);
        const db = createDb({ dialect: 'sqlite', path: options.sqlite });
        // A bigger page cache while seeding: the (member, day) indexes are written all over as days go by.
        await sql`pragma cache_size = ${sql.raw(String(-SQLITE_SEED_CACHE_KIB))}`.execute(db);
        await sql`pragma synchronous = off`.execute(db);
        return db;
      },
    },
  ];
  const base = env.TEST_DATABASE_URL;
  if (base) targets.push({ label: `postgres:${options.pgDatabase}`, open: async () => createDb({ dialect: 'postgres', url: await recreatePostgresDatabase(base, options.pgDatabase) }) });

  const result: Record<string, number | null> = { members: null, answers: null, sqliteSeedSeconds: null, postgresSeedSeconds: null };
  for (const target of targets) {
    const started = performance.now();
    const db = await target.open();
    try {
      await migrateToLatest(db);
      const summary = await seedDatabase(db, options);
      const seeded = performance.now();
      const refresh = await refreshAggregates(db, { today: addDays(summary.lastDay, 1) });
      const done = performance.now();
      const seconds = (ms: number) => Math.round(ms / 100) / 10;
      console.log(
        `${target.label}: ${summary.members} members in ${summary.departments} departments, ${summary.firstDay}..${summary.lastDay}, ` +
          `${summary.answers} answers, ${summary.deliveries} deliveries — seeded in ${seconds(seeded - started)} s, ` +
          `aggregates built in ${seconds(done - seeded)} s (${refresh.answersFolded} answers, ${refresh.jobRunsFolded} runs, ${refresh.announcementsRecounted} messages)`,
      );
      result['members'] = summary.members;
      result['answers'] = summary.answers;
      result[target.label.startsWith('sqlite') ? 'sqliteSeedSeconds' : 'postgresSeedSeconds'] = seconds(done - started);
    } finally {
      await db.destroy();
    }
  }
  return result;
}
