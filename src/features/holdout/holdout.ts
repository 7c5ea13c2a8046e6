/**
 * Holdout groups, pure: what a campaign declares (the held-out fraction and its pre-declared
 * outcome), who is held out, and each member's outcome in the window after the start.
 *
 * Assignment is a SHA-256 of the campaign's key and the member's id, stratified by department: within
 * each department the members are sorted by that hash and the first k are held out, where k is
 * fraction · n rounded down or up by systematic rounding over the departments (in an order and from a
 * start drawn from the campaign's hash). So the organisation holds out fraction · N (to within one),
 * every department floor or ceil of its share, and every member has the same chance, the fraction, of
 * being held out whatever the size of their team: rounding each department on its own would hold
 * nobody out of teams under 1 / (2 · fraction) and too many out of the others. Recorded assignments
 * never change; members new to the campaign are added per department so that the department's
 * held-out count comes as close as it can to its share of everyone assigned there.
 */
import { createHash } from 'node:crypto';
import type { MessageKey, Params } from '../../i18n/index.js';
import { addDays, isDay, type Day } from '../../time.js';

export const OUTCOMES = ['topic_accuracy', 'participation', 'pledge_signing'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Holding out more than half would make the campaign the exception; a fraction above this is refused. */
export const HOLDOUT_MAX = 0.5;
export const WEEKS_DEFAULT = 4;
export const WEEKS_MAX = 26;

export interface CampaignSpec {
  fraction: number;
  outcome: Outcome;
  /** The quiz topic whose accuracy is measured (topic_accuracy only). */
  topic: string | null;
  /** The outcome window: this many weeks from the start. */
  weeks: number;
  /** The declared start; when absent, the day the campaign first reaches anyone. */
  start: Day | null;
  /** A quiz schedule's topic weights for its treated members (over PROBITY_QUIZ_TOPIC_WEIGHTS). */
  topicWeights?: Readonly<Record<string, number>>;
}

export interface SpecProblem {
  field: string;
  code: MessageKey;
  params?: Params;
}

/** A fraction as YAML gives it (0.1) or as people type it ("10%", "0.1"). */
export function readFraction(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(raw);
  if (!match) return undefined;
  return match[2] ? Number(match[1]) / 100 : Number(match[1]);
}

/**
 * Reads a campaign's holdout and outcome from a mapping (a schedule's entry, or a letter's options);
 * undefined when it declares no holdout. Every problem names its field.
 */
export function readCampaignSpec(raw: Readonly<Record<string, unknown>>, topics: ReadonlySet<string> | null, problems: SpecProblem[]): CampaignSpec | undefined {
  if (raw['holdout'] === undefined) {
    for (const field of ['outcome', 'topic', 'weeks', 'start']) if (raw[field] !== undefined) problems.push({ field, code: 'holdout.error.without_holdout' });
    return undefined;
  }
  const before = problems.length;
  const fraction = readFraction(raw['holdout']);
  if (fraction === undefined || !Number.isFinite(fraction) || fraction <= 0 || fraction > HOLDOUT_MAX) {
    problems.push({ field: 'holdout', code: 'holdout.error.fraction', params: { value: String(raw['holdout']), max: HOLDOUT_MAX } });
  }
  const outcome = raw['outcome'];
  if (outcome === undefined) problems.push({ field: 'outcome', code: 'holdout.error.outcome_missing', params: { allowed: OUTCOMES.join(', ') } });
  else if (!(OUTCOMES as readonly unknown[]).includes(outcome)) problems.push({ field: 'outcome', code: 'holdout.error.outcome', params: { value: String(outcome), allowed: OUTCOMES.join(', ') } });
  const topic = raw['topic'];
  if (outcome === 'topic_accuracy') {
    if (typeof topic !== 'string' || topic.trim() === '') problems.push({ field: 'topic', code: 'holdout.error.topic_missing' });
    else if (topics && !topics.has(topic)) problems.push({ field: 'topic', code: 'holdout.error.topic_unknown', params: { value: topic, known: [...topics].sort().join(', ') } });
  } else if (topic !== undefined) problems.push({ field: 'topic', code: 'holdout.error.topic_unused' });
  const weeksRaw = raw['weeks'] ?? WEEKS_DEFAULT;
  const weeks = typeof weeksRaw === 'string' && /^\d+$/.test(weeksRaw) ? Number(weeksRaw) : weeksRaw;
  if (!Number.isInteger(weeks) || (weeks as number) < 1 || (weeks as number) > WEEKS_MAX) problems.push({ field: 'weeks', code: 'holdout.error.weeks', params: { value: String(weeksRaw), max: WEEKS_MAX } });
  const start = raw['start'];
  if (start !== undefined && (typeof start !== 'string' || !isDay(start))) problems.push({ field: 'start', code: 'holdout.error.start', params: { value: String(start) } });
  if (problems.length > before) return undefined;
  return { fraction: fraction!, outcome: outcome as Outcome, topic: outcome === 'topic_accuracy' ? (topic as string) : null, weeks: weeks as number, start: (start as Day | undefined) ?? null };
}

/** Two declarations are the same experiment. */
export function sameSpec(a: CampaignSpec, b: CampaignSpec): boolean {
  const weights = (s: CampaignSpec) => JSON.stringify(Object.entries(s.topicWeights ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  return a.fraction === b.fraction && a.outcome === b.outcome && a.topic === b.topic && a.weeks === b.weeks && weights(a) === weights(b) && (a.start === null || b.start === null || a.start === b.start);
}

/** The outcome window: from the start, for `weeks` weeks (`to` exclusive). */
export function outcomeWindow(start: Day, weeks: number): { from: Day; to: Day } {
  return { from: start, to: addDays(start, weeks * 7) };
}

export function holdoutHash(campaignKey: string, memberId: number): string {
  return createHash('sha256').update(`${campaignKey}\u0000${memberId}`).digest('hex');
}

export interface Candidate {
  memberId: number;
  departmentId: number;
}

export interface Assignment extends Candidate {
  heldOut: boolean;
  hash: string;
}

/** A number in [0, 1) drawn from a hash. */
const unit = (hash: string) => parseInt(hash.slice(0, 13), 16) / 2 ** 52;

/**
 * How many each department holds out: systematic rounding of fraction · n over the departments in a
 * campaign-seeded order from a campaign-seeded start u, department k getting
 * floor(u + fraction · N≤k) − floor(u + fraction · N<k), which is floor or ceil of fraction · n_k.
 */
export function departmentTargets(campaignKey: string, fraction: number, sizes: ReadonlyMap<number, number>): Map<number, number> {
  const order = [...sizes.keys()].map((id) => ({ id, hash: createHash('sha256').update(`${campaignKey}\u0000department:${id}`).digest('hex') }));
  order.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.id - b.id));
  const start = unit(createHash('sha256').update(`${campaignKey}\u0000start`).digest('hex'));
  // A whole share (0.2 · 10) must not fall a rounding error short of itself.
  const upTo = (count: number) => Math.floor(start + fraction * count + 1e-9);
  const targets = new Map<number, number>();
  let before = 0;
  for (const { id } of order) {
    const after = before + sizes.get(id)!;
    targets.set(id, upTo(after) - upTo(before));
    before = after;
  }
  return targets;
}

/** Assignments for the candidates not yet recorded; the recorded ones are kept as they are. */
export function assignHoldout(campaignKey: string, fraction: number, candidates: readonly Candidate[], recorded: readonly Omit<Assignment, 'hash'>[]): Assignment[] {
  const known = new Set(recorded.map((r) => r.memberId));
  const byDepartment = new Map<number, { recorded: number; heldOut: number; fresh: Assignment[] }>();
  const group = (id: number) => {
    let g = byDepartment.get(id);
    if (!g) byDepartment.set(id, (g = { recorded: 0, heldOut: 0, fresh: [] }));
    return g;
  };
  for (const r of recorded) {
    const g = group(r.departmentId);
    g.recorded++;
    if (r.heldOut) g.heldOut++;
  }
  const seen = new Set<number>();
  for (const c of candidates) {
    if (known.has(c.memberId) || seen.has(c.memberId)) continue;
    seen.add(c.memberId);
    group(c.departmentId).fresh.push({ ...c, heldOut: false, hash: holdoutHash(campaignKey, c.memberId) });
  }
  const targets = departmentTargets(campaignKey, fraction, new Map([...byDepartment].map(([id, g]) => [id, g.recorded + g.fresh.length])));
  const out: Assignment[] = [];
  for (const [id, g] of byDepartment) {
    if (g.fresh.length === 0) continue;
    const target = targets.get(id)!;
    const need = Math.min(Math.max(target - g.heldOut, 0), g.fresh.length);
    g.fresh.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.memberId - b.memberId));
    g.fresh.forEach((a, i) => out.push({ ...a, heldOut: i < need }));
  }
  return out.sort((a, b) => a.memberId - b.memberId);
}

/** What happened in the window, as the outcome needs it. */
export interface OutcomeEvents {
  /** Quiz answers: the member, the quiz day, the question's topic, whether it was right. */
  answers: readonly { memberId: number; day: Day; topic: string; correct: boolean }[];
  /** Pledge signatures by day. */
  signatures: readonly { memberId: number; day: Day }[];
}

/**
 * Each assigned member's outcome: true/false, or null when it cannot be measured for them (no answer
 * on the topic in the window). One value per member, so the two groups are independent samples:
 * - participation: answered at least one quiz in the window;
 * - pledge_signing: signed a pledge in the window;
 * - topic_accuracy: their first answer on the topic in the window was right.
 */
export function memberOutcomes(spec: Pick<CampaignSpec, 'outcome' | 'topic'>, window: { from: Day; to: Day }, memberIds: readonly number[], events: OutcomeEvents): Map<number, boolean | null> {
  const inWindow = (day: Day) => day >= window.from && day < window.to;
  const result = new Map<number, boolean | null>(memberIds.map((id) => [id, spec.outcome === 'topic_accuracy' ? null : false]));
  if (spec.outcome === 'participation') {
    for (const a of events.answers) if (result.has(a.memberId) && inWindow(a.day)) result.set(a.memberId, true);
  } else if (spec.outcome === 'pledge_signing') {
    for (const s of events.signatures) if (result.has(s.memberId) && inWindow(s.day)) result.set(s.memberId, true);
  } else {
    const first = new Map<number, { day: Day; correct: boolean }>();
    for (const a of events.answers) {
      if (!result.has(a.memberId) || a.topic !== spec.topic || !inWindow(a.day)) continue;
      const seen = first.get(a.memberId);
      if (!seen || a.day < seen.day) first.set(a.memberId, { day: a.day, correct: a.correct });
    }
    for (const [id, f] of first) result.set(id, f.correct);
  }
  return result;
}
