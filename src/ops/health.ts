/**
 * The operations endpoints: /healthz (the process answers), /readyz (the database answers, its
 * migrations are current, every configured platform is connected) and /metrics. Readiness asks each
 * check with a deadline, so a hung database gives a 503 within READINESS_TIMEOUT_MS rather than a
 * hung probe; /metrics reads only memory.
 */
import { sql } from 'kysely';
import type { Db } from '../db/createDb.js';
import { pendingMigrations } from '../db/migrate.js';
import type { HttpListener } from './http.js';
import { sendJson, sendText } from './http.js';
import type { PrometheusMetrics } from './prometheus.js';
import { TimeoutError, withTimeout } from './timeout.js';

export const READINESS_TIMEOUT_MS = 2_000;

/** One thing readiness depends on; `probe` resolves true when it is up. */
export interface ReadinessCheck {
  name: string;
  probe(): Promise<boolean> | boolean;
}

export type CheckState = 'up' | 'down' | 'timeout';

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckState>;
  /** The names of the checks that are not up. */
  down: string[];
}

export async function readiness(checks: readonly ReadinessCheck[], timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  const states = await Promise.all(
    checks.map(async (check): Promise<CheckState> => {
      try {
        return (await withTimeout(Promise.resolve().then(() => check.probe()), timeoutMs)) ? 'up' : 'down';
      } catch (error) {
        return error instanceof TimeoutError ? 'timeout' : 'down';
      }
    }),
  );
  const entries = checks.map((c, i) => [c.name, states[i]!] as const);
  const down = entries.filter(([, state]) => state !== 'up').map(([name]) => name);
  return { ready: down.length === 0, checks: Object.fromEntries(entries), down };
}

export const databaseCheck = (db: Db): ReadinessCheck => ({
  name: 'database',
  probe: async () => {
    await sql`select 1`.execute(db);
    return true;
  },
});

export const migrationsCheck = (db: Db): ReadinessCheck => ({
  name: 'migrations',
  probe: async () => (await pendingMigrations(db)).length === 0,
});

/** A chat platform, by name ("slack", "discord"); `connected` reads the adapter's own state. */
export const platformCheck = (platform: string, connected: () => boolean): ReadinessCheck => ({ name: platform, probe: connected });

export interface OperationsOptions {
  checks: () => readonly ReadinessCheck[];
  metrics: PrometheusMetrics;
  timeoutMs?: number;
}

/** Mounts /healthz, /readyz and /metrics on the listener. */
export function mountOperations(listener: HttpListener, options: OperationsOptions): void {
  listener
    .route('GET', '/healthz', (_request, response) => sendJson(response, 200, { status: 'ok' }))
    .route('GET', '/readyz', async (_request, response) => {
      const result = await readiness(options.checks(), options.timeoutMs);
      sendJson(response, result.ready ? 200 : 503, { status: result.ready ? 'ready' : 'unavailable', down: result.down, checks: result.checks });
    })
    .route('GET', '/metrics', async (_request, response) => {
      const { contentType, body } = await options.metrics.exposition();
      sendText(response, 200, contentType, body);
    });
}
