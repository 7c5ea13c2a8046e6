/**
 * npm run bench -- stats [--db sqlite:<path>] [--pg-db <name>] [--runs N] [--warmup N]
 *
 * Times computeStats over the seeded days (`npm run bench -- seed` first) for the whole organisation
 * and for its largest bureau, on SQLite and, when TEST_DATABASE_URL is set, on the PostgreSQL
 * database the seed made. Each call does what it does in production: folds anything new into the
 * aggregates, loads and counts, applies suppression. Prints a table; the last line is JSON
 * {"members","answers","sqliteMedianMs","postgresMedianMs","peakRssMb"}, each median the worse of the two scopes.
 */
import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { DEFAULT_MIN_GROUP_SIZE } from '../src/config.js';
import { createDb } from '../src/db/createDb.js';
import type { Database } from '../src/db/schema.js';
import { computeStats } from '../src/features/stats/metrics.js';
import type { Period } from '../src/features/stats/period.js';
import { WorkingDayCalendar } from '../src/scheduler/calendar.js';
import { addDays } from '../src/time.js';
import { benchArgs, postgresUrl } from './seed.js';

export interface StatsBenchOptions {
  sqlite: string;
  pgDatabase: string;
  runs: number;
  warmup: number;
}

export function parseStatsArgs(argv: readonly string[]): StatsBenchOptions {
  const { number, sqlite, pgDatabase } = benchArgs(argv);
  return { sqlite, pgDatabase, runs: Math.max(1, number('--runs', 15)), warmup: number('--warmup', 2) };
}

interface Timing {
  scope: string;
  medianMs: number;
  p90Ms: number;
  minMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function timeDialect(db: Kysely<Database>, options: StatsBenchOptions): Promise<{ timings: Timing[]; members: number; answers: number; headcount: number; departmentPath: string }> {
  const range = await db.selectFrom('job_runs').select([(eb) => eb.fn.min('day').as('from'), (eb) => eb.fn.max('day').as('to')]).executeTakeFirst();
  if (!range?.from || !range.to) throw new Error('the database has no seeded days: run npm run bench -- seed first');
  const period: Period = { from: range.from, to: range.to, key: `${range.from}..${range.to}` };
  const today = addDays(range.to, 1);
  // The largest bureau: a department report over a fifth of the organisation.
  const bureau = await db
    .selectFrom('departments as d')
    .innerJoin('departments as c', (join) => join.on((eb) => eb.or([eb('c.id', '=', eb.ref('d.id')), eb('c.parent_id', '=', eb.ref('d.id'))])))
    .innerJoin('departments as t', (join) => join.on((eb) => eb.or([eb('t.id', '=', eb.ref('c.id')), eb('t.parent_id', '=', eb.ref('c.id'))])))
    .innerJoin('members as m', 'm.department_id', 't.id')
    .select(['d.id', 'd.path', (eb) => eb.fn.count<number>('m.id').distinct().as('n')])
    .where('d.parent_id', 'is', null)
    .groupBy(['d.id', 'd.path'])
    .orderBy('n', 'desc')
    .executeTakeFirstOrThrow();
  const options_ = { calendar: new WorkingDayCalendar(), minGroupSize: DEFAULT_MIN_GROUP_SIZE, today };
  const scopes = [
    { scope: 'organisation', departmentId: null },
    { scope: `department ${bureau.path}`, departmentId: bureau.id },
  ];
  let headcount = 0;
  const timings: Timing[] = [];
  for (const { scope, departmentId } of scopes) {
    for (let i = 0; i < options.warmup; i++) await computeStats(db, { period, departmentId }, options_);
    const samples: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const started = performance.now();
      const report = await computeStats(db, { period, departmentId }, options_);
      samples.push(performance.now() - started);
      if (departmentId === null) headcount = report.headcount;
    }
    timings.push({ scope, medianMs: round(median(samples)), p90Ms: round(percentile(samples, 0.9)), minMs: round(Math.min(...samples)) });
  }
  const count = async (table: 'members' | 'quiz_answers') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { timings, members: await count('members'), answers: await count('quiz_answers'), headcount, departmentPath: bureau.path };
}

export async function runStatsBench(options: StatsBenchOptions, env: { TEST_DATABASE_URL?: string | undefined } = process.env): Promise<Record<string, number | null>> {
  if (!existsSync(options.sqlite)) throw new Error(`${options.sqlite} does not exist: run npm run bench -- seed first`);
  const targets: { dialect: 'sqlite' | 'postgres'; open: () => Kysely<Database> }[] = [{ dialect: 'sqlite', open: () => createDb({ dialect: 'sqlite', path: options.sqlite }) }];
  if (env.TEST_DATABASE_URL) targets.push({ dialect: 'postgres', open: () => createDb({ dialect: 'postgres', url: postgresUrl(env.TEST_DATABASE_URL!, options.pgDatabase) }) });

  const result: Record<string, number | null> = { members: null, answers: null, sqliteMedianMs: null, postgresMedianMs: null, peakRssMb: null };
  console.log(`| dialect | scope | median ms | p90 ms | min ms |`);
  console.log(`|---|---|---|---|---|`);
  for (const target of targets) {
    const db = target.open();
    try {
      const measured = await timeDialect(db, options);
      for (const t of measured.timings) console.log(`| ${target.dialect} | ${t.scope} | ${t.medianMs} | ${t.p90Ms} | ${t.minMs} |`);
      result[`${target.dialect}MedianMs`] = Math.max(...measured.timings.map((t) => t.medianMs));
      if (target.dialect === 'sqlite') {
        result['members'] = measured.members;
        result['answers'] = measured.answers;
        console.log(`(${measured.members} members, headcount ${measured.headcount}, ${measured.answers} answers; department: ${measured.departmentPath})`);
      }
    } finally {
      await db.destroy();
    }
  }
  result['peakRssMb'] = Math.round(process.resourceUsage().maxRSS / 1024);
  const ordered = { members: result['members']!, answers: result['answers']!, sqliteMedianMs: result['sqliteMedianMs']!, postgresMedianMs: result['postgresMedianMs'] ?? null, peakRssMb: result['peakRssMb']! };
  return ordered;
}
