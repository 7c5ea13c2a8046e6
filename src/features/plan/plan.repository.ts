/**
 * Plans, their detailed tasks per version, check-ins and reminders. A plan is loaded by the same rule
 * as versioned content (src/features/content/versioned.ts): an unchanged file is the same version
 * (re-activated if need be), a changed one a new version; the previous one stays for the check-ins
 * made against it. One plan is active at a time: loading another retires the rest.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, Member, PlanCheckin } from '../../db/schema.js';
import { parseRoles } from '../../engine/roles.js';
import type { Localized } from '../../i18n/locales.js';
import { isWithin } from '../people/audience.js';
import { DEPARTMENT_SEPARATOR } from '../people/roster.js';
import { checkOwners, parsePlan, tasksOf, type PlanFile, type PlanNode, type PlanProblem, type PlanStatus } from './plan.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;
const PACK = 'plan';

export interface PlanBody {
  title: Localized;
  nodes: PlanNode[];
}

export interface Plan {
  id: number;
  slug: string;
  version: number;
  year: number;
  body: PlanBody;
}

export interface PlanTask {
  id: number;
  key: string;
  node: PlanNode;
  departmentId: number;
  departmentPath: string;
  ownerMemberId: number | null;
}

/** Parses a plan and checks its owners against the roster in the database. */
export async function checkPlan(db: DbOrTrx, source: string): Promise<{ plan?: PlanFile; problems: PlanProblem[] }> {
  const parsed = parsePlan(source);
  if (!parsed.plan) return parsed;
  const departments = new Set((await db.selectFrom('departments').select('path').execute()).map((d) => d.path));
  const members = new Set((await db.selectFrom('members').select('employee_no').where('left_on', 'is', null).execute()).flatMap((m) => (m.employee_no ? [m.employee_no] : [])));
  const problems = checkOwners(parsed.plan, departments, members);
  return problems.length > 0 ? { problems } : parsed;
}

export type LoadOutcome = { status: 'added' | 'revised' | 'unchanged'; plan: Plan };

/** Loads a checked plan: all or nothing, in one transaction. */
export async function loadPlan(db: Kysely<Database>, file: PlanFile, nowIso: string): Promise<LoadOutcome> {
  const body = JSON.stringify({ title: file.title, nodes: file.nodes } satisfies PlanBody);
  const contentHash = createHash('sha256').update(`${file.year}\n${body}`, 'utf8').digest('hex');
  return db.transaction().execute(async (trx) => {
    const latest = await trx.selectFrom('plans').selectAll().where('pack', '=', PACK).where('slug', '=', file.slug).orderBy('version', 'desc').executeTakeFirst();
    await trx.updateTable('plans').set({ active: 0 }).where('slug', '!=', file.slug).execute();
    if (latest?.content_hash === contentHash) {
      if (latest.active !== 1) await trx.updateTable('plans').set({ active: 1 }).where('id', '=', latest.id).execute();
      return { status: 'unchanged', plan: (await planById(trx, latest.id))! };
    }
    if (latest) await trx.updateTable('plans').set({ active: 0 }).where('slug', '=', file.slug).execute();
    const inserted = await trx
      .insertInto('plans')
      .values({ pack: PACK, slug: file.slug, version: (latest?.version ?? 0) + 1, content_hash: contentHash, body, year: file.year, active: 1, created_at: nowIso })
      .returning('id')
      .executeTakeFirstOrThrow();
    const departments = new Map((await trx.selectFrom('departments').select(['id', 'path']).execute()).map((d) => [d.path, d.id]));
    const members = new Map((await trx.selectFrom('members').select(['id', 'employee_no']).where('left_on', 'is', null).execute()).map((m) => [m.employee_no, m.id]));
    for (const task of tasksOf(file)) {
      await trx
        .insertInto('plan_tasks')
        .values({ plan_id: inserted.id, task_key: task.id, owner_department_id: departments.get(task.owner!)!, owner_member_id: task.member === null ? null : (members.get(task.member) ?? null) })
        .execute();
    }
    return { status: latest ? 'revised' : 'added', plan: (await planById(trx, inserted.id))! };
  });
}

export async function planById(db: DbOrTrx, id: number): Promise<Plan | undefined> {
  const row = await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, slug: row.slug, version: row.version, year: row.year, body: JSON.parse(row.body) as PlanBody } : undefined;
}

export async function activePlan(db: DbOrTrx): Promise<Plan | undefined> {
  const row = await db.selectFrom('plans').select('id').where('active', '=', 1).orderBy('id', 'desc').executeTakeFirst();
  return row ? planById(db, row.id) : undefined;
}

export async function tasksOfPlan(db: DbOrTrx, plan: Plan): Promise<PlanTask[]> {
  const rows = await db
    .selectFrom('plan_tasks')
    .innerJoin('departments', 'departments.id', 'plan_tasks.owner_department_id')
    .select(['plan_tasks.id', 'plan_tasks.task_key', 'plan_tasks.owner_department_id', 'plan_tasks.owner_member_id', 'departments.path'])
    .where('plan_tasks.plan_id', '=', plan.id)
    .execute();
  const nodes = new Map(tasksOf(plan.body).map((n) => [n.id, n]));
  return rows
    .map((r) => ({ id: r.id, key: r.task_key, node: nodes.get(r.task_key)!, departmentId: r.owner_department_id, departmentPath: r.path, ownerMemberId: r.owner_member_id }))
    .sort((a, b) => plan.body.nodes.indexOf(a.node) - plan.body.nodes.indexOf(b.node));
}

export async function taskById(db: DbOrTrx, id: number): Promise<{ plan: Plan; task: PlanTask } | undefined> {
  const row = await db.selectFrom('plan_tasks').select('plan_id').where('id', '=', id).executeTakeFirst();
  const plan = row ? await planById(db, row.plan_id) : undefined;
  const task = plan ? (await tasksOfPlan(db, plan)).find((t) => t.id === id) : undefined;
  return plan && task ? { plan, task } : undefined;
}

const activeMembers = (db: DbOrTrx) => db.selectFrom('members').selectAll().where('left_on', 'is', null);

/**
 * Who is asked about a task: its owner member while on the roster, else the managers of the owner
 * department, else those of the nearest department above it that has any (the people who answer for
 * it; the same managers may check in for it, see `mayCheckIn`). Empty when no one up the tree is a manager.
 */
export async function ownersOf(db: DbOrTrx, task: PlanTask): Promise<Member[]> {
  if (task.ownerMemberId !== null) {
    const owner = await activeMembers(db).where('id', '=', task.ownerMemberId).executeTakeFirst();
    if (owner) return [owner];
  }
  return managersFor(db, task.departmentPath);
}

/** The active managers of a department, else of the nearest department above it that has any. */
async function managersFor(db: DbOrTrx, departmentPath: string): Promise<Member[]> {
  const segments = departmentPath.split(DEPARTMENT_SEPARATOR);
  const paths = segments.map((_, i) => segments.slice(0, segments.length - i).join(DEPARTMENT_SEPARATOR));
  const managers = (
    await db
      .selectFrom('members')
      .innerJoin('departments', 'departments.id', 'members.department_id')
      .selectAll('members')
      .select('departments.path as department_path')
      .where('members.left_on', 'is', null)
      .where('departments.path', 'in', paths)
      .orderBy('members.id')
      .execute()
  ).filter((m) => parseRoles(m.roles).includes('manager'));
  for (const path of paths) {
    const here = managers.filter((m) => m.department_path === path);
    if (here.length > 0) return here.map(({ department_path: _path, ...member }) => member);
  }
  return [];
}

/** The detailed tasks of a checked plan that no one would be asked about: no owner member, no manager up the tree. */
export async function unaskedTasks(db: DbOrTrx, file: PlanFile): Promise<PlanNode[]> {
  const out: PlanNode[] = [];
  for (const node of tasksOf(file)) if (node.member === null && (await managersFor(db, node.owner!)).length === 0) out.push(node);
  return out;
}

/** Who may check in for a task: its owners, and the managers of the owner department or any above it. */
export async function mayCheckIn(db: DbOrTrx, task: PlanTask, member: Member): Promise<boolean> {
  if ((await ownersOf(db, task)).some((m) => m.id === member.id)) return true;
  if (!parseRoles(member.roles).includes('manager')) return false;
  const own = await db.selectFrom('departments').select('path').where('id', '=', member.department_id).executeTakeFirst();
  return own !== undefined && isWithin(task.departmentPath, own.path);
}

export interface CheckinInput {
  plan: Plan;
  task: PlanTask;
  period: string;
  status: PlanStatus;
  progress: number;
  note: string | null;
  evidence: string | null;
  answeredBy: number;
  day: string;
  nowIso: string;
}

/** Records the period's check-in once: false (nothing written) when the task already has one. */
export async function recordCheckin(db: DbOrTrx, input: CheckinInput): Promise<boolean> {
  const inserted = await db
    .insertInto('plan_checkins')
    .values({
      plan_task_id: input.task.id,
      plan_slug: input.plan.slug,
      task_key: input.task.key,
      period: input.period,
      status: input.status,
      progress: input.progress,
      note: input.note,
      evidence: input.evidence,
      answered_by: input.answeredBy,
      day: input.day,
      created_at: input.nowIso,
    })
    .onConflict((oc) => oc.columns(['plan_slug', 'task_key', 'period']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Every check-in of the plan's tasks (any version), up to a day, oldest first. */
export async function checkinsOf(db: DbOrTrx, plan: Plan, upTo?: string): Promise<PlanCheckin[]> {
  let query = db.selectFrom('plan_checkins').selectAll().where('plan_slug', '=', plan.slug);
  if (upTo) query = query.where('day', '<=', upTo);
  return query.orderBy('period').orderBy('id').execute();
}

export async function checkinFor(db: DbOrTrx, plan: Plan, taskKey: string, period: string): Promise<PlanCheckin | undefined> {
  return db.selectFrom('plan_checkins').selectAll().where('plan_slug', '=', plan.slug).where('task_key', '=', taskKey).where('period', '=', period).executeTakeFirst();
}

/** Messages (asks and reminders) each member has had for each task in a period. */
export async function reminderCounts(db: DbOrTrx, period: string): Promise<Map<number, Map<number, number>>> {
  const rows = await db
    .selectFrom('plan_reminders')
    .select(['plan_task_id', 'member_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('period', '=', period)
    .groupBy(['plan_task_id', 'member_id'])
    .execute();
  const out = new Map<number, Map<number, number>>();
  for (const r of rows) out.set(r.plan_task_id, (out.get(r.plan_task_id) ?? new Map()).set(r.member_id, Number(r.n)));
  return out;
}

export async function memberNames(db: DbOrTrx, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  return new Map((await db.selectFrom('members').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute()).map((m) => [m.id, m.name]));
}
