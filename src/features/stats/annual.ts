/**
 * The annual evidence report: one XLSX workbook and a readable Markdown summary with the figures an
 * integrity officer attaches to the integrity-effort (청렴노력도) part of the ACRC assessment —
 * participation by month and department, quiz days held, pledge completion, leadership messages and
 * their acknowledgement rates, integrity perception pulse response rates and trend, and the weakest topics. Every figure obeys the minimum group size.
 */
import { UserError } from '../../engine/errors.js';
import type { Attachment } from '../../ui/card.js';
import type { CsvCell } from './csv.js';
import { announcementsTable, figureText, participationTable, percentCell, pledgesTable, shownPath, topicsTable, type ExportContext } from './exports.js';
import { buildPartition, computeStats, countStats, type PartitionReport, type Period } from './metrics.js';
import { monthPeriod } from './period.js';
import { toXlsx } from './xlsx.js';
import { pulseSummaryLines, pulseTable } from '../pulse/pulse.report.js';


/**
 * With `fixedDate` (the evidence pack), the files carry no time of their own: the workbook is dated
 * that instant and the summary names the period's last day instead of the day it was written.
 */
export async function annualReport(year: number, base: Omit<ExportContext, 'period'>, options: { fixedDate?: Date } = {}): Promise<{ xlsx: Attachment; markdown: Attachment; summary: string }> {
  const { t } = base;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UserError('report.error.year', { value: String(year) });
  const from = `${year}-01-01`;
  if (from > base.options.today) throw new UserError('report.error.year', { value: String(year) });
  const to = `${year}-12-31` > base.options.today ? base.options.today : `${year}-12-31`;
  const period: Period = { from, to, key: String(year) };
  const ctx: ExportContext = { ...base, period };
  const report = await computeStats(ctx.db, { period, departmentId: null }, ctx.options);
  const noRefresh = { ...ctx.options, refresh: false };

  // Participation by month (columns) and department (rows: each department's direct members).
  const months: Period[] = [];
  for (let m = 1; m <= 12; m++) {
    const month = monthPeriod(year, m);
    if (month.from > to) break;
    months.push(month.to > to ? { ...month, to } : month);
  }
  const monthly: PartitionReport[] = [];
  for (const month of months) monthly.push(buildPartition(await countStats(ctx.db, month, noRefresh), ctx.options.minGroupSize));
  const departments = monthly[0]?.rows.map((r) => ({ id: r.departmentId, path: r.path })) ?? [];
  const byMonthRows: CsvCell[][] = departments.map((d) => [
    shownPath(t, d.path),
    ...monthly.map((m) => {
      const row = m.rows.find((r) => r.departmentId === d.id);
      return row ? percentCell(row.participation) : null;
    }),
  ]);
  byMonthRows.push([t('export.total'), ...monthly.map((m) => percentCell(m.organisation.participation))]);

  const hidden = t('stats.hidden');
  const pulseOptions = { minGroupSize: ctx.options.minGroupSize, timeZone: ctx.options.timeZone };
  const pulseLines = await pulseSummaryLines(ctx.db, t, base.locale, period, pulseOptions);
  const summaryRows: CsvCell[][] = [
    [t('report.row.period'), `${period.from} ~ ${period.to}`],
    [t('report.row.headcount'), report.headcount],
    [t('report.row.joiners_leavers'), `${report.joiners} / ${report.leavers}`],
    [t('report.row.working_days'), report.workingDays],
    [t('report.row.quiz_days'), report.quizDaysHeld],
    [t('report.row.participation'), figureText(report.participation, hidden)],
    [t('report.row.depth'), figureText(report.depth, hidden)],
    ...report.pledges.map((p) => [t('report.row.pledge', { pledge: `${p.key} v${p.version}` }), figureText(p.completion, hidden)] as CsvCell[]),
    [t('report.row.messages'), report.announcements.length],
    ...pulseLines.map((line) => [t('pulse.report.section'), line] as CsvCell[]),
    [t('report.row.min_group'), report.minGroupSize],
  ];
  const participation = await participationTable(ctx);
  const topics = await topicsTable(ctx);
  const pledges = await pledgesTable(ctx);
  const announcements = await announcementsTable(ctx);
  const pulses = await pulseTable(ctx.db, t, base.locale, period, pulseOptions);
  const xlsx = await toXlsx([
    { name: t('report.sheet.summary'), header: [t('report.col.item'), t('report.col.value')], rows: summaryRows },
    { name: t('report.sheet.monthly'), header: [t('export.col.department'), ...months.map((m) => m.key)], rows: byMonthRows },
    { name: participation.name, header: participation.header, rows: participation.rows },
    { name: topics.name, header: topics.header, rows: topics.rows },
    { name: pledges.name, header: pledges.header, rows: pledges.rows },
    { name: announcements.name, header: announcements.header, rows: announcements.rows },
    { name: pulses.name, header: pulses.header, rows: pulses.rows },
  ], options);

  const weakest = report.topics.filter((tp) => !tp.accuracy.suppressed && tp.accuracy.value !== null).slice(0, 3);
  const lines = [
    `# ${t('report.title', { year })}`,
    '',
    options.fixedDate ? t('evidence.report_as_of', { day: to, min: report.minGroupSize }) : t('report.generated', { today: base.options.today, min: report.minGroupSize }),
    '',
    `## ${t('report.section.summary')}`,
    '',
    ...summaryRows.map(([k, v]) => `- ${k}: ${v ?? '–'}`),
    '',
    `## ${t('report.section.monthly')}`,
    '',
    `| ${t('report.col.month')} | ${t('export.col.headcount')} | ${t('export.col.participation')} |`,
    '|---|---:|---:|',
    ...monthly.map((m, i) => `| ${months[i]!.key} | ${m.organisation.headcount} | ${figureText(m.organisation.participation, hidden)} |`),
    '',
    `## ${t('report.section.departments')}`,
    '',
    ...report.departments.map((d) => `- ${shownPath(t, d.path)}: ${d.headcount} · ${figureText(d.participation, hidden)}`),
    '',
    `## ${t('report.section.messages')}`,
    '',
    ...(report.announcements.length === 0 ? ['–'] : report.announcements.map((a) => `- #${a.announcementId} ${a.day} ${a.title}: ${a.recipients} · ${a.ackRequired ? figureText(a.acknowledgement, hidden) : t('announce.status.no_ack')}${a.failed.value ? ` · ${t('announce.list.failed', { failed: a.failed.value })}` : ''}`)),
    '',
    `## ${t('pulse.report.section')}`,
    '',
    ...(pulseLines.length === 0 ? ['–'] : pulseLines.map((line) => `- ${line}`)),
    '',
    `## ${t('report.section.topics')}`,
    '',
    ...(weakest.length === 0 ? ['–'] : weakest.map((tp) => `- ${base.topics[tp.topic]?.[base.locale] ?? tp.topic}: ${figureText(tp.accuracy, hidden)}`)),
    '',
    `> ${t('report.privacy')}`,
    '',
  ];
  const markdown = lines.join('\n');
  return {
    xlsx: { name: `probity-annual-report-${year}.xlsx`, data: xlsx, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    markdown: { name: `probity-annual-report-${year}.md`, data: new TextEncoder().encode(markdown), contentType: 'text/markdown; charset=utf-8' },
    summary: t('report.done', { year, participation: figureText(report.participation, hidden), quizDays: report.quizDaysHeld }),
  };
}
