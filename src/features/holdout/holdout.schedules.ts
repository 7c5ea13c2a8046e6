/**
 * Holdouts on schedules (schedules.yaml): read with the schedule, checked against the content's topics
 * and against what is already under way, and saved as campaigns at start.
 */
import type { Kysely } from 'kysely';
import type { Database, ScheduleKind } from '../../db/schema.js';
import type { DeliveryTarget, ScheduleDefinition, ScheduleProblem } from '../../scheduler/schedules.js';
import { readCampaignSpec, type CampaignSpec, type SpecProblem } from './holdout.js';
import { declareCampaign, redeclaration, retireScheduleCampaigns, scheduleCampaignKey } from './holdout.repository.js';

/** Kinds whose deliveries may hold people out; the pledge reminder chases a legally required pledge. */
const HOLDOUT_KINDS: readonly ScheduleKind[] = ['quiz', 'nudge'];

/** A schedule entry's holdout, if it declares one; problems are reported under the schedule's name. */
export function readScheduleHoldout(item: Readonly<Record<string, unknown>>, name: string, kind: unknown, delivery: DeliveryTarget | undefined, problems: ScheduleProblem[]): CampaignSpec | undefined {
  const found: SpecProblem[] = [];
  const spec = readCampaignSpec(item, null, found);
  problems.push(...found.map((p) => ({ schedule: name, code: p.code, ...(p.params ? { params: p.params } : {}) })));
  const weights = readTopicWeights(item['topicWeights'], name, problems);
  if (item['topicWeights'] !== undefined && kind !== 'quiz') problems.push({ schedule: name, code: 'holdout.error.weights_kind' });
  if (item['holdout'] === undefined) {
    if (item['topicWeights'] !== undefined) problems.push({ schedule: name, code: 'holdout.error.weights_without_holdout' });
    return undefined;
  }
  if (kind === 'pledge_reminder') problems.push({ schedule: name, code: 'holdout.error.legally_required_pledge' });
  else if (!HOLDOUT_KINDS.includes(kind as ScheduleKind)) problems.push({ schedule: name, code: 'holdout.error.kind' });
  // A channel post reaches whoever reads the channel: nobody can be held out of it.
  else if (delivery?.kind === 'channel') problems.push({ schedule: name, code: 'holdout.error.channel' });
  return spec && weights ? { ...spec, topicWeights: weights } : spec;
}

/** `topicWeights: { graft-act: 3, budget-execution: 0 }`: each a number from 0 to 100. */
function readTopicWeights(raw: unknown, name: string, problems: ScheduleProblem[]): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  const ok = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.values(raw).every((w) => typeof w === 'number' && w >= 0 && w <= 100);
  if (!ok || Object.keys(raw).length === 0) {
    problems.push({ schedule: name, code: 'holdout.error.weights' });
    return undefined;
  }
  return { ...(raw as Record<string, number>) };
}

/**
 * Checks the schedules' holdouts (topics exist; a campaign under way keeps its declaration) and, when
 * all is well, saves them; schedules that dropped their holdout stop holding anyone out.
 */
export async function syncScheduleCampaigns(db: Kysely<Database>, definitions: readonly ScheduleDefinition[], topics: Readonly<Record<string, unknown>>, nowIso: string): Promise<ScheduleProblem[]> {
  const problems: ScheduleProblem[] = [];
  const known = Object.keys(topics).sort();
  for (const def of definitions) {
    if (!def.holdout) continue;
    const unknown = [def.holdout.topic ?? [], Object.keys(def.holdout.topicWeights ?? {})].flat().filter((topic) => !known.includes(topic));
    if (unknown.length > 0) {
      problems.push({ schedule: def.name, code: 'holdout.error.topic_unknown', params: { value: unknown.join(', '), known: known.join(', ') } });
    } else if (await redeclaration(db, scheduleCampaignKey(def.name), def.holdout)) {
      problems.push({ schedule: def.name, code: 'holdout.error.redeclared' });
    }
  }
  if (problems.length > 0) return problems;
  await db.transaction().execute(async (trx) => {
    for (const def of definitions) if (def.holdout) await declareCampaign(trx, scheduleCampaignKey(def.name), 'schedule', def.holdout, nowIso);
    await retireScheduleCampaigns(trx, definitions.filter((d) => d.holdout).map((d) => scheduleCampaignKey(d.name)));
  });
  return [];
}
