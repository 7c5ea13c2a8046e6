/**
 * The evidence pack for the integrity-effort (청렴노력도) part of the ACRC assessment: one folder per
 * year with the annual report, the training ledger, pledge signatures, leadership letters and their
 * acknowledgement, quiz participation by department, pulse results and the effect reports of campaigns
 * with a holdout; a summary page mapping each file to the part of the assessment it evidences (추진 기반
 * / 이행 / 성과); and MANIFEST.sha256.
 *
 * Reproducible: the same data gives the same bytes. The only time of generation is in GENERATED.txt,
 * which the manifest leaves out for that reason; the audit log keeps the manifest's own digest.
 */
import { createHash } from 'node:crypto';
import type { MessageKey } from '../../i18n/index.js';
import { allDepartments } from '../people/people.repository.js';
import { annualReport } from '../stats/annual.js';
import { announcementsTable, participationTable, pledgesTable, type ExportContext, type StatsSource, exportBase } from '../stats/exports.js';
import { toXlsx, type XlsxSheet } from '../stats/xlsx.js';
import { pulseTable } from '../pulse/pulse.report.js';
import { effectReports } from './evidence.effect.js';
import { UserError } from '../../engine/errors.js';
import { ANNUAL_MINUTES } from '../training/training.js';
import { trainingSheets } from '../training/training.export.js';
import { headsOf, trainingPeople } from '../training/training.repository.js';

/** The three parts of the assessment's integrity-effort model, in the order the summary lists them. */
export const AREAS = ['foundation', 'implementation', 'results'] as const;
export type Area = (typeof AREAS)[number];

export const MANIFEST = 'MANIFEST.sha256';
export const GENERATED = 'GENERATED.txt';
export const SUMMARY = 'SUMMARY.md';

export interface PackContext {
  source: StatsSource;
  year: number;
  /** The last day the pack covers: the year's end, or today in the current year. */
  asOf: string;
  ctx: ExportContext;
  /** The instant every workbook is dated: the start of `asOf`, never the time of generation. */
  fixedDate: Date;
  /** Filled by the files that have something to say on the summary page. */
  notes: string[];
}

export interface EvidenceFile {
  name: string;
  area: Area;
  /** What the file holds, as the summary page describes it. */
  describes: MessageKey;
  build: (pack: PackContext) => Promise<Uint8Array>;
}

const workbook = (pack: PackContext, sheets: XlsxSheet[]) => toXlsx(sheets, { fixedDate: pack.fixedDate });

/** The head's letters of the year: how many and on which days (the letters sheet shows them all). */
async function leadershipLetters(pack: PackContext): Promise<Uint8Array> {
  const { ctx, source } = pack;
  const { t } = ctx;
  const letters = await announcementsTable(ctx);
  const heads = headsOf(await trainingPeople(source.db, pack.year, pack.asOf), await allDepartments(source.db));
  const ids = heads.length === 0 ? new Set<number>() : new Set((await source.db.selectFrom('announcements').select('id').where('author_member_id', 'in', heads.map((h) => h.id)).execute()).map((a) => a.id));
  const byHead = letters.rows.filter((row) => ids.has(Number(row[0])));
  const days = byHead.map((row) => String(row[1]));
  pack.notes.push(heads.length === 0 ? t('evidence.note.head_unknown') : t('evidence.note.head_letters', { count: byHead.length, days: days.join(', ') || '–' }));
  return workbook(pack, [
    { name: letters.name, header: letters.header, rows: letters.rows },
    { name: t('evidence.sheet.head_letters'), header: letters.header, rows: byHead },
  ]);
}

/**
 * Every file of the pack with the part of the assessment it evidences, in the order written. A file
 * added here (an effect report, say) is built, listed on the summary page and in the manifest.
 */
export function evidenceFiles(year: number): EvidenceFile[] {
  let annual: ReturnType<typeof annualReport> | undefined;
  const annualOf = (pack: PackContext) => (annual ??= annualReport(year, exportBase(pack.source), { fixedDate: pack.fixedDate }));
  return [
    { name: `leadership-letters-${year}.xlsx`, area: 'foundation', describes: 'evidence.file.letters', build: leadershipLetters },
    {
      name: `training-ledger-${year}.xlsx`,
      area: 'implementation',
      describes: 'evidence.file.training',
      build: async (pack) => {
        const { config } = pack.source;
        return workbook(pack, await trainingSheets(pack.source.db, pack.ctx.t, { year, asOf: pack.asOf, minGroupSize: config.minGroupSize, newHireDays: config.training.newHireDays }));
      },
    },
    {
      name: `pledge-signatures-${year}.xlsx`,
      area: 'implementation',
      describes: 'evidence.file.pledges',
      build: async (pack) => {
        const table = await pledgesTable(pack.ctx);
        return workbook(pack, [table]);
      },
    },
    {
      name: `quiz-participation-${year}.xlsx`,
      area: 'implementation',
      describes: 'evidence.file.quiz',
      build: async (pack) => workbook(pack, [await participationTable(pack.ctx)]),
    },
    {
      name: `pulse-results-${year}.xlsx`,
      area: 'results',
      describes: 'evidence.file.pulse',
      build: async (pack) => {
        const { ctx } = pack;
        return workbook(pack, [await pulseTable(ctx.db, ctx.t, ctx.locale, ctx.period, { minGroupSize: ctx.options.minGroupSize, timeZone: ctx.options.timeZone })]);
      },
    },
    { name: `effect-reports-${year}.md`, area: 'results', describes: 'evidence.file.effect', build: effectReports },
    { name: `annual-report-${year}.xlsx`, area: 'results', describes: 'evidence.file.annual_xlsx', build: async (pack) => (await annualOf(pack)).xlsx.data },
    { name: `annual-report-${year}.md`, area: 'results', describes: 'evidence.file.annual_md', build: async (pack) => (await annualOf(pack)).markdown.data },
  ];
}

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** `sha256sum` format: the digest, two spaces, the name; sorted by name; every line ends in LF. */
export function manifestOf(files: readonly { name: string; data: Uint8Array }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${sha256(f.data)}  ${f.name}\n`)
    .join('');
}

function summaryPage(pack: PackContext, files: readonly EvidenceFile[]): string {
  const { t } = pack.ctx;
  const { config } = pack.source;
  const lines = [
    `# ${t('evidence.title', { year: pack.year })}`,
    '',
    `- ${t('evidence.organisation')}: ${config.organisationName ?? '–'}`,
    `- ${t('report.row.period')}: ${pack.year}-01-01 ~ ${pack.asOf}`,
    `- ${t('report.row.min_group')}: ${config.minGroupSize}`,
    '',
    `## ${t('evidence.section.files')}`,
    '',
    `| ${t('evidence.col.file')} | ${t('evidence.col.area')} | ${t('evidence.col.content')} |`,
    '|---|---|---|',
    ...AREAS.flatMap((area) => files.filter((f) => f.area === area).map((f) => `| ${f.name} | ${t(`evidence.area.${area}`)} | ${t(f.describes)} |`)),
    '',
    `> ${t('evidence.area_note')}`,
    '',
    `## ${t('evidence.section.notes')}`,
    '',
    `- ${t('evidence.note.training', { required: ANNUAL_MINUTES })}`,
    `- ${t('evidence.note.quiz')}`,
    ...pack.notes.map((n) => `- ${n}`),
    '',
    `## ${t('evidence.section.verify')}`,
    '',
    `- ${t('evidence.verify.manifest', { manifest: MANIFEST })}`,
    `- ${t('evidence.verify.generated', { generated: GENERATED, manifest: MANIFEST })}`,
    '',
    `> ${t('report.privacy')}`,
    '',
  ];
  return lines.join('\n');
}

export interface EvidencePack {
  /** Every file, the manifest and the generation stamp included, in the order written. */
  files: { name: string; data: Uint8Array }[];
  manifestSha256: string;
  asOf: string;
}

/** Builds the pack in memory; `generatedAt` is written to GENERATED.txt and nowhere else. */
export async function buildEvidencePack(source: StatsSource, year: number, generatedAt: string): Promise<EvidencePack> {
  if (!Number.isInteger(year) || year < 2000 || year > 2100 || `${year}-01-01` > source.today) throw new UserError('report.error.year', { value: String(year) });
  const asOf = `${year}-12-31` < source.today ? `${year}-12-31` : source.today;
  const base = exportBase(source);
  const pack: PackContext = { source, year, asOf, ctx: { ...base, period: { from: `${year}-01-01`, to: asOf, key: String(year) } }, fixedDate: new Date(`${asOf}T00:00:00Z`), notes: [] };
  const specs = evidenceFiles(year);
  const files: { name: string; data: Uint8Array }[] = [];
  for (const spec of specs) files.push({ name: spec.name, data: await spec.build(pack) });
  files.push({ name: SUMMARY, data: new TextEncoder().encode(summaryPage(pack, specs)) });
  const manifest = new TextEncoder().encode(manifestOf(files));
  files.push({ name: MANIFEST, data: manifest });
  files.push({ name: GENERATED, data: new TextEncoder().encode(`${source.t('evidence.generated_at')}: ${generatedAt}\n`) });
  return { files, manifestSha256: sha256(manifest), asOf };
}
