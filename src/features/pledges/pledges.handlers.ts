/**
 * /integrity pledge — for everyone: read and sign the pledges that apply to them. For hr/admin:
 * open a campaign, see completion by department against the roster, list non-signers for follow-up.
 */
import type { Member } from '../../db/schema.js';
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, replace, type Reply } from '../../engine/reply.js';
import { EVERYONE, type ActionRoute, type CommandRoute } from '../../engine/routes.js';
import { OPERATORS, requireAnyRole } from '../../engine/roles.js';
import { isLocale } from '../../i18n/locales.js';
import { planOneOff } from '../../delivery/oneOff.js';
import { memberRecipient } from '../../delivery/outbox.repository.js';
import { isDay, localDateTime } from '../../time.js';
import { encodeAction } from '../../ui/actionId.js';
import { buttons, context, fields, text, type Block } from '../../ui/card.js';
import { percentText, truncate } from '../../ui/text.js';
import { isAllWord, parseDepartmentAudience } from '../people/audience.js';
import { recordAudit } from '../people/people.repository.js';
import { completionByDepartment, departmentLabel } from '../people/people.handlers.js';
import { NON_SIGNERS_ACTION, pledgeCard, SIGN_ACTION, signedCard } from './pledges.cards.js';
import {
  activePledges,
  campaignAudience,
  campaignById,
  campaignMembers,
  defaultAudience,
  findActivePledge,
  insertCampaign,
  openCampaigns,
  pledgeApplies,
  pledgeById,
  recordSignature,
  signatureOf,
  signedAmong,
  type CampaignAudience,
  type Pledge,
} from './pledges.repository.js';

const LEADER_WORDS = new Set(['leaders', '간부', '관리자']);
const DUE_WORDS = new Set(['due', '기한', '마감']);
/** Lines of a status card before the rest is left to the export. */
const STATUS_LINES = 25;
const NON_SIGNER_LINES = 50;

async function requirePledge(ctx: RequestContext, name: string | undefined): Promise<Pledge> {
  if (!name) throw new UserError('pledge.error.usage');
  const pledge = await findActivePledge(ctx.db, name);
  if (!pledge) throw new UserError('pledge.error.unknown', { slug: name, known: (await activePledges(ctx.db)).map((p) => p.slug).join(', ') });
  return pledge;
}

const when = (ctx: RequestContext, iso: string) => localDateTime(iso, ctx.config.timezone);

/** The member's own pledges: the first one still to sign in full, and the state of each. */
async function mine(ctx: RequestContext): Promise<Reply> {
  const pledges = (await activePledges(ctx.db)).filter((p) => pledgeApplies(p, ctx.member));
  if (pledges.length === 0) return ephemeral({ text: ctx.t('pledge.none') });
  const states = await pledgeStates(ctx, pledges);
  const unsigned = states.find((s) => !s.signedAt);
  const summary = states.map((s) => `- ${s.pledge.body.title[ctx.locale]}: ${s.signedAt ? ctx.t('pledge.state.signed', { time: s.signedAt }) : ctx.t('pledge.state.unsigned')}`).join('\n');
  if (!unsigned) return ephemeral({ text: ctx.t('pledge.all_signed'), card: { title: ctx.t('pledge.mine_title'), blocks: [text(summary)] } });
  const card = pledgeCard(unsigned.pledge, ctx.locale, ctx.t);
  card.card!.blocks.push(context(summary));
  return ephemeral(card);
}

export async function pledgeStates(ctx: RequestContext, pledges: readonly Pledge[]): Promise<{ pledge: Pledge; signedAt: string | undefined }[]> {
  const states = [];
  for (const pledge of pledges) {
    const signature = await signatureOf(ctx.db, ctx.member.id, pledge.id);
    states.push({ pledge, signedAt: signature ? when(ctx, signature.signed_at) : undefined });
  }
  return states;
}

/** "open <slug> [audience] [due YYYY-MM-DD]": audience and due date may come in either order. */
async function open(ctx: RequestContext, args: string[]): Promise<Reply> {
  requireAnyRole(ctx.roles, OPERATORS);
  const pledge = await requirePledge(ctx, args[0]);
  let audience: CampaignAudience = defaultAudience(pledge);
  let dueOn: string | null = null;
  for (const arg of args.slice(1)) {
    // "due 2026-12-31" reads as the date alone.
    if (DUE_WORDS.has(arg.toLowerCase())) continue;
    if (/^\d{4}-\d{2}-\d{2}$/.test(arg)) {
      if (!isDay(arg)) throw new UserError('pledge.error.due_invalid', { value: arg });
      if (arg < ctx.today) throw new UserError('pledge.error.due_past', { value: arg, today: ctx.today });
      dueOn = arg;
    } else if (LEADER_WORDS.has(arg.toLowerCase())) audience = { leaders: true };
    else if (isAllWord(arg)) audience = { all: true };
    else {
      const parsed = await parseDepartmentAudience(ctx.db, arg);
      audience = 'all' in parsed ? { all: true } : parsed;
    }
  }
  const members = await campaignMembers(ctx.db, audience, pledge);
  if (members.length === 0) throw new UserError('pledge.error.empty_audience');
  const signed = await signedAmong(ctx.db, pledge.id, members.map((m) => m.id));
  const toAsk = members.filter((m) => !signed.has(m.id));

  const audienceJson = JSON.stringify(audience);
  const sameToday = (await openCampaigns(ctx.db, pledge.key)).find((c) => c.day === ctx.today && c.audience === audienceJson);
  if (sameToday) throw new UserError('pledge.error.already_open', { id: sameToday.id });

  const { campaignId, planned } = await ctx.db.transaction().execute(async (trx) => {
    const campaignId = await insertCampaign(trx, { pledge, audience, dueOn, openedBy: ctx.member.id, day: ctx.today, nowIso: ctx.nowIso });
    // Two opens at once: the unique (pledge, day, audience) lets one through.
    if (campaignId === null) throw new UserError('pledge.error.already_open', { id: (await openCampaigns(trx, pledge.key)).find((c) => c.day === ctx.today && c.audience === audienceJson)?.id ?? '?' });
    const { planned } = await planOneOff(trx, {
      kind: 'pledge',
      key: `campaign:${campaignId}`,
      day: ctx.today,
      payload: { pledge: pledge.key, campaignId },
      recipients: toAsk.map((m) => ({ memberId: m.id, recipient: memberRecipient(m.id) })),
      timezone: ctx.config.timezone,
      nowIso: ctx.nowIso,
    });
    await trx.updateTable('pledge_campaigns').set({ recipients: planned }).where('id', '=', campaignId).execute();
    await recordAudit(trx, {
      actorMemberId: ctx.member.id,
      actorLabel: ctx.member.name,
      action: 'pledge.open',
      details: { campaignId, pledge: pledge.key, version: pledge.version, audience, dueOn, audienceSize: members.length, alreadySigned: signed.size, sent: planned },
      nowIso: ctx.nowIso,
    });
    return { campaignId, planned };
  });
  ctx.log.info({ campaignId, pledge: pledge.key, planned }, 'pledge campaign opened');
  return ephemeral({
    text: ctx.t('pledge.opened', { id: campaignId, title: pledge.body.title[ctx.locale], sent: planned, signed: signed.size, total: members.length }),
  });
}

/**
 * Completion of one pledge by department, against the active roster its campaigns address (all of
 * them, not only the latest: a second campaign for one department does not hide the others), or the
 * pledge's own audience before any campaign.
 */
async function completion(ctx: RequestContext, pledge: Pledge) {
  const campaigns = await openCampaigns(ctx.db, pledge.key);
  const audiences = campaigns.length > 0 ? campaigns.map(campaignAudience) : [defaultAudience(pledge)];
  const addressed = new Map<number, Member>();
  for (const audience of audiences) for (const m of await campaignMembers(ctx.db, audience, pledge)) addressed.set(m.id, m);
  const members = [...addressed.values()].sort((a, b) => a.id - b.id);
  const signed = await signedAmong(ctx.db, pledge.id, members.map((m) => m.id));
  return { members, signed, campaign: campaigns[0], rows: await completionByDepartment(ctx, members, signed) };
}

const percent = (part: number, whole: number) => percentText(whole === 0 ? null : part / whole);

async function status(ctx: RequestContext, args: string[]): Promise<Reply> {
  requireAnyRole(ctx.roles, OPERATORS);
  const pledges = args[0] ? [await requirePledge(ctx, args[0])] : await activePledges(ctx.db);
  if (pledges.length === 0) return ephemeral({ text: ctx.t('pledge.none') });
  const blocks: Block[] = [];
  for (const pledge of pledges) {
    const { members, signed, campaign, rows } = await completion(ctx, pledge);
    const lines = rows.slice(0, STATUS_LINES).map((r) => `- ${r.label}: ${r.done}/${r.total} (${percent(r.done, r.total)})`);
    if (rows.length > STATUS_LINES) lines.push(ctx.t('pledge.status.more', { count: rows.length - STATUS_LINES }));
    blocks.push(
      text(`**${pledge.body.title[ctx.locale]}** (v${pledge.version})`),
      fields([
        { label: ctx.t('pledge.status.signed'), value: `${signed.size}/${members.length} (${percent(signed.size, members.length)})` },
        { label: ctx.t('pledge.status.campaign'), value: campaign ? ctx.t('pledge.status.campaign_value', { id: campaign.id, day: campaign.day, due: campaign.due_on ?? '–' }) : '–' },
      ]),
      text(lines.join('\n') || '–'),
    );
    if (signed.size < members.length) {
      blocks.push(buttons([{ actionId: encodeAction(NON_SIGNERS_ACTION, [pledge.key]), label: ctx.t('pledge.status.non_signers_button') }]));
    }
  }
  blocks.push(context(ctx.t('pledge.status.footer')));
  return ephemeral({ text: ctx.t('pledge.status.title'), card: { title: ctx.t('pledge.status.title'), blocks } });
}

/** Names of those who have not signed, for follow-up by hr: completion is evidence, not a quiz answer. */
async function nonSigners(ctx: RequestContext, name: string | undefined): Promise<Reply> {
  requireAnyRole(ctx.roles, OPERATORS);
  const pledge = await requirePledge(ctx, name);
  const { members, signed } = await completion(ctx, pledge);
  const missing = members.filter((m) => !signed.has(m.id));
  const lines: string[] = [];
  for (const m of missing.slice(0, NON_SIGNER_LINES)) lines.push(`- ${m.name} (${m.employee_no ?? '–'}) · ${await departmentLabel(ctx, m.department_id)}`);
  if (missing.length > NON_SIGNER_LINES) lines.push(ctx.t('pledge.status.more', { count: missing.length - NON_SIGNER_LINES }));
  await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'pledge.non_signers', details: { pledge: pledge.key, listed: missing.length }, nowIso: ctx.nowIso });
  const title = ctx.t('pledge.non_signers.title', { title: pledge.body.title[ctx.locale], count: missing.length });
  return ephemeral({ text: title, card: { title, blocks: [text(truncate(lines.join('\n') || ctx.t('pledge.non_signers.none'), 2_900))] } });
}

/** Ends a campaign: no more reminders; signing stays possible, and the signatures stay as evidence. */
async function close(ctx: RequestContext, idRaw: string | undefined): Promise<Reply> {
  requireAnyRole(ctx.roles, OPERATORS);
  if (!idRaw || !/^\d{1,9}$/.test(idRaw)) throw new UserError('pledge.error.usage');
  const campaign = await campaignById(ctx.db, Number(idRaw));
  if (!campaign) throw new UserError('pledge.error.unknown_campaign', { id: idRaw });
  if (campaign.closed_at) throw new UserError('pledge.error.closed', { id: campaign.id });
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('pledge_campaigns').set({ closed_at: ctx.nowIso }).where('id', '=', campaign.id).where('closed_at', 'is', null).execute();
    await recordAudit(trx, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'pledge.close', details: { campaignId: campaign.id, pledge: `${campaign.pack}/${campaign.slug}` }, nowIso: ctx.nowIso });
  });
  return ephemeral({ text: ctx.t('pledge.closed', { id: campaign.id }) });
}

const pledge: CommandRoute = {
  name: 'pledge',
  roles: EVERYONE,
  helpKey: 'help.pledge',
  subcommandHelp: [{ key: 'help.pledge_officers', roles: OPERATORS }],
  async handle(ctx, args) {
    const [sub, ...rest] = args;
    switch (sub?.toLowerCase()) {
      case undefined:
        return mine(ctx);
      case 'show': {
        const found = await requirePledge(ctx, rest[0]);
        if (!pledgeApplies(found, ctx.member)) throw new UserError('pledge.error.not_for_you');
        const signature = await signatureOf(ctx.db, ctx.member.id, found.id);
        return ephemeral(signature ? signedCard(found, ctx.locale, ctx.t, when(ctx, signature.signed_at)) : pledgeCard(found, ctx.locale, ctx.t));
      }
      case 'open':
        return open(ctx, rest);
      case 'status':
        return status(ctx, rest);
      case 'nonsigners':
      case 'non-signers':
        return nonSigners(ctx, rest[0]);
      case 'close':
        return close(ctx, rest[0]);
      default:
        throw new UserError('pledge.error.usage');
    }
  },
};

const sign: ActionRoute = {
  name: SIGN_ACTION,
  roles: EVERYONE,
  async handle(ctx, args) {
    const [idRaw, localeRaw] = args;
    // A forged id that is not a number is stale, not an internal error (PostgreSQL rejects NaN for an integer).
    const shown = idRaw !== undefined && /^\d{1,9}$/.test(idRaw) ? await pledgeById(ctx.db, Number(idRaw)) : undefined;
    if (!shown || !isLocale(localeRaw)) throw new UserError('error.stale_action');
    if (!pledgeApplies(shown, ctx.member)) throw new UserError('pledge.error.not_for_you');
    // A text changed since this card was sent is a new version: the member reads it before signing.
    if (!shown.active) {
      const current = await findActivePledge(ctx.db, shown.key);
      if (!current) throw new UserError('pledge.error.retired');
      const card = pledgeCard(current, ctx.locale, ctx.t, { intro: ctx.t('pledge.changed') });
      return ctx.event.conversation.kind === 'dm' ? replace(card) : ephemeral(card);
    }
    const campaign = (await openCampaigns(ctx.db, shown.key))[0];
    const recorded = await recordSignature(ctx.db, {
      memberId: ctx.member.id,
      pledge: shown,
      campaignId: campaign?.id ?? null,
      locale: localeRaw,
      platform: ctx.event.platform,
      platformUserId: ctx.event.actor.userId,
      day: ctx.today,
      nowIso: ctx.nowIso,
    });
    const signature = (await signatureOf(ctx.db, ctx.member.id, shown.id))!;
    if (!recorded) return ephemeral({ text: ctx.t('pledge.already_signed', { time: when(ctx, signature.signed_at) }) });
    ctx.log.info({ memberId: ctx.member.id, pledge: shown.key, version: shown.version }, 'pledge signed');
    const card = signedCard(shown, localeRaw, ctx.t, when(ctx, signature.signed_at));
    return ctx.event.conversation.kind === 'dm' ? replace(card) : ephemeral(card);
  },
};

const nonSignersAction: ActionRoute = {
  name: NON_SIGNERS_ACTION,
  roles: OPERATORS,
  handle: (ctx, args) => nonSigners(ctx, args[0]),
};

export const pledgeRoutes = { commands: [pledge], actions: [sign, nonSignersAction] };
