/**
 * Folds of the outbox into the statistics aggregates:
 *
 * - stats_deliveries: final deliveries (sent, failed, skipped) per job run and recipient department
 *   on the run's day, counted once the run is over (a day old, nothing pending or being sent). A run
 *   that gains recipients afterwards (one-off sends add them, see delivery/oneOff.ts) is counted again.
 * - stats_announcement_departments: per leadership message (with or without acknowledgement) and
 *   department, its audience (every outbox row of the message's run, delivered or not), those of them
 *   who acknowledged it and those it could not be delivered to, by department on the message's day
 *   (announcements.repository.ts audienceTallies). Recounted when it gets acknowledgements or
 *   recipients, and at every refresh while its outbox rows are still under way.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { SYSTEM_SCHEDULE_PREFIX } from '../../delivery/oneOff.js';
import type { Day } from '../../time.js';
import { announcementKey, audienceTallies } from '../announcements/announcements.repository.js';
import { BATCH, lock, newRowsByGroup, safeBefore, writeState, type Db, type DbOrTrx } from './refreshState.js';

const FINAL_STATUSES = ['sent', 'failed', 'skipped'] as const;
const UNDER_WAY = ['pending', 'sending'] as const;
/** The reserved schedule whose runs carry leadership messages (one run per message, slot "announcement:<id>"). */
export const ANNOUNCEMENT_SCHEDULE = `${SYSTEM_SCHEDULE_PREFIX}announcement`;
/** Message states whose acknowledgements are reported: sent, or scheduled (and so sent once due). */
export const REPORTED_MESSAGE_STATUSES = ['sent', 'scheduled'] as const;

export interface DeliveryCount {
  jobRunId: number;
  day: Day;
  departmentId: number | null;
  sent: number;
  failed: number;
  skipped: number;
}

/** Final deliveries of the given job runs by recipient department on the run's day (null: channel posts). */
export async function countDeliveries(db: DbOrTrx, jobRunIds: readonly number[]): Promise<DeliveryCount[]> {
  const counts = new Map<string, DeliveryCount>();
  for (let i = 0; i < jobRunIds.length; i += BATCH) {
    const rows = await db
      .selectFrom('deliveries as d')
      .innerJoin('job_runs as j', 'j.id', 'd.job_run_id')
      .leftJoin('member_departments as h', (join) =>
        join
          .onRef('h.member_id', '=', 'd.member_id')
          .onRef('h.from_day', '<=', 'j.day')
          .on((eb) => eb.or([eb('h.to_day', 'is', null), eb('h.to_day', '>', eb.ref('j.day'))])),
      )
      .select(['d.job_run_id', 'j.day', 'h.department_id', 'd.status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('d.job_run_id', 'in', jobRunIds.slice(i, i + BATCH))
      .where('d.status', 'in', FINAL_STATUSES)
      .groupBy(['d.job_run_id', 'j.day', 'h.department_id', 'd.status'])
      .execute();
    for (const row of rows) {
      const key = `${row.job_run_id}:${row.department_id}`;
      let count = counts.get(key);
      if (!count) counts.set(key, (count = { jobRunId: row.job_run_id, day: row.day, departmentId: row.department_id ?? null, sent: 0, failed: 0, skipped: 0 }));
      count[row.status as (typeof FINAL_STATUSES)[number]] += Number(row.n);
    }
  }
  return [...counts.values()];
}

/** Job runs whose deliveries are not in stats_deliveries (yet). */
export function unfoldedRuns(db: DbOrTrx) {
  return db.selectFrom('job_runs as j').leftJoin('stats_job_runs as s', 's.job_run_id', 'j.id').select(['j.id', 'j.day']).where('s.job_run_id', 'is', null);
}

export async function foldDeliveries(db: Db, options: { today: Day; changedFrom: Day | undefined; grownRuns: readonly number[]; openRuns: readonly { id: number; day: string }[] }): Promise<number> {
  const { today, changedFrom, grownRuns } = options;
  const recount = changedFrom !== undefined || grownRuns.length > 0;
  if (recount) {
    await db.transaction().execute(async (trx) => {
      await lock(trx);
      if (changedFrom !== undefined) {
        await trx.deleteFrom('stats_deliveries').where('day', '>=', changedFrom).execute();
        await trx.deleteFrom('stats_job_runs').where('day', '>=', changedFrom).execute();
      }
      for (let i = 0; i < grownRuns.length; i += BATCH) {
        await trx.deleteFrom('stats_deliveries').where('job_run_id', 'in', grownRuns.slice(i, i + BATCH)).execute();
        await trx.deleteFrom('stats_job_runs').where('job_run_id', 'in', grownRuns.slice(i, i + BATCH)).execute();
      }
    });
  }
  const candidates = recount ? await unfoldedRuns(db).where('j.day', '<', today).execute() : options.openRuns;
  if (candidates.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    await lock(trx);
    const busy = new Set((await trx.selectFrom('deliveries').select('job_run_id').distinct().where('status', 'in', UNDER_WAY).execute()).map((r) => r.job_run_id));
    // Another refresher may have counted some of them while this one waited for the lock.
    const stillOpen = new Set((await unfoldedRuns(trx).where('j.day', '<', today).execute()).map((r) => r.id));
    const done = candidates.filter((r) => !busy.has(r.id) && stillOpen.has(r.id));
    if (done.length === 0) return 0;
    const counts = await countDeliveries(trx, done.map((r) => r.id));
    for (let i = 0; i < done.length; i += BATCH) {
      await trx.insertInto('stats_job_runs').values(done.slice(i, i + BATCH).map((r) => ({ job_run_id: r.id, day: r.day }))).execute();
    }
    const rows = counts.map((c) => ({ job_run_id: c.jobRunId, day: c.day, department_id: c.departmentId, sent: c.sent, failed: c.failed, skipped: c.skipped }));
    for (let i = 0; i < rows.length; i += BATCH / 2) await trx.insertInto('stats_deliveries').values(rows.slice(i, i + BATCH / 2)).execute();
    return done.length;
  });
}

export async function recountAnnouncements(
  db: Db,
  options: { now: Date; today: Day; changedFrom: Day | undefined; grownRuns: readonly number[]; acknowledgementsSafe: number; topAcknowledgement: number },
): Promise<number> {
  const { today, changedFrom, grownRuns } = options;
  const targets = new Set<number>();
  let ackSafe = options.acknowledgementsSafe;
  if (options.topAcknowledgement > ackSafe) {
    const touched = await newRowsByGroup(db, { table: 'acknowledgements', group: 'announcement_id', writtenAt: 'acknowledged_at' }, ackSafe, safeBefore(options.now));
    for (const [announcementId, oldId] of touched) {
      targets.add(announcementId);
      ackSafe = Math.max(ackSafe, oldId);
    }
  }
  const reported = db
    .selectFrom('announcements as a')
    .leftJoin('stats_announcements as s', 's.announcement_id', 'a.id')
    .select('a.id')
    .where('a.status', 'in', REPORTED_MESSAGE_STATUSES)
    .where('a.day', '<=', today);
  // Never counted, or still going out when last counted.
  for (const a of await reported.where((eb) => eb.or([eb('s.announcement_id', 'is', null), eb('s.settled', '=', 0)])).execute()) targets.add(a.id);
  if (changedFrom !== undefined) for (const a of await reported.where('a.day', '>=', changedFrom).execute()) targets.add(a.id);
  for (let i = 0; i < grownRuns.length; i += BATCH) {
    const runs = await messageRuns(db).where('j.id', 'in', grownRuns.slice(i, i + BATCH)).execute();
    for (const run of runs) {
      const id = Number(run.slot.split(':').at(-1));
      if (announcementKey(id) === run.slot) targets.add(id);
    }
  }
  const list = [...targets];
  if (list.length === 0 && ackSafe === options.acknowledgementsSafe) return 0;
  return db.transaction().execute(async (trx) => {
    await lock(trx);
    for (let i = 0; i < list.length; i += BATCH) await recount(trx, list.slice(i, i + BATCH));
    if (ackSafe > options.acknowledgementsSafe) await writeState(trx, 'acks_safe_id', String(ackSafe));
    return list.length;
  });
}

function messageRuns(db: DbOrTrx) {
  return db.selectFrom('job_runs as j').innerJoin('schedules as sc', 'sc.id', 'j.schedule_id').select(['j.id', 'j.slot']).where('sc.name', '=', ANNOUNCEMENT_SCHEDULE);
}

async function recount(trx: Transaction<Database>, ids: readonly number[]): Promise<void> {
  const messages = await trx.selectFrom('announcements').select(['id', 'day', 'status']).where('id', 'in', ids).execute();
  const runs = new Map((await messageRuns(trx).where('j.slot', 'in', ids.map(announcementKey)).execute()).map((r) => [r.slot, r.id]));
  await trx.deleteFrom('stats_announcement_departments').where('announcement_id', 'in', ids).execute();
  await trx.deleteFrom('stats_announcements').where('announcement_id', 'in', ids).execute();
  for (const message of messages) {
    const run = runs.get(announcementKey(message.id));
    let settled = true;
    if (run !== undefined && message.day !== null) {
      const tallies = await audienceTallies(trx, message.id);
      for (let i = 0; i < tallies.length; i += BATCH / 4) {
        await trx
          .insertInto('stats_announcement_departments')
          .values(tallies.slice(i, i + BATCH / 4).map((tally) => ({ announcement_id: message.id, department_id: tally.departmentId, recipients: tally.audience, acknowledged: tally.acknowledged, failed: tally.failed })))
          .execute();
      }
      settled = (await trx.selectFrom('deliveries').select('id').where('job_run_id', '=', run).where('status', 'in', UNDER_WAY).limit(1).executeTakeFirst()) === undefined;
    }
    await trx.insertInto('stats_announcements').values({ announcement_id: message.id, settled: settled ? 1 : 0 }).execute();
  }
}
