/**
 * The plan from the command line (`plan check <file>`, `plan load <file>`, `report plan [<date>]`)
 * and the planning group's report in chat (`/integrity report plan`).
 * A plan with any problem is refused whole, each problem naming the file, the item and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, type Reply } from '../../engine/reply.js';
import { t as translate, type MessageKey } from '../../i18n/index.js';
import type { Locale } from '../../i18n/locales.js';
import { recordAudit } from '../people/people.repository.js';
import { statsOptions, type StatsSource } from '../stats/exports.js';
import type { Attachment } from '../../ui/card.js';
import type { PlanFile, PlanProblem } from './plan.js';
import { tasksOf } from './plan.js';
import { activePlan, checkPlan, loadPlan, unaskedTasks, type LoadOutcome } from './plan.repository.js';
import { planReport } from './plan.report.js';

export interface PlanIo {
  out(line: string): void;
  err(line: string): void;
}

export function formatPlanProblems(locale: Locale, file: string, problems: readonly PlanProblem[]): string {
  return [translate(locale, 'plan.check.header', { file, count: problems.length })]
    .concat(problems.map((p) => `  ${file}: ${p.item} · ${p.field}: ${translate(locale, p.code as MessageKey, p.params)}`))
    .join('\n');
}

/** A plan that cannot be loaded: every problem, each naming the file, the item and the field. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** The file's text, or the problem with it: missing, not a readable file, not UTF-8 (a file saved as EUC-KR, say). */
function readText(file: string): { text?: string; problem?: PlanProblem } {
  if (!existsSync(file)) return { problem: { item: 'plan', field: '-', code: 'plan.check.file_missing' } };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { problem: { item: 'plan', field: '-', code: 'plan.check.file_unreadable' } };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { problem: { item: 'plan', field: '-', code: 'plan.check.encoding' } };
  }
}

async function readChecked(db: Kysely<Database>, locale: Locale, file: string) {
  const { text, problem } = readText(file);
  if (text === undefined) return { problems: [problem!], message: formatPlanProblems(locale, file, [problem!]) };
  const checked = await checkPlan(db, text);
  return { ...checked, message: checked.problems.length > 0 ? formatPlanProblems(locale, file, checked.problems) : '' };
}

export async function loadPlanFile(db: Kysely<Database>, locale: Locale, file: string, nowIso: string): Promise<LoadOutcome> {
  const checked = await readChecked(db, locale, file);
  if (!checked.plan) throw new PlanError(checked.message);
  const outcome = await loadPlan(db, checked.plan, nowIso);
  await recordAudit(db, { actorMemberId: null, actorLabel: 'cli', action: 'plan.load', details: { plan: outcome.plan.slug, version: outcome.plan.version, status: outcome.status, file }, nowIso });
  return outcome;
}

/** plan check <file> | plan load <file>: exit 1 with every problem, nothing loaded. */
export async function planCli(config: Config, db: Kysely<Database>, sub: string | undefined, file: string | undefined, io: PlanIo, nowIso: string): Promise<number> {
  const locale = config.locale;
  if ((sub !== 'check' && sub !== 'load') || !file) {
    io.err(translate(locale, 'plan.cli.usage'));
    return 1;
  }
  const checked = await readChecked(db, locale, file);
  if (!checked.plan) {
    io.err(checked.message);
    return 1;
  }
  const tasks = tasksOf(checked.plan).length;
  // Not an error (the roster may get its managers later), but no check-in would be asked for these.
  const warnUnasked = async (plan: PlanFile) => {
    for (const node of await unaskedTasks(db, plan)) io.err(translate(locale, 'plan.cli.unasked', { file, task: node.id, department: node.owner ?? '' }));
  };
  if (sub === 'check') {
    io.out(translate(locale, 'plan.cli.checked', { file, id: checked.plan.slug, year: checked.plan.year, items: checked.plan.nodes.length, tasks }));
    await warnUnasked(checked.plan);
    return 0;
  }
  const outcome = await loadPlanFile(db, locale, file, nowIso);
  io.out(translate(locale, `plan.cli.${outcome.status}`, { file, id: outcome.plan.slug, version: outcome.plan.version, tasks }));
  await warnUnasked(checked.plan);
  return 0;
}

/** The report's files for a source (chat or the command line); audit-logged. */
export async function buildPlanReport(source: StatsSource, day: string | undefined, actor: { id: number | null; label: string }): Promise<{ files: Attachment[]; summary: string }> {
  const plan = await activePlan(source.db);
  if (!plan) throw new UserError('plan.error.none');
  const built = await planReport(source.db, plan, day, source.t, source.locale, { ...statsOptions(source), trainingNewHireDays: source.config.training.newHireDays });
  await recordAudit(source.db, { actorMemberId: actor.id, actorLabel: actor.label, action: 'report.plan', details: { plan: plan.slug, version: plan.version, day: day ?? source.today }, nowIso: source.nowIso });
  return { files: [built.xlsx, built.markdown, built.html], summary: built.summary };
}

/** /integrity report plan [YYYY-MM-DD] (the report route's roles: hr/admin). */
export async function planReportReply(ctx: RequestContext, args: string[]): Promise<Reply> {
  const built = await buildPlanReport(ctx, args[0], { id: ctx.member.id, label: ctx.member.name });
  return ephemeral({ text: built.summary, files: built.files });
}

