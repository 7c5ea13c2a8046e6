/**
 * /integrity training — everyone: where I stand on this year's anti-corruption training duty (my
 * minutes against the two hours, and the face-to-face session a new hire or promoted member owes).
 * Sessions are recorded on the command line (`training add`, `training import`), where the
 * 청렴연수원 records and attendance sheets are, and every write is audited; chat only reads.
 * /integrity stats training [period] [department] — completion figures (see trainingStatsReply).
 */
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, type Reply } from '../../engine/reply.js';
import { EVERYONE, type CommandRoute } from '../../engine/routes.js';
import { hasAnyRole, OPERATORS } from '../../engine/roles.js';
import { context, fields, text, type Block } from '../../ui/card.js';
import type { Translator } from '../../i18n/index.js';
import { recordAudit } from '../people/people.repository.js';
import { figureText, shownPath } from '../stats/exports.js';
import type { Period } from '../stats/metrics.js';
import { ANNUAL_MINUTES, trainingStatus, type FaceToFace } from './training.js';
import { firstLoadDay, trainingPeople } from './training.repository.js';
import { trainingFigures, type TrainingFigures } from './training.stats.js';

/** Sessions listed on a member's own card, newest first. */
const CARD_SESSIONS = 10;

export function faceToFaceText(t: Translator, f: FaceToFace): string {
  if (!f.required) return t('training.f2f.not_required');
  return f.met ? t('training.f2f.met') : t('training.f2f.due', { due: f.due });
}

async function mine(ctx: RequestContext): Promise<Reply> {
  const year = Number(ctx.today.slice(0, 4));
  const me = (await trainingPeople(ctx.db, year, ctx.today)).find((p) => p.id === ctx.member.id);
  if (!me) throw new UserError('training.error.not_on_roster');
  const status = trainingStatus(me, year, ctx.today, { newHireDays: ctx.config.training.newHireDays, firstLoadDay: await firstLoadDay(ctx.db) });
  const { t } = ctx;
  const title = t('training.me.title', { year });
  const rows = [
    { label: t('training.me.minutes'), value: t('training.me.minutes_value', { minutes: status.minutes, required: ANNUAL_MINUTES }) },
    { label: t('training.me.state'), value: status.complete ? t('training.me.complete') : status.minutesMet ? t('training.me.f2f_left') : t('training.me.short', { missing: ANNUAL_MINUTES - status.minutes }) },
  ];
  if (status.newHire.required) rows.push({ label: t('training.me.new_hire'), value: faceToFaceText(t, status.newHire) });
  if (status.promoted.required) rows.push({ label: t('training.me.promoted'), value: faceToFaceText(t, status.promoted) });
  const blocks: Block[] = [fields(rows)];
  const sessions = await ctx.db
    .selectFrom('training_attendance')
    .innerJoin('training_sessions', 'training_sessions.id', 'training_attendance.session_id')
    .select(['training_sessions.day', 'training_sessions.title', 'training_sessions.kind', 'training_sessions.minutes'])
    .where('training_attendance.member_id', '=', ctx.member.id)
    .where('training_sessions.day', '>=', `${year}-01-01`)
    .where('training_sessions.day', '<=', ctx.today)
    .orderBy('training_sessions.day', 'desc')
    .limit(CARD_SESSIONS)
    .execute();
  blocks.push(text(sessions.length === 0 ? t('training.me.no_sessions') : sessions.map((s) => `- ${s.day} ${s.title} · ${t(`training.kind.${s.kind}` as 'training.kind.online')} · ${t('training.minutes', { minutes: s.minutes })}`).join('\n')));
  blocks.push(context(t('training.me.footer')));
  return ephemeral({ text: title, card: { title, blocks } });
}

const training: CommandRoute = {
  name: 'training',
  roles: EVERYONE,
  helpKey: 'help.training',
  subcommandHelp: [{ key: 'help.training_officers', roles: OPERATORS }],
  async handle(ctx, args) {
    const sub = args[0]?.toLowerCase();
    if (sub === undefined || sub === 'me' || sub === '내') return mine(ctx);
    if ((sub === 'add' || sub === 'import') && hasAnyRole(ctx.roles, OPERATORS)) throw new UserError('training.error.chat_add');
    throw new UserError('training.error.usage');
  },
};

export function trainingFigureBlocks(t: Translator, f: TrainingFigures): Block[] {
  const hidden = t('stats.hidden');
  const share = (r: TrainingFigures['complete']) => (r.suppressed ? hidden : `${figureText(r, hidden)} (${r.numerator}/${r.denominator})`);
  const rows = [
    { label: t('stats.headcount'), value: String(f.headcount) },
    { label: t('training.stats.complete'), value: share(f.complete) },
    { label: t('training.stats.minutes_met', { required: ANNUAL_MINUTES }), value: share(f.minutesMet) },
    { label: t('training.stats.new_hires', { count: f.newHires.count }), value: f.newHires.count === 0 ? '–' : share(f.newHires.met) },
    { label: t('training.stats.promoted', { count: f.promoted.count }), value: f.promoted.count === 0 ? '–' : share(f.promoted.met) },
    { label: t('training.stats.face_to_face'), value: f.faceToFace.suppressed ? hidden : figureText(f.faceToFace, hidden) },
  ];
  if (f.scope.departmentId === null) rows.push({ label: t('training.stats.head'), value: f.head === null ? t('training.stats.head_unknown') : f.head.attended ? t('training.stats.head_attended', { minutes: f.head.minutes }) : t('training.stats.head_absent') });
  const blocks: Block[] = [fields(rows)];
  if (f.departments.length > 0) blocks.push(text(`**${t('training.stats.departments')}**\n${f.departments.map((d) => `- ${shownPath(t, d.path)} (${d.headcount}): ${figureText(d.complete, hidden)}`).join('\n')}`));
  blocks.push(context(t('training.stats.footer', { min: f.minGroupSize, asOf: f.asOf })));
  return blocks;
}

/** The figures for a period (its calendar year, up to its last day) in a scope the caller may see. */
export async function trainingStatsReply(ctx: RequestContext, period: Period, departmentId: number | null): Promise<Reply> {
  const year = Number(period.to.slice(0, 4));
  const figures = await trainingFigures(ctx.db, { year, asOf: period.to, departmentId, minGroupSize: ctx.config.minGroupSize, newHireDays: ctx.config.training.newHireDays });
  await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'stats.training', details: { year, asOf: period.to, departmentId, audienceSize: figures.headcount }, nowIso: ctx.nowIso });
  const scope = figures.scope.path ? shownPath(ctx.t, figures.scope.path) : ctx.t('stats.organisation');
  const title = ctx.t('training.stats.title', { scope, year });
  return ephemeral({ text: title, card: { title, blocks: trainingFigureBlocks(ctx.t, figures) } });
}

export const trainingRoutes = { commands: [training], actions: [] };
