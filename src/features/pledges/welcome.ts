/**
 * New members receive the current all-staff pledge (the Graft Act's decree requires a pledge from new
 * hires, 시행령 제42조③): members added by a roster import after the first one, people who join a
 * Slack workspace, and anyone whose welcome could not be delivered before they had a chat account.
 * Idempotent: a member already signed, or already sent a welcome, is not sent another.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { oneOffDeliveries, planOneOff } from '../../delivery/oneOff.js';
import { memberRecipient } from '../../delivery/outbox.repository.js';
import { localDay } from '../../time.js';
import { activePledges, signedAmong } from './pledges.repository.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Plans the welcome pledge for these members; returns how many were newly planned. */
export async function offerWelcomePledge(db: DbOrTrx, config: Pick<Config, 'timezone'>, memberIds: readonly number[], now: Date): Promise<number> {
  if (memberIds.length === 0) return 0;
  const pledge = (await activePledges(db)).find((p) => p.audience === 'all');
  if (!pledge) return 0;
  const signed = await signedAmong(db, pledge.id, memberIds);
  const welcomed = await welcomeDeliveries(db, memberIds);
  const toSend = memberIds.filter((id) => !signed.has(id) && !welcomed.has(id));
  if (toSend.length === 0) return 0;
  const day = localDay(now, config.timezone);
  await planOneOff(db, {
    kind: 'pledge',
    key: `welcome:${day}`,
    day,
    payload: { pledge: pledge.key, welcome: true },
    recipients: toSend.map((id) => ({ memberId: id, recipient: memberRecipient(id) })),
    timezone: config.timezone,
    nowIso: now.toISOString(),
  });
  return toSend.length;
}

/**
 * After someone links a chat account: a welcome that failed for want of one (they were on the roster
 * before they were on chat) is offered again.
 */
export async function retryWelcomeWithoutAccount(db: DbOrTrx, config: Pick<Config, 'timezone'>, memberId: number, now: Date): Promise<void> {
  const rows = await welcomeRows(db, [memberId]);
  if (rows.length === 0 || rows.some((r) => r.status !== 'failed' || r.error !== 'no_account')) return;
  // The failed rows give way to a new one (today's welcome run may be the one that holds them).
  await db.deleteFrom('deliveries').where('id', 'in', rows.map((r) => r.id)).execute();
  await offerWelcomePledge(db, config, [memberId], now);
}

async function welcomeRows(db: DbOrTrx, memberIds: readonly number[]) {
  const rows = [];
  for (let i = 0; i < memberIds.length; i += 500) {
    rows.push(
      ...(await oneOffDeliveries(db, 'pledge')
        .select(['deliveries.id', 'deliveries.member_id', 'deliveries.status', 'deliveries.error'])
        .where('job_runs.slot', 'like', 'welcome:%')
        .where('deliveries.member_id', 'in', memberIds.slice(i, i + 500))
        .execute()),
    );
  }
  return rows;
}

async function welcomeDeliveries(db: DbOrTrx, memberIds: readonly number[]): Promise<Set<number>> {
  return new Set((await welcomeRows(db, memberIds)).map((r) => r.member_id).filter((id): id is number => id !== null));
}
