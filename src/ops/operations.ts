/**
 * Starts the operations listener for a running Probity: metrics wired into the services, the outbox
 * sampled, /healthz, /readyz and /metrics served. Later features mount their own routes on
 * `listener` (see src/ops/http.ts).
 */
import type { HttpConfig } from '../config.js';
import { outboxBacklog } from '../delivery/outbox.repository.js';
import type { Services } from '../engine/context.js';
import { databaseCheck, migrationsCheck, mountOperations, type ReadinessCheck } from './health.js';
import { HttpListener } from './http.js';
import { PrometheusMetrics } from './prometheus.js';

export interface Operations {
  listener: HttpListener;
  metrics: PrometheusMetrics;
  /** The port listened on (the configured one, or the one the system chose for 0). */
  port: number;
  stop(): Promise<void>;
}

/**
 * `platforms`: one readiness check per configured chat platform. Fails, naming PROBITY_HTTP_PORT, when
 * the port is taken; call it before connecting the platforms so that a bad port stops the start early.
 */
export async function startOperations(services: Services, http: HttpConfig, platforms: readonly ReadinessCheck[], options: { readinessTimeoutMs?: number } = {}): Promise<Operations> {
  const metrics = new PrometheusMetrics(() => services.clock.now());
  const listener = new HttpListener(services.log);
  mountOperations(listener, {
    checks: () => [databaseCheck(services.db), migrationsCheck(services.db), ...platforms],
    metrics,
    ...(options.readinessTimeoutMs !== undefined ? { timeoutMs: options.readinessTimeoutMs } : {}),
  });
  const port = await listener.listen(http);
  services.metrics = metrics;
  metrics.startSampling(() => outboxBacklog(services.db, services.clock.now().toISOString()));
  services.log.info({ port, host: http.host }, 'operations endpoints listening (/healthz, /readyz, /metrics)');
  return {
    listener,
    metrics,
    port,
    async stop() {
      metrics.stopSampling();
      await listener.close();
    },
  };
}
