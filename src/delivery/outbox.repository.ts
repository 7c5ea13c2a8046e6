import type { Kysely, Transaction } from 'kysely';
import { dialectOf } from '../db/createDb.js';
import type { Database, Delivery } from '../db/schema.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Rows per INSERT statement: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

export interface PlannedRecipient {
  memberId: number | null;
  recipient: string;
}

export const memberRecipient = (memberId: number) => `member:${memberId}`;
export const channelRecipient = (platform: string, channelId: string) => `channel:${platform}:${channelId}`;

/**
 * One outbox row per recipient; the unique (job run, recipient) makes a second plan a no-op. `dueIso`
 * holds the rows back until then (a leadership message scheduled for later).
 */
export async function planDeliveries(db: DbOrTrx, jobRunId: number, recipients: readonly PlannedRecipient[], nowIso: string, dueIso: string = nowIso): Promise<void> {
  const rows = recipients.map((r) => ({
    job_run_id: jobRunId,
    member_id: r.memberId,
    recipient: r.recipient,
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: dueIso,
    claimed_by: null,
    claimed_until: null,
    platform: null,
    message_ref: null,
    error: null,
    created_at: nowIso,
    sent_at: null,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('deliveries')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['job_run_id', 'recipient']).doNothing())
      .execute();
  }
}

/**
 * Claims up to `limit` due rows for this instance: pending rows whose time has come, and rows whose
 * claim has lapsed (their instance died). On PostgreSQL, FOR UPDATE SKIP LOCKED lets several
 * instances claim side by side without waiting on or taking each other's rows.
 */
export async function claimDue(db: Kysely<Database>, options: { instanceId: string; nowIso: string; leaseUntilIso: string; limit: number }): Promise<Delivery[]> {
  const { nowIso } = options;
  let due = db
    .selectFrom('deliveries')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
        eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', nowIso)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit);
  if (dialectOf(db) === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('deliveries')
    .set({ status: 'sending', claimed_by: options.instanceId, claimed_until: options.leaseUntilIso })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.id - b.id);
}

/**
 * At start, rows this instance had claimed before it stopped were never confirmed sent: put them
 * back. At most the one message that was in flight can then go out twice.
 */
export async function releaseClaims(db: DbOrTrx, instanceId: string): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'pending', claimed_by: null, claimed_until: null })
    .where('status', '=', 'sending')
    .where('claimed_by', '=', instanceId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Outcomes are written only by the instance that holds the claim: if the claim lapsed and another
 * instance took the row, this one's late answer changes nothing.
 */
export async function markSent(db: DbOrTrx, id: number, instanceId: string, outcome: { platform: string; ref: string; nowIso: string; attempts: number }): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'sent', platform: outcome.platform, message_ref: outcome.ref, sent_at: outcome.nowIso, attempts: outcome.attempts, claimed_until: null, error: null })
    .where('id', '=', id)
    .where('claimed_by', '=', instanceId)
    .execute();
}

/** Renews this instance's claim on a row just before sending it; false when the claim was lost. */
export async function renewClaim(db: DbOrTrx, id: number, instanceId: string, leaseUntilIso: string): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ claimed_until: leaseUntilIso })
    .where('id', '=', id)
    .where('claimed_by', '=', instanceId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markRetry(db: DbOrTrx, id: number, instanceId: string, retry: { attempts: number; nextAttemptIso: string; error: string }): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'pending', attempts: retry.attempts, next_attempt_at: retry.nextAttemptIso, error: retry.error, claimed_by: null, claimed_until: null })
    .where('id', '=', id)
    .where('claimed_by', '=', instanceId)
    .execute();
}

export async function markFinal(db: DbOrTrx, id: number, instanceId: string, final: { status: 'failed' | 'skipped'; attempts: number; error: string; platform?: string }): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: final.status, attempts: final.attempts, error: final.error, platform: final.platform ?? null, claimed_until: null })
    .where('id', '=', id)
    .where('claimed_by', '=', instanceId)
    .execute();
}

/** Whether anything is left to send now or later (pending or claimed). */
export async function hasOutstanding(db: DbOrTrx): Promise<boolean> {
  const row = await db.selectFrom('deliveries').select('id').where('status', 'in', ['pending', 'sending']).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** When the next pending row comes due, if any: the dispatcher sleeps until then rather than polling. */
export async function nextDueAt(db: DbOrTrx): Promise<string | undefined> {
  const row = await db.selectFrom('deliveries').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('status', '=', 'pending').executeTakeFirst();
  return row?.at ?? undefined;
}

export interface OutboxBacklog {
  /** Rows waiting to be sent, now or at a later attempt. */
  pending: number;
  /** Rows claimed by an instance and not yet settled. */
  sending: number;
  /** When the longest-waiting row that is due now became due; undefined when nothing is due. */
  oldestDueAt: string | undefined;
}

/** The outbox's backlog, for monitoring: a growing count or an old due row means sending is stuck. */
export async function outboxBacklog(db: DbOrTrx, nowIso: string): Promise<OutboxBacklog> {
  const counts = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('status', 'in', ['pending', 'sending'])
    .groupBy('status')
    .execute();
  const oldest = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', 'in', ['pending', 'sending'])
    .where('next_attempt_at', '<=', nowIso)
    .executeTakeFirst();
  const count = (status: string) => Number(counts.find((c) => c.status === status)?.n ?? 0);
  return { pending: count('pending'), sending: count('sending'), oldestDueAt: oldest?.at ?? undefined };
}
