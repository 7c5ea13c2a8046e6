/**
 * Fires schedules through the slot ledger. Every minute (node-cron ticks) and once at start, each
 * schedule's fire times since its last recorded slot are walked:
 * - a slot already in job_runs was handled (here or by another instance) and is left alone;
 * - a slot on a day off of a working-days-only schedule, or of a paused schedule, is recorded as skipped;
 * - a slot that is on time, or missed earlier the same local day before the catch-up cut-off
 *   (default 18:00), fires once;
 * - anything older is recorded as missed with its reason, and never sent late.
 * Claiming a slot and planning its outbox rows is one transaction, so a crash between the two
 * leaves the slot unclaimed and it fires on the next start.
 */
import { schedule as cronSchedule, type ScheduledTask } from 'node-cron';
import type { Kysely, Transaction } from 'kysely';
import type { Services } from '../engine/context.js';
import type { Database, JobRunStatus } from '../db/schema.js';
import { planDeliveries, type PlannedRecipient } from '../delivery/outbox.repository.js';
import { localDay, type Day } from '../time.js';
import { CronMatcher, floorToMinute, localMinutes } from './cron.js';
import { allSchedules, type Schedule } from './schedules.repository.js';
import type { SlotMetricStatus } from '../ops/metrics.js';

/** How far back the scheduler looks for slots to record when it has been down. */
export const MAX_LOOKBACK_MS = 7 * 86_400_000;
/** A slot fired within this long of its time counts as on time, whatever the cut-off. */
export const ON_TIME_GRACE_MS = 5 * 60_000;

/** How each recorded slot counts for monitoring: a planned slot is one that fired. */
const SLOT_METRIC: Readonly<Record<JobRunStatus, SlotMetricStatus>> = { planned: 'fired', skipped: 'skipped', missed: 'missed' };

export interface PlannedRun {
  payload: Record<string, unknown>;
  recipients: PlannedRecipient[];
  /** Runs in the same transaction once the job run exists (e.g. to count reminders against it). */
  after?: (jobRunId: number) => Promise<void>;
}

export interface SlotInfo {
  instant: Date;
  day: Day;
}

/** Decides who receives a slot and what it is about; null when the kind has nothing to send. */
export type Planner = (services: Services, trx: Transaction<Database>, schedule: Schedule, slot: SlotInfo) => Promise<PlannedRun | null>;

export interface SlotOutcome {
  schedule: string;
  slot: string;
  status: JobRunStatus;
  reason: string | null;
  planned: number;
}

export class Scheduler {
  private readonly matchers = new Map<string, CronMatcher>();
  /** Per schedule, the minute up to which fire times have been walked in this process. */
  private readonly scanned = new Map<number, number>();
  private ticker: ScheduledTask | undefined;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly services: Services,
    private readonly planners: Readonly<Record<string, Planner>>,
    private readonly onPlanned: () => void = () => undefined,
  ) {}

  private matcher(schedule: Schedule): CronMatcher {
    const key = `${schedule.cron}@${schedule.timezone}`;
    let matcher = this.matchers.get(key);
    if (!matcher) {
      matcher = new CronMatcher(schedule.cron, schedule.timezone);
      this.matchers.set(key, matcher);
    }
    return matcher;
  }

  /** Handles every slot due up to `now`; returns what happened to each, oldest first. */
  async runDue(now: Date = this.services.clock.now()): Promise<SlotOutcome[]> {
    const run = this.busy.then(() => this.handleDue(now));
    // Ticks never overlap: a slow fan-out plan delays the next tick rather than racing it.
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async handleDue(now: Date): Promise<SlotOutcome[]> {
    const { db } = this.services;
    const outcomes: SlotOutcome[] = [];
    for (const schedule of await allSchedules(db)) {
      if (!schedule.enabled) continue;
      const last = await db.selectFrom('job_runs').select((eb) => eb.fn.max('slot').as('slot')).where('schedule_id', '=', schedule.id).executeTakeFirst();
      // From the start of the day the schedule was created (a first start at 09:05 still sends the 09:00
      // quiz, by the same-day rule), or from its last recorded slot; never more than the lookback.
      const createdDayStart = startOfLocalDay(new Date(schedule.createdAt), schedule.timezone);
      const scannedTo = this.scanned.get(schedule.id) ?? 0;
      const floor = Math.max(createdDayStart, last?.slot ? Date.parse(last.slot) : 0, now.getTime() - MAX_LOOKBACK_MS, scannedTo);
      for (const instant of this.matcher(schedule).fireTimesBetween(new Date(floor), now)) {
        const outcome = await this.handleSlot(schedule, instant, now);
        if (outcome) {
          outcomes.push(outcome);
          this.services.metrics?.slot(schedule.kind, SLOT_METRIC[outcome.status]);
        }
      }
      // Minutes already walked are not walked again at the next tick (a weekly schedule would
      // otherwise re-test up to a week of minutes every minute).
      this.scanned.set(schedule.id, Math.max(scannedTo, floorToMinute(now).getTime()));
    }
    if (outcomes.some((o) => o.status === 'planned' && o.planned > 0)) this.onPlanned();
    return outcomes;
  }

  private async handleSlot(schedule: Schedule, instant: Date, now: Date): Promise<SlotOutcome | null> {
    const { calendar, config } = this.services;
    const day = localDay(instant, schedule.timezone);
    const record = (status: JobRunStatus, reason: string | null) => this.record(schedule, { instant, day }, status, reason);

    if (schedule.paused) return record('skipped', 'paused');
    if (schedule.workingDaysOnly && !calendar.isWorkingDay(day)) {
      const reason = calendar.holidayNames(day).length > 0 ? 'holiday' : config.closures.includes(day) ? 'closure' : 'weekend';
      return record('skipped', reason);
    }
    const onTime = now.getTime() - instant.getTime() <= ON_TIME_GRACE_MS;
    const sameDayCatchUp = localDay(now, schedule.timezone) === day && localMinutes(now, schedule.timezone) < config.catchUpUntilMinutes;
    if (!onTime && !sameDayCatchUp) return record('missed', 'downtime');
    return this.fire(schedule, { instant, day });
  }

  /** Records a slot that does not send; a slot another instance already took is left alone. */
  private async record(schedule: Schedule, slot: SlotInfo, status: JobRunStatus, reason: string | null): Promise<SlotOutcome | null> {
    const claimed = await claimSlot(this.services.db, schedule.id, slot, { status, reason, nowIso: this.services.clock.now().toISOString() });
    return claimed === null ? null : { schedule: schedule.name, slot: slot.instant.toISOString(), status, reason, planned: 0 };
  }

  private async fire(schedule: Schedule, slot: SlotInfo): Promise<SlotOutcome | null> {
    const planner = this.planners[schedule.kind];
    if (!planner) return this.record(schedule, slot, 'skipped', 'not_available');
    const nowIso = this.services.clock.now().toISOString();
    return this.services.db.transaction().execute(async (trx) => {
      const jobRunId = await claimSlot(trx, schedule.id, slot, { status: 'planned', reason: null, nowIso });
      if (jobRunId === null) return null;
      const plan = await planner(this.services, trx, schedule, slot);
      // Nothing to send: the kind has nothing for this slot, or nobody needs it (e.g. everyone signed).
      if (!plan || plan.recipients.length === 0) {
        const reason = plan ? 'nobody' : 'not_available';
        await trx.updateTable('job_runs').set({ status: 'skipped', reason }).where('id', '=', jobRunId).execute();
        return { schedule: schedule.name, slot: slot.instant.toISOString(), status: 'skipped' as const, reason, planned: 0 };
      }
      await planDeliveries(trx, jobRunId, plan.recipients, nowIso);
      await plan.after?.(jobRunId);
      await trx.updateTable('job_runs').set({ planned: plan.recipients.length, payload: JSON.stringify(plan.payload) }).where('id', '=', jobRunId).execute();
      this.services.log.info({ schedule: schedule.name, slot: slot.instant.toISOString(), planned: plan.recipients.length }, 'slot fired');
      return { schedule: schedule.name, slot: slot.instant.toISOString(), status: 'planned' as const, reason: null, planned: plan.recipients.length };
    });
  }

  /** Ticks every minute; the first run at start is the catch-up. */
  start(): void {
    this.ticker = cronSchedule('* * * * *', () => this.tick(), { timezone: 'UTC', noOverlap: true, name: 'probity-scheduler' });
    void this.tick();
  }

  private async tick(): Promise<void> {
    try {
      await this.runDue();
    } catch (error) {
      this.services.log.error({ err: error }, 'scheduler tick failed');
    }
  }

  async stop(): Promise<void> {
    await this.ticker?.destroy();
    await this.busy;
    for (const matcher of this.matchers.values()) matcher.dispose();
    this.matchers.clear();
  }
}

/**
 * The slot ledger: inserts (schedule, slot) once. Returns the new job run's id, or null when the slot
 * was already recorded, by this process before a restart or by another instance.
 */
export async function claimSlot(
  db: Kysely<Database> | Transaction<Database>,
  scheduleId: number,
  slot: SlotInfo,
  row: { status: JobRunStatus; reason: string | null; nowIso: string },
): Promise<number | null> {
  const inserted = await db
    .insertInto('job_runs')
    .values({ schedule_id: scheduleId, slot: slot.instant.toISOString(), day: slot.day, status: row.status, reason: row.reason, planned: 0, payload: '{}', created_at: row.nowIso })
    .onConflict((oc) => oc.columns(['schedule_id', 'slot']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

/** The instant local midnight began, on the local day of `instant`. */
function startOfLocalDay(instant: Date, timeZone: string): number {
  return instant.getTime() - localMinutes(instant, timeZone) * 60_000 - instant.getUTCSeconds() * 1000 - instant.getUTCMilliseconds();
}
