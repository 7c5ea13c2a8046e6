/**
 * The training ledger in the database: sessions (one per day, title, kind and length) and who
 * attended them. Writing is all or nothing and idempotent: recording the same file twice finds the
 * same sessions and the same attendances, and counts nothing twice.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, TrainingKind } from '../../db/schema.js';
import { parseRoles, type Role } from '../../engine/roles.js';
import { isStaff, recordAudit } from '../people/people.repository.js';
import { sessionKey, type Attended, type LedgerProblem, type LedgerRow, type SessionInput, type TrainingPerson } from './training.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** The audit action of a roster import (roster.import.ts). */
const ROSTER_IMPORT_ACTION = 'roster.import';

/** Rows per INSERT statement: well within both databases' bound-parameter limits. */
const CHUNK = 200;

export interface LedgerResult {
  recorded: boolean;
  problems: LedgerProblem[];
  sessionsAdded: number;
  sessionsKnown: number;
  attendanceAdded: number;
  attendanceKnown: number;
}

/**
 * Records attendance rows (from a file or `training add`): every employee number must be someone on
 * the roster, or nothing is written. `actorMemberId` is the officer in chat, null on the command line.
 */
export async function recordLedger(db: Kysely<Database>, rows: readonly LedgerRow[], options: { nowIso: string; actorLabel: string; actorMemberId?: number | null; source: string }): Promise<LedgerResult> {
  const none = { sessionsAdded: 0, sessionsKnown: 0, attendanceAdded: 0, attendanceKnown: 0 };
  const numbers = [...new Set(rows.map((r) => r.employeeNo))];
  const ids = new Map<string, number>();
  for (let i = 0; i < numbers.length; i += CHUNK) {
    const found = await db.selectFrom('members').select(['id', 'employee_no']).where('employee_no', 'in', numbers.slice(i, i + CHUNK)).execute();
    for (const m of found) ids.set(m.employee_no!, m.id);
  }
  const problems: LedgerProblem[] = rows
    .filter((r) => !ids.has(r.employeeNo))
    .map((r) => ({ row: r.row, field: 'employee_no', code: 'training.error.unknown_employee_no' as const, params: { value: r.employeeNo } }));
  if (problems.length > 0 || rows.length === 0) return { recorded: false, problems, ...none };

  return db.transaction().execute(async (trx) => {
    const sessions = new Map<string, { input: SessionInput; id?: number }>();
    for (const r of rows) if (!sessions.has(sessionKey(r))) sessions.set(sessionKey(r), { input: { day: r.day, title: r.title, kind: r.kind, minutes: r.minutes } });
    let sessionsAdded = 0;
    for (const entry of sessions.values()) {
      const { day, title, kind, minutes } = entry.input;
      const inserted = await trx
        .insertInto('training_sessions')
        .values({ day, title, kind, minutes, created_at: options.nowIso, created_by: options.actorLabel })
        .onConflict((oc) => oc.columns(['day', 'title', 'kind', 'minutes']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) sessionsAdded++;
      entry.id = inserted?.id ?? (await trx.selectFrom('training_sessions').select('id').where('day', '=', day).where('title', '=', title).where('kind', '=', kind).where('minutes', '=', minutes).executeTakeFirstOrThrow()).id;
    }
    const values = rows.map((r) => ({ session_id: sessions.get(sessionKey(r))!.id!, member_id: ids.get(r.employeeNo)!, recorded_at: options.nowIso }));
    let attendanceAdded = 0;
    for (let i = 0; i < values.length; i += CHUNK) {
      const added = await trx
        .insertInto('training_attendance')
        .values(values.slice(i, i + CHUNK))
        .onConflict((oc) => oc.columns(['session_id', 'member_id']).doNothing())
        .returning('id')
        .execute();
      attendanceAdded += added.length;
    }
    const result = { sessionsAdded, sessionsKnown: sessions.size - sessionsAdded, attendanceAdded, attendanceKnown: values.length - attendanceAdded };
    if (sessionsAdded + attendanceAdded > 0) {
      await recordAudit(trx, {
        actorMemberId: options.actorMemberId ?? null,
        actorLabel: options.actorLabel,
        action: 'training.record',
        details: { source: options.source, ...result },
        nowIso: options.nowIso,
      });
    }
    return { recorded: true, problems: [], ...result };
  });
}

export interface PersonRow extends TrainingPerson {
  id: number;
  employeeNo: string | null;
  name: string;
  departmentId: number;
  path: string;
  roles: Role[];
  head: boolean;
}

/** Staff on the roster on `asOf`, each with every session they attended in `year` up to `asOf`. */
export async function trainingPeople(db: DbOrTrx, year: number, asOf: string): Promise<PersonRow[]> {
  const members = await db
    .selectFrom('members')
    .innerJoin('departments', 'departments.id', 'members.department_id')
    .select(['members.id', 'members.employee_no', 'members.name', 'members.department_id', 'members.roles', 'members.joined_on', 'members.promoted_on', 'members.is_head', 'departments.path'])
    .where(isStaff)
    .where('members.joined_on', '<=', asOf)
    .where((eb) => eb.or([eb('members.left_on', 'is', null), eb('members.left_on', '>', asOf)]))
    .orderBy('departments.path')
    .orderBy('members.employee_no')
    .orderBy('members.id')
    .execute();
  const attendance = await db
    .selectFrom('training_attendance')
    .innerJoin('training_sessions', 'training_sessions.id', 'training_attendance.session_id')
    .select(['training_attendance.member_id', 'training_sessions.day', 'training_sessions.kind', 'training_sessions.minutes'])
    .where('training_sessions.day', '>=', `${year}-01-01`)
    .where('training_sessions.day', '<=', asOf)
    .execute();
  const byMember = new Map<number, Attended[]>();
  for (const a of attendance) byMember.set(a.member_id, [...(byMember.get(a.member_id) ?? []), { day: a.day, kind: a.kind as TrainingKind, minutes: a.minutes }]);
  return members.map((m) => ({
    id: m.id,
    employeeNo: m.employee_no,
    name: m.name,
    departmentId: m.department_id,
    path: m.path,
    roles: parseRoles(m.roles),
    head: Number(m.is_head) === 1,
    joinedOn: m.joined_on,
    promotedOn: m.promoted_on,
    attended: byMember.get(m.id) ?? [],
  }));
}

/**
 * The day the roster was first loaded: nobody who "joined" then is a new hire. It is the day the
 * first roster import gave the members it added (the roster import writes its audit entry and its
 * members with the same instant). Members adopted from chat keep the earlier day they first wrote to
 * the bot, so they do not count: otherwise that day would make the whole first load "new hires".
 */
export async function firstLoadDay(db: DbOrTrx): Promise<string | null> {
  const imported = await db.selectFrom('audit_log').select((eb) => eb.fn.min('occurred_at').as('at')).where('action', '=', ROSTER_IMPORT_ACTION).executeTakeFirst();
  const at = (imported?.at as string | null | undefined) ?? null;
  let query = db.selectFrom('members').select((eb) => eb.fn.min('joined_on').as('first')).where('source', '=', 'roster');
  if (at !== null) query = query.where('created_at', '>=', at);
  const row = await query.executeTakeFirst();
  return (row?.first as string | null | undefined) ?? null;
}

/**
 * The head of the organisation (기관장): whoever the roster flags as head, or else the managers of
 * the root department when the tree has exactly one.
 */
export function headsOf(people: readonly PersonRow[], departments: readonly { id: number; parent_id: number | null }[]): PersonRow[] {
  const flagged = people.filter((p) => p.head);
  if (flagged.length > 0) return flagged;
  const roots = departments.filter((d) => d.parent_id === null);
  if (roots.length !== 1) return [];
  return people.filter((p) => p.departmentId === roots[0]!.id && p.roles.includes('manager'));
}

/** Every session of a year with its attendance count, oldest first. */
export async function sessionsOf(db: DbOrTrx, year: number): Promise<{ id: number; day: string; title: string; kind: TrainingKind; minutes: number; attendees: number }[]> {
  const rows = await db
    .selectFrom('training_sessions')
    .leftJoin('training_attendance', 'training_attendance.session_id', 'training_sessions.id')
    .select((eb) => ['training_sessions.id', 'training_sessions.day', 'training_sessions.title', 'training_sessions.kind', 'training_sessions.minutes', eb.fn.count<number | string>('training_attendance.id').as('attendees')])
    .where('training_sessions.day', '>=', `${year}-01-01`)
    .where('training_sessions.day', '<=', `${year}-12-31`)
    .groupBy(['training_sessions.id', 'training_sessions.day', 'training_sessions.title', 'training_sessions.kind', 'training_sessions.minutes'])
    .orderBy('training_sessions.day')
    .orderBy('training_sessions.title')
    .orderBy('training_sessions.id')
    .execute();
  return rows.map((r) => ({ ...r, kind: r.kind as TrainingKind, attendees: Number(r.attendees) }));
}

/** Each attendance of a year: session id and the member's number, for the ledger's attendance sheet. */
export async function attendanceOf(db: DbOrTrx, year: number): Promise<{ sessionId: number; memberId: number }[]> {
  const rows = await db
    .selectFrom('training_attendance')
    .innerJoin('training_sessions', 'training_sessions.id', 'training_attendance.session_id')
    .select(['training_attendance.session_id', 'training_attendance.member_id'])
    .where('training_sessions.day', '>=', `${year}-01-01`)
    .where('training_sessions.day', '<=', `${year}-12-31`)
    .orderBy('training_attendance.session_id')
    .orderBy('training_attendance.member_id')
    .execute();
  return rows.map((r) => ({ sessionId: r.session_id, memberId: r.member_id }));
}
