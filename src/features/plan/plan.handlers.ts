/**
 * /integrity plan — the year's integrity plan and its progress for everyone (no notes); `plan status
 * [department]` with the check-ins' notes for managers (their department subtree) and hr/admin
 * (everything); `plan checkin [task] [status]` for task owners and the managers who answer for them.
 */
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, type Reply } from '../../engine/reply.js';
import { EVERYONE, type ActionRoute, type CommandRoute, type FormRoute } from '../../engine/routes.js';
import { hasAnyRole, OPERATORS, requireAnyRole } from '../../engine/roles.js';
import { isWithin } from '../people/audience.js';
import { departmentById, recordAudit } from '../people/people.repository.js';
import { DEPARTMENT_SEPARATOR, parseDepartmentPath } from '../people/roster.js';
import { statsOptions } from '../stats/exports.js';
import { checkinCard, checkinForm, EVIDENCE_MAX, FORM_NAME, NOTE_MAX, planCard, STATUS_ACTION, statusCard, statusLabel, type Owed } from './plan.cards.js';
import { isStatus, parseProgress, periodOf, type PlanStatus } from './plan.js';
import { planProgress } from './plan.progress.js';
import { activePlan, checkinFor, checkinsOf, mayCheckIn, memberNames, ownersOf, recordCheckin, taskById, tasksOfPlan, type Plan, type PlanTask } from './plan.repository.js';

const STATUS_WORDS: Record<string, PlanStatus> = { 순조: 'on_track', 정상: 'on_track', 위험: 'at_risk', 지연: 'late', 완료: 'done' };
const statusOf = (raw: string | undefined): PlanStatus | undefined => {
  const value = raw?.trim().toLowerCase().replace('-', '_');
  return isStatus(value) ? value : value !== undefined ? STATUS_WORDS[value] : undefined;
};

async function requirePlan(ctx: RequestContext): Promise<Plan> {
  const plan = await activePlan(ctx.db);
  if (!plan) throw new UserError('plan.error.none');
  return plan;
}

const progressOf = (ctx: RequestContext, plan: Plan) => planProgress(ctx.db, plan, ctx.today, { ...statsOptions(ctx), trainingNewHireDays: ctx.config.training.newHireDays });

async function view(ctx: RequestContext): Promise<Reply> {
  const plan = await requirePlan(ctx);
  return ephemeral(planCard(ctx.t, ctx.locale, await progressOf(ctx, plan)));
}

/** hr/admin: everything or one department's subtree; a manager: their own subtree, or a part of it. */
async function status(ctx: RequestContext, departmentRaw: string | undefined): Promise<Reply> {
  requireAnyRole(ctx.roles, ['manager', ...OPERATORS]);
  const plan = await requirePlan(ctx);
  let scope: string | null = null;
  if (departmentRaw) {
    const path = parseDepartmentPath(departmentRaw)?.join(DEPARTMENT_SEPARATOR);
    const known = path ? await ctx.db.selectFrom('departments').select('id').where('path', '=', path).executeTakeFirst() : undefined;
    if (!path || !known) throw new UserError('plan.error.department', { value: departmentRaw });
    scope = path;
  }
  if (!hasAnyRole(ctx.roles, OPERATORS)) {
    const own = (await departmentById(ctx.db, ctx.member.department_id))?.path;
    if (!own) throw new UserError('audience.error.no_department');
    if (scope !== null && !isWithin(scope, own)) throw new UserError('plan.error.out_of_scope', { department: own });
    scope ??= own;
  }
  const progress = await progressOf(ctx, plan);
  const tasks = scope === null ? progress.tasks : progress.tasks.filter((p) => isWithin(p.task.departmentPath, scope));
  await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'plan.status', details: { plan: plan.slug, version: plan.version, scope, tasks: tasks.length }, nowIso: ctx.nowIso });
  return ephemeral(statusCard(ctx.t, ctx.locale, progress, tasks, scope));
}

/** The tasks of the active plan this member can check in for this period: not yet checked in, not done. */
async function owedBy(ctx: RequestContext, plan: Plan): Promise<Owed[]> {
  const period = periodOf(ctx.today);
  if (!period.startsWith(`${plan.year}-`)) throw new UserError('plan.error.out_of_year', { year: plan.year });
  const done = new Set((await checkinsOf(ctx.db, plan, ctx.today)).filter((c) => c.status === 'done').map((c) => c.task_key));
  const owed: Owed[] = [];
  for (const task of await tasksOfPlan(ctx.db, plan)) {
    if (done.has(task.key) || (await checkinFor(ctx.db, plan, task.key, period))) continue;
    if (await mayCheckIn(ctx.db, task, ctx.member)) owed.push({ task, period });
  }
  return owed;
}

/** A task the member may check in for, in a period that has begun and belongs to the plan's year. */
async function checkable(ctx: RequestContext, idRaw: string | undefined, periodRaw: string | undefined): Promise<{ plan: Plan; task: PlanTask; period: string }> {
  const found = idRaw !== undefined && /^\d{1,9}$/.test(idRaw) ? await taskById(ctx.db, Number(idRaw)) : undefined;
  if (!found) throw new UserError('error.stale_action');
  // A card of a plan since retired, or of a task the current version no longer has, records nothing.
  const active = await activePlan(ctx.db);
  if (!active || active.slug !== found.plan.slug || !active.body.nodes.some((n) => n.id === found.task.key && n.level === 'task')) throw new UserError('error.stale_action');
  const period = periodRaw ?? periodOf(ctx.today);
  // By command, outside the plan's year: said plainly (a button's own period is checked below).
  if (periodRaw === undefined && !period.startsWith(`${found.plan.year}-`)) throw new UserError('plan.error.out_of_year', { year: found.plan.year });
  if (!/^\d{4}-\d{2}$/.test(period) || period > periodOf(ctx.today) || !period.startsWith(`${found.plan.year}-`)) throw new UserError('error.stale_action');
  if (!(await mayCheckIn(ctx.db, found.task, ctx.member))) throw new UserError('plan.error.not_owner', { task: found.task.key });
  if (await checkinFor(ctx.db, found.plan, found.task.key, period)) throw new UserError('plan.error.already', { task: found.task.key, period });
  return { ...found, period };
}

/** Whose check-in a manager is giving, when it is not their own task. */
async function forWhom(ctx: RequestContext, task: PlanTask): Promise<string | null> {
  const owners = await ownersOf(ctx.db, task);
  return owners.some((o) => o.id === ctx.member.id) || owners.length === 0 ? null : owners.map((o) => o.name).join(', ');
}

async function checkin(ctx: RequestContext, args: string[]): Promise<Reply> {
  const plan = await requirePlan(ctx);
  const [taskKey, statusRaw, progressRaw, ...noteWords] = args;
  if (!taskKey) {
    const owed = await owedBy(ctx, plan);
    if (owed.length === 0) return ephemeral({ text: ctx.t('plan.checkin.nothing', { period: periodOf(ctx.today) }) });
    return ephemeral(checkinCard(ctx.t, ctx.locale, plan, owed));
  }
  const task = (await tasksOfPlan(ctx.db, plan)).find((t) => t.key.toLowerCase() === taskKey.toLowerCase());
  if (!task) throw new UserError('plan.error.unknown_task', { task: taskKey });
  const chosen = statusOf(statusRaw);
  // A mistyped status is named before anything else about the task.
  if (!chosen && statusRaw !== undefined) throw new UserError('plan.error.status', { value: statusRaw });
  const { period } = await checkable(ctx, String(task.id), undefined);
  if (!chosen) return ephemeral(checkinCard(ctx.t, ctx.locale, plan, [{ task, period }]));
  // With the progress (and a note) typed too, the check-in is recorded at once: no form needed (NAVER WORKS has none).
  if (progressRaw !== undefined) return record(ctx, plan, task, period, chosen, { progress: progressRaw, note: noteWords.join(' ') });
  return checkinForm(ctx.t, ctx.locale, task, chosen, period, await forWhom(ctx, task));
}

/** One check-in from the form's fields or the command's words: checked whole, written once, audit-logged. */
async function record(ctx: RequestContext, found: Plan, task: PlanTask, period: string, chosen: PlanStatus, fields: Readonly<Record<string, string>>): Promise<Reply> {
  const raw = fields['progress'] ?? '';
  const progress = parseProgress(raw);
  if (progress === undefined) throw new UserError('plan.error.progress', { value: raw.trim() }, 'progress');
  if (chosen === 'done' && progress !== 100) throw new UserError('plan.error.done_progress', { value: progress }, 'progress');
  // Where the platform does not hold a field to its length (the console), too long is refused, never cut.
  const note = (fields['note'] ?? '').trim() || null;
  if (note !== null && [...note].length > NOTE_MAX) throw new UserError('plan.error.too_long', { field: ctx.t('plan.form.note'), max: NOTE_MAX, length: [...note].length }, 'note');
  const evidence = (fields['evidence'] ?? '').trim() || null;
  if (evidence !== null && [...evidence].length > EVIDENCE_MAX) throw new UserError('plan.error.too_long', { field: ctx.t('plan.form.evidence'), max: EVIDENCE_MAX, length: [...evidence].length }, 'evidence');
  const recorded = await ctx.db.transaction().execute(async (trx) => {
    const ok = await recordCheckin(trx, { plan: found, task, period, status: chosen, progress, note, evidence, answeredBy: ctx.member.id, day: ctx.today, nowIso: ctx.nowIso });
    if (ok) await recordAudit(trx, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'plan.checkin', details: { plan: found.slug, version: found.version, task: task.key, period, status: chosen, progress }, nowIso: ctx.nowIso });
    return ok;
  });
  if (!recorded) throw new UserError('plan.error.already', { task: task.key, period });
  const owners = (await ownersOf(ctx.db, task)).map((o) => o.id);
  const behalf = owners.length > 0 && !owners.includes(ctx.member.id) ? await memberNames(ctx.db, owners) : undefined;
  ctx.log.info({ task: task.key, period, status: chosen }, 'plan check-in recorded');
  return ephemeral({ text: ctx.t(behalf ? 'plan.checkin.thanks_for' : 'plan.checkin.thanks', { task: task.key, period, status: statusLabel(ctx.t, chosen), progress, name: behalf ? [...behalf.values()].join(', ') : '' }) });
}

const plan: CommandRoute = {
  name: 'plan',
  roles: EVERYONE,
  helpKey: 'help.plan',
  subcommandHelp: [
    { key: 'help.plan_status', roles: ['manager', ...OPERATORS] },
    { key: 'help.plan_report', roles: OPERATORS },
  ],
  async handle(ctx, args) {
    const [sub, ...rest] = args;
    switch (sub?.toLowerCase()) {
      case undefined:
        return view(ctx);
      case 'status':
      case '현황':
        return status(ctx, rest.join(' ') || undefined);
      case 'checkin':
      case 'check-in':
      case '점검':
        return checkin(ctx, rest);
      default:
        throw new UserError('plan.error.usage');
    }
  },
};

const statusAction: ActionRoute = {
  name: STATUS_ACTION,
  roles: EVERYONE,
  async handle(ctx, args) {
    const chosen = statusOf(args[1]);
    if (!chosen) throw new UserError('error.stale_action');
    const { task, period } = await checkable(ctx, args[0], args[2]);
    return checkinForm(ctx.t, ctx.locale, task, chosen, period, await forWhom(ctx, task));
  },
};

const submit: FormRoute = {
  name: FORM_NAME,
  roles: EVERYONE,
  async handle(ctx, args, fields) {
    const chosen = statusOf(args[1]);
    if (!chosen) throw new UserError('error.stale_action');
    const { plan: found, task, period } = await checkable(ctx, args[0], args[2]);
    return record(ctx, found, task, period, chosen, fields);
  },
};

export const planRoutes = { commands: [plan], actions: [statusAction], forms: [submit] };
