/**
 * The dashboard's pages as HTML bodies, from the stats feature's reports (data.ts). No figure is
 * computed here: rates, headcounts and suppression reasons are the reports' own.
 */
import type { Translator } from '../../../i18n/index.js';
import { percentText } from '../../../ui/text.js';
import type { DepartmentInfo } from '../../stats/counts.js';
import { UNASSIGNED_DEPARTMENT } from '../../people/people.repository.js';
import { shownPath } from '../../stats/exports.js';
import type { Figure, RateFigure, StatsReport } from '../../stats/metrics.js';
import { html, query, type SafeHtml } from '../../../ui/html.js';
import type { PageStats, ReportPart, Viewer } from './data.js';
import { rateCell, rateText } from './layout.js';
import { barChart } from './svg.js';

const countText = (t: Translator, figure: Figure) => (figure.suppressed ? rateText(t, { ...figure, numerator: null, denominator: null }) : String(figure.value ?? 0));
const chartValue = (f: RateFigure) => (f.suppressed || f.value === null ? null : Math.round(f.value * 1000) / 10);

/** A whole number as the reader writes it (10,500). */
export function count(viewer: Viewer, value: number): string {
  return new Intl.NumberFormat(viewer.locale === 'ko' ? 'ko-KR' : 'en-GB').format(value);
}

export function scopeName(t: Translator, report: StatsReport): string {
  return report.scope.path ? shownPath(t, report.scope.path) : t('stats.organisation');
}

function departmentLink(viewer: Viewer, stats: PageStats, d: Pick<DepartmentInfo, 'id' | 'path'>, label?: string): SafeHtml {
  return html`<a href="/dashboard/departments/${d.id}${query({ period: stats.periodParam })}">${label === undefined || d.path === UNASSIGNED_DEPARTMENT ? shownPath(viewer.t, d.path) : label}</a>`;
}

/** The headline figures, the weekly trend, pledges, letters and delivery health of one scope. */
export function summary(viewer: Viewer, report: StatsReport, pledgeTitle: (key: string) => string = (key) => key): SafeHtml {
  const { t } = viewer;
  const deliveries = report.deliveries;
  const weeks = report.weekly.filter((w) => w.workingDays > 0);
  const letters = report.announcements.filter((a) => a.recipients > 0 && a.ackRequired);
  return html`<section class="figures"><dl>
<div><dt>${t('stats.headcount')}</dt><dd data-testid="headcount" data-value="${report.headcount}">${count(viewer, report.headcount)}</dd><dd class="sub">${t('dashboard.joiners_leavers', { joiners: report.joiners, leavers: report.leavers })}</dd></div>
<div><dt>${t('stats.participation')}</dt><dd data-testid="participation"${report.participation.suppressed ? html` data-reason="${report.participation.reason}"` : ''}>${rateText(t, report.participation)}</dd><dd class="sub">${report.participation.numerator !== null ? t('dashboard.of_headcount', { count: count(viewer, report.participation.numerator), headcount: count(viewer, report.headcount) }) : ''}</dd></div>
<div><dt>${t('stats.depth')}</dt><dd data-testid="depth">${rateText(t, report.depth)}</dd></div>
<div><dt>${t('stats.quiz_days')}</dt><dd data-testid="quiz-days" class="words">${t('stats.quiz_days_value', { held: report.quizDaysHeld, working: report.workingDays })}</dd></div>
<div><dt>${t('dashboard.deliveries')}</dt>${deliveries.sent.suppressed
    ? html`<dd data-testid="deliveries" class="words">${countText(t, deliveries.sent)}</dd>`
    : html`<dd data-testid="deliveries">${t('dashboard.deliveries_sent', { sent: count(viewer, deliveries.sent.value ?? 0) })}</dd><dd class="sub" data-testid="deliveries-problems">${t('dashboard.deliveries_problems', { failed: count(viewer, deliveries.failed.value ?? 0), skipped: count(viewer, deliveries.skipped.value ?? 0) })}</dd>`}</div>
</dl></section>
<section><h2>${t('stats.chart.trend')}</h2>${barChart(t('stats.chart.trend'), weeks.map((w) => ({ label: w.from.slice(5), value: chartValue(w.participation), hidden: rateText(t, w.participation) })))}
<table class="data compact"><thead><tr><th>${t('dashboard.col.week')}</th><th>${t('stats.headcount')}</th><th>${t('stats.participation')}</th></tr></thead><tbody>${weeks.map(
    (w) => html`<tr><td>${w.from} ~ ${w.to}</td><td class="num">${count(viewer, w.headcount)}</td>${rateCell(t, w.participation)}</tr>`,
  )}</tbody></table></section>
<section><h2>${t('stats.pledges')}</h2>${report.pledges.length === 0 ? html`<p>–</p>` : html`<table class="data"><thead><tr><th>${t('dashboard.col.pledge')}</th><th>${t('dashboard.col.eligible')}</th><th>${t('dashboard.col.completion')}</th></tr></thead><tbody>${report.pledges.map(
    (p) => html`<tr><td>${pledgeTitle(p.key)} <span class="note">(${p.key} v${p.version})</span></td><td class="num">${count(viewer, p.eligible)}</td>${rateCell(t, p.completion)}</tr>`,
  )}</tbody></table>`}</section>
<section><h2>${t('stats.messages')}</h2>${letters.length === 0 ? html`<p>–</p>` : html`<table class="data"><thead><tr><th>${t('dashboard.col.letter')}</th><th>${t('dashboard.col.day')}</th><th>${t('export.col.recipients')}</th><th>${t('export.col.ack_rate')}</th></tr></thead><tbody>${letters.map(
    (a) => html`<tr><td>#${a.announcementId} ${a.title}</td><td>${a.day}</td><td class="num">${count(viewer, a.recipients)}</td>${rateCell(t, a.acknowledgement)}</tr>`,
  )}</tbody></table>`}</section>
<p class="note">${t('stats.footer', { min: report.minGroupSize })}</p>`;
}

/** One row per department of the scope's subtree, each with its own subtree's figures. */
export async function departmentTree(viewer: Viewer, stats: PageStats, rootId: number | null): Promise<SafeHtml> {
  const { t } = viewer;
  const root = await stats.report(rootId, 'people');
  const rows: SafeHtml[] = [];
  rows.push(html`<tr class="level-0"><th scope="row">${scopeName(t, root)}</th><td class="num">${count(viewer, root.headcount)}</td>${rateCell(t, root.participation)}${rateCell(t, root.depth)}</tr>`);
  const walk = async (id: number | null, level: number) => {
    const report = await stats.report(id, 'people');
    const byPath = [...report.departments].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // A department without anyone in the period (nor below it) has nothing to show.
    for (const d of byPath.filter((x) => x.headcount > 0)) {
      rows.push(html`<tr class="level-${Math.min(level, 6)}" data-department-id="${d.departmentId}"><th scope="row" title="${shownPath(t, d.path)}">${departmentLink(viewer, stats, { id: d.departmentId, path: d.path }, d.name)}</th><td class="num">${count(viewer, d.headcount)}</td>${rateCell(t, d.participation)}${rateCell(t, d.depth)}</tr>`);
      if ((await stats.childrenOf(d.departmentId)).length > 0) await walk(d.departmentId, level + 1);
    }
  };
  await walk(rootId, 1);
  return html`<table class="data tree"><thead><tr><th>${t('export.col.department')}</th><th>${t('stats.headcount')}</th><th>${t('stats.participation')}</th><th>${t('stats.depth')}</th></tr></thead><tbody>${rows}</tbody></table>
<p class="note">${t('dashboard.tree_note', { min: root.minGroupSize })}</p>`;
}

/** The scope and the departments directly under it: the rows of the heat map and the campaign tables. */
async function scopeRows(stats: PageStats, scopeId: number | null, part: ReportPart): Promise<{ label: SafeHtml | string; report: StatsReport }[]> {
  const viewer = stats.viewer;
  const rows: { label: SafeHtml | string; report: StatsReport }[] = [];
  const root = await stats.report(scopeId, part);
  rows.push({ label: html`<strong>${scopeName(viewer.t, root)}</strong>`, report: root });
  for (const child of await stats.childrenOf(scopeId)) {
    const report = await stats.report(child.id, part);
    if (report.headcount > 0) rows.push({ label: departmentLink(viewer, stats, child), report });
  }
  return rows;
}

/** The heat map's shades: five steps, weakest first. */
export const HEAT_STEPS = 5;
/** The narrowest range the shades are spread over, in points: a 2-point spread is not five shades of difference. */
export const HEAT_MIN_SPAN = 10;

export interface HeatScale {
  /** HEAT_STEPS + 1 bounds in whole percent (rounded), lowest first: step b runs from bounds[b] to bounds[b + 1]. */
  bounds: number[];
  shade(value: number): number;
}

/**
 * Shades relative to the table's own range: real accuracies sit between 55 and 90 %, where fixed
 * 20-point steps give every cell the same colour. The range runs from the lowest to the highest
 * shown cell in whole percent, widened to HEAT_MIN_SPAN points, cut into equal steps;
 * the legend prints the bounds, so a shade always reads as a figure.
 */
export function heatScale(values: readonly number[]): HeatScale | undefined {
  if (values.length === 0) return undefined;
  let low = Math.floor(Math.min(...values) * 100);
  let high = Math.ceil(Math.max(...values) * 100);
  if (high - low < HEAT_MIN_SPAN) {
    const widen = HEAT_MIN_SPAN - (high - low);
    low = Math.max(0, low - Math.floor(widen / 2));
    high = Math.min(100, low + HEAT_MIN_SPAN);
    low = Math.max(0, high - HEAT_MIN_SPAN);
  }
  const step = (high - low) / HEAT_STEPS;
  const bounds = Array.from({ length: HEAT_STEPS + 1 }, (_, b) => Math.round(low + b * step));
  return {
    bounds,
    shade: (value) => Math.max(0, Math.min(HEAT_STEPS - 1, Math.floor((value * 100 - low) / step))),
  };
}

/** Accuracy by topic × department, the weakest of the table darkest; hidden cells say why. */
export async function topicHeatMap(stats: PageStats, scopeId: number | null, topicName: (code: string) => string): Promise<SafeHtml> {
  const { t } = stats.viewer;
  const rows = await scopeRows(stats, scopeId, 'topics');
  const topics = [...rows[0]!.report.topics].map((tp) => tp.topic);
  if (topics.length === 0) return html`<p>${t('dashboard.topics.none')}</p>`;
  const shown = rows.flatMap((row) => row.report.topics.map((tp) => tp.accuracy)).filter((f) => !f.suppressed && f.value !== null).map((f) => f.value!);
  const scale = heatScale(shown);
  const shade = (f: RateFigure) => (f.value === null || !scale ? 'heat-none' : `heat-${scale.shade(f.value)}`);
  return html`<table class="data heat"><thead><tr><th>${t('export.col.department')}</th>${topics.map((code) => html`<th scope="col">${topicName(code)}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr><th scope="row">${row.label}</th>${topics.map((code) => {
      const figure = row.report.topics.find((tp) => tp.topic === code)?.accuracy;
      if (!figure) return html`<td class="num heat-none">–</td>`;
      if (figure.suppressed) return html`<td class="num hidden-cell" data-reason="${figure.reason}">${rateText(t, figure)}</td>`;
      return html`<td class="num ${shade(figure)}">${percentText(figure.value)}</td>`;
    })}</tr>`,
  )}</tbody></table>
${scale ? html`<p class="legend" data-testid="heat-legend">${t('dashboard.topics.legend')} ${scale.bounds.slice(0, -1).map((from, b) => html`<span class="swatch heat-${b}">${from}–${scale.bounds[b + 1]}%</span>`)}</p>
<p class="note">${t('dashboard.topics.scale', { low: scale.bounds[0]!, high: scale.bounds[HEAT_STEPS]! })}</p>` : ''}
<p class="note">${t('dashboard.topics.note', { min: rows[0]!.report.minGroupSize })}</p>`;
}

/** Pledges and letters with completion by department; the non-signer list for hr/admin. */
export async function campaignTables(stats: PageStats, scopeId: number | null, campaigns: ReadonlyMap<string, { id: number; day: string; due: string | null }[]>, pledgeTitle: (key: string) => string): Promise<SafeHtml> {
  const { t, operator } = stats.viewer;
  const rows = await scopeRows(stats, scopeId, 'campaigns');
  const root = rows[0]!.report;
  const pledges = root.pledges.map((p) => {
    const open = campaigns.get(p.key) ?? [];
    return html`<section class="campaign" data-pledge-id="${p.pledgeId}"><h3>${pledgeTitle(p.key)} <span class="note">(${p.key} v${p.version})</span></h3>
<p>${open.length === 0 ? t('dashboard.campaigns.no_open') : open.map((c) => t('dashboard.campaigns.open', { id: c.id, day: c.day, due: c.due ?? '–' })).join(' · ')}</p>
<table class="data"><thead><tr><th>${t('export.col.department')}</th><th>${t('dashboard.col.eligible')}</th><th>${t('dashboard.col.completion')}</th></tr></thead><tbody>${rows.map((row) => {
      const stat = row.report.pledges.find((x) => x.pledgeId === p.pledgeId);
      return stat ? html`<tr><th scope="row">${row.label}</th><td class="num">${count(stats.viewer, stat.eligible)}</td>${rateCell(t, stat.completion)}</tr>` : '';
    })}</tbody></table>
${operator ? html`<p><a href="/dashboard/campaigns/pledge/${p.pledgeId}/non-signers" data-testid="non-signers">${t('dashboard.campaigns.non_signers')}</a></p>` : ''}</section>`;
  });
  const letters = root.announcements.filter((a) => a.recipients > 0 && a.ackRequired).map((a) => html`<section class="letter" data-letter-id="${a.announcementId}"><h3>#${a.announcementId} ${a.title} (${a.day})</h3>
<table class="data"><thead><tr><th>${t('export.col.department')}</th><th>${t('export.col.recipients')}</th><th>${t('export.col.ack_rate')}</th></tr></thead><tbody>${rows.map((row) => {
    const stat = row.report.announcements.find((x) => x.announcementId === a.announcementId);
    return stat && stat.recipients > 0 ? html`<tr><th scope="row">${row.label}</th><td class="num">${count(stats.viewer, stat.recipients)}</td>${rateCell(t, stat.acknowledgement)}</tr>` : '';
  })}</tbody></table></section>`);
  return html`<h2>${t('stats.pledges')}</h2>${pledges.length > 0 ? pledges : html`<p>–</p>`}
<h2>${t('stats.messages')}</h2>${letters.length > 0 ? letters : html`<p>–</p>`}
<p class="note">${t('stats.footer', { min: root.minGroupSize })}</p>`;
}
