/**
 * Evidence exports: participation (one row per department's direct members, so headcounts add up to
 * the organisation's), topics (accuracy by legal topic, aggregate only), pledges (who signed which
 * version when, with the text's fingerprint: completion is evidence), announcements (leadership
 * messages, with their audience, acknowledgement rates and failed deliveries) and pulses (response
 * rates and answer figures of the integrity perception pulses closed in the period). CSV (UTF-8 with
 * BOM, formula-safe) or XLSX.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { UserError } from '../../engine/errors.js';
import type { Translator } from '../../i18n/index.js';
import type { Locale, Localized } from '../../i18n/locales.js';
import type { Services } from '../../engine/context.js';
import { localDateTime, type Day } from '../../time.js';
import type { Attachment } from '../../ui/card.js';
import { percentText } from '../../ui/text.js';
import { isStaff, UNASSIGNED_DEPARTMENT } from '../people/people.repository.js';
import { toCsv, type CsvCell } from './csv.js';
import { computeStats, participationByDepartmentPartition, type Period, type RateFigure, type StatsOptions } from './metrics.js';
import { toXlsx } from './xlsx.js';
import { pulseTable } from '../pulse/pulse.report.js';

export const EXPORT_KINDS = ['participation', 'topics', 'pledges', 'announcements', 'pulses'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportKind(value: string | undefined): value is ExportKind {
  return (EXPORT_KINDS as readonly (string | undefined)[]).includes(value);
}

export interface Table {
  name: string;
  header: string[];
  rows: CsvCell[][];
}

export interface ExportContext {
  db: Kysely<Database>;
  period: Period;
  options: StatsOptions;
  t: Translator;
  locale: Locale;
  topics: Readonly<Record<string, Localized>>;
}

/** What a chat request or the command line gives the statistics: services, language, today. */
export interface StatsSource extends Pick<Services, 'db' | 'calendar' | 'config' | 'content'> {
  t: Translator;
  locale: Locale;
  today: Day;
  nowIso: string;
}

export function statsOptions(source: StatsSource): StatsOptions {
  return { calendar: source.calendar, minGroupSize: source.config.minGroupSize, today: source.today, now: new Date(source.nowIso), timeZone: source.config.timezone };
}

/** Everything an export or report needs but the period. */
export function exportBase(source: StatsSource): Omit<ExportContext, 'period'> {
  return { db: source.db, options: statsOptions(source), t: source.t, locale: source.locale, topics: source.content.topics };
}

/** A rate as a percentage with one decimal, or empty; `note` says why it is empty. */
export function percentCell(figure: RateFigure): CsvCell {
  return figure.value === null ? null : Math.round(figure.value * 1000) / 10;
}

/** A rate in a card or summary: the percentage, or `hidden` where it is suppressed. */
export function figureText(figure: RateFigure, hidden: string): string {
  return figure.suppressed ? hidden : percentText(figure.value);
}

export function suppressionNote(t: Translator, ...figures: RateFigure[]): string {
  const hidden = figures.find((f) => f.suppressed);
  if (!hidden) return '';
  return t(hidden.reason === 'complementary' ? 'stats.suppressed.complementary' : 'stats.suppressed.small');
}

/** A department as people read it: the unassigned department in their language. */
export const shownPath = (t: Translator, path: string) => (path === UNASSIGNED_DEPARTMENT ? t('department.unassigned') : path);

export async function participationTable(ctx: ExportContext): Promise<Table> {
  const { t } = ctx;
  const partition = await participationByDepartmentPartition(ctx.db, ctx.period, ctx.options);
  const pledgeKeys = partition.organisation.pledges.map((p) => p.key);
  const header = [
    t('export.col.department'),
    t('export.col.level'),
    t('export.col.headcount'),
    t('export.col.participants'),
    t('export.col.participation'),
    t('export.col.depth'),
    ...pledgeKeys.map((k) => t('export.col.pledge', { pledge: k })),
    t('export.col.note'),
  ];
  const pledgeCells = (pledges: { key: string; completion: RateFigure }[]) => pledgeKeys.map((k) => {
    const p = pledges.find((x) => x.key === k);
    return p ? percentCell(p.completion) : null;
  });
  const rows: CsvCell[][] = partition.rows.map((r) => [
    shownPath(t, r.path),
    r.level,
    r.headcount,
    r.participation.numerator,
    percentCell(r.participation),
    percentCell(r.depth),
    ...pledgeCells(r.pledges),
    suppressionNote(t, r.participation, r.depth, ...r.pledges.map((p) => p.completion)),
  ]);
  const org = partition.organisation;
  rows.push([t('export.total'), 0, org.headcount, org.participation.numerator, percentCell(org.participation), percentCell(org.depth), ...pledgeCells(org.pledges), suppressionNote(t, org.participation, org.depth)]);
  return { name: t('export.sheet.participation'), header, rows };
}

export async function topicsTable(ctx: ExportContext): Promise<Table> {
  const { t } = ctx;
  const report = await computeStats(ctx.db, { period: ctx.period, departmentId: null }, ctx.options);
  return {
    name: t('export.sheet.topics'),
    header: [t('export.col.topic'), t('export.col.answered'), t('export.col.correct'), t('export.col.accuracy'), t('export.col.note')],
    rows: report.topics.map((topic) => [
      ctx.topics[topic.topic]?.[ctx.locale] ?? topic.topic,
      topic.answered.value,
      topic.correct.value,
      percentCell(topic.accuracy),
      suppressionNote(ctx.t, topic.accuracy),
    ]),
  };
}

/** Every member a pledge addresses (at the end of the period) and their signature of its current version. */
export async function pledgesTable(ctx: ExportContext): Promise<Table> {
  const { t, db } = ctx;
  const pledges = await db.selectFrom('pledges').selectAll().where('active', '=', 1).orderBy('pack').orderBy('slug').execute();
  const members = await db
    .selectFrom('members')
    .innerJoin('departments', 'departments.id', 'members.department_id')
    .select(['members.id', 'members.name', 'members.employee_no', 'members.roles', 'departments.path'])
    .where(isStaff)
    .where('members.joined_on', '<=', ctx.period.to)
    .where((eb) => eb.or([eb('members.left_on', 'is', null), eb('members.left_on', '>', ctx.period.to)]))
    .orderBy('departments.path')
    .orderBy('members.name')
    .execute();
  const rows: CsvCell[][] = [];
  const zone = ctx.options.timeZone ?? 'UTC';
  for (const pledge of pledges) {
    const signatures = new Map(
      (await db.selectFrom('pledge_signatures').selectAll().where('pledge_id', '=', pledge.id).where('day', '<=', ctx.period.to).execute()).map((s) => [s.member_id, s]),
    );
    for (const m of members) {
      if (pledge.audience === 'leaders' && !m.roles.split(';').includes('manager')) continue;
      const s = signatures.get(m.id);
      // UTC is the evidence; the organisation's wall-clock time beside it is what a reader checks against.
      const signedLocal = s ? localDateTime(s.signed_at, zone) : null;
      rows.push([`${pledge.pack}/${pledge.slug}`, pledge.version, shownPath(t, m.path), m.name, m.employee_no, s ? s.signed_at : null, signedLocal, s ? s.platform : null, s ? s.locale : null, s ? s.text_hash : null]);
    }
  }
  return {
    name: t('export.sheet.pledges'),
    header: [t('export.col.pledge_key'), t('export.col.version'), t('export.col.department'), t('export.col.name'), t('export.col.employee_no'), t('export.col.signed_at'), t('export.col.signed_at_local', { zone }), t('export.col.platform'), t('export.col.locale'), t('export.col.text_hash')],
    rows,
  };
}

export async function announcementsTable(ctx: ExportContext): Promise<Table> {
  const { t } = ctx;
  const report = await computeStats(ctx.db, { period: ctx.period, departmentId: null }, ctx.options);
  const authors = new Map(
    (
      await ctx.db
        .selectFrom('announcements')
        .innerJoin('members', 'members.id', 'announcements.author_member_id')
        .select(['announcements.id', 'members.name'])
        .execute()
    ).map((a) => [a.id, a]),
  );
  return {
    name: t('export.sheet.announcements'),
    header: [t('export.col.id'), t('export.col.day'), t('export.col.title'), t('export.col.author'), t('export.col.recipients'), t('export.col.acknowledged'), t('export.col.ack_rate'), t('export.col.delivery_failed'), t('export.col.note')],
    // Every letter sent in the period, those that ask for no acknowledgement too: sending is evidence.
    rows: report.announcements.map((a) => [
      a.announcementId,
      a.day,
      a.title,
      authors.get(a.announcementId)?.name ?? null,
      a.recipients,
      a.acknowledgement.numerator,
      percentCell(a.acknowledgement),
      a.failed.value,
      a.ackRequired ? suppressionNote(t, a.acknowledgement) : t('announce.status.no_ack'),
    ]),
  };
}

const BUILDERS: Record<ExportKind, (ctx: ExportContext) => Promise<Table>> = {
  participation: participationTable,
  topics: topicsTable,
  pledges: pledgesTable,
  announcements: announcementsTable,
  pulses: (ctx) => pulseTable(ctx.db, ctx.t, ctx.locale, ctx.period, { minGroupSize: ctx.options.minGroupSize, timeZone: ctx.options.timeZone }),
};

export async function buildExport(kind: ExportKind, format: ExportFormat, ctx: ExportContext): Promise<Attachment> {
  if (!isExportKind(kind)) throw new UserError('export.error.usage');
  const table = await BUILDERS[kind](ctx);
  const name = `probity-${kind}-${ctx.period.key.replace(/[^0-9A-Za-z.-]+/g, '_')}.${format}`;
  if (format === 'csv') return { name, data: toCsv(table.header, table.rows), contentType: 'text/csv; charset=utf-8' };
  return {
    name,
    data: await toXlsx([{ name: table.name, header: table.header, rows: table.rows }]),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}
