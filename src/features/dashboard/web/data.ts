/**
 * Who is looking and what they may see, and the statistics of one page: counted once per request
 * (countStats) and reported per scope (buildReport) from those counts, so a page with many
 * departments costs one count, never one per department. Every figure is the stats feature's own,
 * suppressed as the chat card and the exports suppress it.
 */
import type { Member } from '../../../db/schema.js';
import type { Services } from '../../../engine/context.js';
import { hasAnyRole, OPERATORS, type Role } from '../../../engine/roles.js';
import type { Locale, Translator } from '../../../i18n/index.js';
import { isWithin } from '../../people/audience.js';
import { UNASSIGNED_DEPARTMENT } from '../../people/people.repository.js';
import type { DepartmentInfo } from '../../stats/counts.js';
import { statsOptions, type StatsSource } from '../../stats/exports.js';
import { buildReport, countStats, type DepartmentCounts, type Period, type StatsReport } from '../../stats/metrics.js';

/** Who may sign in: those who read department statistics in chat. */
export const DASHBOARD_ROLES: readonly Role[] = ['manager', ...OPERATORS];

export interface Viewer {
  sessionId: number;
  member: Member;
  roles: Role[];
  /** hr or admin: the whole organisation, the non-signer lists and the exports. */
  operator: boolean;
  locale: Locale;
  t: Translator;
  today: string;
  nowIso: string;
  csrf: string;
  /** The viewer's widest scope: null = the organisation (hr/admin), else a manager's own department. */
  scope: { id: number | null; path: string | null };
}

export function isOperator(roles: readonly Role[]): boolean {
  return hasAnyRole(roles, OPERATORS);
}

/** Whether a department lies within what the viewer may see. */
export function mayView(viewer: Viewer, department: Pick<DepartmentInfo, 'path'>): boolean {
  return viewer.scope.path === null ? viewer.operator : isWithin(department.path, viewer.scope.path);
}

/** A manager's own department as their scope; undefined when they have none to see. */
export function managerScope(member: Member, department: { id: number; path: string } | undefined): Viewer['scope'] | undefined {
  if (!department || department.path === UNASSIGNED_DEPARTMENT) return undefined;
  return { id: department.id, path: department.path };
}

/** Which measures of a report a table needs: the headcount, participation and depth are in every one. */
export type ReportPart = 'all' | 'people' | 'topics' | 'campaigns';

export class PageStats {
  private counted: Promise<DepartmentCounts> | undefined;
  private readonly reports = new Map<string, StatsReport>();

  constructor(
    private readonly services: Services,
    readonly viewer: Viewer,
    readonly period: Period,
    /** The period as asked for in the URL, kept on the page's links; undefined for the default. */
    readonly periodParam: string | undefined,
  ) {}

  source(): StatsSource {
    return { db: this.services.db, calendar: this.services.calendar, config: this.services.config, content: this.services.content, t: this.viewer.t, locale: this.viewer.locale, today: this.viewer.today, nowIso: this.viewer.nowIso };
  }

  counts(): Promise<DepartmentCounts> {
    this.counted ??= countStats(this.services.db, this.period, statsOptions(this.source()));
    return this.counted;
  }

  /**
   * The report of one scope (null = the organisation), computed once per page. `part` narrows it to
   * the measures a table shows: buildReport over the same counts with the other measures' lists
   * emptied, so every figure (and its suppression, decided over the whole tree per measure) is the
   * full report's, without paying for the weekly trend of sixty departments to show their headcounts.
   */
  async report(scopeId: number | null, part: ReportPart = 'all'): Promise<StatsReport> {
    const key = `${part}:${scopeId}`;
    const cached = this.reports.get(key);
    if (cached) return cached;
    const counts = await this.counts();
    const only = (keep: readonly ('weeks' | 'topics' | 'pledges' | 'announcements')[]): DepartmentCounts => ({
      ...counts,
      weeks: keep.includes('weeks') ? counts.weeks : [],
      topics: keep.includes('topics') ? counts.topics : [],
      pledges: keep.includes('pledges') ? counts.pledges : [],
      announcements: keep.includes('announcements') ? counts.announcements : [],
    });
    const input = part === 'all' ? counts : part === 'people' ? only([]) : part === 'topics' ? only(['topics']) : only(['pledges', 'announcements']);
    const report = buildReport(input, scopeId, this.services.config.minGroupSize);
    this.reports.set(key, report);
    return report;
  }

  async departments(): Promise<DepartmentInfo[]> {
    return (await this.counts()).departments;
  }

  /** The departments directly under a scope (null = the top-level ones), by path. */
  async childrenOf(scopeId: number | null): Promise<DepartmentInfo[]> {
    const all = await this.departments();
    const known = new Set(all.map((d) => d.id));
    return all.filter((d) => (scopeId === null ? d.parentId === null || !known.has(d.parentId) : d.parentId === scopeId));
  }
}
