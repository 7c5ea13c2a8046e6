/**
 * What the core reports about its own work, for monitoring. The dispatcher, the scheduler and the
 * engine speak only to this interface; src/ops/prometheus.ts turns it into Prometheus metrics.
 * Labels carry codes only (platform, outcome, reason, event type): never a name, an id or a token.
 */
import type { Platform } from '../engine/events.js';

export type SlotMetricStatus = 'fired' | 'skipped' | 'missed';
export type RateLimitScope = 'global' | 'route';

export interface Metrics {
  deliverySent(platform: Platform): void;
  /** A delivery given up on (permanent failure or attempts exhausted). */
  deliveryFailed(platform: Platform | 'none', reason: string): void;
  /** A delivery put back for a later attempt. */
  deliveryRetried(platform: Platform | 'none', reason: string): void;
  slot(kind: string, status: SlotMetricStatus): void;
  /** How long the engine took to answer one inbound event. */
  handlerDuration(eventType: string, seconds: number): void;
  /** The platform asked Probity to slow down. */
  rateLimitPause(platform: Platform, scope: RateLimitScope): void;
}

/** For tests, the command line and anything run without a metrics endpoint. */
export const NO_METRICS: Metrics = {
  deliverySent: () => undefined,
  deliveryFailed: () => undefined,
  deliveryRetried: () => undefined,
  slot: () => undefined,
  handlerDuration: () => undefined,
  rateLimitPause: () => undefined,
};
