import { sql, type Kysely, type Transaction } from 'kysely';
import type { Announcement, AnnouncementStatus, Database } from '../../db/schema.js';
import { oneOffDeliveries, SYSTEM_SCHEDULE_PREFIX } from '../../delivery/oneOff.js';
import type { DepartmentAudience } from '../people/audience.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

export const announcementKey = (id: number) => `announcement:${id}`;

export async function insertDraft(
  db: DbOrTrx,
  row: { authorId: number; title: string; body: string; audience: DepartmentAudience; ackRequired: boolean; sendAt: string | null; template: string | null; mandatory?: boolean; nowIso: string },
): Promise<number> {
  const inserted = await db
    .insertInto('announcements')
    .values({
      author_member_id: row.authorId,
      title: row.title,
      body: row.body,
      audience: JSON.stringify(row.audience),
      ack_required: row.ackRequired ? 1 : 0,
      mandatory: row.mandatory ? 1 : 0,
      status: 'draft',
      template: row.template,
      send_at: row.sendAt,
      day: null,
      recipients: 0,
      created_at: row.nowIso,
      confirmed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function announcementById(db: DbOrTrx, id: number): Promise<Announcement | undefined> {
  return db.selectFrom('announcements').selectAll().where('id', '=', id).executeTakeFirst();
}

export function audienceOf(announcement: Announcement): DepartmentAudience {
  return JSON.parse(announcement.audience) as DepartmentAudience;
}

/** Moves a message from one status to another; false when someone else (a double click) moved it first. */
export async function transition(db: DbOrTrx, id: number, from: AnnouncementStatus, set: { status: AnnouncementStatus; day?: string; recipients?: number; confirmed_at?: string }): Promise<boolean> {
  const result = await db.updateTable('announcements').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The letter's audience: the roster members it was addressed to when it was sent, one outbox row each
 * (planned at Send, whatever became of the delivery). The one denominator of every acknowledgement
 * figure; a delivery that failed (no chat account then) leaves the member in the audience.
 */
export async function audienceIds(db: DbOrTrx, id: number): Promise<number[]> {
  const rows = await oneOffDeliveries(db, 'announcement', announcementKey(id)).select('deliveries.member_id').where('deliveries.member_id', 'is not', null).execute();
  return rows.map((r) => r.member_id!);
}

/** Whether the member is in the letter's audience; a forwarded button pressed by anyone else is not. */
export async function isInAudience(db: DbOrTrx, id: number, memberId: number): Promise<boolean> {
  const row = await oneOffDeliveries(db, 'announcement', announcementKey(id)).select('deliveries.id').where('deliveries.member_id', '=', memberId).executeTakeFirst();
  return row !== undefined;
}

/** Records one acknowledgement per member and message; false when it was already recorded. */
export async function recordAcknowledgement(db: DbOrTrx, row: { announcementId: number; memberId: number; platform: string; day: string; nowIso: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('acknowledgements')
    .values({ announcement_id: row.announcementId, member_id: row.memberId, acknowledged_at: row.nowIso, day: row.day, platform: row.platform })
    .onConflict((oc) => oc.columns(['announcement_id', 'member_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function acknowledgementOf(db: DbOrTrx, announcementId: number, memberId: number) {
  return db.selectFrom('acknowledgements').selectAll().where('announcement_id', '=', announcementId).where('member_id', '=', memberId).executeTakeFirst();
}

export async function acknowledgedIds(db: DbOrTrx, announcementId: number): Promise<Set<number>> {
  const rows = await db.selectFrom('acknowledgements').select('member_id').where('announcement_id', '=', announcementId).execute();
  return new Set(rows.map((r) => r.member_id));
}

/** Delivery outcomes of a message: sent, failed, waiting. */
export async function deliveryCounts(db: DbOrTrx, id: number): Promise<Record<string, number>> {
  const rows = await oneOffDeliveries(db, 'announcement', announcementKey(id))
    .select(['deliveries.status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('deliveries.status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Cancels what has not gone out yet; returns how many deliveries were stopped. */
export async function cancelPending(db: DbOrTrx, id: number): Promise<number> {
  const pending = oneOffDeliveries(db, 'announcement', announcementKey(id)).select('deliveries.id');
  const result = await db.updateTable('deliveries').set({ status: 'skipped', error: 'cancelled' }).where('id', 'in', pending).where('status', '=', 'pending').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function recentAnnouncements(db: DbOrTrx, authorId: number | null, limit: number): Promise<Announcement[]> {
  let query = db.selectFrom('announcements').selectAll().where('status', '!=', 'draft');
  if (authorId !== null) query = query.where('author_member_id', '=', authorId);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

/** Messages sent to a member (their outbox rows), newest first, with the member's acknowledgement. */
export async function lettersFor(db: DbOrTrx, memberId: number, limit: number) {
  const rows = await oneOffDeliveries(db, 'announcement')
    .select(['job_runs.slot', 'deliveries.status'])
    .where('deliveries.member_id', '=', memberId)
    .orderBy('job_runs.id', 'desc')
    .limit(limit)
    .execute();
  const letters = [];
  for (const row of rows) {
    const announcement = await announcementById(db, Number(row.slot.slice('announcement:'.length)));
    // Not yet due (a scheduled letter) or cancelled: not in anyone's inbox.
    if (!announcement || announcement.status === 'cancelled' || row.status === 'pending' || row.status === 'skipped') continue;
    letters.push({ announcement, acknowledgement: await acknowledgementOf(db, announcement.id, memberId) });
  }
  return letters;
}

export interface AudienceTally {
  departmentId: number;
  /** Audience members in the department on the letter's day. */
  audience: number;
  acknowledged: number;
  /** Of the audience, those the letter could not be delivered to (no chat account, say). */
  failed: number;
}

/**
 * The letter's audience by department on its day (or on the day they joined, for someone added later),
 * with acknowledgements and failed deliveries. The statistics fold (stats_announcement_departments)
 * and `announce status` both count with this, so they cannot disagree.
 */
export async function audienceTallies(db: DbOrTrx, announcementId: number): Promise<AudienceTally[]> {
  const message = await db.selectFrom('announcements').select('day').where('id', '=', announcementId).executeTakeFirst();
  if (!message?.day) return [];
  const day = sql<string>`case when m.joined_on > ${message.day} then m.joined_on else ${message.day} end`;
  const { rows } = await sql<{ department_id: number; audience: number | string; acknowledged: number | string; failed: number | string }>`
    select h.department_id, count(*) as audience, count(k.id) as acknowledged, sum(case when d.status = 'failed' then 1 else 0 end) as failed
    from deliveries d
    join job_runs j on j.id = d.job_run_id
    join schedules sc on sc.id = j.schedule_id
    join members m on m.id = d.member_id
    join member_departments h on h.member_id = d.member_id and h.from_day <= ${day} and (h.to_day is null or h.to_day > ${day})
    left join acknowledgements k on k.announcement_id = ${announcementId} and k.member_id = d.member_id
    where sc.name = ${`${SYSTEM_SCHEDULE_PREFIX}announcement`} and j.slot = ${announcementKey(announcementId)}
    group by h.department_id`.execute(db);
  return rows.map((r) => ({ departmentId: r.department_id, audience: Number(r.audience), acknowledged: Number(r.acknowledged), failed: Number(r.failed) }));
}
