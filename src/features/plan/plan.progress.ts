/**
 * Where the plan stands on a day: each task's latest check-in up to that day, a task past its due date
 * and not done counted late (so is one past a quarterly milestone with less progress than it expects), progress rolled up to core tasks and strategies (the mean of their detailed
 * tasks), and each linked indicator read from the figures Probity already keeps — participation and
 * pledge completion and letter acknowledgement from computeStats, the pulse response rate from the
 * pulse results, the share of staff who met the year's training duty from the training ledger —
 * never counted again here. A figure withheld for privacy is not compared.
 */
import type { Kysely } from 'kysely';
import type { Database, PlanCheckin } from '../../db/schema.js';
import type { RateFigure } from '../stats/privacy.js';
import { computeStats, type StatsOptions } from '../stats/metrics.js';
import { closedRunsIn } from '../pulse/pulse.report.js';
import { runResults } from '../pulse/pulse.results.js';
import { DEFAULT_TRAINING } from '../../config.js';
import { trainingFigures } from '../training/training.stats.js';
import { childrenOf, milestoneTargets, type Milestone, type PlanMetric, type PlanNode, type PlanStatus } from './plan.js';
import { checkinsOf, tasksOfPlan, type Plan, type PlanTask } from './plan.repository.js';

export interface TaskProgress {
  task: PlanTask;
  /** The latest check-in up to the day, if any. */
  checkin: PlanCheckin | null;
  /** null: no check-in yet and not overdue. */
  status: PlanStatus | null;
  progress: number;
  /** Overdue and not done: counted late whatever the last check-in said. */
  overdue: boolean;
  /**
   * The latest milestone whose date has passed while the reported progress is below what it expects
   * (and the task is not done): the task is counted late for it, as for a missed due date.
   */
  missed: (Milestone & { target: number }) | null;
  metric: MetricReading | null;
}

export interface MetricReading {
  metric: PlanMetric;
  /** Percent, or null when withheld (minimum group size) or not measured yet. */
  value: number | null;
  target: number;
  below: boolean;
}

export interface GroupProgress {
  node: PlanNode;
  tasks: TaskProgress[];
  progress: number;
}

export interface PlanProgress {
  plan: Plan;
  day: string;
  tasks: TaskProgress[];
  strategies: (GroupProgress & { cores: GroupProgress[] })[];
}

/** At risk and late first, then not yet reported, on track, done. */
const ORDER: Record<string, number> = { late: 0, at_risk: 1, none: 2, on_track: 3, done: 4 };
export const byConcern = (a: TaskProgress, b: TaskProgress): number => ORDER[a.status ?? 'none']! - ORDER[b.status ?? 'none']!;
export const isConcern = (p: TaskProgress): boolean => p.status === 'late' || p.status === 'at_risk' || p.metric?.below === true;

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : Math.round(values.reduce((a, b) => a + b, 0) / values.length));
const percent = (figure: RateFigure): number | null => (figure.suppressed || figure.value === null ? null : Math.round(figure.value * 1000) / 10);

/** The organisation's figures for the plan's year up to the day, read once per view. */
async function readMetrics(db: Kysely<Database>, plan: Plan, day: string, options: PlanOptions): Promise<Record<PlanMetric, number | null>> {
  const from = `${plan.year}-01-01`;
  const to = `${plan.year}-12-31` < day ? `${plan.year}-12-31` : day;
  if (from > to) return { quiz_participation: null, pledge_completion: null, letter_acknowledgement: null, pulse_response: null, training_completion: null };
  const report = await computeStats(db, { period: { from, to, key: String(plan.year) }, departmentId: null }, options);
  const pledges = report.pledges.map((p) => percent(p.completion)).filter((v): v is number => v !== null);
  const letters = report.announcements.filter((a) => a.ackRequired && a.recipients > 0 && !a.acknowledgement.suppressed);
  const ackNumerator = letters.reduce((n, a) => n + (a.acknowledgement.numerator ?? 0), 0);
  const ackDenominator = letters.reduce((n, a) => n + (a.acknowledgement.denominator ?? 0), 0);
  const runs = await closedRunsIn(db, { from, to }, options.timeZone);
  const lastRun = runs.at(-1);
  return {
    quiz_participation: percent(report.participation),
    // The lowest completion among the year's pledges: a target is met only when every pledge meets it.
    pledge_completion: pledges.length > 0 ? Math.min(...pledges) : null,
    letter_acknowledgement: ackDenominator > 0 ? Math.round((ackNumerator / ackDenominator) * 1000) / 10 : null,
    pulse_response: lastRun ? percent((await runResults(db, lastRun, options.minGroupSize)).rate) : null,
    // Everyone's duty met (the two hours, and the face-to-face session where one is due), organisation-wide.
    training_completion: percent((await trainingFigures(db, { year: plan.year, asOf: to, departmentId: null, minGroupSize: options.minGroupSize, newHireDays: options.trainingNewHireDays ?? DEFAULT_TRAINING.newHireDays })).complete),
  };
}

/** The statistics options, and the training rule's new-hire window for the training indicator. */
export type PlanOptions = StatsOptions & { trainingNewHireDays?: number };

export async function planProgress(db: Kysely<Database>, plan: Plan, day: string, options: PlanOptions): Promise<PlanProgress> {
  const tasks = await tasksOfPlan(db, plan);
  const latest = new Map<string, PlanCheckin>();
  for (const c of await checkinsOf(db, plan, day)) latest.set(c.task_key, c);
  const linked = tasks.some((t) => t.node.indicator?.metric);
  const figures = linked ? await readMetrics(db, plan, day, options) : undefined;
  const progress: TaskProgress[] = tasks.map((task) => {
    const checkin = latest.get(task.key) ?? null;
    const reported = (checkin?.status ?? null) as PlanStatus | null;
    const progressNow = checkin?.progress ?? 0;
    const targets = milestoneTargets(task.node.milestones);
    const missedAt = reported === 'done' ? -1 : task.node.milestones.findLastIndex((m, i) => m.due < day && progressNow < targets[i]!);
    const missed = missedAt >= 0 ? { ...task.node.milestones[missedAt]!, target: targets[missedAt]! } : null;
    const overdue = (task.node.due !== null && task.node.due < day && reported !== 'done') || missed !== null;
    const indicator = task.node.indicator;
    let metric: MetricReading | null = null;
    if (indicator?.metric && figures) {
      const value = figures[indicator.metric];
      metric = { metric: indicator.metric, value, target: indicator.target, below: value !== null && value < indicator.target };
    }
    return { task, checkin, status: overdue ? 'late' : reported, progress: progressNow, overdue, missed, metric };
  });
  const group = (node: PlanNode, members: TaskProgress[]): GroupProgress => ({ node, tasks: members, progress: mean(members.map((m) => m.progress)) });
  const strategies = childrenOf(plan.body, null).map((strategy) => {
    const cores = childrenOf(plan.body, strategy.id).map((core) => {
      const ids = new Set(childrenOf(plan.body, core.id).map((n) => n.id));
      return group(core, progress.filter((p) => ids.has(p.task.key)));
    });
    return { ...group(strategy, cores.flatMap((c) => c.tasks)), cores };
  });
  return { plan, day, tasks: progress, strategies };
}
