/**
 * Department history: which department a member belonged to on a given day, so that someone who moved
 * in June counts for their old department in a report on the first half of the year.
 *
 * members.department_id is the current department; member_departments keeps [from_day, to_day) spans.
 * The roster import records changes on the day it runs; every other path that changes a department
 * (chat enrolment, platform role hints) is caught up by the statistics refresh, which dates the move
 * by the member's last update.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Day } from '../../time.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Rows per IN list: far below SQLite's bound-parameter limit. */
const IN_CHUNK = 1000;

export interface DepartmentSpan {
  departmentId: number;
  fromDay: Day;
}

/**
 * The department on `day`: the last span starting on or before it; before the first span (a day
 * before the member joined), the first one.
 */
export function departmentOn(spans: readonly DepartmentSpan[], day: Day): number | undefined {
  let found = spans[0]?.departmentId;
  for (const span of spans) {
    if (span.fromDay > day) break;
    found = span.departmentId;
  }
  return found;
}

interface Candidate {
  id: number;
  department_id: number;
  joined_on: string;
  updated_at: string;
}

/**
 * Brings member_departments in line with members.department_id. A member without history starts at
 * their joining day; a member whose department differs from their open span moved on `dayOf(member)`
 * (never before the open span began). Only members updated at or after `updatedSince` are looked at,
 * when given. Returns the earliest day whose attribution changed, if any.
 */
export async function recordDepartmentChanges(
  db: DbOrTrx,
  options: { dayOf: (member: { updated_at: string }) => Day; updatedSince?: string },
): Promise<Day | undefined> {
  let query = db.selectFrom('members').select(['id', 'department_id', 'joined_on', 'updated_at']);
  if (options.updatedSince !== undefined) query = query.where('updated_at', '>=', options.updatedSince);
  const candidates: Candidate[] = await query.execute();
  if (candidates.length === 0) return undefined;

  const open = new Map<number, { id: number; department_id: number; from_day: string }>();
  const all = options.updatedSince === undefined;
  for (let i = 0; i < (all ? 1 : candidates.length); i += IN_CHUNK) {
    let spans = db.selectFrom('member_departments').select(['id', 'member_id', 'department_id', 'from_day']).where('to_day', 'is', null);
    if (!all) spans = spans.where('member_id', 'in', candidates.slice(i, i + IN_CHUNK).map((c) => c.id));
    for (const span of await spans.execute()) open.set(span.member_id, span);
  }

  let earliest: Day | undefined;
  const changedFrom = (day: Day) => {
    if (earliest === undefined || day < earliest) earliest = day;
  };
  const fresh: { member_id: number; department_id: number; from_day: string; to_day: null }[] = [];
  for (const member of candidates) {
    const span = open.get(member.id);
    if (!span) {
      fresh.push({ member_id: member.id, department_id: member.department_id, from_day: member.joined_on, to_day: null });
      changedFrom(member.joined_on);
      continue;
    }
    if (span.department_id === member.department_id) continue;
    const day = options.dayOf(member) > span.from_day ? options.dayOf(member) : span.from_day;
    if (day === span.from_day) {
      // Moved again on the day the open span began: that span simply names the new department.
      await db.updateTable('member_departments').set({ department_id: member.department_id }).where('id', '=', span.id).execute();
    } else {
      await db.updateTable('member_departments').set({ to_day: day }).where('id', '=', span.id).execute();
      fresh.push({ member_id: member.id, department_id: member.department_id, from_day: day, to_day: null });
    }
    changedFrom(day);
  }
  for (let i = 0; i < fresh.length; i += IN_CHUNK / 4) {
    await db.insertInto('member_departments').values(fresh.slice(i, i + IN_CHUNK / 4)).execute();
  }
  return earliest;
}

/**
 * Spans of the members who ever moved, ordered by day. Everyone else has one span whose department is
 * members.department_id (the refresh keeps the two in step), so callers fall back to that.
 */
export async function movedMemberSpans(db: DbOrTrx): Promise<Map<number, DepartmentSpan[]>> {
  const rows = await db
    .selectFrom('member_departments')
    .select(['member_id', 'department_id', 'from_day'])
    .where('member_id', 'in', (eb) => eb.selectFrom('member_departments').select('member_id').where('to_day', 'is not', null))
    .orderBy('member_id')
    .orderBy('from_day')
    .execute();
  const spans = new Map<number, DepartmentSpan[]>();
  for (const row of rows) {
    let list = spans.get(row.member_id);
    if (!list) spans.set(row.member_id, (list = []));
    list.push({ departmentId: row.department_id, fromDay: row.from_day });
  }
  return spans;
}
