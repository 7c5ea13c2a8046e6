/**
 * Check-ins through the outbox: a `plan_checkin` schedule (monthly, say, or weekly on working days)
 * asks each owner of a task not yet done about the month's check-in; each later slot of the month
 * reminds those who still have not answered, at most PROBITY_PLAN_CHECKIN_MAX messages per task,
 * owner and month. A check-in given in the meantime (by the owner or their manager) stops it; every
 * message is written when it is sent.
 */
import type { Composer } from '../../delivery/dispatcher.js';
import { planFollowUps, type FollowUp } from '../../delivery/followUps.js';
import { translator } from '../../i18n/index.js';
import type { Planner } from '../../scheduler/scheduler.js';
import { effectiveLocale } from '../people/people.js';
import { checkinCard, type Owed } from './plan.cards.js';
import { periodOf } from './plan.js';
import { activePlan, checkinFor, checkinsOf, ownersOf, reminderCounts, taskById, tasksOfPlan } from './plan.repository.js';

export const planPlanCheckin: Planner = async (services, trx, _schedule, slot) => {
  const max = services.config.planCheckinMax;
  const plan = await activePlan(trx);
  if (max === 0 || !plan || !slot.day.startsWith(`${plan.year}-`)) return { payload: {}, recipients: [] };
  const period = periodOf(slot.day);
  const done = new Set((await checkinsOf(trx, plan)).filter((c) => c.status === 'done').map((c) => c.task_key));
  const counts = await reminderCounts(trx, period);
  const followUps: FollowUp[] = [];
  for (const task of await tasksOfPlan(trx, plan)) {
    if (done.has(task.key)) continue;
    const memberIds = (await ownersOf(trx, task)).map((m) => m.id);
    // No owner member and no manager in the owner department: nobody to ask, said where operators look.
    if (memberIds.length === 0) services.log.warn({ task: task.key, department: task.departmentPath }, 'plan task has no one to ask for its check-in');
    const answered = (await checkinFor(trx, plan, task.key, period)) !== undefined;
    followUps.push({ id: task.id, memberIds, done: new Set(answered ? memberIds : []), reminded: counts.get(task.id) ?? new Map() });
  }
  return planFollowUps(followUps, max, { plan: plan.id, period }, async (rows) => {
    await trx
      .insertInto('plan_reminders')
      .values(rows.map((r) => ({ plan_task_id: r.followUpId, member_id: r.memberId, job_run_id: r.jobRunId, period })))
      .onConflict((oc) => oc.columns(['plan_task_id', 'member_id', 'job_run_id']).doNothing())
      .execute();
  });
};

export const composePlanCheckin: Composer = async (services, { member, jobRun }) => {
  if (!member) return null;
  const { period } = JSON.parse(jobRun.payload) as { period?: string };
  if (!period) return null;
  const rows = await services.db.selectFrom('plan_reminders').select('plan_task_id').where('job_run_id', '=', jobRun.id).where('member_id', '=', member.id).orderBy('plan_task_id').execute();
  const owed: Owed[] = [];
  let plan;
  let sent = 1;
  for (const { plan_task_id: id } of rows) {
    const found = await taskById(services.db, id);
    if (!found || (await checkinFor(services.db, found.plan, found.task.key, period))) continue;
    plan = found.plan;
    owed.push({ task: found.task, period });
    sent = Math.max(sent, (await reminderCounts(services.db, period)).get(id)?.get(member.id) ?? 1);
  }
  if (!plan || owed.length === 0) return null;
  const locale = effectiveLocale(member, services.config.locale);
  const t = translator(locale);
  const intro = sent > 1 ? t('plan.intro.reminder', { count: sent, max: services.config.planCheckinMax }) : t('plan.intro.ask');
  return checkinCard(t, locale, plan, owed, intro);
};
