/** Nudges as scheduled deliveries: one nudge per slot for the whole audience, in each member's language. */
import type { Composer } from '../../delivery/dispatcher.js';
import { translator } from '../../i18n/index.js';
import { audienceRecipients } from '../../scheduler/plan.js';
import type { Planner } from '../../scheduler/scheduler.js';
import { ASSESSMENT_TOPIC, quietWindowOf } from '../../scheduler/quiet.js';
import { activeSeasons } from '../../scheduler/seasons.js';
import { localDay } from '../../time.js';
import { effectiveLocale } from '../people/people.js';
import { nudgeCard } from './nudges.cards.js';
import { selectNudge } from './nudges.js';

/** How often each nudge has gone out, across every nudge schedule. */
async function timesSent(trx: Parameters<Planner>[1]): Promise<Map<string, number>> {
  const runs = await trx
    .selectFrom('job_runs')
    .innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id')
    .select('job_runs.payload')
    .where('schedules.kind', '=', 'nudge')
    .where('job_runs.status', '=', 'planned')
    .execute();
  const counts = new Map<string, number>();
  for (const run of runs) {
    const nudge = (JSON.parse(run.payload) as { nudge?: string }).nudge;
    if (nudge) counts.set(nudge, (counts.get(nudge) ?? 0) + 1);
  }
  return counts;
}

export const planNudge: Planner = async (services, trx, schedule, slot) => {
  // In the survey quiet period nothing is said about the assessment.
  const quiet = quietWindowOf(slot.day, services.config.surveyQuiet) !== undefined;
  const candidates = quiet ? services.content.nudges.filter((n) => n.topic !== ASSESSMENT_TOPIC) : services.content.nudges;
  const nudge = selectNudge(candidates, await timesSent(trx), activeSeasons(slot.day, services.calendar));
  if (!nudge) return null;
  return { payload: { nudge: `${nudge.pack}/${nudge.slug}` }, recipients: await audienceRecipients(trx, schedule, slot) };
};

export const composeNudge: Composer = async (services, { member, jobRun }) => {
  const key = (JSON.parse(jobRun.payload) as { nudge?: string }).nudge;
  const nudge = services.content.nudges.find((n) => `${n.pack}/${n.slug}` === key);
  // A nudge removed from the content since the slot fired is not sent.
  if (!nudge) return null;
  // Planned before the quiet period began, sent inside it: held back.
  if (nudge.topic === ASSESSMENT_TOPIC && quietWindowOf(localDay(services.clock.now(), services.config.timezone), services.config.surveyQuiet)) return null;
  const locale = member ? effectiveLocale(member, services.config.locale) : services.config.locale;
  return nudgeCard(nudge, locale, translator(locale), services.content.laws);
};
