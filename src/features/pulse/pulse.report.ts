/**
 * A run's figures as people read them: the results card, the trend across runs of the same pulse,
 * and the rows of the pulse export. Every figure comes from runResults, so what is hidden there is
 * hidden everywhere.
 */
import type { Kysely, Transaction } from 'kysely';
import { DEFAULT_TIMEZONE } from '../../config.js';
import type { Database, PulseRun } from '../../db/schema.js';
import type { RequestContext } from '../../engine/context.js';
import type { MessageKey, Translator } from '../../i18n/index.js';
import type { Locale } from '../../i18n/locales.js';
import { context, fields, text, type Block, type Message } from '../../ui/card.js';
import { localDay } from '../../time.js';
import { percentText, truncate } from '../../ui/text.js';
import type { CsvCell } from '../stats/csv.js';
import type { RateFigure } from '../stats/privacy.js';
import { SCALE_MIN, type ItemSummary, type PulseKind } from './pulse.js';
import { closedRunsOf } from './pulse.repository.js';
import { runResults, type RunResults } from './pulse.results.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;
/** Department lines on a card before the rest is left to the export. */
const CARD_DEPARTMENTS = 15;
/** Runs in the trend. */
const TREND_RUNS = 6;
/** Slack's section text holds 3,000 characters. */
const BLOCK_MAX = 2_900;

export function rateText(t: Translator, figure: RateFigure): string {
  if (figure.suppressed) return t('pulse.results.hidden');
  return `${figure.numerator}/${figure.denominator} (${percentText(figure.value)})`;
}

/** "3.8 / 5" for a scale, "27% yes" for yes/no. */
export function meanText(t: Translator, kind: PulseKind, summary: ItemSummary): string {
  if (summary.mean === null) return '–';
  return kind === 'scale' ? t('pulse.results.mean_scale', { mean: summary.mean.toFixed(2) }) : t('pulse.results.share_yes', { share: percentText(summary.mean) });
}

export function distributionText(t: Translator, kind: PulseKind, summary: ItemSummary): string {
  if (kind === 'scale') return summary.distribution.map((n, i) => `${i + SCALE_MIN}:${n}`).join(' ');
  return `${t('pulse.results.yes')} ${summary.distribution[1]} · ${t('pulse.results.no')} ${summary.distribution[0]}`;
}

export async function resultsCard(ctx: RequestContext, r: RunResults): Promise<Message> {
  const { t, locale } = ctx;
  const title = t('pulse.results.title', { id: r.run.id, title: r.pulse.body.title[locale] });
  const blocks: Block[] = [
    fields([
      { label: t('pulse.results.state'), value: r.run.closed_at ? t('pulse.results.closed_on', { day: localDay(new Date(r.run.closed_at), ctx.config.timezone) }) : t('pulse.results.open', { closes: r.run.closes_on ?? '–' }) },
      { label: t('pulse.results.rate'), value: rateText(t, r.rate) },
    ]),
  ];
  const rateLines = r.rates.slice(0, CARD_DEPARTMENTS).map((row) => `- ${row.path}: ${rateText(t, row.figure)}`);
  if (r.rates.length > CARD_DEPARTMENTS) rateLines.push(t('pulse.results.more', { count: r.rates.length - CARD_DEPARTMENTS }));
  if (rateLines.length > 0) blocks.push(text(truncate(`**${t('pulse.results.rate_by_department')}**\n${rateLines.join('\n')}`, BLOCK_MAX)));
  if (!r.run.closed_at) {
    blocks.push(context(t('pulse.results.hidden_until_close')));
    return { text: title, card: { title, blocks } };
  }
  if (!r.items) {
    blocks.push(context(t('pulse.results.too_few', { min: r.minGroupSize })));
    return { text: title, card: { title, blocks } };
  }
  r.pulse.body.items.forEach((item, i) => {
    const summary = r.items![i]!;
    const lines = [`**${i + 1}. ${item.label[locale]}** — ${meanText(t, item.kind, summary)} · ${distributionText(t, item.kind, summary)} (n=${summary.count})`];
    for (const d of r.departments.slice(0, CARD_DEPARTMENTS)) lines.push(`- ${d.path}: ${meanText(t, item.kind, d.items[i]!)} (n=${d.respondents})`);
    blocks.push(text(truncate(lines.join('\n'), BLOCK_MAX)));
  });
  const trend = await trendLines(ctx.db, t, r, ctx.config.minGroupSize);
  if (trend.length > 1) blocks.push(text(truncate(`**${t('pulse.results.trend')}**\n${trend.join('\n')}`, BLOCK_MAX)));
  blocks.push(context(t('pulse.results.footer', { min: r.minGroupSize, withheld: r.withheld })));
  return { text: title, card: { title, blocks } };
}

/** One line per closed run of the same pulse, oldest first: day, response rate, and each item's mean. */
export async function trendLines(db: DbOrTrx, t: Translator, r: RunResults, minGroupSize: number): Promise<string[]> {
  const runs = (await closedRunsOf(db, r.pulse.pack, r.pulse.slug)).filter((run) => run.id <= r.run.id).slice(-TREND_RUNS);
  const lines: string[] = [];
  for (const run of runs) {
    const figures = run.id === r.run.id ? r : await runResults(db, run, minGroupSize);
    const means = figures.items
      ? figures.pulse.body.items.map((item, i) => meanText(t, item.kind, figures.items![i]!)).join(' / ')
      : t('pulse.results.hidden');
    lines.push(`- #${run.id} ${run.day} (v${figures.pulse.version}): ${t('pulse.results.rate')} ${rateText(t, figures.rate)} · ${means}`);
  }
  return lines;
}

const EXPORT_COLUMNS: readonly MessageKey[] = [
  'pulse.export.col.run',
  'pulse.export.col.pulse',
  'pulse.export.col.version',
  'pulse.export.col.opened',
  'pulse.export.col.closed',
  'pulse.export.col.scope',
  'pulse.export.col.respondents',
  'pulse.export.col.audience',
  'pulse.export.col.rate',
  'pulse.export.col.item',
  'pulse.export.col.label',
  'pulse.export.col.kind',
  'pulse.export.col.mean',
  'pulse.export.col.distribution',
  'pulse.export.col.note',
];

/** Closed runs whose closing day falls in a period (organisation-local days), oldest first. */
/** Statistics callers may leave the zone out: the organisation's default then. */
export interface PulseFigureOptions {
  minGroupSize: number;
  timeZone?: string | undefined;
}

export async function closedRunsIn(db: DbOrTrx, period: { from: string; to: string }, timeZone: string = DEFAULT_TIMEZONE): Promise<PulseRun[]> {
  const runs = await db.selectFrom('pulse_runs').selectAll().where('closed_at', 'is not', null).orderBy('id').execute();
  return runs.filter((run) => {
    const day = localDay(new Date(run.closed_at!), timeZone);
    return day >= period.from && day <= period.to;
  });
}

/** One line per run closed in the period: the response rate and each item's mean (or that it is withheld). */
export async function pulseSummaryLines(db: DbOrTrx, t: Translator, locale: Locale, period: { from: string; to: string }, options: PulseFigureOptions): Promise<string[]> {
  const lines: string[] = [];
  for (const run of await closedRunsIn(db, period, options.timeZone)) {
    const r = await runResults(db, run, options.minGroupSize);
    const means = r.items ? r.pulse.body.items.map((item, i) => meanText(t, item.kind, r.items![i]!)).join(' / ') : t('pulse.results.hidden');
    lines.push(`#${run.id} ${r.pulse.body.title[locale]} (${localDay(new Date(run.closed_at!), options.timeZone ?? DEFAULT_TIMEZONE)}): ${t('pulse.results.rate')} ${rateText(t, r.rate)} · ${means}`);
  }
  return lines;
}

/**
 * The pulse export: per run closed in the period, the response rate of the organisation and of each
 * department (against the roster), then each item's distribution and mean for the organisation and
 * for every department shown; a withheld figure is an empty cell with the reason.
 */
export async function pulseTable(db: DbOrTrx, t: Translator, locale: Locale, period: { from: string; to: string }, options: PulseFigureOptions): Promise<{ name: string; header: string[]; rows: CsvCell[][] }> {
  const rows: CsvCell[][] = [];
  const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
  for (const run of await closedRunsIn(db, period, options.timeZone)) {
    const r = await runResults(db, run, options.minGroupSize);
    const head = [run.id, `${r.pulse.key}`, r.pulse.version, run.day, localDay(new Date(run.closed_at!), options.timeZone ?? DEFAULT_TIMEZONE)];
    const rateRow = (scope: string, figure: RateFigure) => [...head, scope, figure.numerator, figure.denominator, percent(figure.suppressed ? null : figure.value), null, null, null, null, null, figure.suppressed ? t('pulse.results.hidden') : ''];
    rows.push(rateRow(t('stats.organisation'), r.rate));
    for (const d of r.rates) rows.push(rateRow(d.path, d.figure));
    const scopes: { scope: string; items: ItemSummary[] }[] = r.items ? [{ scope: t('stats.organisation'), items: r.items }, ...r.departments.map((d) => ({ scope: d.path, items: d.items }))] : [];
    for (const { scope, items } of scopes) {
      r.pulse.body.items.forEach((item, i) => {
        const s = items[i]!;
        rows.push([...head, scope, s.count, null, null, i + 1, item.label[locale], item.kind, s.mean === null ? null : Math.round(s.mean * 100) / 100, distributionText(t, item.kind, s), '']);
      });
    }
    if (!r.items) rows.push([...head, t('stats.organisation'), null, null, null, null, null, null, null, null, t('pulse.results.too_few', { min: r.minGroupSize })]);
  }
  return {
    name: t('export.sheet.pulses'),
    header: EXPORT_COLUMNS.map((c) => t(c)),
    rows,
  };
}
