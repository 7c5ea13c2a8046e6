import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Member, PledgeCampaign, PledgeRow } from '../../db/schema.js';
import { parseRoles } from '../../engine/roles.js';
import type { Localized } from '../../i18n/locales.js';
import { resolveAudience } from '../../scheduler/schedules.repository.js';
import type { PledgeAudience, PledgeItem } from '../content/content.js';
import { syncVersionedContent, type SyncSummary } from '../content/versioned.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Ids per IN list: well under both dialects' parameter limits. */
const ID_CHUNK = 500;

export interface PledgeBody {
  title: Localized;
  text: Localized;
}

export interface Pledge {
  id: number;
  pack: string;
  slug: string;
  key: string;
  version: number;
  audience: PledgeAudience;
  active: boolean;
  body: PledgeBody;
}

/** Who a campaign addresses: everyone, the leaders (managers), or department subtrees. */
export type CampaignAudience = { all: true } | { leaders: true } | { departments: string[] };

export function toPledge(row: PledgeRow): Pledge {
  return {
    id: row.id,
    pack: row.pack,
    slug: row.slug,
    key: `${row.pack}/${row.slug}`,
    version: row.version,
    audience: row.audience as PledgeAudience,
    active: row.active === 1,
    body: JSON.parse(row.body) as PledgeBody,
  };
}

/** SHA-256 (hex) of the exact text a member was shown: the evidence of what they signed. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Brings the pledges table in line with the content: a changed title, text or audience is a new
 * version (signatures of the old one stay, and members are asked to sign again); a pledge no longer
 * shipped is retired, not deleted.
 */
export async function syncPledges(db: Kysely<Database>, items: readonly PledgeItem[], nowIso: string): Promise<SyncSummary> {
  return syncVersionedContent(db, 'pledges', items, (item) => {
    const body: PledgeBody = { title: item.title, text: item.text };
    return { body: JSON.stringify(body), contentHash: textHash(JSON.stringify({ audience: item.audience, ...body })), columns: { audience: item.audience } };
  }, nowIso);
}

export async function activePledges(db: DbOrTrx): Promise<Pledge[]> {
  return (await db.selectFrom('pledges').selectAll().where('active', '=', 1).orderBy('pack').orderBy('id').execute()).map(toPledge);
}

export async function pledgeById(db: DbOrTrx, id: number): Promise<Pledge | undefined> {
  const row = await db.selectFrom('pledges').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPledge(row) : undefined;
}

/** The current version of a pledge named by "slug" or "pack/slug". */
export async function findActivePledge(db: DbOrTrx, name: string): Promise<Pledge | undefined> {
  const pledges = await activePledges(db);
  return pledges.find((p) => p.key === name) ?? pledges.find((p) => p.slug === name);
}

/** Leaders are those with the manager role; everyone else only signs all-staff pledges. */
export function pledgeApplies(pledge: Pledge, member: Member): boolean {
  return pledge.audience === 'all' || parseRoles(member.roles).includes('manager');
}

export interface SignatureInput {
  memberId: number;
  pledge: Pledge;
  campaignId: number | null;
  locale: 'ko' | 'en';
  platform: string;
  platformUserId: string;
  day: string;
  nowIso: string;
}

/** Records a signature once; false when this member had already signed this version. */
export async function recordSignature(db: DbOrTrx, input: SignatureInput): Promise<boolean> {
  const inserted = await db
    .insertInto('pledge_signatures')
    .values({
      member_id: input.memberId,
      pledge_id: input.pledge.id,
      campaign_id: input.campaignId,
      signed_at: input.nowIso,
      day: input.day,
      platform: input.platform,
      platform_user_id: input.platformUserId,
      locale: input.locale,
      text_hash: textHash(input.pledge.body.text[input.locale]),
    })
    .onConflict((oc) => oc.columns(['member_id', 'pledge_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function signatureOf(db: DbOrTrx, memberId: number, pledgeId: number) {
  return db.selectFrom('pledge_signatures').selectAll().where('member_id', '=', memberId).where('pledge_id', '=', pledgeId).executeTakeFirst();
}

/** Member ids (of those given) who signed this pledge version. */
export async function signedAmong(db: DbOrTrx, pledgeId: number, memberIds: readonly number[]): Promise<Set<number>> {
  const signed = new Set<number>();
  for (let i = 0; i < memberIds.length; i += ID_CHUNK) {
    const rows = await db.selectFrom('pledge_signatures').select('member_id').where('pledge_id', '=', pledgeId).where('member_id', 'in', memberIds.slice(i, i + ID_CHUNK)).execute();
    for (const r of rows) signed.add(r.member_id);
  }
  return signed;
}

/**
 * Active members a campaign audience addresses, among those the pledge applies to: a leadership pledge
 * opened for "all" or a department still reaches only its leaders (nobody else could sign it).
 */
export async function campaignMembers(db: DbOrTrx, audience: CampaignAudience, pledge: Pledge): Promise<Member[]> {
  const members =
    'departments' in audience ? await resolveAudience(db, { all: false, departments: audience.departments, roles: [] }) : await resolveAudience(db, { all: true });
  return members.filter((m) => pledgeApplies(pledge, m) && (!('leaders' in audience) || parseRoles(m.roles).includes('manager')));
}

export function defaultAudience(pledge: Pledge): CampaignAudience {
  return pledge.audience === 'leaders' ? { leaders: true } : { all: true };
}

export async function insertCampaign(
  db: DbOrTrx,
  row: { pledge: Pledge; audience: CampaignAudience; dueOn: string | null; openedBy: number | null; day: string; nowIso: string },
): Promise<number | null> {
  const inserted = await db
    .insertInto('pledge_campaigns')
    .values({
      pack: row.pledge.pack,
      slug: row.pledge.slug,
      audience: JSON.stringify(row.audience),
      due_on: row.dueOn,
      opened_by: row.openedBy,
      opened_at: row.nowIso,
      day: row.day,
      recipients: 0,
      closed_at: null,
    })
    .onConflict((oc) => oc.columns(['pack', 'slug', 'day', 'audience']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

export function campaignAudience(campaign: PledgeCampaign): CampaignAudience {
  return JSON.parse(campaign.audience) as CampaignAudience;
}

/** Open campaigns, newest first; for one pledge when named. */
export async function openCampaigns(db: DbOrTrx, pledgeKey?: string): Promise<PledgeCampaign[]> {
  let query = db.selectFrom('pledge_campaigns').selectAll().where('closed_at', 'is', null);
  if (pledgeKey) {
    const [pack, slug] = pledgeKey.split('/');
    query = query.where('pack', '=', pack!).where('slug', '=', slug!);
  }
  return query.orderBy('id', 'desc').execute();
}

export async function campaignById(db: DbOrTrx, id: number): Promise<PledgeCampaign | undefined> {
  return db.selectFrom('pledge_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

/** How many reminders each member has had for a campaign. */
export async function reminderCounts(db: DbOrTrx, campaignId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('pledge_reminders')
    .select(['member_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', '=', campaignId)
    .groupBy('member_id')
    .execute();
  return new Map(rows.map((r) => [r.member_id, Number(r.n)]));
}
