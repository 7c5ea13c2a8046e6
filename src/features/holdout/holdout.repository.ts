/**
 * Campaigns and their recorded assignments. The planner asks `withoutHeldOut` who may receive a
 * campaign's slot or letter; that call records any member new to the campaign, in the same
 * transaction as the deliveries, so the report reads exactly the split the delivery used.
 */
import type { Kysely, Transaction } from 'kysely';
import type { CampaignTable, Database, Member } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import type { Day } from '../../time.js';
import { assignHoldout, sameSpec, type CampaignSpec, type Outcome } from './holdout.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;
export type CampaignRow = Selectable<CampaignTable>;

export const scheduleCampaignKey = (name: string) => `schedule:${name}`;
export const letterCampaignKey = (announcementId: number) => `letter:${announcementId}`;

export function specOf(row: CampaignRow): CampaignSpec {
  const treatment = row.treatment ? (JSON.parse(row.treatment) as { topicWeights?: Record<string, number> }) : {};
  return { fraction: row.holdout, outcome: row.outcome as Outcome, topic: row.topic, weeks: row.weeks, start: row.start_day, ...(treatment.topicWeights ? { topicWeights: treatment.topicWeights } : {}) };
}

export async function campaignByKey(db: DbOrTrx, key: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function allCampaigns(db: DbOrTrx): Promise<CampaignRow[]> {
  return db.selectFrom('campaigns').selectAll().orderBy('key').execute();
}

async function hasAssignments(db: DbOrTrx, campaignId: number): Promise<boolean> {
  return (await db.selectFrom('holdout_assignments').select('member_id').where('campaign_id', '=', campaignId).limit(1).executeTakeFirst()) !== undefined;
}

/** A declaration that would change a campaign already under way; null when it may be saved. */
export async function redeclaration(db: DbOrTrx, key: string, spec: CampaignSpec): Promise<CampaignRow | null> {
  const row = await campaignByKey(db, key);
  if (!row || sameSpec(specOf(row), spec) || !(await hasAssignments(db, row.id))) return null;
  return row;
}

/** Saves a campaign's declaration (a new one, or one nobody has been assigned to yet) and makes it active. */
export async function declareCampaign(db: DbOrTrx, key: string, source: CampaignRow['source'], spec: CampaignSpec, nowIso: string): Promise<void> {
  const treatment = spec.topicWeights ? JSON.stringify({ topicWeights: spec.topicWeights }) : null;
  const values = { holdout: spec.fraction, outcome: spec.outcome, topic: spec.topic, weeks: spec.weeks, treatment, active: 1 };
  const row = await campaignByKey(db, key);
  if (!row) {
    await db.insertInto('campaigns').values({ key, source, ...values, start_day: spec.start, created_at: nowIso }).onConflict((oc) => oc.column('key').doNothing()).execute();
  } else if (await hasAssignments(db, row.id)) {
    if (row.active !== 1) await db.updateTable('campaigns').set({ active: 1 }).where('id', '=', row.id).execute();
  } else {
    await db.updateTable('campaigns').set({ ...values, start_day: spec.start }).where('id', '=', row.id).execute();
  }
}

/** Schedules no longer declaring a holdout stop holding anyone out; their campaign stays for the report. */
export async function retireScheduleCampaigns(db: DbOrTrx, keep: readonly string[]): Promise<void> {
  let query = db.updateTable('campaigns').set({ active: 0 }).where('source', '=', 'schedule').where('active', '=', 1);
  if (keep.length > 0) query = query.where('key', 'not in', keep);
  await query.execute();
}

/**
 * The members a campaign's delivery may reach: everyone when the key names no active campaign,
 * otherwise those not held out. Members new to the campaign are assigned and recorded first; the
 * start is fixed on the first day the campaign reaches anyone (unless it was declared).
 */
export async function withoutHeldOut(trx: DbOrTrx, key: string, members: readonly Member[], day: Day, nowIso: string): Promise<Member[]> {
  const campaign = await campaignByKey(trx, key);
  if (!campaign || campaign.active !== 1) return [...members];
  const recorded = await assignments(trx, campaign.id);
  const known = new Set(recorded.map((r) => r.memberId));
  const fresh = assignHoldout(key, campaign.holdout, members.filter((m) => !known.has(m.id)).map((m) => ({ memberId: m.id, departmentId: m.department_id })), recorded);
  for (let i = 0; i < fresh.length; i += 400) {
    await trx
      .insertInto('holdout_assignments')
      .values(fresh.slice(i, i + 400).map((a) => ({ campaign_id: campaign.id, member_id: a.memberId, department_id: a.departmentId, held_out: a.heldOut ? 1 : 0, assigned_at: nowIso })))
      .onConflict((oc) => oc.columns(['campaign_id', 'member_id']).doNothing())
      .execute();
  }
  if (campaign.start_day === null) await trx.updateTable('campaigns').set({ start_day: day }).where('id', '=', campaign.id).where('start_day', 'is', null).execute();
  // Read back: a concurrent planner's rows win over ours, and both sides then use the same split.
  const heldOut = new Set((await assignments(trx, campaign.id)).filter((a) => a.heldOut).map((a) => a.memberId));
  return members.filter((m) => !heldOut.has(m.id));
}

export async function assignments(db: DbOrTrx, campaignId: number): Promise<{ memberId: number; departmentId: number; heldOut: boolean }[]> {
  const rows = await db.selectFrom('holdout_assignments').select(['member_id', 'department_id', 'held_out']).where('campaign_id', '=', campaignId).orderBy('member_id').execute();
  return rows.map((r) => ({ memberId: r.member_id, departmentId: r.department_id, heldOut: r.held_out === 1 }));
}
