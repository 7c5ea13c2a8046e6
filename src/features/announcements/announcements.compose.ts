/**
 * Writing a leadership message: the form (blank or from a template), its validation with each error
 * tied to its field, the preview, and Send or Cancel on the preview. Send plans the outbox rows; a
 * double click plans once.
 */
import { hasBidiControl } from '../../engine/text.js';
import type { Announcement } from '../../db/schema.js';
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, form, replace, type Reply } from '../../engine/reply.js';
import type { ActionRoute, FormRoute } from '../../engine/routes.js';
import type { Role } from '../../engine/roles.js';
import { planOneOff } from '../../delivery/oneOff.js';
import { memberRecipient } from '../../delivery/outbox.repository.js';
import { resolveAudience } from '../../scheduler/schedules.repository.js';
import { nextGiftPeriod } from '../../scheduler/seasons.js';
import { addDays, clockText, instantOf, isDay, localClock, localDateTime, localDay, type Day } from '../../time.js';
import { encodeAction } from '../../ui/actionId.js';
import { buttons, context, fields, type Block } from '../../ui/card.js';
import type { Form } from '../../ui/form.js';
import { checkAudienceScope, parseDepartmentAudience, type DepartmentAudience } from '../people/audience.js';
import { departmentLabel } from '../people/people.handlers.js';
import { memberById, recordAudit } from '../people/people.repository.js';
import { announcementCard, DISCARD_ACTION, FORM_NAME, SEND_ACTION } from './announcements.cards.js';
import { announcementById, announcementKey, audienceOf, insertDraft, transition } from './announcements.repository.js';
import { declareCampaign, letterCampaignKey, withoutHeldOut } from '../holdout/holdout.repository.js';
import { letterOptionsField, readLetterOptions } from '../holdout/holdout.letters.js';

export const AUTHORS: readonly Role[] = ['manager', 'hr', 'admin'];
/** Slack's modal titles hold 24 characters; the card title, Slack's header, 150; kept well under. */
export const TITLE_MAX = 100;
/** Slack's section text holds 3,000 characters; Discord's embed description 4,096. */
export const BODY_MAX = 2_800;
const AUDIENCE_MAX = 500;
/** How far ahead a message may be scheduled. */
const SCHEDULE_AHEAD_DAYS = 60;

const YES = new Set(['예', '네', 'y', 'yes', 'o', 'true', '1', '필요']);
const NO = new Set(['아니오', '아니요', 'n', 'no', 'x', 'false', '0', '불필요']);
const NOW = new Set(['', '지금', '즉시', 'now']);

export const when = (ctx: RequestContext, iso: string) => localDateTime(iso, ctx.config.timezone);

export function composeForm(ctx: RequestContext, initial: { title?: string; body?: string; audience: string; send?: string }, template = '', options = ''): Reply {
  const value: Form = {
    id: encodeAction(FORM_NAME, options ? [template, options] : [template]),
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
export function fillTemplate(ctx: RequestContext, slug: string) {
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
  // The same rule as department names: nothing that makes a text display as something it is not.
  if (hasBidiControl(value)) throw new UserError('error.bidi_control_in', { field }, which);
  return value;
}

export async function signature(ctx: RequestContext, authorId: number): Promise<string> {
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

/** The checks of the form's fields, each on its own: as a field is entered (FormRoute.check) and on submit. */
type FieldValues = Readonly<Record<string, string>>;
const FIELD_CHECKS = {
  title: async (ctx: RequestContext, values: FieldValues) => requireText(ctx, values['title'], TITLE_MAX, 'title'),
  body: async (ctx: RequestContext, values: FieldValues) => requireText(ctx, values['body'], BODY_MAX, 'body'),
  audience: (ctx: RequestContext, values: FieldValues) =>
    onField('audience', async () => {
      const parsed = await parseDepartmentAudience(ctx.db, values['audience'] ?? '');
      await checkAudienceScope(ctx.db, ctx.member, ctx.roles, parsed);
      const members = await resolveAudience(ctx.db, 'all' in parsed ? { all: true } : { all: false, departments: parsed.departments, roles: [] });
      if (members.length === 0) throw new UserError('announce.error.empty_audience');
      return { audience: parsed, members };
    }),
  ack: (_ctx: RequestContext, values: FieldValues) => onField('ack', async () => parseAck(values['ack'] ?? '')),
  send: (ctx: RequestContext, values: FieldValues) => onField('send', async () => parseSendTime(ctx, values['send'] ?? '')),
} as const;

const isField = (field: string): field is keyof typeof FIELD_CHECKS => Object.hasOwn(FIELD_CHECKS, field);

export const submit: FormRoute = {
  name: FORM_NAME,
  roles: AUTHORS,
  async check(ctx, _args, values, field) {
    if (isField(field)) await FIELD_CHECKS[field](ctx, values);
  },
  async handle(ctx, args, values) {
    const title = await FIELD_CHECKS.title(ctx, values);
    const body = await FIELD_CHECKS.body(ctx, values);
    const { audience, members } = await FIELD_CHECKS.audience(ctx, values);
    const ackRequired = await FIELD_CHECKS.ack(ctx, values);
    const sendAt = await FIELD_CHECKS.send(ctx, values);
    const options = readLetterOptions(ctx, (args[1] ?? '').split(' ').filter(Boolean));
    const id = await ctx.db.transaction().execute(async (trx) => {
      const id = await insertDraft(trx, { authorId: ctx.member.id, title, body, audience, ackRequired, sendAt, template: args[0] || null, mandatory: options.mandatory, nowIso: ctx.nowIso });
      if (options.holdout) await declareCampaign(trx, letterCampaignKey(id), 'letter', options.holdout, ctx.nowIso);
      return id;
    });
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
        ...letterOptionsField(ctx, options),
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
export async function announcementOf(ctx: RequestContext, idRaw: string | undefined): Promise<Announcement | undefined> {
  return idRaw !== undefined && /^\d{1,9}$/.test(idRaw) ? announcementById(ctx.db, Number(idRaw)) : undefined;
}

/** What people are shown: a scheduled message whose time has come has gone out. */
export function shownState(ctx: RequestContext, announcement: Announcement): 'sent' | 'scheduled' | 'cancelled' {
  if (announcement.status === 'scheduled' && announcement.send_at && announcement.send_at <= ctx.nowIso) return 'sent';
  return announcement.status as 'sent' | 'scheduled' | 'cancelled';
}

async function ownDraft(ctx: RequestContext, idRaw: string | undefined): Promise<Announcement> {
  const announcement = await announcementOf(ctx, idRaw);
  if (!announcement) throw new UserError('error.stale_action');
  if (announcement.author_member_id !== ctx.member.id) throw new UserError('error.forbidden');
  return announcement;
}

export const send: ActionRoute = {
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
      // A letter with a holdout goes to those not held out; they alone are its audience.
      const reached = await withoutHeldOut(trx, letterCampaignKey(draft.id), members, day, ctx.nowIso);
      if (reached.length !== members.length) await trx.updateTable('announcements').set({ recipients: reached.length }).where('id', '=', draft.id).execute();
      const { planned } = await planOneOff(trx, {
        kind: 'announcement',
        key: announcementKey(draft.id),
        day,
        payload: { announcementId: draft.id },
        recipients: reached.map((m) => ({ memberId: m.id, recipient: memberRecipient(m.id) })),
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

export const discard: ActionRoute = {
  name: DISCARD_ACTION,
  roles: AUTHORS,
  async handle(ctx, args) {
    const draft = await ownDraft(ctx, args[0]);
    if (!(await transition(ctx.db, draft.id, 'draft', { status: 'cancelled' }))) return ephemeral({ text: ctx.t('announce.already_sent', { id: draft.id }) });
    const done = ctx.t('announce.discarded');
    return ctx.event.conversation.kind === 'dm' ? replace({ text: done }) : ephemeral({ text: done });
  },
};
