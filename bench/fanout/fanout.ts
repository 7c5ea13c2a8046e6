/**
 * npm run bench -- fanout [--members N] [--rate R] [--fail-rate F] [--crash] [--platform generic|slack]
 *
 * Fans one daily quiz out to N members through the real scheduler plan, outbox and dispatcher, in a
 * separate dispatcher process, to a local fake chat API that allows R messages a second. Prints what
 * arrived; the last line is one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planners } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/createDb.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { syncQuestions } from '../../src/features/content/content.repository.js';
import { loadContent } from '../../src/features/content/loader.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { silentLogger } from '../../src/log.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { claimSlot } from '../../src/scheduler/scheduler.js';
import { parseSchedules } from '../../src/scheduler/schedules.js';
import { allSchedules, syncSchedules } from '../../src/scheduler/schedules.repository.js';
import { planDeliveries } from '../../src/delivery/outbox.repository.js';
import { localDay, systemClock } from '../../src/time.js';
import { seededRandom } from '../../src/features/quiz/quiz.js';
import { startFakeChatApi } from './fakeChatApi.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SLACK_RATE_SHARE = 0.97;

export interface FanoutOptions {
  members: number;
  rate: number;
  failRate: number;
  crash: boolean;
  /** slack: the real Slack adapter (SlackChatPort and its WebClient) against a Slack-shaped fake. */
  platform: 'slack' | 'generic';
}

export function parseFanoutArgs(argv: readonly string[]): FanoutOptions {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number`);
    return n;
  };
  const platformAt = argv.indexOf('--platform');
  const platform = platformAt >= 0 ? argv[platformAt + 1] : 'generic';
  if (platform !== 'slack' && platform !== 'generic') throw new Error('--platform is slack or generic');
  return { members: value('--members', 5000), rate: value('--rate', 500), failRate: value('--fail-rate', 0), crash: argv.includes('--crash'), platform };
}

export async function prepare(path: string, members: number): Promise<void> {
  const config = loadConfig({ DATABASE_URL: `sqlite:${path}` });
  const db = createDb(config.database);
  const nowIso = new Date().toISOString();
  await migrateToLatest(db);
  const rows = Array.from({ length: members }, (_, i) => `B${i},Bench ${i},,본부/과${i % 20},employee,${i % 5 === 0 ? 'en' : 'ko'}`);
  await importRoster(db, ['employee_no,name,email,department,roles,locale', ...rows].join('\n'), { sync: false, skipInvalid: false, today: nowIso.slice(0, 10), nowIso, actorLabel: 'bench' });
  const ids = await db.selectFrom('members').select(['id', 'employee_no']).execute();
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .insertInto('member_accounts')
      .values(ids.slice(i, i + 500).map((m) => ({ member_id: m.id, platform: 'slack', workspace: 'T0BENCH', platform_user_id: `U${m.employee_no}`, display_name: null, linked_at: nowIso })))
      .execute();
  }
  await syncQuestions(db, loadContent(config.contentDirs).catalog.quiz, nowIso);
  await syncSchedules(db, parseSchedules('schedules:\n  - name: bench-quiz\n    kind: quiz\n    cron: "0 9 * * *"\n    workingDaysOnly: false\n', config.timezone).schedules, nowIso);
  // Fire one slot the way the scheduler does: claim it and plan its outbox rows in one transaction.
  const [schedule] = await allSchedules(db);
  const services = { db, clock: systemClock, config, calendar: new WorkingDayCalendar(), content: loadContent(config.contentDirs).catalog, log: silentLogger };
  const slot = { instant: new Date(), day: localDay(new Date(), config.timezone) };
  await db.transaction().execute(async (trx) => {
    const jobRunId = await claimSlot(trx, schedule!.id, slot, { status: 'planned', reason: null, nowIso });
    const plan = await planners['quiz']!(services, trx, schedule!, slot);
    await planDeliveries(trx, jobRunId!, plan!.recipients, nowIso);
  });
  await db.destroy();
}

function startWorker(path: string, url: string, rate: number, platform: FanoutOptions['platform']): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  // Node itself with tsx as a loader (not the tsx launcher, which would run the worker in a grandchild
  // that a SIGKILL of its parent leaves running).
  const child = spawn(process.execPath, [...(process.env['BENCH_WORKER_NODE_FLAGS']?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', join(ROOT, 'bench', 'fanout', 'worker.ts'), path, url, String(rate), platform], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

export async function runFanout(options: FanoutOptions): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'probity-fanout-'));
  const path = join(dir, 'bench.sqlite');
  try {
    console.log(`fan-out (${options.platform === 'slack' ? 'Slack adapter + WebClient' : 'plain HTTP port'}): ${options.members} members, ${options.rate}/s, fail rate ${options.failRate}${options.crash ? ', crash' : ''}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    await prepare(path, options.members);
    const api = await startFakeChatApi({ rate: options.rate, failRate: options.failRate, random: seededRandom('fanout'), flavour: options.platform });
    // Against Slack's whole-second Retry-After the dispatcher runs a little under the limit, as an
    // operator would set PROBITY_RATE_LIMITS: at exactly the limit, network jitter becomes 1 s pauses.
    const dispatcherRate = options.platform === 'slack' ? options.rate * SLACK_RATE_SHARE : options.rate;
    let worker = startWorker(path, api.url, dispatcherRate, options.platform);
    await worker.ready;
    const started = performance.now();
    let crashed = false;
    const milestones = new Map<number, number>();
    api.onAccepted = (count) => {
      for (const share of [0.5, 0.9, 0.99]) if (count === Math.ceil(options.members * share)) milestones.set(share, performance.now() - started);
    };
    if (options.crash) {
      // Half-way through, at a moment unrelated to any message: whatever the dispatcher is doing then.
      const at = ((options.members / options.rate) * 1000) / 2 + Math.random() * 100;
      setTimeout(() => {
        crashed = true;
        worker.child.kill('SIGKILL');
      }, at);
    }
    const code = await worker.exited;
    if (crashed) {
      console.log(`dispatcher killed with SIGKILL after ${api.accepted.length} messages; restarting`);
      worker = startWorker(path, api.url, dispatcherRate, options.platform);
      await worker.ready;
      const again = await worker.exited;
      if (again !== 0) throw new Error(`dispatcher exited with ${again}`);
    } else if (code !== 0) throw new Error(`dispatcher exited with ${code}`);
    await api.close();

    const unique = new Set(api.accepted);
    const wallSeconds = ((api.lastAcceptedAt ?? started) - started) / 1000;
    const idealSeconds = options.members / options.rate;
    console.log(`progress: ${[...milestones].map(([share, ms]) => `${share * 100}% at ${(ms / 1000).toFixed(2)} s`).join(', ')}`);
    console.log(`rejected: ${api.rejected.rateLimited} over the rate limit, ${api.rejected.injected429} injected 429, ${api.rejected.injected503} injected 503, ${api.rejected.injectedPlatformError} injected ok:false`);
    return {
      recipients: options.members,
      sent: unique.size,
      lost: options.members - unique.size,
      duplicates: api.accepted.length - unique.size,
      wallSeconds: round(wallSeconds),
      idealSeconds: round(idealSeconds),
      efficiency: round(idealSeconds / wallSeconds),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
