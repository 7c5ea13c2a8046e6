/**
 * Corrections to the training ledger: finding a session (`training list`) and removing a session or
 * some of its attendees (`training remove`). A removal is planned first (read only: every named item
 * checked, nothing changed on a problem), then applied in one transaction with an audit entry naming
 * the session's key and the employee numbers removed. A retry of a removal already made finds that
 * entry and says there is nothing left to remove, instead of an error.
 */
import type { Kysely } from 'kysely';
import type { Database, TrainingKind } from '../../db/schema.js';
import { recordAudit } from '../people/people.repository.js';

/** The audit action of a removal from the ledger. */
export const TRAINING_REMOVE_ACTION = 'training.remove';

/** Rows per DELETE statement: well within both databases' bound-parameter limits. */
const CHUNK = 200;

export interface ListedSession {
  id: number;
  day: string;
  title: string;
  kind: TrainingKind;
  minutes: number;
  attendees: number;
}

/**
 * Sessions of a year, oldest first, with their attendance; with a department path, only the sessions
 * someone of that subtree attended, counting those attendees.
 */
export async function listSessions(db: Kysely<Database>, year: number, departmentPath?: string): Promise<ListedSession[]> {
  let attendance = db
    .selectFrom('training_attendance')
    .innerJoin('members', 'members.id', 'training_attendance.member_id')
    .innerJoin('departments', 'departments.id', 'members.department_id')
    .select(['training_attendance.session_id']);
  if (departmentPath !== undefined) attendance = attendance.where((eb) => eb.or([eb('departments.path', '=', departmentPath), eb('departments.path', 'like', `${departmentPath}/%`)]));
  const counts = new Map<number, number>();
  for (const a of await attendance.execute()) counts.set(a.session_id, (counts.get(a.session_id) ?? 0) + 1);
  const sessions = await db
    .selectFrom('training_sessions')
    .select(['id', 'day', 'title', 'kind', 'minutes'])
    .where('day', '>=', `${year}-01-01`)
    .where('day', '<=', `${year}-12-31`)
    .orderBy('day')
    .orderBy('title')
    .orderBy('id')
    .execute();
  return sessions
    .map((s) => ({ ...s, kind: s.kind as TrainingKind, attendees: counts.get(s.id) ?? 0 }))
    .filter((s) => departmentPath === undefined || s.attendees > 0);
}

export interface SessionKey {
  id: number;
  day: string;
  title: string;
  kind: TrainingKind;
  minutes: number;
}

export type RemovalProblem =
  | { code: 'training.remove.error.id'; params: { value: string } }
  | { code: 'training.remove.error.unknown_session'; params: { value: number } }
  | { code: 'training.remove.error.not_attending'; params: { value: string; session: number } };

export type RemovalPlan =
  | { kind: 'problems'; problems: RemovalProblem[] }
  /** Everything named was removed before (per the audit log): a retry. */
  | { kind: 'nothing'; session: number }
  | { kind: 'remove'; session: SessionKey; whole: boolean; attendees: { memberId: number; employeeNo: string }[]; attendanceTotal: number };

interface RemovedEntry {
  session?: { id?: number };
  whole?: boolean;
  employeeNos?: string[];
}

/** What earlier removals took from a session: whether the whole of it, and whose attendance. */
async function removedBefore(db: Kysely<Database>, sessionId: number): Promise<{ whole: boolean; employeeNos: Set<string> }> {
  const rows = await db.selectFrom('audit_log').select('details').where('action', '=', TRAINING_REMOVE_ACTION).execute();
  const out = { whole: false, employeeNos: new Set<string>() };
  for (const r of rows) {
    const entry = JSON.parse(String(r.details)) as RemovedEntry;
    if (entry.session?.id !== sessionId) continue;
    if (entry.whole) out.whole = true;
    for (const no of entry.employeeNos ?? []) out.employeeNos.add(no);
  }
  return out;
}

/** Checks a removal: `rawId` a session id, `employeeNos` its attendees to remove (none: the whole session). */
export async function planRemoval(db: Kysely<Database>, rawId: string, employeeNos: readonly string[]): Promise<RemovalPlan> {
  if (!/^[1-9]\d{0,9}$/.test(rawId)) return { kind: 'problems', problems: [{ code: 'training.remove.error.id', params: { value: rawId } }] };
  const id = Number(rawId);
  const session = await db.selectFrom('training_sessions').select(['id', 'day', 'title', 'kind', 'minutes']).where('id', '=', id).executeTakeFirst();
  if (!session) {
    if ((await removedBefore(db, id)).whole) return { kind: 'nothing', session: id };
    return { kind: 'problems', problems: [{ code: 'training.remove.error.unknown_session', params: { value: id } }] };
  }
  const key: SessionKey = { ...session, kind: session.kind as TrainingKind };
  const attending = await db
    .selectFrom('training_attendance')
    .innerJoin('members', 'members.id', 'training_attendance.member_id')
    .select(['members.id', 'members.employee_no'])
    .where('training_attendance.session_id', '=', id)
    .orderBy('members.employee_no')
    .execute();
  const byNo = new Map(attending.map((a) => [a.employee_no ?? '', a.id]));
  if (employeeNos.length === 0) {
    return { kind: 'remove', session: key, whole: true, attendees: attending.map((a) => ({ memberId: a.id, employeeNo: a.employee_no ?? '' })), attendanceTotal: attending.length };
  }
  const named = [...new Set(employeeNos)];
  const missing = named.filter((no) => !byNo.has(no));
  if (missing.length > 0) {
    const earlier = (await removedBefore(db, id)).employeeNos;
    const never = missing.filter((no) => !earlier.has(no));
    if (never.length > 0) return { kind: 'problems', problems: never.map((value) => ({ code: 'training.remove.error.not_attending' as const, params: { value, session: id } })) };
    if (missing.length === named.length) return { kind: 'nothing', session: id };
  }
  const attendees = named.filter((no) => byNo.has(no)).map((employeeNo) => ({ memberId: byNo.get(employeeNo)!, employeeNo }));
  return { kind: 'remove', session: key, whole: false, attendees, attendanceTotal: attending.length };
}

/** Applies a checked removal in one transaction, audit-logged; returns the attendance rows removed. */
export async function applyRemoval(
  db: Kysely<Database>,
  plan: Extract<RemovalPlan, { kind: 'remove' }>,
  options: { nowIso: string; actorLabel: string; actorMemberId?: number | null },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // What is removed is read again here: the audit entry names what went, even if the ledger changed
    // while the operator was asked.
    let query = trx
      .selectFrom('training_attendance')
      .innerJoin('members', 'members.id', 'training_attendance.member_id')
      .select(['training_attendance.id', 'members.employee_no'])
      .where('training_attendance.session_id', '=', plan.session.id);
    if (!plan.whole) query = query.where('training_attendance.member_id', 'in', plan.attendees.map((a) => a.memberId));
    const going = await query.orderBy('members.employee_no').execute();
    for (let i = 0; i < going.length; i += CHUNK) await trx.deleteFrom('training_attendance').where('id', 'in', going.slice(i, i + CHUNK).map((g) => g.id)).execute();
    if (plan.whole) await trx.deleteFrom('training_sessions').where('id', '=', plan.session.id).execute();
    await recordAudit(trx, {
      actorMemberId: options.actorMemberId ?? null,
      actorLabel: options.actorLabel,
      action: TRAINING_REMOVE_ACTION,
      details: { session: plan.session, whole: plan.whole, employeeNos: going.map((g) => g.employee_no ?? ''), attendanceRemoved: going.length },
      nowIso: options.nowIso,
    });
    return going.length;
  });
}
