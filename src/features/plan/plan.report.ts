/**
 * The planning group's report (추진기획단 보고회): as of a day, an XLSX workbook (a summary sheet and one
 * sheet per strategy), and a Markdown and a printable HTML summary with a progress chart by strategy
 * (inline SVG, so it prints as drawn) and the list of tasks at risk, late or below their indicator.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { UserError } from '../../engine/errors.js';
import type { Translator } from '../../i18n/index.js';
import type { Locale } from '../../i18n/locales.js';
import { isDay } from '../../time.js';
import type { Attachment } from '../../ui/card.js';
import { escapeHtml } from '../../ui/html.js';
import { markdownCell } from '../../ui/text.js';
import { toXlsx, type XlsxCell } from '../stats/xlsx.js';
import { metricText, missedText, statusLabel } from './plan.cards.js';
import { STATUSES, targetText } from './plan.js';
import { byConcern, isConcern, planProgress, type PlanOptions, type PlanProgress, type TaskProgress } from './plan.progress.js';
import type { Plan } from './plan.repository.js';


function taskRow(t: Translator, locale: Locale, p: TaskProgress, coreId: string): XlsxCell[] {
  const n = p.task.node;
  return [
    coreId,
    n.id,
    n.title[locale],
    p.task.departmentPath,
    n.due,
    n.milestones.map((m) => `${m.due} ${m.label[locale]}`).join('\n') || null,
    n.indicator ? n.indicator.name[locale] : null,
    n.indicator ? targetText(n.indicator, locale) : null,
    p.metric ? metricText(t, p.metric) : null,
    statusLabel(t, p.status),
    p.progress,
    p.checkin?.period ?? null,
    p.checkin?.note ?? null,
    p.checkin?.evidence ?? null,
  ];
}

/** A horizontal bar per strategy, 0–100 %. */
export function progressSvg(t: Translator, locale: Locale, progress: PlanProgress): string {
  const rowHeight = 34;
  const width = 640;
  const labelWidth = 260;
  const barWidth = width - labelWidth - 60;
  const height = progress.strategies.length * rowHeight + 30;
  const bars = progress.strategies.map((s, i) => {
    const y = i * rowHeight + 10;
    const w = Math.round((barWidth * s.progress) / 100);
    const label = `${s.node.id} ${s.node.title[locale]}`;
    return [
      `<text x="0" y="${y + 17}" font-size="13">${escapeHtml(label.length > 30 ? `${label.slice(0, 29)}…` : label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${barWidth}" height="22" fill="#e5e7eb"/>`,
      `<rect x="${labelWidth}" y="${y}" width="${w}" height="22" fill="#2563eb"/>`,
      `<text x="${labelWidth + barWidth + 8}" y="${y + 17}" font-size="13">${s.progress}%</text>`,
    ].join('');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(t('plan.report.chart'))}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">${bars.join('')}</svg>`;
}

export interface PlanReport {
  xlsx: Attachment;
  markdown: Attachment;
  html: Attachment;
  summary: string;
}

export async function planReport(db: Kysely<Database>, plan: Plan, dayRaw: string | undefined, t: Translator, locale: Locale, options: PlanOptions): Promise<PlanReport> {
  const day = dayRaw ?? options.today;
  if (!isDay(day)) throw new UserError('plan.error.report_day', { value: day });
  const progress = await planProgress(db, plan, day, options);
  const header = ['core', 'task', 'title', 'owner', 'due', 'milestones', 'indicator', 'target', 'metric', 'status', 'progress', 'period', 'note', 'evidence'].map((c) => t(`plan.report.col.${c}` as Parameters<Translator>[0]));
  const counts = (tasks: readonly TaskProgress[]) => STATUSES.map((s) => tasks.filter((p) => p.status === s).length).concat(tasks.filter((p) => p.status === null).length);
  const summaryHeader = [t('plan.report.col.strategy'), t('plan.report.col.tasks'), ...STATUSES.map((s) => statusLabel(t, s)), statusLabel(t, null), t('plan.report.col.progress')];
  const summaryRows: XlsxCell[][] = progress.strategies.map((s) => [`${s.node.id} ${s.node.title[locale]}`, s.tasks.length, ...counts(s.tasks), s.progress]);
  const overall = progress.tasks.length === 0 ? 0 : Math.round(progress.tasks.reduce((n, p) => n + p.progress, 0) / progress.tasks.length);
  summaryRows.push([t('plan.report.total'), progress.tasks.length, ...counts(progress.tasks), overall]);
  const xlsx = await toXlsx([
    { name: t('plan.report.sheet.summary'), header: summaryHeader, rows: summaryRows },
    ...progress.strategies.map((s) => ({ name: `${s.node.id} ${s.node.title[locale]}`, header, rows: s.cores.flatMap((c) => c.tasks.map((p) => taskRow(t, locale, p, c.node.id))) })),
  ]);

  const concerns = progress.tasks.filter(isConcern).sort(byConcern);
  const concernLine = (p: TaskProgress) => `${p.task.key} ${p.task.node.title[locale]} (${p.task.departmentPath}) — ${statusLabel(t, p.status)} ${p.progress}%${p.missed ? ` · ${missedText(t, locale, p, Number.MAX_SAFE_INTEGER)}` : ''}${p.metric?.below ? ` · ${metricText(t, p.metric)}` : ''}${p.checkin?.note ? ` · ${p.checkin.note}` : ''}`;
  const title = t('plan.report.title', { title: plan.body.title[locale], day });
  const md = [
    `# ${title}`,
    '',
    t('plan.report.version', { version: plan.version, year: plan.year, overall }),
    '',
    `## ${t('plan.report.by_strategy')}`,
    '',
    `| ${summaryHeader.map(markdownCell).join(' | ')} |`,
    `|${summaryHeader.map(() => '---').join('|')}|`,
    ...summaryRows.map((r) => `| ${r.map((c) => markdownCell(String(c ?? ''))).join(' | ')} |`),
    '',
    `## ${t('plan.report.concerns', { count: concerns.length })}`,
    '',
    ...(concerns.length > 0 ? concerns.map((p) => `- ${markdownCell(concernLine(p))}`) : [t('plan.report.no_concerns')]),
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px}@media print{body{margin:0}}</style></head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(t('plan.report.version', { version: plan.version, year: plan.year, overall }))}</p>`,
    `<h2>${escapeHtml(t('plan.report.by_strategy'))}</h2>`,
    progressSvg(t, locale, progress),
    `<table><thead><tr>${summaryHeader.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>`,
    ...summaryRows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c ?? ''))}</td>`).join('')}</tr>`),
    '</tbody></table>',
    `<h2>${escapeHtml(t('plan.report.concerns', { count: concerns.length }))}</h2>`,
    concerns.length > 0 ? `<ul>${concerns.map((p) => `<li>${escapeHtml(concernLine(p))}</li>`).join('')}</ul>` : `<p>${escapeHtml(t('plan.report.no_concerns'))}</p>`,
    '</body></html>',
  ].join('\n');
  const base = `probity-plan-${plan.slug}-${day}`;
  const encoder = new TextEncoder();
  return {
    xlsx: { name: `${base}.xlsx`, data: xlsx, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', title },
    markdown: { name: `${base}.md`, data: encoder.encode(md), contentType: 'text/markdown', title },
    html: { name: `${base}.html`, data: encoder.encode(html), contentType: 'text/html', title },
    summary: `${title}\n${t('plan.report.version', { version: plan.version, year: plan.year, overall })}\n${t('plan.report.concerns', { count: concerns.length })}${concerns.length > 0 ? `\n${concerns.map((p) => `- ${concernLine(p)}`).join('\n')}` : ''}`,
  };
}
