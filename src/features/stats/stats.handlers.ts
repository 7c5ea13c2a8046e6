/**
 * /integrity stats [period] [department] — a summary card and a PNG chart (weekly participation trend,
 * participation by department). Managers see their own department subtree only, hr/admin any scope;
 * employees see only themselves (/integrity me). Quiz answers are never reported per person, and no
 * rate about fewer than PROBITY_MIN_GROUP_SIZE members is shown.
 * /integrity export <participation|topics|pledges|announcements> [period] [csv|xlsx] and
 * /integrity report annual <year> — files for hr/admin.
 */
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, type Reply } from '../../engine/reply.js';
import { EVERYONE, type CommandRoute } from '../../engine/routes.js';
import { hasAnyRole, OPERATORS, roleNames, type Role } from '../../engine/roles.js';
import { context, fields, text, type Block } from '../../ui/card.js';
import { isWithin } from '../people/audience.js';
import { departmentById, recordAudit, UNASSIGNED_DEPARTMENT } from '../people/people.repository.js';
import { pulseSummaryLines } from '../pulse/pulse.report.js';
import { planReportReply } from '../plan/plan.commands.js';
import { effectReply } from '../holdout/holdout.report.js';
import { annualReport } from './annual.js';
import { trainingStatsReply } from '../training/training.handlers.js';
import { renderParticipationChart } from './chart.js';
import { buildExport, EXPORT_FORMATS, EXPORT_KINDS, exportBase, figureText, isExportKind, shownPath, statsOptions, type ExportFormat } from './exports.js';
import { computeStats, parsePeriod, resolveDepartment, type Period, type RateFigure, type StatsOptions, type StatsReport } from './metrics.js';

const TOP_DEPARTMENTS = 10;
const TOP_TOPICS = 3;


const percent = (ctx: RequestContext, figure: RateFigure) => figureText(figure, ctx.t('stats.hidden'));

/** The period is the first argument when it reads as one; the rest names a department. */
function periodAndDepartment(ctx: RequestContext, args: string[]): { period: Period; department: string | undefined } {
  if (args.length === 0) return { period: parsePeriod(undefined, ctx.today), department: undefined };
  try {
    return { period: parsePeriod(args[0], ctx.today), department: args.slice(1).join(' ') || undefined };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // Not a period: everything names a department, unless it looks like a mistyped period.
    if (/^\d/.test(args[0]!) && args.length === 1) throw error;
    return { period: parsePeriod(undefined, ctx.today), department: args.join(' ') };
  }
}

/** Which scope the asker may see: hr/admin any; a manager their own subtree (by default their department). */
async function scopeFor(ctx: RequestContext, named: string | undefined): Promise<number | null> {
  const operator = hasAnyRole(ctx.roles, OPERATORS);
  const own = await departmentById(ctx.db, ctx.member.department_id);
  if (!named) {
    if (operator) return null;
    if (!own || own.path === UNASSIGNED_DEPARTMENT) throw new UserError('stats.error.no_department');
    return own.id;
  }
  const department = await resolveDepartment(ctx.db, named);
  if (!operator && (!own || !isWithin(department.path, own.path))) throw new UserError('stats.error.out_of_scope', { department: own?.path ?? '?' });
  return department.id;
}

export function summaryBlocks(ctx: RequestContext, report: StatsReport): Block[] {
  const { t } = ctx;
  const blocks: Block[] = [
    fields([
      { label: t('stats.headcount'), value: t('stats.headcount_value', { headcount: report.headcount, joiners: report.joiners, leavers: report.leavers }) },
      { label: t('stats.participation'), value: percent(ctx, report.participation) },
      { label: t('stats.depth'), value: percent(ctx, report.depth) },
      { label: t('stats.quiz_days'), value: t('stats.quiz_days_value', { held: report.quizDaysHeld, working: report.workingDays }) },
      {
        label: t('stats.deliveries'),
        value: report.deliveries.sent.suppressed ? t('stats.hidden') : t('stats.deliveries_value', { sent: report.deliveries.sent.value ?? 0, failed: report.deliveries.failed.value ?? 0 }),
      },
    ]),
  ];
  if (report.pledges.length > 0) {
    blocks.push(text(`**${t('stats.pledges')}**\n${report.pledges.map((p) => `- ${p.key} v${p.version}: ${percent(ctx, p.completion)}`).join('\n')}`));
  }
  // Only letters addressed to someone in the scope (a manager does not learn of other departments'
  // letters) that ask for acknowledgement: the card shows acknowledgement rates.
  const letters = report.announcements.filter((a) => a.recipients > 0 && a.ackRequired);
  if (letters.length > 0) {
    blocks.push(text(`**${t('stats.messages')}**\n${letters.slice(0, 5).map((a) => `- #${a.announcementId} ${a.title}: ${percent(ctx, a.acknowledgement)}`).join('\n')}`));
  }
  const weakest = report.topics.filter((tp) => !tp.accuracy.suppressed && tp.accuracy.value !== null).slice(0, TOP_TOPICS);
  if (weakest.length > 0) {
    blocks.push(text(`**${t('stats.weakest')}**\n${weakest.map((tp) => `- ${ctx.content.topics[tp.topic]?.[ctx.locale] ?? tp.topic}: ${percent(ctx, tp.accuracy)}`).join('\n')}`));
  }
  if (report.departments.length > 0) {
    // A department whose rate is hidden has no rank: a plain bullet, not a number.
    const ranked = report.departments.slice(0, TOP_DEPARTMENTS).map((d) => `${d.rank === null ? '-' : `${d.rank}.`} ${shownPath(ctx.t, d.path)} (${d.headcount}): ${percent(ctx, d.participation)}`);
    blocks.push(text(`**${t('stats.departments')}**\n${ranked.join('\n')}`));
  }
  blocks.push(context(t('stats.footer', { min: report.minGroupSize })));
  return blocks;
}

async function chartFor(ctx: RequestContext, report: StatsReport): Promise<Uint8Array> {
  const value = (f: RateFigure) => (f.suppressed || f.value === null ? null : Math.round(f.value * 1000) / 10);
  return renderParticipationChart({
    title: ctx.t('stats.chart.title', { scope: report.scope.path ? shownPath(ctx.t, report.scope.path) : ctx.t('stats.organisation'), period: report.period.key }),
    trendTitle: ctx.t('stats.chart.trend'),
    // A week of the period without a working day (a period starting on a Sunday) has nothing to show.
    trend: report.weekly.filter((w) => w.workingDays > 0).map((w) => ({ label: w.from.slice(5), value: value(w.participation) })),
    departmentsTitle: ctx.t('stats.chart.departments'),
    departments: report.departments.map((d) => ({ label: shownPath(ctx.t, d.path), value: value(d.participation) })),
    suppressedLabel: ctx.t('stats.hidden'),
    note: ctx.t('stats.chart.note', { min: report.minGroupSize }),
  });
}

/** Who reads department statistics: managers their subtree, officers everything. */
const STATS_READERS: readonly Role[] = ['manager', ...OPERATORS];

const stats: CommandRoute = {
  name: 'stats',
  roles: EVERYONE,
  helpKey: 'help.stats',
  helpRoles: STATS_READERS,
  async handle(ctx, args): Promise<Reply> {
    // Employees see only themselves.
    if (!hasAnyRole(ctx.roles, STATS_READERS)) throw new UserError('stats.error.employee', roleNames(ctx.t));
    if (args[0]?.toLowerCase() === 'training') {
      const asked = periodAndDepartment(ctx, args.slice(1));
      return trainingStatsReply(ctx, asked.period, await scopeFor(ctx, asked.department));
    }
    const { period, department } = periodAndDepartment(ctx, args);
    const departmentId = await scopeFor(ctx, department);
    const report = await computeStats(ctx.db, { period, departmentId }, statsOptions(ctx));
    await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'stats.view', details: { period: period.key, departmentId, audienceSize: report.headcount }, nowIso: ctx.nowIso });
    const title = ctx.t('stats.title', { scope: report.scope.path ? shownPath(ctx.t, report.scope.path) : ctx.t('stats.organisation'), period: `${period.from} ~ ${period.to}` });
    const blocks = summaryBlocks(ctx, report);
    // Pulse figures are the organisation's: shown on the organisation's card only.
    const pulses = departmentId === null ? await pulseSummaryLines(ctx.db, ctx.t, ctx.locale, period, { minGroupSize: ctx.config.minGroupSize, timeZone: ctx.config.timezone }) : [];
    if (pulses.length > 0) blocks.splice(blocks.length - 1, 0, text(`**${ctx.t('pulse.stats.title')}**
${pulses.map((l) => `- ${l}`).join('\n')}`));
    return ephemeral({
      text: title,
      card: { title, blocks },
      files: [{ name: `probity-stats-${period.key.replace(/[^0-9A-Za-z.-]+/g, '_')}.png`, data: await chartFor(ctx, report), contentType: 'image/png', title }],
    });
  },
};


const exportCommand: CommandRoute = {
  name: 'export',
  roles: OPERATORS,
  helpKey: 'help.export',
  async handle(ctx, args) {
    const [kind, ...rest] = args;
    if (!isExportKind(kind?.toLowerCase())) throw new UserError('export.error.usage', { kinds: EXPORT_KINDS.join('|') });
    const format: ExportFormat = rest.some((a) => a.toLowerCase() === 'xlsx') ? 'xlsx' : 'csv';
    const periodArg = rest.find((a) => !(EXPORT_FORMATS as readonly string[]).includes(a.toLowerCase()));
    const period = parsePeriod(periodArg, ctx.today);
    const file = await buildExport(kind!.toLowerCase() as (typeof EXPORT_KINDS)[number], format, { ...exportBase(ctx), period });
    await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'export', details: { kind, format, period: period.key, file: file.name }, nowIso: ctx.nowIso });
    // The file is named where it lands (attached in chat, "saved: <path>" in the console, which may
    // number it to avoid overwriting): the text names what was exported, never a file name.
    return ephemeral({ text: ctx.t('export.done', { what: ctx.t(`export.sheet.${kind!.toLowerCase() as (typeof EXPORT_KINDS)[number]}`), from: period.from, to: period.to }), files: [file] });
  },
};

const report: CommandRoute = {
  name: 'report',
  roles: OPERATORS,
  helpKey: 'help.report',
  subcommandHelp: [{ key: 'help.report_effect', roles: OPERATORS }],
  async handle(ctx, args) {
    if (args[0]?.toLowerCase() === 'plan') return planReportReply(ctx, args.slice(1));
    if (args[0]?.toLowerCase() === 'effect') return effectReply(ctx, args[1]);
    if (args[0]?.toLowerCase() !== 'annual' || !args[1] || !/^\d{4}$/.test(args[1])) throw new UserError('report.error.usage');
    const year = Number(args[1]);
    const built = await annualReport(year, exportBase(ctx));
    await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'report.annual', details: { year }, nowIso: ctx.nowIso });
    return ephemeral({ text: built.summary, files: [built.xlsx, built.markdown] });
  },
};

export const statsRoutes = { commands: [stats, exportCommand, report], actions: [] };
