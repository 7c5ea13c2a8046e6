/**
 * The core's Metrics as Prometheus metrics (prom-client), plus the outbox backlog and the process
 * metrics. The outbox is sampled in the background and a scrape reads the last sample: a slow
 * database can make the figures stale (probity_outbox_sampled_timestamp_seconds says how stale), never
 * the scrape slow.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Platform } from '../engine/events.js';
import type { OutboxBacklog } from '../delivery/outbox.repository.js';
import type { Metrics, RateLimitScope, SlotMetricStatus } from './metrics.js';
import { withTimeout } from './timeout.js';

export const METRIC_PREFIX = 'probity_';
/** Seconds: from a quick button press to a statistics report with a chart. */
const HANDLER_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** How often the outbox backlog is sampled. */
export const OUTBOX_SAMPLE_INTERVAL_MS = 15_000;
/** A sample that takes longer is abandoned; the next interval tries again. */
export const OUTBOX_SAMPLE_TIMEOUT_MS = 5_000;
const MS_PER_SECOND = 1000;
/** A reason is a short code ("dm_closed", "http_503"); anything else is reported as "other". */
const REASON_CODE = /^[a-z][a-z0-9_]{0,39}$/;
const EVENT_TYPE = /^[a-z][a-z_]{0,29}$/;

const code = (value: string, pattern: RegExp) => (pattern.test(value) ? value : 'other');

export type BacklogSource = () => Promise<OutboxBacklog>;

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly sent: Counter<'platform'>;
  private readonly failed: Counter<'platform' | 'reason'>;
  private readonly retried: Counter<'platform' | 'reason'>;
  private readonly slots: Counter<'kind' | 'status'>;
  private readonly handlers: Histogram<'event_type'>;
  private readonly pauses: Counter<'platform' | 'scope'>;
  private readonly depth: Gauge<'status'>;
  private readonly oldestDue: Gauge;
  private readonly sampledAt: Gauge;
  private sampler: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {
    const registers = [this.registry];
    // The process metrics keep their standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes…).
    collectDefaultMetrics({ register: this.registry });
    this.sent = new Counter({ name: `${METRIC_PREFIX}deliveries_sent_total`, help: 'Messages delivered, by platform.', labelNames: ['platform'], registers });
    this.failed = new Counter({ name: `${METRIC_PREFIX}deliveries_failed_total`, help: 'Deliveries given up on, by platform ("none" before one was chosen) and reason code.', labelNames: ['platform', 'reason'], registers });
    this.retried = new Counter({ name: `${METRIC_PREFIX}deliveries_retried_total`, help: 'Deliveries put back for a later attempt, by platform and reason code.', labelNames: ['platform', 'reason'], registers });
    this.slots = new Counter({ name: `${METRIC_PREFIX}slots_total`, help: 'Schedule slots recorded, by schedule kind and status (fired, skipped, missed).', labelNames: ['kind', 'status'], registers });
    this.handlers = new Histogram({ name: `${METRIC_PREFIX}handler_duration_seconds`, help: 'Time to answer an inbound event, by event type.', labelNames: ['event_type'], buckets: HANDLER_BUCKETS, registers });
    this.pauses = new Counter({ name: `${METRIC_PREFIX}rate_limit_pauses_total`, help: 'Rate limits a platform imposed, by platform and scope (global pauses the platform).', labelNames: ['platform', 'scope'], registers });
    this.depth = new Gauge({ name: `${METRIC_PREFIX}outbox_depth`, help: 'Outbox rows not yet settled, by status (pending, sending), at the last sample.', labelNames: ['status'], registers });
    this.oldestDue = new Gauge({ name: `${METRIC_PREFIX}outbox_oldest_pending_age_seconds`, help: 'How long the longest-waiting due row has been waiting (0 when none is due), at the last sample.', registers });
    this.sampledAt = new Gauge({ name: `${METRIC_PREFIX}outbox_sampled_timestamp_seconds`, help: 'When the outbox was last sampled successfully (Unix time).', registers });
  }

  deliverySent(platform: Platform): void {
    this.sent.inc({ platform });
  }

  deliveryFailed(platform: Platform | 'none', reason: string): void {
    this.failed.inc({ platform, reason: code(reason, REASON_CODE) });
  }

  deliveryRetried(platform: Platform | 'none', reason: string): void {
    this.retried.inc({ platform, reason: code(reason, REASON_CODE) });
  }

  slot(kind: string, status: SlotMetricStatus): void {
    this.slots.inc({ kind: code(kind, REASON_CODE), status });
  }

  handlerDuration(eventType: string, seconds: number): void {
    this.handlers.observe({ event_type: code(eventType, EVENT_TYPE) }, seconds);
  }

  rateLimitPause(platform: Platform, scope: RateLimitScope): void {
    this.pauses.inc({ platform, scope });
  }

  /** Samples the backlog now; a failure or a slow answer leaves the previous figures in place. */
  sampleOutbox(source: BacklogSource, timeoutMs = OUTBOX_SAMPLE_TIMEOUT_MS): Promise<void> {
    // One sample at a time: a database that hangs is not asked again and again.
    if (this.sampling) return this.sampling;
    const run = this.sampleOnce(() => withTimeout(source(), timeoutMs)).finally(() => {
      if (this.sampling === run) this.sampling = undefined;
    });
    this.sampling = run;
    return run;
  }

  private async sampleOnce(source: BacklogSource): Promise<void> {
    try {
      const backlog = await source();
      const now = this.now();
      this.depth.set({ status: 'pending' }, backlog.pending);
      this.depth.set({ status: 'sending' }, backlog.sending);
      this.oldestDue.set(backlog.oldestDueAt === undefined ? 0 : Math.max(0, (now.getTime() - Date.parse(backlog.oldestDueAt)) / MS_PER_SECOND));
      this.sampledAt.set(now.getTime() / MS_PER_SECOND);
    } catch {
      // Stale figures and an old sample time are the signal; readiness reports the database itself.
    }
  }

  startSampling(source: BacklogSource, intervalMs = OUTBOX_SAMPLE_INTERVAL_MS): void {
    void this.sampleOutbox(source);
    this.sampler = setInterval(() => void this.sampleOutbox(source), intervalMs).unref();
  }

  stopSampling(): void {
    clearInterval(this.sampler);
  }

  /** The text exposition format; reads only what is in memory. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
