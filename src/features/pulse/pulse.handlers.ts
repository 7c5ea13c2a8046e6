/**
 * /integrity pulse — for everyone: answer the open pulse, anonymously, in a form. For hr/admin: open
 * a run through the outbox, close it, and read its results once it is closed.
 */
import type { PulseRun } from '../../db/schema.js';
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, type Reply } from '../../engine/reply.js';
import { EVERYONE, type ActionRoute, type CommandRoute, type FormRoute } from '../../engine/routes.js';
import { OPERATORS, requireAnyRole } from '../../engine/roles.js';
import { planOneOff } from '../../delivery/oneOff.js';
import { memberRecipient } from '../../delivery/outbox.repository.js';
import { isDay } from '../../time.js';
import { context, text } from '../../ui/card.js';
import { isAllWord, parseDepartmentAudience, type DepartmentAudience } from '../people/audience.js';
import { recordAudit } from '../people/people.repository.js';
import { CONTINUE_ACTION, FORM_NAME, pulseCard, pulseForm, RESPOND_ACTION } from './pulse.cards.js';
import { quietWindowOf } from '../../scheduler/quiet.js';
import { decodeAnswers, pageCount, pageItems, parseAnswer } from './pulse.js';
import { activePulses, allRuns, closeRun, findActivePulse, hasResponded, insertRun, openRuns, pulseById, recordResponse, runById, type Pulse } from './pulse.repository.js';
import { resultsCard } from './pulse.report.js';
import { audienceMembers, runMembers, runResults } from './pulse.results.js';

const CLOSES_WORDS = new Set(['closes', 'close', '마감', '기한']);
/** Runs listed by `pulse list`, newest first. */
const LIST_RUNS = 20;

async function requirePulse(ctx: RequestContext, name: string | undefined): Promise<Pulse> {
  if (!name) throw new UserError('pulse.error.usage');
  const pulse = await findActivePulse(ctx.db, name);
  if (!pulse) throw new UserError('pulse.error.unknown', { name, known: (await activePulses(ctx.db)).map((p) => p.slug).join(', ') || '–' });
  return pulse;
}

/** A run id typed or carried by a button: digits only, so a forged one is stale, not a database error. */
async function runOf(ctx: RequestContext, idRaw: string | undefined): Promise<PulseRun | undefined> {
  return idRaw !== undefined && /^\d{1,9}$/.test(idRaw) ? runById(ctx.db, Number(idRaw)) : undefined;
}

/** A run past its closing day is closed on first sight: its answers are coarsened before anyone reads them. */
async function settle(ctx: RequestContext, run: PulseRun): Promise<PulseRun> {
  if (run.closed_at || run.closes_on === null || run.closes_on >= ctx.today) return run;
  await closeRun(ctx.db, run.id, ctx.config.minGroupSize, ctx.nowIso);
  return (await runById(ctx.db, run.id))!;
}

/** The run this member may answer now, or the reason they may not (localised, nothing changed). */
async function answerable(ctx: RequestContext, idRaw: string | undefined): Promise<{ run: PulseRun; pulse: Pulse }> {
  const found = await runOf(ctx, idRaw);
  if (!found) throw new UserError('error.stale_action');
  const run = await settle(ctx, found);
  if (run.closed_at) throw new UserError('pulse.error.closed', { id: run.id });
  if (!(await runMembers(ctx.db, run)).some((m) => m.id === ctx.member.id)) throw new UserError('pulse.error.not_for_you');
  if (await hasResponded(ctx.db, run.id, ctx.member.id)) throw new UserError('pulse.already_responded');
  return { run, pulse: (await pulseById(ctx.db, run.pulse_id))! };
}

/** Open runs this member is asked to answer and has not yet answered, newest first. */
async function pendingFor(ctx: RequestContext): Promise<PulseRun[]> {
  const pending: PulseRun[] = [];
  for (const found of await openRuns(ctx.db)) {
    const run = await settle(ctx, found);
    if (run.closed_at || (await hasResponded(ctx.db, run.id, ctx.member.id))) continue;
    if ((await runMembers(ctx.db, run)).some((m) => m.id === ctx.member.id)) pending.push(run);
  }
  return pending;
}

async function mine(ctx: RequestContext): Promise<Reply> {
  const run = (await pendingFor(ctx))[0];
  if (!run) return ephemeral({ text: ctx.t('pulse.none') });
  const pulse = (await pulseById(ctx.db, run.pulse_id))!;
  return ephemeral(pulseCard(pulse, run, ctx.locale, ctx.t, { minGroupSize: ctx.config.minGroupSize }));
}

/** The form at once: the way in from a command, which opens a modal on every platform. */
async function respond(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  const id = idRaw ?? String((await pendingFor(ctx))[0]?.id ?? '');
  if (id === '') return ephemeral({ text: ctx.t('pulse.none') });
  const { run, pulse } = await answerable(ctx, id);
  return pulseForm(pulse, run, ctx.locale, ctx.t, 0, [], ctx.config.minGroupSize);
}

/** "open <pulse> [audience] [closes YYYY-MM-DD]": audience and closing day in either order. */
async function open(ctx: RequestContext, args: string[]): Promise<Reply> {
  requireAnyRole(ctx.roles, OPERATORS);
  const pulse = await requirePulse(ctx, args[0]);
  const quiet = quietWindowOf(ctx.today, ctx.config.surveyQuiet);
  if (quiet) throw new UserError('pulse.error.quiet', { from: quiet.from, to: quiet.to });
  let audience: DepartmentAudience = { all: true };
  let closesOn: string | null = null;
  for (const arg of args.slice(1)) {
    if (CLOSES_WORDS.has(arg.toLowerCase())) continue;
    if (/^\d{4}-\d{2}-\d{2}$/.test(arg)) {
      if (!isDay(arg)) throw new UserError('pulse.error.closes_invalid', { value: arg });
      if (arg < ctx.today) throw new UserError('pulse.error.closes_past', { value: arg, today: ctx.today });
      const window = quietWindowOf(arg, ctx.config.surveyQuiet);
      if (window) throw new UserError('pulse.error.closes_quiet', { value: arg, from: window.from, to: window.to });
      closesOn = arg;
    } else if (isAllWord(arg)) audience = { all: true };
    else audience = await parseDepartmentAudience(ctx.db, arg);
  }
  const members = await audienceMembers(ctx.db, audience);
  if (members.length === 0) throw new UserError('pulse.error.empty_audience');
  const same = (await openRuns(ctx.db)).find((r) => r.pulse_id === pulse.id);
  if (same) throw new UserError('pulse.error.already_open', { id: same.id });

  const { runId, planned } = await ctx.db.transaction().execute(async (trx) => {
    const runId = await insertRun(trx, { pulse, audience, closesOn, openedBy: ctx.member.id, day: ctx.today, nowIso: ctx.nowIso });
    // Two opens at once: the unique (pulse, day, audience) lets one through.
    if (runId === null) throw new UserError('pulse.error.already_open', { id: (await openRuns(trx)).find((r) => r.pulse_id === pulse.id)?.id ?? '?' });
    const { planned } = await planOneOff(trx, {
      kind: 'pulse',
      key: `run:${runId}`,
      day: ctx.today,
      payload: { runId },
      recipients: members.map((m) => ({ memberId: m.id, recipient: memberRecipient(m.id) })),
      timezone: ctx.config.timezone,
      nowIso: ctx.nowIso,
    });
    await trx.updateTable('pulse_runs').set({ recipients: planned }).where('id', '=', runId).execute();
    await recordAudit(trx, {
      actorMemberId: ctx.member.id,
      actorLabel: ctx.member.name,
      action: 'pulse.open',
      details: { runId, pulse: pulse.key, version: pulse.version, audience, closesOn, sent: planned },
      nowIso: ctx.nowIso,
    });
    return { runId, planned };
  });
  ctx.log.info({ runId, pulse: pulse.key, planned }, 'pulse opened');
  return ephemeral({ text: ctx.t('pulse.opened', { id: runId, title: pulse.body.title[ctx.locale], sent: planned, closes: closesOn ?? '–' }) });
}

async function close(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  requireAnyRole(ctx.roles, OPERATORS);
  if (!idRaw) throw new UserError('pulse.error.usage');
  const run = await runOf(ctx, idRaw);
  if (!run) throw new UserError('pulse.error.unknown_run', { id: idRaw });
  if (!(await closeRun(ctx.db, run.id, ctx.config.minGroupSize, ctx.nowIso))) throw new UserError('pulse.error.already_closed', { id: run.id });
  await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'pulse.close', details: { runId: run.id }, nowIso: ctx.nowIso });
  return ephemeral({ text: ctx.t('pulse.closed', { id: run.id }) });
}

async function results(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  requireAnyRole(ctx.roles, OPERATORS);
  const found = idRaw ? await runOf(ctx, idRaw) : (await allRuns(ctx.db)).at(-1);
  if (!found) throw new UserError(idRaw ? 'pulse.error.unknown_run' : 'pulse.error.usage', { id: idRaw ?? '' });
  const run = await settle(ctx, found);
  const figures = await runResults(ctx.db, run, ctx.config.minGroupSize);
  await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'pulse.results', details: { runId: run.id }, nowIso: ctx.nowIso });
  return ephemeral(await resultsCard(ctx, figures));
}

async function list(ctx: RequestContext): Promise<Reply> {
  requireAnyRole(ctx.roles, OPERATORS);
  const runs = (await allRuns(ctx.db)).slice(-LIST_RUNS).reverse();
  if (runs.length === 0) return ephemeral({ text: ctx.t('pulse.list.none') });
  const lines: string[] = [];
  for (const run of runs) {
    const pulse = (await pulseById(ctx.db, run.pulse_id))!;
    const state = run.closed_at ? ctx.t('pulse.list.closed') : ctx.t('pulse.list.open', { closes: run.closes_on ?? '–' });
    lines.push(`- #${run.id} ${pulse.body.title[ctx.locale]} (v${pulse.version}) · ${run.day} · ${state}`);
  }
  return ephemeral({ text: ctx.t('pulse.list.title'), card: { title: ctx.t('pulse.list.title'), blocks: [text(lines.join('\n')), context(ctx.t('pulse.list.footer'))] } });
}

const pulse: CommandRoute = {
  name: 'pulse',
  roles: EVERYONE,
  helpKey: 'help.pulse',
  subcommandHelp: [{ key: 'help.pulse_officers', roles: OPERATORS }],
  async handle(ctx, args) {
    const [sub, ...rest] = args;
    switch (sub?.toLowerCase()) {
      case undefined:
        return mine(ctx);
      case 'respond':
      case 'answer':
      case '응답':
        return respond(ctx, rest[0]);
      case 'open':
        return open(ctx, rest);
      case 'close':
        return close(ctx, rest[0]);
      case 'results':
        return results(ctx, rest[0]);
      case 'list':
        return list(ctx);
      default:
        throw new UserError('pulse.error.usage');
    }
  },
};

const respondAction: ActionRoute = {
  name: RESPOND_ACTION,
  roles: EVERYONE,
  async handle(ctx, args) {
    const { run, pulse } = await answerable(ctx, args[0]);
    return pulseForm(pulse, run, ctx.locale, ctx.t, 0, [], ctx.config.minGroupSize);
  },
};

/** The page a form or button names, with the earlier answers it carries checked again. */
function pageOf(pulse: Pulse, pageRaw: string | undefined, earlierRaw: string | undefined): { page: number; earlier: number[] } {
  const page = pageRaw !== undefined && /^\d$/.test(pageRaw) ? Number(pageRaw) : -1;
  const earlier = decodeAnswers(earlierRaw ?? '', pulse.body.items);
  if (page < 0 || page >= pageCount(pulse.body.items) || !earlier || earlier.length !== pageItems(pulse.body.items, page)[0]!.index) throw new UserError('error.stale_action');
  return { page, earlier };
}

const continueAction: ActionRoute = {
  name: CONTINUE_ACTION,
  roles: EVERYONE,
  async handle(ctx, args) {
    const { run, pulse } = await answerable(ctx, args[0]);
    const { page, earlier } = pageOf(pulse, args[1], args[2]);
    return pulseForm(pulse, run, ctx.locale, ctx.t, page, earlier, ctx.config.minGroupSize);
  },
};

const submit: FormRoute = {
  name: FORM_NAME,
  roles: EVERYONE,
  async handle(ctx, args, fields) {
    const { run, pulse } = await answerable(ctx, args[0]);
    const { page, earlier } = pageOf(pulse, args[1], args[2]);
    const values = [...earlier];
    for (const { index, question } of pageItems(pulse.body.items, page)) {
      const raw = fields[`q${index}`] ?? '';
      const value = parseAnswer(question.kind, raw);
      if (value === undefined) {
        throw new UserError(question.kind === 'scale' ? 'pulse.error.scale' : 'pulse.error.yesno', { number: index + 1, value: raw.trim() }, `q${index}`);
      }
      values.push(value);
    }
    if (page + 1 < pageCount(pulse.body.items)) return pulseForm(pulse, run, ctx.locale, ctx.t, page + 1, values, ctx.config.minGroupSize);
    const outcome = await recordResponse(ctx.db, { run, memberId: ctx.member.id, departmentId: ctx.member.department_id, day: ctx.today, values, minGroupSize: ctx.config.minGroupSize });
    if (outcome === 'closed') throw new UserError('pulse.error.closed', { id: run.id });
    if (outcome === 'duplicate') return ephemeral({ text: ctx.t('pulse.already_responded') });
    // Logged without the answers and without the person: only that a response came.
    ctx.log.info({ runId: run.id }, 'pulse response recorded');
    return ephemeral({ text: ctx.t('pulse.thanks', { min: ctx.config.minGroupSize }) });
  },
};

export const pulseRoutes = { commands: [pulse], actions: [respondAction, continueAction], forms: [submit] };
