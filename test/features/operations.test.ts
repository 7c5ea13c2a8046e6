/** The operations listener: /healthz, /readyz and /metrics, scraped and parsed as Prometheus would. */
import { afterEach, describe, expect, it } from 'vitest';
import { composers, planners } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/createDb.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { outboxBacklog } from '../../src/delivery/outbox.repository.js';
import { silentLogger } from '../../src/log.js';
import { databaseCheck, migrationsCheck, mountOperations, platformCheck, readiness } from '../../src/ops/health.js';
import { HttpListener } from '../../src/ops/http.js';
import { startOperations, type Operations } from '../../src/ops/operations.js';
import { PrometheusMetrics } from '../../src/ops/prometheus.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { DIALECTS } from '../support/databases.js';
import { parseExposition } from '../support/exposition.js';
import { dmClosed, FakePort, rateLimited } from '../support/fakePort.js';
import { createHarness, ROSTER_CSV, type Harness } from '../support/harness.js';

const QUIZ_AT_NINE = `schedules:
  - name: daily-quiz
    kind: quiz
    cron: "0 9 * * 1-5"
    audience: all
    delivery: dm
`;
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const ANY_PORT = { port: 0, host: '127.0.0.1' };
const noSleep = async () => undefined;

let h: Harness | undefined;
let ops: Operations | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await ops?.stop();
  ops = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await h?.close();
  h = undefined;
});

const get = (port: number, path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init);

describe.each(DIALECTS)('%s: /metrics after a day of work', (dialect) => {
  it('GIVEN a fired quiz slot, a closed DM, a rate limit and sends WHEN /metrics is scraped THEN each is counted by platform and reason, and no label names a person', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules: QUIZ_AT_NINE });
    ops = await startOperations(h.services, ANY_PORT, []);
    for (const no of ['1001', '1002', '2001', '3001']) await h.command(no, 'whoami');
    h.clock.set(KST('2026-11-27', '09:00'));
    const scheduler = new Scheduler(h.services, planners);
    await scheduler.runDue();
    await scheduler.stop();

    // Ninety seconds later nothing has been sent yet: four rows wait, the oldest for 90 s.
    h.clock.advance(90_000);
    await ops.metrics.sampleOutbox(() => outboxBacklog(h!.services.db, h!.clock.now().toISOString()));
    const before = parseExposition(await (await get(ops.port, '/metrics')).text());
    expect(before.value('probity_outbox_depth', { status: 'pending' })).toBe(4);
    expect(before.value('probity_outbox_oldest_pending_age_seconds')).toBe(90);

    const port = new FakePort();
    port.failNext = (_recipient, attempt) => {
      if (attempt === 1) throw dmClosed();
      if (attempt === 2) throw rateLimited(60_000);
    };
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();

    const response = await get(ops.port, '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const metrics = parseExposition(text);
    expect(metrics.value('probity_slots_total', { kind: 'quiz', status: 'fired' })).toBe(1);
    expect(metrics.value('probity_deliveries_sent_total', { platform: 'console' })).toBe(2);
    expect(metrics.value('probity_deliveries_failed_total', { platform: 'console', reason: 'dm_closed' })).toBe(1);
    expect(metrics.value('probity_deliveries_retried_total', { platform: 'console', reason: 'rate_limited' })).toBe(1);
    expect(metrics.value('probity_rate_limit_pauses_total', { platform: 'console', scope: 'route' })).toBe(1);
    expect(metrics.value('probity_handler_duration_seconds_count', { event_type: 'command' })).toBe(4);
    expect(metrics.value('probity_handler_duration_seconds_bucket', { event_type: 'command', le: '+Inf' })).toBe(4);
    expect(metrics.types.get('probity_handler_duration_seconds')).toBe('histogram');
    // Process metrics, under their standard names.
    expect(metrics.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(metrics.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    // No label value is a name, an e-mail address, an employee number or a chat id of anyone on the roster.
    const personal = ROSTER_CSV.split('\n').slice(1).flatMap((row) => row.split(',').slice(0, 3));
    const labelValues = metrics.samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => personal.some((p) => v.includes(p)))).toEqual([]);
    const platformsAndReasons = new Set(metrics.samples.filter((s) => s.name.startsWith('probity_deliveries')).flatMap((s) => [s.labels['platform'], s.labels['reason']]));
    expect([...platformsAndReasons].filter((v) => v !== undefined && !/^[a-z_0-9]+$/.test(v))).toEqual([]);
  });
});

describe('/readyz and /healthz', () => {
  it('GIVEN a migrated database and no chat platform WHEN probed THEN /healthz and /readyz answer 200 with every check up', async () => {
    h = await createHarness();
    ops = await startOperations(h.services, ANY_PORT, []);
    expect(await (await get(ops.port, '/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await get(ops.port, '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', down: [], checks: { database: 'up', migrations: 'up' } });
  });

  it('GIVEN a configured platform that is not connected THEN /readyz is 503 and names it', async () => {
    h = await createHarness();
    let connected = false;
    ops = await startOperations(h.services, ANY_PORT, [platformCheck('slack', () => connected)]);
    const down = await get(ops.port, '/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', down: ['slack'], checks: { database: 'up', migrations: 'up', slack: 'down' } });
    connected = true;
    expect((await get(ops.port, '/readyz')).status).toBe(200);
  });

  it('GIVEN a database whose migrations have not run THEN readiness reports migrations down', async () => {
    const db = createDb({ dialect: 'sqlite', path: ':memory:' });
    cleanups.push(() => db.destroy());
    const result = await readiness([databaseCheck(db), migrationsCheck(db)]);
    expect(result).toEqual({ ready: false, down: ['migrations'], checks: { database: 'up', migrations: 'down' } });
  });

  it('GIVEN a database that does not answer THEN /readyz is 503 within its timeout, and /metrics still answers at once', async () => {
    const metrics = new PrometheusMetrics();
    const listener = new HttpListener(silentLogger);
    const hung = () => new Promise<never>(() => undefined);
    mountOperations(listener, { checks: () => [{ name: 'database', probe: hung }], metrics, timeoutMs: 300 });
    const port = await listener.listen(ANY_PORT);
    cleanups.push(() => listener.close());
    // An outbox sample is stuck on the same database.
    void metrics.sampleOutbox(hung, 60_000);

    let started = performance.now();
    const ready = await get(port, '/readyz');
    const readyMs = performance.now() - started;
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', down: ['database'], checks: { database: 'timeout' } });
    expect(readyMs).toBeGreaterThanOrEqual(250);
    expect(readyMs).toBeLessThan(2_000);

    started = performance.now();
    const scraped = await get(port, '/metrics');
    expect(scraped.status).toBe(200);
    expect(parseExposition(await scraped.text()).value('probity_outbox_sampled_timestamp_seconds')).toBe(0);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('the listener', () => {
  it('GIVEN the port is taken WHEN a second listener starts THEN it fails with a configuration error naming PROBITY_HTTP_PORT', async () => {
    const first = new HttpListener(silentLogger);
    const port = await first.listen(ANY_PORT);
    cleanups.push(() => first.close());
    const error = await new HttpListener(silentLogger).listen({ port, host: '127.0.0.1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(['PROBITY_HTTP_PORT']);
    expect((error as ConfigError).message).toContain('이미 사용 중');
    expect((error as ConfigError).message).toContain('already in use');
  });

  it('GIVEN routes and a mounted prefix THEN each path reaches its handler, HEAD is answered by GET, and other paths and methods are refused', async () => {
    const listener = new HttpListener(silentLogger);
    listener.route('GET', '/one', (_q, response) => void response.end('one'));
    listener.mount('/dashboard/', (_q, response, url) => void response.end(`dashboard ${url.pathname}`));
    listener.route('GET', '/boom', () => {
      throw new Error('secret detail');
    });
    const port = await listener.listen(ANY_PORT);
    cleanups.push(() => listener.close());
    expect(await (await get(port, '/one')).text()).toBe('one');
    expect(await (await get(port, '/dashboard/stats?x=1')).text()).toBe('dashboard /dashboard/stats');
    const head = await get(port, '/one', { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    const post = await get(port, '/one', { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET']);
    expect((await get(port, '/nothing')).status).toBe(404);
    const boom = await get(port, '/boom');
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('secret');
    expect(() => listener.route('GET', '/one', () => undefined)).toThrow(/already taken/);
  });
});

describe('PROBITY_HTTP_PORT', () => {
  const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };

  it('GIVEN console mode THEN the listener is off unless the port is set', () => {
    expect(loadConfig({}).http).toBeUndefined();
    expect(loadConfig({ PROBITY_HTTP_PORT: '9100' }).http).toEqual({ port: 9100, host: '0.0.0.0' });
  });

  it('GIVEN Slack (HTTP or Socket Mode) THEN it listens on 8080 unless told otherwise or "off"', () => {
    expect(loadConfig(SLACK).http).toEqual({ port: 8080, host: '0.0.0.0' });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).http?.port).toBe(8080);
    expect(loadConfig({ ...SLACK, PROBITY_HTTP_PORT: 'off' }).http).toBeUndefined();
    expect(loadConfig({ ...SLACK, PROBITY_HTTP_HOST: '127.0.0.1' }).http).toEqual({ port: 8080, host: '127.0.0.1' });
  });

  it.each(['http', '-1', '65536', '80.5', '8o8o'])('GIVEN PROBITY_HTTP_PORT=%s THEN start-up stops naming the variable, in Korean and English', (raw) => {
    try {
      loadConfig({ PROBITY_HTTP_PORT: raw });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([expect.objectContaining({ variable: 'PROBITY_HTTP_PORT' })]);
      expect((error as ConfigError).message).toContain('포트 번호');
      expect((error as ConfigError).message).toContain('port number');
    }
  });

  it('GIVEN the Slack HTTP receiver on the same port THEN start-up stops naming PROBITY_HTTP_PORT', () => {
    expect(() => loadConfig({ ...SLACK, SLACK_PORT: '8080' })).toThrow(/PROBITY_HTTP_PORT: .*SLACK_PORT/);
  });
});
