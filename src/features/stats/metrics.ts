/**
 * The HR statistics API: a report for a period and a scope (the organisation or a department subtree),
 * and the flat per-department partition the CSV export is built from. Every figure is already
 * suppressed where the group is too small (privacy.ts); callers enforce who may see which scope
 * (managers their own subtree, employees only themselves) and never report quiz answers per person.
 *
 * Each call first folds what is new into the aggregates (aggregates.ts), then counts from them
 * (counts.ts, where the headcount and attribution rules are written down) and applies suppression
 * (report.ts). Callers that need many scopes of one period count once with `countStats` and call
 * `buildReport` per scope.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { UserError } from '../../engine/errors.js';
import type { Day } from '../../time.js';
import { refreshAggregates } from './aggregates.js';
import { countByDepartment, type DepartmentCounts, type WorkingDays } from './counts.js';
import type { Period } from './period.js';
import { buildPartition, buildReport, type PartitionReport, type StatsReport } from './report.js';
import { DEPARTMENT_ERROR, departmentExists, loadStatsInput } from './stats.repository.js';

export type { DepartmentCounts, WorkingDays } from './counts.js';
export type { Period } from './period.js';
export type { Figure, RateFigure, SuppressionReason } from './privacy.js';
export type { AnnouncementStat, DepartmentStat, PartitionPledge, PartitionReport, PartitionRow, PledgeStat, StatsReport, StatsScope, TopicStat, WeekStat } from './report.js';
export { buildPartition, buildReport } from './report.js';
export { parsePeriod } from './period.js';
export { resolveDepartment } from './stats.repository.js';

export interface StatsOptions {
  /** Working days: weekdays minus public holidays and closures (WorkingDayCalendar). */
  calendar: WorkingDays;
  /** No rate or answer figure about fewer members is shown (config.minGroupSize). */
  minGroupSize: number;
  today: Day;
  /** The current instant (default: now); the refresh's safe watermark is measured from it. */
  now?: Date;
  /** The organisation's time zone (config.timezone), to date department moves outside the roster import. */
  timeZone?: string;
  /** false: count from the aggregates as they are, e.g. right after an explicit refresh. */
  refresh?: boolean;
}

export interface StatsQuery {
  period: Period;
  /** null: the whole organisation; otherwise the department with all its sub-departments. */
  departmentId: number | null;
}

/** Raw tallies per department for a period, refreshed from the latest data unless told otherwise. */
export async function countStats(db: Kysely<Database>, period: Period, options: StatsOptions): Promise<DepartmentCounts> {
  if (options.refresh !== false) {
    await refreshAggregates(db, { today: options.today, ...(options.now ? { now: options.now } : {}), ...(options.timeZone ? { timeZone: options.timeZone } : {}) });
  }
  return countByDepartment(await loadStatsInput(db, period), options.calendar);
}

export async function computeStats(db: Kysely<Database>, query: StatsQuery, options: StatsOptions): Promise<StatsReport> {
  if (query.departmentId !== null && !(await departmentExists(db, query.departmentId))) {
    throw new UserError(DEPARTMENT_ERROR, { value: String(query.departmentId) });
  }
  return buildReport(await countStats(db, query.period, options), query.departmentId, options.minGroupSize);
}

/**
 * One row per department with its direct members only, so the rows' headcounts add up to the
 * organisation's; rates hidden so that no hidden row can be recovered from the organisation total,
 * a department's subtree total, or the other rows.
 */
export async function participationByDepartmentPartition(db: Kysely<Database>, period: Period, options: StatsOptions): Promise<PartitionReport> {
  return buildPartition(await countStats(db, period, options), options.minGroupSize);
}
