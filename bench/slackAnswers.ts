/**
 * npm run bench -- slack-answers [--clicks N] [--rate R]
 *
 * Posts N signed block_actions answer clicks at a fixed rate to Probity's Slack HTTP receiver (the
 * real Bolt app, engine, SQLite database and quiz) and, in the same run, to a bare Bolt app that only
 * acknowledges. Reports acknowledgement latency (p50/p99) and throughput side by side; the last line
 * is one JSON object. Slack's own Web API is a local fake: response_url posts land there.
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { createSlackAdapter } from '../adapters/slack/app.js';
import { createEngine } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/createDb.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Services } from '../src/engine/context.js';
import { syncQuestions } from '../src/features/content/content.repository.js';
import { loadContent } from '../src/features/content/loader.js';
import { importRoster } from '../src/features/people/roster.import.js';
import { todaysQuestion } from '../src/features/quiz/quiz.handlers.js';
import { silentLogger } from '../src/log.js';
import { WorkingDayCalendar } from '../src/scheduler/calendar.js';
import { localDay, systemClock } from '../src/time.js';
import { encodeAction } from '../src/ui/actionId.js';
import { ANSWER_ACTION } from '../src/features/quiz/quiz.cards.js';
import { startFakeSlack } from '../test/support/slack/fakeSlack.js';
import { blockActions, slackSignature } from '../test/support/slack/signing.js';

const SECRET = 'bench-signing-secret';
const TEAM = 'T0BENCH';

export interface SlackAnswersOptions {
  clicks: number;
  rate: number;
}

export function parseSlackAnswersArgs(argv: readonly string[]): SlackAnswersOptions {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    const n = i < 0 ? fallback : Number(argv[i + 1]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
    return n;
  };
  return { clicks: value('--clicks', 2000), rate: value('--rate', 200) };
}

interface LoadResult {
  latencies: number[];
  seconds: number;
  failures: number;
}

/** Sends one signed body per click at `rate` per second, without waiting for answers; times each ack. */
async function load(url: string, bodies: readonly string[], rate: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const sends = bodies.map(
    (body, i) =>
      new Promise<void>((resolve) => {
        setTimeout(() => {
          const timestamp = Math.floor(Date.now() / 1000);
          const sentAt = performance.now();
          const req = request(
            { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(SECRET, timestamp, body) } },
            (res) => {
              res.resume();
              res.on('end', () => {
                if (res.statusCode === 200) latencies.push(performance.now() - sentAt);
                else failures++;
                resolve();
              });
            },
          );
          req.on('error', () => {
            failures++;
            resolve();
          });
          req.end(body);
        }, Math.max(0, started + (i * 1000) / rate - performance.now()));
      }),
  );
  await Promise.all(sends);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds, failures };
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const round = (n: number) => Math.round(n * 100) / 100;

export async function runSlackAnswers(options: SlackAnswersOptions): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'probity-slack-answers-'));
  const fake = await startFakeSlack();
  try {
    console.log(`slack-answers: ${options.clicks} clicks at ${options.rate}/s; ${cpus().length} cores, Node ${process.version}`);
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: '0', SLACK_API_URL: fake.apiUrl });
    const db = createDb(config.database);
    await migrateToLatest(db);
    const content = loadContent(config.contentDirs).catalog;
    const services: Services = { db, clock: systemClock, config, calendar: new WorkingDayCalendar(), content, log: silentLogger };
    const nowIso = new Date().toISOString();
    const today = localDay(new Date(), config.timezone);
    await syncQuestions(db, content.quiz, nowIso);
    // One member per click, each with today's question already given: every click is a first answer.
    const rows = Array.from({ length: options.clicks }, (_, i) => `S${i},Member ${i},,본부/과${i % 10},employee,ko`);
    await importRoster(db, ['employee_no,name,email,department,roles,locale', ...rows].join('\n'), { sync: false, skipInvalid: false, today, nowIso, actorLabel: 'bench' });
    const members = await db.selectFrom('members').select(['id', 'employee_no']).orderBy('id').execute();
    await db.insertInto('member_accounts').values(members.map((m) => ({ member_id: m.id, platform: 'slack', workspace: TEAM, platform_user_id: `U${m.employee_no}`, display_name: null, linked_at: nowIso }))).execute();
    const bodies: string[] = [];
    for (const m of members) {
      const question = await todaysQuestion(services, m.id, today, nowIso);
      const actionId = encodeAction(ANSWER_ACTION, [question.id, today, 0]);
      bodies.push(
        blockActions({ actions: [{ action_id: actionId }], user: { id: `U${m.employee_no}`, team_id: TEAM }, team: { id: TEAM, domain: 'bench' }, container: { type: 'message', channel_id: `DU${m.employee_no}`, message_ts: '1.1', is_ephemeral: false }, response_url: fake.responseUrl(`r${m.id}`) }).body,
      );
    }

    // A bare Bolt app that only acknowledges: the floor any Slack app can reach on this machine.
    const bare = new App({ token: 'xoxb-bench', signingSecret: SECRET, clientOptions: { slackApiUrl: fake.apiUrl }, logLevel: LogLevel.ERROR });
    bare.action(/.*/, async ({ ack }) => ack());
    const bareServer = (await bare.start({ port: 0, host: '127.0.0.1' })) as { address(): AddressInfo };
    const bareResult = await load(`http://127.0.0.1:${bareServer.address().port}/slack/events`, bodies, options.rate);
    await bare.stop();

    const slack = createSlackAdapter(createEngine(services), services, config.slack!);
    const { port } = await slack.start();
    const probity = await load(`http://127.0.0.1:${port}/slack/events`, bodies, options.rate);
    // Wait for the answers to be written and replied to, then count them.
    for (let i = 0; i < 200 && fake.responseUrlPosts.length < options.clicks; i++) await new Promise((r) => setTimeout(r, 50));
    const recorded = Number((await db.selectFrom('quiz_answers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    await slack.stop();
    await db.destroy();

    const throughput = probity.latencies.length / probity.seconds;
    const bareThroughput = bareResult.latencies.length / bareResult.seconds;
    console.log(`probity: ${probity.latencies.length} acked, ${probity.failures} failed, ${recorded} answers recorded, ${fake.responseUrlPosts.length} replies; p50 ${round(percentile(probity.latencies, 50))} ms, p99 ${round(percentile(probity.latencies, 99))} ms, ${round(throughput)}/s`);
    console.log(`bare Bolt: ${bareResult.latencies.length} acked, ${bareResult.failures} failed; p50 ${round(percentile(bareResult.latencies, 50))} ms, p99 ${round(percentile(bareResult.latencies, 99))} ms, ${round(bareThroughput)}/s`);
    return {
      rate: options.rate,
      p50Ms: round(percentile(probity.latencies, 50)),
      p99Ms: round(percentile(probity.latencies, 99)),
      bareP99Ms: round(percentile(bareResult.latencies, 99)),
      throughputRatio: round(throughput / bareThroughput),
    };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
