/**
 * /integrity announce — leadership messages (청렴 서한). Managers address their own department subtree,
 * hr/admin anyone. Compose in a form (announcements.compose.ts) → preview → send (now or at a
 * working-hours time) → each member of its audience (the roster members it was addressed to when
 * sent) acknowledges once → the author and hr follow the acknowledgement rate by department and may
 * remind those who have not read it (at most once a day).
 */
import type { Announcement } from '../../db/schema.js';
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, replace, type Reply } from '../../engine/reply.js';
import { EVERYONE, type ActionRoute, type CommandRoute } from '../../engine/routes.js';
import { hasAnyRole, OPERATORS } from '../../engine/roles.js';
import { planOneOff } from '../../delivery/oneOff.js';
import { memberRecipient } from '../../delivery/outbox.repository.js';
import { context, fields, text, type Block } from '../../ui/card.js';
import { percentText } from '../../ui/text.js';
import { defaultDepartmentAudience } from '../people/audience.js';
import { departmentLabel } from '../people/people.handlers.js';
import { suppressionNote } from '../stats/exports.js';
import { ORGANISATION, rateFigure, suppressTree } from '../stats/privacy.js';
import { recordAudit } from '../people/people.repository.js';
import { isLetterOption, readLetterOptions } from '../holdout/holdout.letters.js';
import { ACK_ACTION, announcementCard } from './announcements.cards.js';
import { announcementOf, AUTHORS, composeForm, discard, fillTemplate, send, shownState, signature, submit, when } from './announcements.compose.js';
import {
  acknowledgedIds,
  audienceIds,
  audienceTallies,
  type AudienceTally,
  acknowledgementOf,
  announcementKey,
  cancelPending,
  deliveryCounts,
  isInAudience,
  lettersFor,
  recentAnnouncements,
  recordAcknowledgement,
  transition,
} from './announcements.repository.js';

const STATUS_LINES = 25;
const acknowledge: ActionRoute = {
  name: ACK_ACTION,
  roles: EVERYONE,
  async handle(ctx, args) {
    const announcement = await announcementOf(ctx, args[0]);
    if (!announcement || announcement.ack_required !== 1 || args[1] === 'done' || shownState(ctx, announcement) !== 'sent') throw new UserError('error.stale_action');
    // A forwarded button is refused: only the letter's audience acknowledges it, whether or not the
    // delivery reached them (someone without a chat account then reads it later in `letters`).
    if (!(await isInAudience(ctx.db, announcement.id, ctx.member.id))) throw new UserError('announce.error.not_recipient');
    const recorded = await recordAcknowledgement(ctx.db, { announcementId: announcement.id, memberId: ctx.member.id, platform: ctx.event.platform, day: ctx.today, nowIso: ctx.nowIso });
    const ack = (await acknowledgementOf(ctx.db, announcement.id, ctx.member.id))!;
    if (!recorded) return ephemeral({ text: ctx.t('announce.already_acknowledged', { time: when(ctx, ack.acknowledged_at) }) });
    const card = announcementCard(announcement, await signature(ctx, announcement.author_member_id), ctx.t, { acknowledgedAt: when(ctx, ack.acknowledged_at) });
    return ctx.event.conversation.kind === 'dm' ? replace(card) : ephemeral(card);
  },
};

/** The author, hr and admin follow a message; other managers and employees do not. */
async function followable(ctx: RequestContext, idRaw: string | undefined): Promise<Announcement> {
  if (!idRaw || !/^\d+$/.test(idRaw)) throw new UserError('announce.error.usage');
  const announcement = await announcementOf(ctx, idRaw);
  if (!announcement || announcement.status === 'draft') throw new UserError('announce.error.unknown', { id: idRaw });
  if (announcement.author_member_id !== ctx.member.id && !hasAnyRole(ctx.roles, OPERATORS)) throw new UserError('error.forbidden');
  return announcement;
}

async function status(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  const announcement = await followable(ctx, idRaw);
  // Acknowledgement is counted over the audience, as in the statistics and exports; failed deliveries
  // show under delivery, beside it.
  const audience = await audienceIds(ctx.db, announcement.id);
  const deliveries = await deliveryCounts(ctx.db, announcement.id);
  const acknowledgement = await acknowledgementByDepartment(ctx, announcement.id);
  const shown = acknowledgement.rows.slice(0, STATUS_LINES).map((r) =>
    r.figure.suppressed
      ? `- ${r.label}: ${ctx.t('announce.status.department_hidden', { total: r.audience, reason: suppressionNote(ctx.t, r.figure) })}`
      : `- ${r.label}: ${r.figure.numerator}/${r.audience} (${percentText(r.figure.value)})`,
  );
  if (acknowledgement.rows.length > STATUS_LINES) shown.push(ctx.t('pledge.status.more', { count: acknowledgement.rows.length - STATUS_LINES }));
  const total = acknowledgement.total;
  const title = ctx.t('announce.status.title', { id: announcement.id, title: announcement.title });
  const blocks: Block[] = [
    fields([
      { label: ctx.t('announce.status.state'), value: ctx.t(`announce.state.${shownState(ctx, announcement)}`) },
      { label: ctx.t('announce.preview.send'), value: announcement.send_at ? when(ctx, announcement.send_at) : when(ctx, announcement.confirmed_at ?? announcement.created_at) },
      { label: ctx.t('announce.status.delivered'), value: ctx.t('announce.status.delivered_value', { sent: deliveries['sent'] ?? 0, failed: deliveries['failed'] ?? 0, waiting: (deliveries['pending'] ?? 0) + (deliveries['sending'] ?? 0), total: audience.length }) },
      {
        label: ctx.t('announce.status.acknowledged'),
        value:
          announcement.ack_required !== 1
            ? ctx.t('announce.status.no_ack')
            : total.suppressed
              ? ctx.t('announce.status.department_hidden', { total: audience.length, reason: suppressionNote(ctx.t, total) })
              : `${total.numerator}/${audience.length} (${percentText(total.value)})`,
      },
    ]),
  ];
  if (announcement.ack_required === 1) blocks.push(text(shown.join('\n') || '–'));
  return ephemeral({ text: title, card: { title, blocks } });
}

/**
 * Acknowledgement of a letter by department (its direct members, on the letter's day) and in total,
 * hidden by the statistics' own rule (stats/privacy.ts): the same cells `stats` and the exports hide,
 * for everyone who may follow the letter.
 */
async function acknowledgementByDepartment(ctx: RequestContext, announcementId: number) {
  const tallies = await audienceTallies(ctx.db, announcementId);
  const departments = await ctx.db.selectFrom('departments').select(['id', 'parent_id', 'path']).execute();
  const byDepartment = new Map(tallies.map((tally) => [tally.departmentId, tally]));
  const nodes = departments.map((d) => ({ id: d.id, parentId: d.parent_id, order: d.path }));
  const hidden = suppressTree(nodes, (id) => byDepartment.get(id)?.audience ?? 0, ctx.config.minGroupSize);
  const sum = (pick: (tally: AudienceTally) => number) => tallies.reduce((n, tally) => n + pick(tally), 0);
  const rows = [];
  for (const tally of tallies) {
    rows.push({
      label: await departmentLabel(ctx, tally.departmentId),
      audience: tally.audience,
      figure: rateFigure(tally.acknowledged, tally.audience, hidden.direct.get(tally.departmentId) ?? null),
    });
  }
  rows.sort((a, b) => a.label.localeCompare(b.label, 'ko'));
  return { rows, total: rateFigure(sum((tally) => tally.acknowledged), sum((tally) => tally.audience), hidden.subtree.get(ORGANISATION) ?? null) };
}

/** Reminds those who have not acknowledged; once a day at most (the day is the send's key). */
async function remind(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  const announcement = await followable(ctx, idRaw);
  if (announcement.ack_required !== 1) throw new UserError('announce.error.no_ack_to_remind');
  if (announcement.status !== 'sent' && !(announcement.status === 'scheduled' && announcement.send_at && announcement.send_at <= ctx.nowIso)) {
    throw new UserError('announce.error.not_sent_yet', { id: announcement.id });
  }
  const acked = await acknowledgedIds(ctx.db, announcement.id);
  // The whole audience that has not acknowledged, those the letter did not reach included: the
  // reminder carries the letter, so it is a new delivery attempt for whoever has an account now.
  const pending = (await audienceIds(ctx.db, announcement.id)).filter((id) => !acked.has(id));
  if (pending.length === 0) return ephemeral({ text: ctx.t('announce.remind.nobody') });
  const key = `${announcementKey(announcement.id)}:${ctx.today}`;
  const already = await ctx.db.selectFrom('job_runs').innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id').select('job_runs.id').where('schedules.kind', '=', 'announcement_reminder').where('job_runs.slot', '=', key).executeTakeFirst();
  if (already) throw new UserError('announce.error.reminded_today');
  const { planned } = await ctx.db.transaction().execute(async (trx) => {
    const result = await planOneOff(trx, {
      kind: 'announcement_reminder',
      key,
      day: ctx.today,
      payload: { announcementId: announcement.id },
      recipients: pending.map((id) => ({ memberId: id, recipient: memberRecipient(id) })),
      timezone: ctx.config.timezone,
      nowIso: ctx.nowIso,
    });
    await recordAudit(trx, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'announce.remind', details: { announcementId: announcement.id, audienceSize: result.planned }, nowIso: ctx.nowIso });
    return result;
  });
  return ephemeral({ text: ctx.t('announce.remind.planned', { count: planned }) });
}

async function cancel(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  const announcement = await followable(ctx, idRaw);
  if (announcement.status !== 'scheduled' || (announcement.send_at && announcement.send_at <= ctx.nowIso)) throw new UserError('announce.error.cannot_cancel', { id: announcement.id });
  const stopped = await ctx.db.transaction().execute(async (trx) => {
    if (!(await transition(trx, announcement.id, 'scheduled', { status: 'cancelled' }))) return null;
    const stopped = await cancelPending(trx, announcement.id);
    await recordAudit(trx, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'announce.cancel', details: { announcementId: announcement.id, audienceSize: stopped }, nowIso: ctx.nowIso });
    return stopped;
  });
  if (stopped === null) throw new UserError('announce.error.cannot_cancel', { id: announcement.id });
  return ephemeral({ text: ctx.t('announce.cancelled', { id: announcement.id, count: stopped }) });
}

async function list(ctx: RequestContext): Promise<Reply> {
  const rows = await recentAnnouncements(ctx.db, hasAnyRole(ctx.roles, OPERATORS) ? null : ctx.member.id, 15);
  if (rows.length === 0) return ephemeral({ text: ctx.t('announce.list.none') });
  const lines = [];
  for (const a of rows) {
    // The same figures as `announce status`: acknowledged of the audience, failed deliveries beside.
    const { total } = a.ack_required === 1 ? await acknowledgementByDepartment(ctx, a.id) : { total: undefined };
    const failed = (await deliveryCounts(ctx.db, a.id))['failed'] ?? 0;
    const acked = total === undefined ? '' : ` · ${total.suppressed ? ctx.t('announce.list.acked_hidden', { total: a.recipients }) : ctx.t('announce.list.acked', { acked: total.numerator ?? 0, total: a.recipients })}`;
    lines.push(`- #${a.id} ${a.title} · ${ctx.t(`announce.state.${shownState(ctx, a)}`)} · ${a.day ?? ''}${acked}${failed > 0 ? ` · ${ctx.t('announce.list.failed', { failed })}` : ''}`);
  }
  return ephemeral({ text: ctx.t('announce.list.title'), card: { title: ctx.t('announce.list.title'), blocks: [text(lines.join('\n')), context(ctx.t('announce.list.footer'))] } });
}

const announce: CommandRoute = {
  name: 'announce',
  roles: AUTHORS,
  helpKey: 'help.announce',
  async handle(ctx, args) {
    const [sub, ...rest] = args;
    // Options (mandatory, a holdout) are checked before the form opens: a refused one saves nothing.
    if (sub !== undefined && isLetterOption(sub)) return composeForm(ctx, { audience: await defaultDepartmentAudience(ctx.db, ctx.member, ctx.roles) }, '', readLetterOptions(ctx, args).encoded);
    switch (sub?.toLowerCase()) {
      case undefined:
        return composeForm(ctx, { audience: await defaultDepartmentAudience(ctx.db, ctx.member, ctx.roles) });
      case 'template': {
        if (!rest[0]) throw new UserError('announce.error.unknown_template', { name: '', known: ctx.content.templates.map((tpl) => tpl.slug).join(', ') });
        const options = readLetterOptions(ctx, rest.slice(1)).encoded;
        const filled = fillTemplate(ctx, rest[0]);
        return composeForm(ctx, { ...filled, audience: await defaultDepartmentAudience(ctx.db, ctx.member, ctx.roles) }, rest[0], options);
      }
      case 'status':
        return status(ctx, rest[0]);
      case 'remind':
        return remind(ctx, rest[0]);
      case 'cancel':
        return cancel(ctx, rest[0]);
      case 'list':
        return list(ctx);
      default:
        throw new UserError('announce.error.usage');
    }
  },
};

/** Letters sent to me: the latest one still to acknowledge in full, and the state of the others. */
const letters: CommandRoute = {
  name: 'letters',
  roles: EVERYONE,
  helpKey: 'help.letters',
  async handle(ctx) {
    const mine = await lettersFor(ctx.db, ctx.member.id, 10);
    if (mine.length === 0) return ephemeral({ text: ctx.t('letters.none') });
    const lines = mine.map(({ announcement: a, acknowledgement }) =>
      `- #${a.id} ${a.day ?? ''} ${a.title}${a.ack_required === 1 ? ` · ${acknowledgement ? ctx.t('letters.acknowledged') : ctx.t('letters.to_acknowledge')}` : ''}`,
    );
    const open = mine.find((l) => l.announcement.ack_required === 1 && !l.acknowledgement) ?? mine[0]!;
    const card = announcementCard(open.announcement, await signature(ctx, open.announcement.author_member_id), ctx.t, open.acknowledgement ? { acknowledgedAt: when(ctx, open.acknowledgement.acknowledged_at) } : {});
    card.card!.blocks.push(text(`**${ctx.t('letters.title')}**\n${lines.join('\n')}`));
    return ephemeral(card);
  },
};

export const announcementRoutes = { commands: [announce, letters], actions: [send, discard, acknowledge], forms: [submit] };
