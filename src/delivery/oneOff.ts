/**
 * One-off sends (a pledge campaign, a leadership message, a welcome) go through the same outbox as
 * scheduled ones. Each kind has a reserved schedule row ("system:<kind>", never enabled, never in the
 * schedules file) so that job runs and deliveries keep one shape; the job run's slot is a key of the
 * send ("campaign:12"), so planning the same send twice adds nothing.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, SystemScheduleKind } from '../db/schema.js';
import { planDeliveries, type PlannedRecipient } from './outbox.repository.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

export type OneOffKind = SystemScheduleKind | 'announcement';
export const SYSTEM_SCHEDULE_PREFIX = 'system:';

export async function systemSchedule(db: DbOrTrx, kind: OneOffKind, timezone: string, nowIso: string): Promise<number> {
  const name = `${SYSTEM_SCHEDULE_PREFIX}${kind}`;
  await db
    .insertInto('schedules')
    .values({
      name,
      kind,
      cron: '0 0 1 1 *',
      timezone,
      audience: JSON.stringify({ all: true }),
      delivery: 'dm',
      working_days_only: 0,
      enabled: 0,
      paused: 0,
      created_at: nowIso,
      updated_at: nowIso,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await db.selectFrom('schedules').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
}

export interface OneOffSend {
  kind: OneOffKind;
  /** Unique per send of this kind, e.g. "campaign:12" or "welcome:2026-11-27". */
  key: string;
  /** The organisation-local day it belongs to. */
  day: string;
  payload: Record<string, unknown>;
  recipients: readonly PlannedRecipient[];
  timezone: string;
  nowIso: string;
  /** Held back until then; at once when absent. */
  dueIso?: string;
}

/** Plans (or adds recipients to) a one-off send; returns its job run id and its size. */
export async function planOneOff(db: DbOrTrx, send: OneOffSend): Promise<{ jobRunId: number; planned: number }> {
  const scheduleId = await systemSchedule(db, send.kind, send.timezone, send.nowIso);
  await db
    .insertInto('job_runs')
    .values({ schedule_id: scheduleId, slot: send.key, day: send.day, status: 'planned', reason: null, planned: 0, payload: JSON.stringify(send.payload), created_at: send.nowIso })
    .onConflict((oc) => oc.columns(['schedule_id', 'slot']).doNothing())
    .execute();
  const run = await db.selectFrom('job_runs').select('id').where('schedule_id', '=', scheduleId).where('slot', '=', send.key).executeTakeFirstOrThrow();
  await planDeliveries(db, run.id, send.recipients, send.nowIso, send.dueIso ?? send.nowIso);
  const counted = await db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('job_run_id', '=', run.id).executeTakeFirstOrThrow();
  const planned = Number(counted.n);
  await db.updateTable('job_runs').set({ planned }).where('id', '=', run.id).execute();
  return { jobRunId: run.id, planned };
}

/** The outbox rows of one-off sends of a kind, of one send when its key is given, joined to their job runs. */
export function oneOffDeliveries(db: DbOrTrx, kind: OneOffKind, key?: string) {
  const query = db
    .selectFrom('deliveries')
    .innerJoin('job_runs', 'job_runs.id', 'deliveries.job_run_id')
    .innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id')
    .where('schedules.name', '=', `${SYSTEM_SCHEDULE_PREFIX}${kind}`);
  return key === undefined ? query : query.where('job_runs.slot', '=', key);
}
