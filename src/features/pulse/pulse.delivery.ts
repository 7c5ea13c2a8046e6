/**
 * Pulses through the outbox: a run's first message, and reminders to those who have not responded on
 * the cadence of a `pulse_reminder` schedule, each member at most PROBITY_PULSE_REMINDER_MAX times per
 * run. Every message is written when it is sent: someone who responded in the meantime, a run that
 * has closed, or a day in the survey quiet period gets nothing.
 */
import type { Composer } from '../../delivery/dispatcher.js';
import { planFollowUps, type FollowUp } from '../../delivery/followUps.js';
import type { Services } from '../../engine/context.js';
import { translator } from '../../i18n/index.js';
import type { Planner } from '../../scheduler/scheduler.js';
import { effectiveLocale } from '../people/people.js';
import { pulseCard } from './pulse.cards.js';
import { quietWindowOf } from '../../scheduler/quiet.js';
import { localDay } from '../../time.js';
import { hasResponded, openRuns, pulseById, reminderCounts, respondedAmong, runById } from './pulse.repository.js';
import { runMembers } from './pulse.results.js';

/** Written when sent: a message planned before the quiet period and sent inside it is held back. */
const quietToday = (services: Services) => quietWindowOf(localDay(services.clock.now(), services.config.timezone), services.config.surveyQuiet) !== undefined;

export const composePulse: Composer = async (services, { member, jobRun }) => {
  if (!member || quietToday(services)) return null;
  const { runId } = JSON.parse(jobRun.payload) as { runId?: number };
  const run = runId ? await runById(services.db, runId) : undefined;
  if (!run || run.closed_at || (run.closes_on !== null && run.closes_on < jobRun.day)) return null;
  if (await hasResponded(services.db, run.id, member.id)) return null;
  const pulse = await pulseById(services.db, run.pulse_id);
  if (!pulse) return null;
  const locale = effectiveLocale(member, services.config.locale);
  const t = translator(locale);
  return pulseCard(pulse, run, locale, t, { intro: t('pulse.intro.run'), minGroupSize: services.config.minGroupSize });
};

/** Non-respondents of every open run who have not yet had the maximum number of reminders. */
export const planPulseReminder: Planner = async (services, trx, _schedule, slot) => {
  const max = services.config.pulseReminderMax;
  if (max === 0 || quietWindowOf(slot.day, services.config.surveyQuiet)) return { payload: {}, recipients: [] };
  const runs = await openRuns(trx);
  const followUps: FollowUp[] = [];
  for (const run of runs) {
    // A run's own first message is its first contact; reminders start the next working day.
    if (run.day >= slot.day) continue;
    if (run.closes_on !== null && run.closes_on < slot.day) continue;
    const memberIds = (await runMembers(trx, run)).map((m) => m.id);
    followUps.push({ id: run.id, memberIds, done: await respondedAmong(trx, run.id, memberIds), reminded: await reminderCounts(trx, run.id) });
  }
  return planFollowUps(followUps, max, { runs: runs.map((r) => r.id) }, async (rows) => {
    await trx
      .insertInto('pulse_reminders')
      .values(rows.map((r) => ({ run_id: r.followUpId, member_id: r.memberId, job_run_id: r.jobRunId, day: slot.day })))
      .onConflict((oc) => oc.columns(['run_id', 'member_id', 'job_run_id']).doNothing())
      .execute();
  });
};

export const composePulseReminder: Composer = async (services, { member, jobRun }) => {
  if (!member || quietToday(services)) return null;
  const counted = await services.db.selectFrom('pulse_reminders').select('run_id').where('job_run_id', '=', jobRun.id).where('member_id', '=', member.id).execute();
  for (const { run_id: id } of counted) {
    const run = await runById(services.db, id);
    if (!run || run.closed_at || (run.closes_on !== null && run.closes_on < jobRun.day)) continue;
    if (await hasResponded(services.db, run.id, member.id)) continue;
    const pulse = await pulseById(services.db, run.pulse_id);
    if (!pulse) continue;
    const sent = (await reminderCounts(services.db, id)).get(member.id) ?? 1;
    const locale = effectiveLocale(member, services.config.locale);
    const t = translator(locale);
    return pulseCard(pulse, run, locale, t, { intro: t('pulse.intro.reminder', { count: sent, max: services.config.pulseReminderMax }), minGroupSize: services.config.minGroupSize });
  }
  return null;
};
