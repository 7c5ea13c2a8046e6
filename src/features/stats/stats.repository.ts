/**
 * Loads what the statistics count (counts.ts) from the aggregates and the small tables: never the raw
 * answers, deliveries or acknowledgements of the whole period.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { isStaff } from '../people/people.repository.js';
import type { Database, Department } from '../../db/schema.js';
import { UserError } from '../../engine/errors.js';
import type { MessageKey } from '../../i18n/index.js';
import { dayOfYear, NO_ANSWER } from './answerDays.js';
import type { AnnouncementInfo, DeliveryTally, PledgeInfo, StatsInput } from './counts.js';
import { movedMemberSpans } from './departmentHistory.js';
import { countDeliveries, REPORTED_MESSAGE_STATUSES, unfoldedRuns } from './outboxFold.js';
import type { Period } from './period.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** The catalogue key for a department the user named that does not exist. */
export const DEPARTMENT_ERROR: MessageKey = 'stats.error.department';

/** Rows per IN list: far below SQLite's bound-parameter limit. */
const IN_CHUNK = 1000;

export async function loadStatsInput(db: DbOrTrx, period: Period): Promise<StatsInput> {
  const [departments, members, spans, answerYears, topics, pledges, announcements, deliveries, quizDaysHeld] = await Promise.all([
    db.selectFrom('departments').select(['id', 'parent_id', 'path', 'name']).orderBy('path').execute(),
    db
      .selectFrom('members')
      // Roles are a ';'-list of known names (roster validation), so a substring test finds managers.
      .select(['id', 'joined_on', 'left_on', 'department_id', sql<number | boolean>`case when roles like '%manager%' then 1 else 0 end`.as('manager')])
      .where(isStaff)
      .where('joined_on', '<=', period.to)
      .where((eb) => eb.or([eb('left_on', 'is', null), eb('left_on', '>', period.from)]))
      .orderBy('id')
      .execute(),
    movedMemberSpans(db),
    loadAnswerYears(db, period),
    db.selectFrom('stats_topics').select(['code', 'topic']).execute(),
    db.selectFrom('pledges').select(['id', 'pack', 'slug', 'version', 'audience']).where('active', '=', 1).orderBy('pack').orderBy('slug').execute(),
    db
      .selectFrom('announcements')
      .select(['id', 'title', 'day', 'status', 'ack_required'])
      .where('status', 'in', REPORTED_MESSAGE_STATUSES)
      .where('day', '>=', period.from)
      .where('day', '<=', period.to)
      .orderBy('day')
      .orderBy('id')
      .execute(),
    loadDeliveries(db, period),
    db
      .selectFrom('job_runs as j')
      .innerJoin('schedules as s', 's.id', 'j.schedule_id')
      .select((eb) => eb.fn.count<number>('j.day').distinct().as('days'))
      .where('s.kind', '=', 'quiz')
      .where('j.status', '=', 'planned')
      .where('j.day', '>=', period.from)
      .where('j.day', '<=', period.to)
      .executeTakeFirst(),
  ]);

  const pledgeInfo: PledgeInfo[] = pledges.map((p) => ({ id: p.id, pack: p.pack, slug: p.slug, key: `${p.pack}/${p.slug}`, version: p.version, audience: p.audience === 'leaders' ? 'leaders' : 'all' }));
  const messages: AnnouncementInfo[] = announcements.map((a) => ({ id: a.id, title: a.title, day: a.day!, status: a.status, ackRequired: a.ack_required === 1 }));
  const [signed, announcementTallies] = await Promise.all([loadSignatures(db, pledgeInfo, period), loadAnnouncementTallies(db, messages)]);

  const topicNames: string[] = [];
  for (const t of topics) topicNames[t.code] = t.topic;
  return {
    period,
    departments: departments.map((d) => ({ id: d.id, parentId: d.parent_id, path: d.path, name: d.name })),
    members: members.map((m) => ({ id: m.id, joinedOn: m.joined_on, leftOn: m.left_on, departmentId: m.department_id, manager: Number(m.manager) === 1 })),
    spans,
    answerYears,
    topics: Array.from(topicNames, (t) => t ?? ''),
    pledges: pledgeInfo,
    signed,
    announcements: messages,
    announcementTallies,
    deliveries,
    quizDaysHeld: Number(quizDaysHeld?.days ?? 0),
  };
}

/**
 * Each member's answers in the period: per calendar year, only the period's days of the year string
 * (a month report reads a twelfth of a year), and only members who answered in it.
 */
async function loadAnswerYears(db: DbOrTrx, period: Period): Promise<StatsInput['answerYears']> {
  const firstYear = Number(period.from.slice(0, 4));
  const slices: { year: number; start: number; length: number }[] = [];
  for (let year = firstYear; year <= Number(period.to.slice(0, 4)); year++) {
    const from = period.from > `${year}-01-01` ? period.from : `${year}-01-01`;
    const to = period.to < `${year}-12-31` ? period.to : `${year}-12-31`;
    slices.push({ year, start: dayOfYear(from), length: dayOfYear(to) - dayOfYear(from) + 1 });
  }
  // substr counts from 1.
  const slice = (s: (typeof slices)[number]) => sql<string>`substr(days, ${s.start + 1}, ${s.length})`;
  const rows = await db
    .selectFrom('stats_member_years')
    .select(['member_id', 'year', sql<string>`case ${sql.join(slices.map((s) => sql`when year = ${s.year} then ${slice(s)}`), sql` `)} end`.as('days')])
    .where(sql<boolean>`${sql.join(slices.map((s) => sql`(year = ${s.year} and ${slice(s)} <> ${NO_ANSWER.repeat(s.length)})`), sql` or `)}`)
    .execute();
  const byMember = new Map<number, (string | undefined)[]>();
  for (const row of rows) {
    let list = byMember.get(row.member_id);
    if (!list) byMember.set(row.member_id, (list = []));
    list[row.year - firstYear] = row.days;
  }
  return { firstYear, offsets: slices.map((s) => s.start), byMember };
}

async function loadSignatures(db: DbOrTrx, pledges: readonly PledgeInfo[], period: Period): Promise<Map<number, Set<number>>> {
  const signed = new Map(pledges.map((p) => [p.id, new Set<number>()]));
  if (pledges.length === 0) return signed;
  const rows = await db
    .selectFrom('pledge_signatures')
    .select(['pledge_id', 'member_id'])
    .where('pledge_id', 'in', pledges.map((p) => p.id))
    .where('day', '<=', period.to)
    .execute();
  for (const row of rows) signed.get(row.pledge_id)?.add(row.member_id);
  return signed;
}

async function loadAnnouncementTallies(db: DbOrTrx, messages: readonly AnnouncementInfo[]): Promise<StatsInput['announcementTallies']> {
  const byMessage = new Map(messages.map((m) => [m.id, new Map<number, { recipients: number; acknowledged: number; failed: number }>()]));
  for (let i = 0; i < messages.length; i += IN_CHUNK) {
    const rows = await db
      .selectFrom('stats_announcement_departments')
      .select(['announcement_id', 'department_id', 'recipients', 'acknowledged', 'failed'])
      .where('announcement_id', 'in', messages.slice(i, i + IN_CHUNK).map((m) => m.id))
      .execute();
    for (const row of rows) byMessage.get(row.announcement_id)?.set(row.department_id, { recipients: row.recipients, acknowledged: row.acknowledged, failed: row.failed });
  }
  return byMessage;
}

/** Counted runs from the aggregate, runs still under way (or not yet counted) live. */
async function loadDeliveries(db: DbOrTrx, period: Period): Promise<Map<number | null, DeliveryTally>> {
  const tallies = new Map<number | null, DeliveryTally>();
  const add = (departmentId: number | null, t: DeliveryTally) => {
    const tally = tallies.get(departmentId) ?? { sent: 0, failed: 0, skipped: 0 };
    tally.sent += t.sent;
    tally.failed += t.failed;
    tally.skipped += t.skipped;
    tallies.set(departmentId, tally);
  };
  const folded = await db
    .selectFrom('stats_deliveries')
    .select(['department_id', (eb) => eb.fn.sum<number>('sent').as('sent'), (eb) => eb.fn.sum<number>('failed').as('failed'), (eb) => eb.fn.sum<number>('skipped').as('skipped')])
    .where('day', '>=', period.from)
    .where('day', '<=', period.to)
    .groupBy('department_id')
    .execute();
  for (const row of folded) add(row.department_id, { sent: Number(row.sent), failed: Number(row.failed), skipped: Number(row.skipped) });
  const open = await unfoldedRuns(db).where('j.day', '>=', period.from).where('j.day', '<=', period.to).execute();
  for (const count of await countDeliveries(db, open.map((r) => r.id))) add(count.departmentId, count);
  return tallies;
}

/**
 * The department a user named, by path ("행정국/감사과", spaces around '/' ignored) or, when that is
 * not a path, by a name only one department has. Unknown or ambiguous names are refused.
 */
export async function resolveDepartment(db: DbOrTrx, named: string): Promise<Department> {
  const path = named
    .split('/')
    .map((s) => s.trim())
    .join('/');
  const byPath = await db.selectFrom('departments').selectAll().where('path', '=', path).executeTakeFirst();
  if (byPath) return byPath;
  const byName = await db.selectFrom('departments').selectAll().where('name', '=', path).execute();
  if (byName.length === 1) return byName[0]!;
  throw new UserError(DEPARTMENT_ERROR, { value: named });
}

export async function departmentExists(db: DbOrTrx, id: number): Promise<boolean> {
  return (await db.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}
