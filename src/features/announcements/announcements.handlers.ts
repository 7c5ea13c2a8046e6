/**
 * /integrity announce — leadership messages (청렴 서한). Managers address their own department subtree,
 * hr/admin anyone. Compose in a form (announcements.compose.ts) → preview → send (now or at a
 * working-hours time) → each recipient acknowledges once → the author and hr follow the
 * acknowledgement rate by department and may remind those who have not read it (at most once a day).
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
import { completionByDepartment } from '../people/people.handlers.js';
import { recordAudit } from '../people/people.repository.js';
import { ACK_ACTION, announcementCard } from './announcements.cards.js';
import { announcementOf, AUTHORS, composeForm, discard, fillTemplate, send, shownState, signature, submit, when } from './announcements.compose.js';
import {
  acknowledgedIds,
  acknowledgementOf,
  announcementKey,
  cancelPending,
  deliveryCounts,
  isRecipient,
  lettersFor,
  recentAnnouncements,
  recipientIds,
  recordAcknowledgement,
  transition,
} from './announcements.repository.js';

const STATUS_LINES = 25;
const acknowledge: ActionRoute = {
  name: ACK_ACTION,
  roles: EVERYONE,
  async handle(ctx, args) {
    const announcement = await announcementOf(ctx, args[0]);
    if (!announcement || announcement.ack_required !== 1 || args[1] === 'done') throw new UserError('error.stale_action');
    // A forwarded button is refused: only those the message was sent to acknowledge it.
    if (!(await isRecipient(ctx.db, announcement.id, ctx.member.id))) throw new UserError('announce.error.not_recipient');
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

const percent = (part: number, whole: number) => percentText(whole === 0 ? null : part / whole);

async function status(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  const announcement = await followable(ctx, idRaw);
  // The acknowledgement rate is over those the letter reached, as in the statistics; failures show
  // under delivery.
  const planned = await recipientIds(ctx.db, announcement.id);
  const recipients = await recipientIds(ctx.db, announcement.id, { delivered: true });
  const acked = await acknowledgedIds(ctx.db, announcement.id);
  const deliveries = await deliveryCounts(ctx.db, announcement.id);
  const members: { id: number; department_id: number }[] = [];
  for (let i = 0; i < recipients.length; i += 500) {
    members.push(...(await ctx.db.selectFrom('members').select(['id', 'department_id']).where('id', 'in', recipients.slice(i, i + 500)).execute()));
  }
  let sorted = await completionByDepartment(ctx, members, acked);
  // Acknowledgement is evidence for hr; a manager who wrote the letter sees departments of at least the
  // minimum group size, the others together (and not at all when even together they are too few).
  let others: { total: number; done: number } | undefined;
  if (!hasAnyRole(ctx.roles, OPERATORS)) {
    const min = ctx.config.minGroupSize;
    const bySize = [...sorted].sort((a, b) => a.total - b.total);
    const hidden = new Set(bySize.filter((r) => r.total < min));
    const sum = () => [...hidden].reduce((n, r) => n + r.total, 0);
    for (const r of bySize) if (hidden.size > 0 && (hidden.size < 2 || sum() < min) && !hidden.has(r)) hidden.add(r);
    if (hidden.size > 0) others = { total: sum(), done: [...hidden].reduce((n, r) => n + r.done, 0) };
    sorted = sorted.filter((r) => !hidden.has(r));
    if (others && sorted.length === 0) others = undefined;
  }
  const lines = sorted.slice(0, STATUS_LINES).map((r) => `- ${r.label}: ${r.done}/${r.total} (${percent(r.done, r.total)})`);
  if (others) lines.push(`- ${ctx.t('announce.status.others')}: ${others.done}/${others.total} (${percent(others.done, others.total)})`);
  if (sorted.length > STATUS_LINES) lines.push(ctx.t('pledge.status.more', { count: sorted.length - STATUS_LINES }));
  const ackedCount = recipients.filter((id) => acked.has(id)).length;
  const title = ctx.t('announce.status.title', { id: announcement.id, title: announcement.title });
  const blocks: Block[] = [
    fields([
      { label: ctx.t('announce.status.state'), value: ctx.t(`announce.state.${shownState(ctx, announcement)}`) },
      { label: ctx.t('announce.preview.send'), value: announcement.send_at ? when(ctx, announcement.send_at) : when(ctx, announcement.confirmed_at ?? announcement.created_at) },
      { label: ctx.t('announce.status.delivered'), value: ctx.t('announce.status.delivered_value', { sent: deliveries['sent'] ?? 0, failed: deliveries['failed'] ?? 0, waiting: (deliveries['pending'] ?? 0) + (deliveries['sending'] ?? 0), total: planned.length }) },
      { label: ctx.t('announce.status.acknowledged'), value: announcement.ack_required === 1 ? `${ackedCount}/${recipients.length} (${percent(ackedCount, recipients.length)})` : ctx.t('announce.status.no_ack') },
    ]),
  ];
  if (announcement.ack_required === 1) blocks.push(text(lines.join('\n') || '–'));
  return ephemeral({ text: title, card: { title, blocks } });
}

/** Reminds those who have not acknowledged; once a day at most (the day is the send's key). */
async function remind(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  const announcement = await followable(ctx, idRaw);
  if (announcement.ack_required !== 1) throw new UserError('announce.error.no_ack_to_remind');
  if (announcement.status !== 'sent' && !(announcement.status === 'scheduled' && announcement.send_at && announcement.send_at <= ctx.nowIso)) {
    throw new UserError('announce.error.not_sent_yet', { id: announcement.id });
  }
  const acked = await acknowledgedIds(ctx.db, announcement.id);
  // Those the letter reached; a delivery that failed would fail again.
  const pending = (await recipientIds(ctx.db, announcement.id, { delivered: true })).filter((id) => !acked.has(id));
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
    const acked = a.ack_required === 1 ? (await acknowledgedIds(ctx.db, a.id)).size : undefined;
    lines.push(
      `- #${a.id} ${a.title} · ${ctx.t(`announce.state.${shownState(ctx, a)}`)} · ${a.day ?? ''}${acked !== undefined ? ` · ${ctx.t('announce.list.acked', { acked, total: a.recipients })}` : ''}`,
    );
  }
  return ephemeral({ text: ctx.t('announce.list.title'), card: { title: ctx.t('announce.list.title'), blocks: [text(lines.join('\n')), context(ctx.t('announce.list.footer'))] } });
}

const announce: CommandRoute = {
  name: 'announce',
  roles: AUTHORS,
  helpKey: 'help.announce',
  async handle(ctx, args) {
    const [sub, ...rest] = args;
    switch (sub?.toLowerCase()) {
      case undefined:
        return composeForm(ctx, { audience: await defaultDepartmentAudience(ctx.db, ctx.member, ctx.roles) });
      case 'template': {
        if (!rest[0]) throw new UserError('announce.error.unknown_template', { name: '', known: ctx.content.templates.map((tpl) => tpl.slug).join(', ') });
        const filled = fillTemplate(ctx, rest[0]);
        return composeForm(ctx, { ...filled, audience: await defaultDepartmentAudience(ctx.db, ctx.member, ctx.roles) }, rest[0]);
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
