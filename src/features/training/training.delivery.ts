/**
 * Training reminders on the cadence of a `training_reminder` schedule, from PROBITY_TRAINING_REMINDER_FROM
 * (a month) to the end of the year: each member still short of the year's requirement gets one, at most
 * PROBITY_TRAINING_REMINDER_MAX a year, and each manager with someone short in their department
 * subtree gets how many are short, never who (and nothing when the subtree is below the minimum
 * group size). Every message is written when it is sent: someone trained in the meantime gets nothing.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Composer } from '../../delivery/dispatcher.js';
import { planFollowUps } from '../../delivery/followUps.js';
import { memberRecipient } from '../../delivery/outbox.repository.js';
import type { Database } from '../../db/schema.js';
import type { Services } from '../../engine/context.js';
import { translator } from '../../i18n/index.js';
import type { Planner } from '../../scheduler/scheduler.js';
import { localDay } from '../../time.js';
import { context, text, type Block } from '../../ui/card.js';
import { isWithin } from '../people/audience.js';
import { effectiveLocale } from '../people/people.js';
import { ANNUAL_MINUTES } from './training.js';
import { faceToFaceText } from './training.handlers.js';
import { statusesFor, type StatusOf } from './training.stats.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** A manager's subtree: how many are on the roster there and how many are short (the manager excluded). */
function shortUnder(statuses: readonly StatusOf[], manager: StatusOf): { headcount: number; short: number } {
  const under = statuses.filter((s) => s.person.id !== manager.person.id && isWithin(s.person.path, manager.person.path));
  return { headcount: under.length, short: under.filter((s) => !s.status.complete).length };
}

async function remindedThisYear(db: DbOrTrx, year: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('training_reminders')
    .select((eb) => ['member_id', eb.fn.countAll<number | string>().as('n')])
    .where('year', '=', year)
    .groupBy('member_id')
    .execute();
  return new Map(rows.map((r) => [r.member_id, Number(r.n)]));
}

export const planTrainingReminder: Planner = async (services, trx, _schedule, slot) => {
  const { reminderMax, reminderFromMonth, newHireDays } = services.config.training;
  const year = Number(slot.day.slice(0, 4));
  if (reminderMax === 0 || Number(slot.day.slice(5, 7)) < reminderFromMonth) return { payload: {}, recipients: [] };
  const statuses = await statusesFor(trx, year, slot.day, newHireDays);
  const memberIds = statuses.map((s) => s.person.id);
  const done = new Set(statuses.filter((s) => s.status.complete).map((s) => s.person.id));
  const run = planFollowUps([{ id: year, memberIds, done, reminded: await remindedThisYear(trx, year) }], reminderMax, { year }, async (rows) => {
    await trx
      .insertInto('training_reminders')
      .values(rows.map((r) => ({ year: r.followUpId, member_id: r.memberId, job_run_id: r.jobRunId, day: slot.day })))
      .onConflict((oc) => oc.columns(['year', 'member_id', 'job_run_id']).doNothing())
      .execute();
  });
  if (run.recipients.length === 0) return run;
  const min = services.config.minGroupSize;
  const managers = statuses.filter((s) => s.person.roles.includes('manager')).filter((m) => {
    const { headcount, short } = shortUnder(statuses, m);
    return short > 0 && headcount >= min;
  });
  const already = new Set(run.recipients.map((r) => r.memberId));
  return {
    ...run,
    payload: { year, managers: managers.map((m) => m.person.id) },
    recipients: [...run.recipients, ...managers.filter((m) => !already.has(m.person.id)).map((m) => ({ memberId: m.person.id, recipient: memberRecipient(m.person.id) }))],
  };
};

export const composeTrainingReminder: Composer = async (services: Services, { member, jobRun }) => {
  if (!member) return null;
  const { year, managers = [] } = JSON.parse(jobRun.payload) as { year?: number; managers?: number[] };
  if (!year) return null;
  const today = localDay(services.clock.now(), services.config.timezone);
  const asOf = today.startsWith(String(year)) ? today : `${year}-12-31`;
  const statuses = await statusesFor(services.db, year, asOf, services.config.training.newHireDays);
  const mine = statuses.find((s) => s.person.id === member.id);
  const t = translator(effectiveLocale(member, services.config.locale));
  const blocks: Block[] = [];
  const counted = await services.db.selectFrom('training_reminders').select('id').where('job_run_id', '=', jobRun.id).where('member_id', '=', member.id).executeTakeFirst();
  if (counted && mine && !mine.status.complete) {
    const lines = [t('training.reminder.personal', { year, minutes: mine.status.minutes, required: ANNUAL_MINUTES })];
    if (mine.status.newHire.required && !mine.status.newHire.met) lines.push(`- ${t('training.me.new_hire')}: ${faceToFaceText(t, mine.status.newHire)}`);
    if (mine.status.promoted.required && !mine.status.promoted.met) lines.push(`- ${t('training.me.promoted')}: ${faceToFaceText(t, mine.status.promoted)}`);
    blocks.push(text(lines.join('\n')));
  }
  if (mine && managers.includes(member.id)) {
    const { headcount, short } = shortUnder(statuses, mine);
    if (short > 0 && headcount >= services.config.minGroupSize) blocks.push(text(t('training.reminder.manager', { short, headcount, department: mine.person.path, year })));
  }
  if (blocks.length === 0) return null;
  blocks.push(context(t('training.reminder.footer')));
  const title = t('training.reminder.title', { year });
  return { text: title, card: { title, blocks } };
};
