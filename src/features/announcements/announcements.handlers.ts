/**
 * /integrity announce — leadership messages (청렴 서한). Managers address their own department subtree,
 * hr/admin anyone. Compose in a form → preview → send (now or at a working-hours time) → each
 * recipient acknowledges once → the author and hr follow the acknowledgement rate by department and
 * may remind those who have not read it (at most once a day).
 */
import type { Announcement } from '../../db/schema.js';
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, form, replace, type Reply } from '../../engine/reply.js';
import { EVERYONE, type ActionRoute, type CommandRoute, type FormRoute } from '../../engine/routes.js';
import { hasAnyRole, OPERATORS, type Role } from '../../engine/roles.js';
import { planOneOff } from '../../delivery/oneOff.js';
import { memberRecipient } from '../../delivery/outbox.repository.js';
import { resolveAudience } from '../../scheduler/schedules.repository.js';
import { nextGiftPeriod } from '../../scheduler/seasons.js';
import { addDays, instantOf, isDay, localClock, localDateTime, localDay, type Day } from '../../time.js';
import { encodeAction } from '../../ui/actionId.js';
import { buttons, context, fields, text, type Block } from '../../ui/card.js';
import type { Form } from '../../ui/form.js';
import { checkAudienceScope, defaultDepartmentAudience, parseDepartmentAudience, type DepartmentAudience } from '../people/audience.js';
import { departmentLabel } from '../people/people.handlers.js';
import { memberById, recordAudit } from '../people/people.repository.js';
import { ACK_ACTION, announcementCard, DISCARD_ACTION, FORM_NAME, SEND_ACTION } from './announcements.cards.js';
import {
  acknowledgedIds,
  acknowledgementOf,
  announcementById,
  announcementKey,
  audienceOf,
  cancelPending,
  deliveryCounts,
  insertDraft,
  isRecipient,
  lettersFor,
  recentAnnouncements,
  recipientIds,
  recordAcknowledgement,
  transition,
} from './announcements.repository.js';

export const AUTHORS: readonly Role[] = ['manager', 'hr', 'admin'];
/** Slack's modal titles hold 24 characters; the card title, Slack's header, 150; kept well under. */
export const TITLE_MAX = 100;
/** Slack's section text holds 3,000 characters; Discord's embed description 4,096. */
export const BODY_MAX = 2_800;
const AUDIENCE_MAX = 500;
/** How far ahead a message may be scheduled. */
const SCHEDULE_AHEAD_DAYS = 60;
const STATUS_LINES = 25;

const YES = new Set(['예', '네', 'y', 'yes', 'o', 'true', '1', '필요']);
const NO = new Set(['아니오', '아니요', 'n', 'no', 'x', 'false', '0', '불필요']);
const NOW = new Set(['', '지금', '즉시', 'now']);

const when = (ctx: RequestContext, iso: string) => localDateTime(new Date(iso), ctx.config.timezone);

function composeForm(ctx: RequestContext, initial: { title?: string; body?: string; audience: string; send?: string }, template = ''): Reply {
  const value: Form = {
    id: encodeAction(FORM_NAME, [template]),
    title: ctx.t('announce.form.title'),
    submitLabel: ctx.t('announce.form.submit'),
    fields: [
      { id: 'title', label: ctx.t('announce.form.field_title'), required: true, maxLength: TITLE_MAX, ...(initial.title ? { initial: initial.title } : {}) },
      { id: 'body', label: ctx.t('announce.form.field_body'), multiline: true, required: true, maxLength: BODY_MAX, ...(initial.body ? { initial: initial.body } : {}) },
      { id: 'audience', label: ctx.t('announce.form.field_audience'), required: true, maxLength: AUDIENCE_MAX, initial: initial.audience, placeholder: ctx.t('announce.form.audience_hint') },
      { id: 'ack', label: ctx.t('announce.form.field_ack'), required: true, maxLength: 10, initial: ctx.t('announce.form.yes'), placeholder: ctx.t('announce.form.ack_hint') },
      { id: 'send', label: ctx.t('announce.form.field_send'), required: false, maxLength: 16, initial: initial.send ?? ctx.t('announce.form.now'), placeholder: ctx.t('announce.form.send_hint') },
    ],
  };
  return form(value, { text: ctx.t('announce.form.unavailable') });
}

/** Fills a template's placeholders: the next 설날/추석 and its gift period, the organisation. */
function fillTemplate(ctx: RequestContext, slug: string) {
  const template = ctx.content.templates.find((tpl) => tpl.slug === slug);
  if (!template) throw new UserError('announce.error.unknown_template', { name: slug, known: ctx.content.templates.map((tpl) => tpl.slug).join(', ') });
  const period = nextGiftPeriod(ctx.today, ctx.calendar);
  if (!period && /\{(holiday|holiday_date|period_from|period_to)\}/.test(template.text[ctx.locale] + template.title[ctx.locale])) {
    throw new UserError('announce.error.no_holiday');
  }
  const values: Record<string, string> = {
    holiday: period ? holidayName(ctx, period.holiday) : '',
    holiday_date: period ? period.date : '',
    period_from: period ? period.from : '',
    period_to: period ? period.to : '',
    organisation: ctx.config.organisationName ?? ctx.t('announce.template.organisation'),
  };
  const fill = (s: string) => s.replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
  // Sent one to two weeks before the holiday: suggest 09:00 (start of working hours) on the first
  // working day from two weeks before; "now" when that has passed.
  let send: string | undefined;
  if (period) {
    let day: Day = addDays(period.date, -14);
    while (!ctx.calendar.isWorkingDay(day)) day = addDays(day, 1);
    // Only a time the form accepts is suggested: later than now, within the scheduling horizon.
    if (day > ctx.today && day <= addDays(ctx.today, SCHEDULE_AHEAD_DAYS)) send = `${day} ${clockText(ctx.config.workingHours.start)}`;
  }
  return { title: fill(template.title[ctx.locale]), body: fill(template.text[ctx.locale]), ...(send ? { send } : {}) };
}

function holidayName(ctx: RequestContext, holiday: string): string {
  if (holiday === '설날') return ctx.t('holiday.seollal');
  if (holiday === '추석') return ctx.t('holiday.chuseok');
  return holiday;
}

const clockText = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Messages go out on working days, in working hours: "now" then, or a time like "2026-12-01 09:30". */
function parseSendTime(ctx: RequestContext, raw: string): string | null {
  const value = raw.trim().toLowerCase();
  const { start, end } = ctx.config.workingHours;
  const hours = { from: clockText(start), to: clockText(end) };
  if (NOW.has(value)) {
    const clock = localClock(new Date(ctx.nowIso), ctx.config.timezone);
    const minutes = clock.hour * 60 + clock.minute;
    if (!ctx.calendar.isWorkingDay(ctx.today) || minutes < start || minutes >= end) throw new UserError('announce.error.now_outside_hours', hours);
    return null;
  }
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$/.exec(raw.trim());
  if (!match || !isDay(match[1]!) || Number(match[2]) > 23 || Number(match[3]) > 59) throw new UserError('announce.error.send_format', { value: raw.trim() });
  const day = match[1]!;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  const instant = instantOf(day, minutes, ctx.config.timezone);
  if (instant.getTime() <= Date.parse(ctx.nowIso)) throw new UserError('announce.error.send_past', { value: raw.trim() });
  if (day > addDays(ctx.today, SCHEDULE_AHEAD_DAYS)) throw new UserError('announce.error.send_far', { days: SCHEDULE_AHEAD_DAYS });
  if (!ctx.calendar.isWorkingDay(day) || minutes < start || minutes >= end) throw new UserError('announce.error.send_outside_hours', { value: raw.trim(), ...hours });
  return instant.toISOString();
}

function parseAck(raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (YES.has(value)) return true;
  if (NO.has(value)) return false;
  throw new UserError('announce.error.ack', { value: raw.trim() });
}

function requireText(ctx: RequestContext, raw: string | undefined, max: number, which: 'title' | 'body'): string {
  const field = ctx.t(which === 'title' ? 'announce.field.title' : 'announce.field.body');
  const value = (raw ?? '').trim();
  if (value === '') throw new UserError('announce.error.empty', { field }, which);
  const length = [...value].length;
  if (length > max) throw new UserError('announce.error.too_long', { field, max, length }, which);
  return value;
}

async function signature(ctx: RequestContext, authorId: number): Promise<string> {
  const author = await memberById(ctx.db, authorId);
  if (!author) return '';
  return `${author.name} · ${await departmentLabel(ctx, author.department_id)}`;
}

function audienceLabel(ctx: RequestContext, audience: DepartmentAudience): string {
  return 'all' in audience ? ctx.t('announce.audience_all') : audience.departments.join(', ');
}

/** Ties a field's errors to the field, so a modal shows them under it. */
async function onField<T>(field: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UserError && error.field === undefined) throw new UserError(error.code, error.params, field);
    throw error;
  }
}

const submit: FormRoute = {
  name: FORM_NAME,
  roles: AUTHORS,
  async handle(ctx, args, values) {
    const title = requireText(ctx, values['title'], TITLE_MAX, 'title');
    const body = requireText(ctx, values['body'], BODY_MAX, 'body');
    const audience = await onField('audience', async () => {
      const parsed = await parseDepartmentAudience(ctx.db, values['audience'] ?? '');
      await checkAudienceScope(ctx.db, ctx.member, ctx.roles, parsed);
      return parsed;
    });
    const ackRequired = await onField('ack', async () => parseAck(values['ack'] ?? ''));
    const sendAt = await onField('send', async () => parseSendTime(ctx, values['send'] ?? ''));
    const members = await resolveAudience(ctx.db, 'all' in audience ? { all: true } : { all: false, departments: audience.departments, roles: [] });
    if (members.length === 0) throw new UserError('announce.error.empty_audience');
    const id = await insertDraft(ctx.db, { authorId: ctx.member.id, title, body, audience, ackRequired, sendAt, template: args[0] || null, nowIso: ctx.nowIso });
    const draft = (await announcementById(ctx.db, id))!;
    const preview = announcementCard(draft, await signature(ctx, ctx.member.id), ctx.t);
    const blocks: Block[] = [
      context(ctx.t('announce.preview.intro')),
      // The acknowledgement button is shown as recipients will see it, but cannot be pressed here.
      ...(preview.card?.blocks ?? []).map((b): Block => (b.type === 'buttons' ? { ...b, buttons: b.buttons.map((x) => ({ ...x, disabled: true })) } : b)),
      fields([
        { label: ctx.t('announce.preview.audience'), value: ctx.t('announce.preview.audience_value', { audience: audienceLabel(ctx, audience), count: members.length }) },
        { label: ctx.t('announce.preview.ack'), value: ctx.t(ackRequired ? 'announce.form.yes' : 'announce.form.no') },
        { label: ctx.t('announce.preview.send'), value: sendAt ? when(ctx, sendAt) : ctx.t('announce.form.now') },
      ]),
      buttons([
        { actionId: encodeAction(SEND_ACTION, [id]), label: ctx.t(sendAt ? 'announce.preview.schedule_button' : 'announce.preview.send_button'), style: 'primary' },
        { actionId: encodeAction(DISCARD_ACTION, [id]), label: ctx.t('announce.preview.discard_button'), style: 'danger' },
      ]),
    ];
    return ephemeral({ text: ctx.t('announce.preview.notification', { title }), card: { title: preview.card?.title ?? title, blocks } });
  },
};

/** An id from a button or a command: digits only, so a forged one is stale rather than a database error (PostgreSQL refuses NaN). */
async function announcementOf(ctx: RequestContext, idRaw: string | undefined): Promise<Announcement | undefined> {
  return idRaw !== undefined && /^\d{1,9}$/.test(idRaw) ? announcementById(ctx.db, Number(idRaw)) : undefined;
}

/** What people are shown: a scheduled message whose time has come has gone out. */
function shownState(ctx: RequestContext, announcement: Announcement): 'sent' | 'scheduled' | 'cancelled' {
  if (announcement.status === 'scheduled' && announcement.send_at && announcement.send_at <= ctx.nowIso) return 'sent';
  return announcement.status as 'sent' | 'scheduled' | 'cancelled';
}

async function ownDraft(ctx: RequestContext, idRaw: string | undefined): Promise<Announcement> {
  const announcement = await announcementOf(ctx, idRaw);
  if (!announcement) throw new UserError('error.stale_action');
  if (announcement.author_member_id !== ctx.member.id) throw new UserError('error.forbidden');
  return announcement;
}

const send: ActionRoute = {
  name: SEND_ACTION,
  roles: AUTHORS,
  async handle(ctx, args) {
    const draft = await ownDraft(ctx, args[0]);
    if (draft.status !== 'draft') return ephemeral({ text: ctx.t('announce.already_sent', { id: draft.id }) });
    const audience = audienceOf(draft);
    // Roles or departments may have changed since the preview: the scope is checked again.
    await checkAudienceScope(ctx.db, ctx.member, ctx.roles, audience);
    if (draft.send_at && Date.parse(draft.send_at) <= Date.parse(ctx.nowIso)) throw new UserError('announce.error.time_passed');
    // "Now" is checked again: a preview made in working hours and confirmed after them does not go out at night.
    if (!draft.send_at) parseSendTime(ctx, '');
    const members = await resolveAudience(ctx.db, 'all' in audience ? { all: true } : { all: false, departments: audience.departments, roles: [] });
    const day = draft.send_at ? localDay(new Date(draft.send_at), ctx.config.timezone) : ctx.today;
    const planned = await ctx.db.transaction().execute(async (trx) => {
      // The status change is the lock: a double click or a second instance plans nothing.
      if (!(await transition(trx, draft.id, 'draft', { status: draft.send_at ? 'scheduled' : 'sent', day, recipients: members.length, confirmed_at: ctx.nowIso }))) return null;
      const { planned } = await planOneOff(trx, {
        kind: 'announcement',
        key: announcementKey(draft.id),
        day,
        payload: { announcementId: draft.id },
        recipients: members.map((m) => ({ memberId: m.id, recipient: memberRecipient(m.id) })),
        timezone: ctx.config.timezone,
        nowIso: ctx.nowIso,
        ...(draft.send_at ? { dueIso: draft.send_at } : {}),
      });
      await recordAudit(trx, {
        actorMemberId: ctx.member.id,
        actorLabel: ctx.member.name,
        action: 'announce.send',
        details: { announcementId: draft.id, title: draft.title, audience, audienceSize: planned, ackRequired: draft.ack_required === 1, sendAt: draft.send_at },
        nowIso: ctx.nowIso,
      });
      return planned;
    });
    if (planned === null) return ephemeral({ text: ctx.t('announce.already_sent', { id: draft.id }) });
    ctx.log.info({ announcementId: draft.id, planned }, 'leadership message planned');
    const done = draft.send_at ? ctx.t('announce.scheduled', { id: draft.id, count: planned, time: when(ctx, draft.send_at) }) : ctx.t('announce.sent', { id: draft.id, count: planned });
    return ctx.event.conversation.kind === 'dm' ? replace({ text: done }) : ephemeral({ text: done });
  },
};

const discard: ActionRoute = {
  name: DISCARD_ACTION,
  roles: AUTHORS,
  async handle(ctx, args) {
    const draft = await ownDraft(ctx, args[0]);
    if (!(await transition(ctx.db, draft.id, 'draft', { status: 'cancelled' }))) return ephemeral({ text: ctx.t('announce.already_sent', { id: draft.id }) });
    const done = ctx.t('announce.discarded');
    return ctx.event.conversation.kind === 'dm' ? replace({ text: done }) : ephemeral({ text: done });
  },
};

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

const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${Math.round((part / whole) * 1000) / 10}%`);

async function status(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  const announcement = await followable(ctx, idRaw);
  // The acknowledgement rate is over those the letter reached, as in the statistics; failures show
  // under delivery.
  const planned = await recipientIds(ctx.db, announcement.id);
  const recipients = await recipientIds(ctx.db, announcement.id, { delivered: true });
  const acked = await acknowledgedIds(ctx.db, announcement.id);
  const deliveries = await deliveryCounts(ctx.db, announcement.id);
  const rows = new Map<number, { label: string; total: number; acked: number }>();
  for (let i = 0; i < recipients.length; i += 500) {
    const members = await ctx.db.selectFrom('members').select(['id', 'department_id']).where('id', 'in', recipients.slice(i, i + 500)).execute();
    for (const m of members) {
      let row = rows.get(m.department_id);
      if (!row) rows.set(m.department_id, (row = { label: await departmentLabel(ctx, m.department_id), total: 0, acked: 0 }));
      row.total++;
      if (acked.has(m.id)) row.acked++;
    }
  }
  let sorted = [...rows.values()].sort((a, b) => a.label.localeCompare(b.label, 'ko'));
  // Acknowledgement is evidence for hr; a manager who wrote the letter sees departments of at least the
  // minimum group size, the others together (and not at all when even together they are too few).
  let others: { total: number; acked: number } | undefined;
  if (!hasAnyRole(ctx.roles, OPERATORS)) {
    const min = ctx.config.minGroupSize;
    const bySize = [...sorted].sort((a, b) => a.total - b.total);
    const hidden = new Set(bySize.filter((r) => r.total < min));
    const sum = () => [...hidden].reduce((n, r) => n + r.total, 0);
    for (const r of bySize) if (hidden.size > 0 && (hidden.size < 2 || sum() < min) && !hidden.has(r)) hidden.add(r);
    if (hidden.size > 0) others = { total: sum(), acked: [...hidden].reduce((n, r) => n + r.acked, 0) };
    sorted = sorted.filter((r) => !hidden.has(r));
    if (others && sorted.length === 0) others = undefined;
  }
  const lines = sorted.slice(0, STATUS_LINES).map((r) => `- ${r.label}: ${r.acked}/${r.total} (${percent(r.acked, r.total)})`);
  if (others) lines.push(`- ${ctx.t('announce.status.others')}: ${others.acked}/${others.total} (${percent(others.acked, others.total)})`);
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
