/**
 * Drains the outbox: claims due rows, composes each message for its recipient, waits for the
 * platform's token bucket, sends through the adapter's ChatPort, and records the outcome. Sends are
 * sequential within an instance, so a crash can repeat at most the one message in flight; instances
 * share the work through row claims.
 */
import type { Services } from '../engine/context.js';
import type { Platform } from '../engine/events.js';
import type { Delivery, JobRun, Member, MemberAccount } from '../db/schema.js';
import { ANY_PLATFORM } from '../scheduler/plan.js';
import { toSchedule, type Schedule } from '../scheduler/schedules.repository.js';
import type { Message } from '../ui/card.js';
import { claimDue, hasOutstanding, markFinal, markRetry, markSent, nextDueAt, releaseClaims, renewClaim } from './outbox.repository.js';
import { DeliveryError, type ChatPort, type Recipient } from './port.js';
import { realSleep, TokenBucket, type Sleep } from './rateLimiter.js';
import { backoffMs } from './retry.js';
import { addDays, localDay } from '../time.js';
import { NO_METRICS, type Metrics } from '../ops/metrics.js';

export interface Outgoing {
  delivery: Delivery;
  jobRun: JobRun;
  schedule: Schedule;
  member: Member | null;
  platform: Platform;
}

/** Builds the message for one recipient, or null when there is nothing to send (e.g. already answered). */
export type Composer = (services: Services, outgoing: Outgoing) => Promise<Message | null>;

interface BatchContext {
  runs: Map<number, { jobRun: JobRun; schedule: Schedule }>;
  people: Map<number, { member: Member; accounts: MemberAccount[] }>;
}

interface Prepared {
  delivery: Delivery;
  attempts: number;
  port: ChatPort;
  recipient: Recipient;
  message: Message;
}

export interface DispatcherOptions {
  composers: Readonly<Record<string, Composer>>;
  batchSize?: number;
  leaseMs?: number;
  idlePollMs?: number;
  sleep?: Sleep;
  random?: () => number;
}

/** Kinds sent once rather than on a schedule, and how many days they stay worth sending. */
const ONE_OFF_KINDS: ReadonlySet<string> = new Set(['pledge', 'announcement']);
const ONE_OFF_VALID_DAYS = 7;
const DEFAULT_BATCH = 50;
const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_IDLE_POLL_MS = 1_000;
/** Bursts allowed by the bucket: a tenth of a second's worth, at least one message. */
const BURST_SECONDS = 0.1;

export class Dispatcher {
  private readonly buckets = new Map<Platform, TokenBucket>();
  private readonly ports: Map<Platform, ChatPort>;
  private readonly sleep: Sleep;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private released = false;
  /** Set by stop(): the message on the wire is finished, the rest of the batch goes back to the queue. */
  private stopping = false;
  private readonly stopRequested: Promise<void>;
  private requestStop: () => void = () => undefined;

  constructor(
    private readonly services: Services,
    ports: readonly ChatPort[],
    private readonly options: DispatcherOptions,
  ) {
    this.ports = new Map(ports.map((p) => [p.platform, p]));
    this.sleep = options.sleep ?? realSleep;
    this.stopRequested = new Promise((resolve) => (this.requestStop = resolve));
    for (const port of ports) {
      const rate = services.config.rateLimits[port.platform] ?? 1;
      this.buckets.set(port.platform, new TokenBucket(rate, Math.max(1, rate * BURST_SECONDS), services.clock, this.sleep));
    }
  }

  /** Claims and sends one batch; returns how many rows it handled. */
  async drainOnce(): Promise<number> {
    const { db, clock, config } = this.services;
    if (!this.released) {
      const released = await releaseClaims(db, config.instanceId);
      if (released > 0) this.services.log.warn({ released }, 'resumed deliveries claimed before a restart');
      this.released = true;
    }
    const now = clock.now();
    const batch = await claimDue(db, {
      instanceId: config.instanceId,
      nowIso: now.toISOString(),
      leaseUntilIso: new Date(now.getTime() + (this.options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
      limit: this.options.batchSize ?? DEFAULT_BATCH,
    });
    const context: BatchContext = { runs: new Map(), people: await this.loadPeople(batch) };
    // A pipeline of one: the next message is written while the current one is on the wire, but only
    // one is ever in flight, so a crash can repeat at most that one.
    let next = batch.length > 0 ? this.prepareSafely(batch[0]!, context) : undefined;
    for (let i = 0; i < batch.length; i++) {
      const prepared = await next!;
      if (this.stopping) break;
      next = i + 1 < batch.length ? this.prepareSafely(batch[i + 1]!, context) : undefined;
      if (prepared) await this.send(prepared);
    }
    return batch.length;
  }

  /** Sends until nothing is due now (rows waiting for a retry later are left for later). */
  async drainDue(): Promise<number> {
    let total = 0;
    for (let handled = await this.drainOnce(); handled > 0; handled = await this.drainOnce()) total += handled;
    return total;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let idleMs = this.options.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
        try {
          if ((await this.drainOnce()) > 0) continue;
          idleMs = await this.untilNextDue(idleMs);
        } catch (error) {
          this.services.log.error({ err: error }, 'outbox drain failed');
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idleMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  /** How long to sleep: until the next retry comes due, but never longer than the idle poll. */
  private async untilNextDue(idleMs: number): Promise<number> {
    const next = await nextDueAt(this.services.db);
    if (next === undefined) return idleMs;
    return Math.max(0, Math.min(idleMs, Date.parse(next) - this.services.clock.now().getTime()));
  }

  /** Sends everything, waiting for retries as they come due; for batch runs (benchmarks, one-shot jobs). */
  async drainAll(): Promise<void> {
    for (;;) {
      await this.drainDue();
      if (!(await hasOutstanding(this.services.db))) return;
      await this.sleep(Math.max(1, await this.untilNextDue(this.options.idlePollMs ?? DEFAULT_IDLE_POLL_MS)));
    }
  }

  /** New rows were planned: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Stops cleanly (SIGTERM): the message in flight is finished and recorded, and the rows this
   * instance had claimed but not sent go back to pending at once, for the next start or another
   * instance, rather than waiting for their claims to lapse.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.requestStop();
    this.wake();
    await this.loop;
    const released = await releaseClaims(this.services.db, this.services.config.instanceId);
    if (released > 0) this.services.log.info({ released }, 'unsent deliveries returned to the outbox on stop');
  }

  /**
   * prepare() that never rejects: it runs ahead of the send in flight, so a failure here (a database
   * error) must not become an unhandled rejection. The row goes back to the queue with backoff.
   */
  private async prepareSafely(delivery: Delivery, context: BatchContext): Promise<Prepared | null> {
    try {
      return await this.prepare(delivery, context);
    } catch (error) {
      this.services.log.error({ err: error, deliveryId: delivery.id }, 'preparing a delivery failed');
      await this.retryOrFail(delivery.id, delivery.attempts + 1, 'internal_error').catch(() => undefined);
      return null;
    }
  }

  /**
   * Finds the target and writes the message; rows that cannot or need not be sent are settled here.
   * Returns what to send, or null when the row is done.
   */
  private async prepare(delivery: Delivery, context: BatchContext): Promise<Prepared | null> {
    const { db, log } = this.services;
    let run = context.runs.get(delivery.job_run_id);
    if (!run) {
      const jobRun = await db.selectFrom('job_runs').selectAll().where('id', '=', delivery.job_run_id).executeTakeFirstOrThrow();
      const schedule = await db.selectFrom('schedules').selectAll().where('id', '=', jobRun.schedule_id).executeTakeFirstOrThrow();
      run = { jobRun, schedule: toSchedule(schedule) };
      context.runs.set(delivery.job_run_id, run);
    }

    // A scheduled message belongs to its day: after a stop, yesterday's quiz is not sent this morning.
    // One-off messages (a pledge campaign, a leadership letter) still go out after a stop, for a week.
    const today = localDay(this.services.clock.now(), run.schedule.timezone);
    const lastDay = ONE_OFF_KINDS.has(run.schedule.kind) ? addDays(run.jobRun.day, ONE_OFF_VALID_DAYS - 1) : run.jobRun.day;
    if (today > lastDay) {
      await markFinal(db, delivery.id, this.services.config.instanceId, { status: 'skipped', attempts: delivery.attempts, error: 'expired' });
      return null;
    }
    const attempts = delivery.attempts + 1;
    const target = this.target(delivery, context.people);
    if ('failure' in target) {
      await markFinal(db, delivery.id, this.services.config.instanceId, { status: 'failed', attempts, error: target.failure });
      this.metrics.deliveryFailed('none', target.failure);
      return null;
    }
    if ('skip' in target) {
      await markFinal(db, delivery.id, this.services.config.instanceId, { status: 'skipped', attempts: delivery.attempts, error: target.skip });
      return null;
    }
    const { port, recipient, member } = target;
    let message: Message | null;
    try {
      const composer = this.options.composers[run.schedule.kind];
      if (!composer) throw new Error(`no composer for ${run.schedule.kind}`);
      message = await composer(this.services, { delivery, jobRun: run.jobRun, schedule: run.schedule, member, platform: port.platform });
    } catch (error) {
      log.error({ err: error, deliveryId: delivery.id }, 'composing a delivery failed');
      await this.retryOrFail(delivery.id, attempts, 'compose_error', port.platform);
      return null;
    }
    if (message === null) {
      await markFinal(db, delivery.id, this.services.config.instanceId, { status: 'skipped', attempts: delivery.attempts, error: 'not_needed', platform: port.platform });
      return null;
    }
    return { delivery, attempts, port, recipient, message };
  }

  /** Sends one prepared message and records the outcome: sent, retry later, or failed. */
  private async send({ delivery, attempts, port, recipient, message }: Prepared): Promise<void> {
    const { db, clock, config, log } = this.services;
    const bucket = this.buckets.get(port.platform)!;
    // A long pause (a platform's Retry-After) does not hold up a stop: the row is returned unsent.
    await Promise.race([bucket.take(), this.stopRequested]);
    if (this.stopping) return;
    // Waiting for the bucket may have outlasted the claim: send only while this instance still holds it.
    const leaseUntil = new Date(clock.now().getTime() + (this.options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString();
    if (!(await renewClaim(db, delivery.id, config.instanceId, leaseUntil))) {
      log.warn({ deliveryId: delivery.id }, 'claim lost before sending; another instance has the row');
      return;
    }
    try {
      const sent = await port.send(recipient, message);
      await markSent(db, delivery.id, config.instanceId, { platform: port.platform, ref: `${sent.conversationId}/${sent.messageId}`, nowIso: clock.now().toISOString(), attempts });
      this.metrics.deliverySent(port.platform);
    } catch (error) {
      if (!(error instanceof DeliveryError)) {
        log.warn({ err: error, deliveryId: delivery.id }, 'unexpected send error, will retry');
        await this.retryOrFail(delivery.id, attempts, 'send_error', port.platform);
        return;
      }
      const { failure, reason } = error;
      if (failure.kind === 'permanent') {
        await markFinal(db, delivery.id, this.services.config.instanceId, { status: 'failed', attempts, error: reason, platform: port.platform });
        this.metrics.deliveryFailed(port.platform, reason);
      } else if (failure.kind === 'rate_limited') {
        if (failure.global) bucket.pause(failure.retryAfterMs);
        this.metrics.rateLimitPause(port.platform, failure.global ? 'global' : 'route');
        if (attempts >= config.maxDeliveryAttempts) {
          await markFinal(db, delivery.id, this.services.config.instanceId, { status: 'failed', attempts, error: reason, platform: port.platform });
          this.metrics.deliveryFailed(port.platform, reason);
        } else {
          await markRetry(db, delivery.id, config.instanceId, { attempts, nextAttemptIso: new Date(clock.now().getTime() + failure.retryAfterMs).toISOString(), error: reason });
          this.metrics.deliveryRetried(port.platform, reason);
        }
      } else {
        await this.retryOrFail(delivery.id, attempts, reason, port.platform);
      }
    }
  }

  private async retryOrFail(id: number, attempts: number, reason: string, platform: Platform | 'none' = 'none'): Promise<void> {
    const { db, clock, config } = this.services;
    if (attempts >= config.maxDeliveryAttempts) {
      await markFinal(db, id, config.instanceId, { status: 'failed', attempts, error: reason });
      this.metrics.deliveryFailed(platform, reason);
    } else {
      await markRetry(db, id, config.instanceId, { attempts, nextAttemptIso: new Date(clock.now().getTime() + backoffMs(attempts, this.options.random)).toISOString(), error: reason });
      this.metrics.deliveryRetried(platform, reason);
    }
  }

  private get metrics(): Metrics {
    return this.services.metrics ?? NO_METRICS;
  }

  /** The members a batch addresses and their chat accounts, in two queries rather than two per row. */
  private async loadPeople(batch: readonly Delivery[]): Promise<Map<number, { member: Member; accounts: MemberAccount[] }>> {
    const ids = [...new Set(batch.map((d) => d.member_id).filter((id): id is number => id !== null))];
    const people = new Map<number, { member: Member; accounts: MemberAccount[] }>();
    if (ids.length === 0) return people;
    const { db } = this.services;
    for (const member of await db.selectFrom('members').selectAll().where('id', 'in', ids).execute()) people.set(member.id, { member, accounts: [] });
    for (const account of await db.selectFrom('member_accounts').selectAll().where('member_id', 'in', ids).orderBy('id').execute()) people.get(account.member_id)?.accounts.push(account);
    return people;
  }

  /** Which port and address a row goes to: a member's linked account on a running platform, or a channel. */
  private target(delivery: Delivery, people: Map<number, { member: Member; accounts: MemberAccount[] }>): { port: ChatPort; recipient: Recipient; member: Member | null } | { failure: string } | { skip: string } {
    const [kind, first, second] = delivery.recipient.split(':');
    if (kind === 'channel') {
      const port = first === ANY_PLATFORM ? this.ports.values().next().value : this.ports.get(first as Platform);
      return port && second ? { port, recipient: { kind: 'channel', channelId: second }, member: null } : { failure: 'platform_not_running' };
    }
    const person = delivery.member_id !== null ? people.get(delivery.member_id) : undefined;
    if (!person) return { failure: 'member_missing' };
    const { member, accounts } = person;
    if (member.left_on !== null) return { failure: 'member_left' };
    let notAsked = false;
    for (const account of accounts) {
      const port = this.ports.get(account.platform as Platform);
      if (!port?.capabilities.directMessages) continue;
      if (port.capabilities.dmOnRequest && account.dm_opt_in !== 1) {
        notAsked = true;
        continue;
      }
      return { port, recipient: { kind: 'user', workspace: account.workspace, userId: account.platform_user_id }, member };
    }
    // Reached through the platform's channel post instead: not a failure.
    return notAsked ? { skip: 'dm_not_requested' } : { failure: 'no_account' };
  }
}
