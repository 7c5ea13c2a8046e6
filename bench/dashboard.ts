/**
 * npm run bench -- dashboard [--db sqlite:<path>] [--pg-db <name>] [--runs N] [--warmup N] [--period P] [--downloads]
 *
 * Times the web dashboard's pages over real HTTP on the statistics seed (`npm run bench -- seed`
 * first): Probity's services opened on the seeded database as `npm start` opens them (migrations,
 * content), the real listener with the dashboard mounted on a free port, and a session for an
 * integrity officer (the whole organisation) and one for the head of the largest bureau (or the
 * manager highest up in it who is still employed), each made through the real sign-in link. Every page is requested `--warmup` times, then `--runs` times, one
 * request at a time; a request's time is from sending it to the last byte of the page. Each request
 * does what it does in production: reads the session and roles, folds anything new into the
 * statistics aggregates, counts, suppresses, renders. On SQLite and, when TEST_DATABASE_URL is set,
 * on the PostgreSQL database the seed made. Prints a table; the last line is JSON with the worst
 * median and p95 of each database (target: every median < 300 ms). `--downloads` also times each
 * file the exports page offers (three requests each; files, not pages, so outside the target).
 */
import { existsSync } from 'node:fs';
import type { ExpressionBuilder } from 'kysely';
import { createServer } from 'node:net';
import { openServices } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/schema.js';
import type { Services } from '../src/engine/context.js';
import { issueSignInLink } from '../src/features/dashboard/dashboard.repository.js';
import { mountDashboard } from '../src/features/dashboard/web/server.js';
import { createLogger } from '../src/log.js';
import { startOperations } from '../src/ops/operations.js';
import { benchArgs, postgresUrl } from './seed.js';

export const TARGET_MEDIAN_MS = 300;
const DOWNLOAD_RUNS = 3;

export interface DashboardBenchOptions {
  sqlite: string;
  pgDatabase: string;
  runs: number;
  warmup: number;
  /** The period every page is asked for: by default the seeded year, the largest a page is usually asked. */
  period: string;
  /** Also time the export files (a few requests each, outside the target). */
  downloads: boolean;
}

export function parseDashboardArgs(argv: readonly string[]): DashboardBenchOptions {
  const { value, number, sqlite, pgDatabase } = benchArgs(argv);
  return {
    sqlite,
    pgDatabase,
    runs: Math.max(1, number('--runs', 15)),
    warmup: number('--warmup', 2),
    period: value('--period') ?? '2025',
    downloads: argv.includes('--downloads'),
  };
}

interface PageTiming {
  database: string;
  viewer: string;
  page: string;
  status: number;
  bytes: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** Signs in through the link as a browser would: GET the link, keep the session cookie it sets. */
async function signIn(services: Services, memberId: number): Promise<string> {
  const link = await issueSignInLink(services, { id: memberId });
  const response = await fetch(link, { redirect: 'manual' });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('probity_session='));
  await response.arrayBuffer();
  if (response.status !== 303 || !cookie) throw new Error(`signing in did not give a session (HTTP ${response.status})`);
  return cookie.split(';')[0]!;
}

async function get(base: string, path: string, cookie: string): Promise<{ status: number; body: string; bytes: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
  const bytes = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - started;
  return { status: response.status, body: bytes.toString('utf8'), bytes: bytes.length, ms };
}

/**
 * The integrity officer, the largest bureau (by staff in its subtree) and its head as a manager (or,
 * when the head has left, the manager highest up in it who has not).
 */
async function viewers(services: Services): Promise<{ hr: number; bureauId: number; manager: { id: number; departmentId: number; path: string } }> {
  const db = services.db;
  const hr = await db.selectFrom('members').select('id').where('roles', 'like', '%hr%').where('left_on', 'is', null).orderBy('id').executeTakeFirst();
  if (!hr) throw new Error('the seed has no integrity officer (hr) still employed: seed more members');
  const bureaus = await db.selectFrom('departments').select(['id', 'path']).where('parent_id', 'is', null).execute();
  const inside = (path: string) => (eb: ExpressionBuilder<Database, 'departments'>) => eb.or([eb('departments.path', '=', path), eb('departments.path', 'like', `${path}/%`)]);
  let largest = { id: 0, path: '', staff: -1 };
  for (const b of bureaus) {
    const { n } = await db
      .selectFrom('members')
      .innerJoin('departments', 'departments.id', 'members.department_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('members.left_on', 'is', null)
      .where(inside(b.path))
      .executeTakeFirstOrThrow();
    if (Number(n) > largest.staff) largest = { ...b, staff: Number(n) };
  }
  const manager = await db
    .selectFrom('members')
    .innerJoin('departments', 'departments.id', 'members.department_id')
    .select(['members.id', 'members.department_id', 'departments.path'])
    .where('members.roles', 'like', '%manager%')
    .where('members.left_on', 'is', null)
    .where(inside(largest.path))
    .orderBy((eb) => eb.fn('length', ['departments.path']))
    .orderBy('members.id')
    .executeTakeFirst();
  if (!manager) throw new Error(`no manager still employed in ${largest.path}: seed more members`);
  return { hr: hr.id, bureauId: largest.id, manager: { id: manager.id, departmentId: manager.department_id!, path: manager.path } };
}

async function timeDatabase(label: string, databaseUrl: string, options: DashboardBenchOptions): Promise<{ timings: PageTiming[]; downloads: PageTiming[]; members: number; answers: number }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DATABASE_URL: databaseUrl, PROBITY_HTTP_PORT: String(port), PROBITY_HTTP_HOST: '127.0.0.1', PROBITY_PUBLIC_URL: base });
  const services = await openServices(config, { log: createLogger('warn') });
  const operations = await startOperations(services, config.http!, []);
  mountDashboard(operations.listener, services);
  try {
    const who = await viewers(services);
    const q = `?period=${encodeURIComponent(options.period)}`;
    const sessions = [
      { viewer: 'hr (organisation)', cookie: await signIn(services, who.hr), operator: true, departmentId: who.bureauId },
      { viewer: `manager (${who.manager.path})`, cookie: await signIn(services, who.manager.id), operator: false, departmentId: who.manager.departmentId },
    ];
    const timings: PageTiming[] = [];
    const downloads: PageTiming[] = [];
    for (const session of sessions) {
      const campaigns = await get(base, `/dashboard/campaigns${q}`, session.cookie);
      const nonSigners = /href="(\/dashboard\/campaigns\/pledge\/\d+\/non-signers)[^"]*"/.exec(campaigns.body)?.[1];
      const pages: [string, string][] = [
        ['overview', `/dashboard/${q}`],
        ['departments', `/dashboard/departments${q}`],
        ['department', `/dashboard/departments/${session.departmentId}${q}`],
        ['topics', `/dashboard/topics${q}`],
        ['campaigns', `/dashboard/campaigns${q}`],
        ...(session.operator && nonSigners ? ([['non-signers', `${nonSigners}${q}`]] as [string, string][]) : []),
        ['exports', `/dashboard/exports${q}`],
      ];
      if (session.operator && options.downloads) {
        // The files the exports page offers, each a few times: not pages (no target), but they share the event loop.
        const exportsPage = await get(base, `/dashboard/exports${q}`, session.cookie);
        for (const [, href, file] of exportsPage.body.matchAll(/href="([^"]+)" download data-export="([^"]+)"/g)) {
          const path = href!.replace(/&amp;/g, '&');
          const samples: number[] = [];
          let last = { status: 0, body: '', bytes: 0, ms: 0 };
          for (let i = 0; i < DOWNLOAD_RUNS; i++) {
            last = await get(base, path, session.cookie);
            samples.push(last.ms);
          }
          if (last.status !== 200) throw new Error(`${label} ${path}: HTTP ${last.status}`);
          downloads.push({ database: label, viewer: session.viewer, page: `⤓ ${file}`, status: last.status, bytes: last.bytes, medianMs: round(median(samples)), p95Ms: round(percentile(samples, 0.95)), maxMs: round(Math.max(...samples)) });
        }
      }
      for (const [page, path] of pages) {
        for (let i = 0; i < options.warmup; i++) await get(base, path, session.cookie);
        const samples: number[] = [];
        let last = { status: 0, body: '', bytes: 0, ms: 0 };
        for (let i = 0; i < options.runs; i++) {
          last = await get(base, path, session.cookie);
          samples.push(last.ms);
        }
        if (last.status !== 200) throw new Error(`${label} ${session.viewer} ${path}: HTTP ${last.status}`);
        if (!last.body.includes(`data-page="${page}"`)) throw new Error(`${label} ${session.viewer} ${path}: not the ${page} page`);
        timings.push({ database: label, viewer: session.viewer, page, status: last.status, bytes: last.bytes, medianMs: round(median(samples)), p95Ms: round(percentile(samples, 0.95)), maxMs: round(Math.max(...samples)) });
      }
    }
    const count = async (table: 'members' | 'quiz_answers') => Number((await services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { timings, downloads, members: await count('members'), answers: await count('quiz_answers') };
  } finally {
    await operations.stop();
    await services.close();
  }
}

export async function runDashboardBench(options: DashboardBenchOptions, env: { TEST_DATABASE_URL?: string | undefined } = process.env): Promise<Record<string, number | null>> {
  if (!existsSync(options.sqlite)) throw new Error(`${options.sqlite} does not exist: run npm run bench -- seed first`);
  const targets = [{ label: 'sqlite', url: `sqlite:${options.sqlite}` }];
  if (env.TEST_DATABASE_URL) targets.push({ label: 'postgres', url: postgresUrl(env.TEST_DATABASE_URL, options.pgDatabase) });

  const result: Record<string, number | null> = { members: null, answers: null, sqliteWorstMedianMs: null, sqliteWorstP95Ms: null, postgresWorstMedianMs: null, postgresWorstP95Ms: null, pagesOverTarget: 0 };
  console.log(`| database | viewer | page | median ms | p95 ms | max ms | KiB |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const target of targets) {
    const measured = await timeDatabase(target.label, target.url, options);
    for (const t of [...measured.timings, ...measured.downloads]) console.log(`| ${t.database} | ${t.viewer} | ${t.page} | ${t.medianMs} | ${t.p95Ms} | ${t.maxMs} | ${Math.round(t.bytes / 102.4) / 10} |`);
    result[`${target.label}WorstMedianMs`] = Math.max(...measured.timings.map((t) => t.medianMs));
    result[`${target.label}WorstP95Ms`] = Math.max(...measured.timings.map((t) => t.p95Ms));
    result['pagesOverTarget'] = Number(result['pagesOverTarget']) + measured.timings.filter((t) => t.medianMs >= TARGET_MEDIAN_MS).length;
    result['members'] = measured.members;
    result['answers'] = measured.answers;
  }
  console.log(`(period ${options.period}; ${options.warmup} warm-up and ${options.runs} timed requests per page, one at a time; target: every median < ${TARGET_MEDIAN_MS} ms)`);
  return result;
}
