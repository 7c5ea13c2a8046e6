/**
 * The effect report (`/integrity report effect <campaign>`, `npm run cli -- report effect <campaign>`):
 * treated against held-out members on the campaign's pre-declared outcome in its window, with the
 * difference, its 95% interval and both group sizes. Rates and the difference are shown only when
 * both groups have at least the minimum group size.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, type Reply } from '../../engine/reply.js';
import { recordAudit } from '../people/people.repository.js';
import type { Translator } from '../../i18n/index.js';
import { addDays, type Day } from '../../time.js';
import { context, fields, type Message } from '../../ui/card.js';
import { compareGroups, type Comparison } from './effect.js';
import { memberOutcomes, outcomeWindow, type OutcomeEvents } from './holdout.js';
import { allCampaigns, assignments, campaignByKey, letterCampaignKey, scheduleCampaignKey, type CampaignRow } from './holdout.repository.js';

export interface EffectSource {
  db: Kysely<Database>;
  t: Translator;
  today: Day;
  config: { minGroupSize: number };
}

export interface EffectReport {
  name: string;
  campaign: CampaignRow;
  window: { from: Day; to: Day };
  comparison: Comparison;
}

/** How people name a campaign: a schedule's name, or letter:<id> (also #<id>). */
function keyOf(name: string): string {
  const letter = /^(?:letter:|#)(\d{1,9})$/i.exec(name);
  return letter ? letterCampaignKey(Number(letter[1])) : scheduleCampaignKey(name);
}

const nameOf = (key: string) => key.replace(/^schedule:/, '');

async function outcomeEvents(db: Kysely<Database>, memberIds: readonly number[], window: { from: Day; to: Day }, outcome: string): Promise<OutcomeEvents> {
  const answers: { memberId: number; day: Day; topic: string; correct: boolean }[] = [];
  const signatures: { memberId: number; day: Day }[] = [];
  for (let i = 0; i < memberIds.length; i += 500) {
    const chunk = memberIds.slice(i, i + 500);
    if (outcome === 'pledge_signing') {
      const rows = await db.selectFrom('pledge_signatures').select(['member_id', 'day']).where('member_id', 'in', chunk).where('day', '>=', window.from).where('day', '<', window.to).execute();
      signatures.push(...rows.map((r) => ({ memberId: r.member_id, day: r.day })));
    } else {
      const rows = await db
        .selectFrom('quiz_answers')
        .innerJoin('questions', 'questions.id', 'quiz_answers.question_id')
        .select(['quiz_answers.member_id', 'quiz_answers.quiz_day', 'quiz_answers.correct', 'questions.topic'])
        .where('quiz_answers.member_id', 'in', chunk)
        .where('quiz_answers.quiz_day', '>=', window.from)
        .where('quiz_answers.quiz_day', '<', window.to)
        .execute();
      answers.push(...rows.map((r) => ({ memberId: r.member_id, day: r.quiz_day, topic: r.topic, correct: r.correct === 1 })));
    }
  }
  return { answers, signatures };
}

export async function effectReport(source: EffectSource, name: string | undefined): Promise<EffectReport> {
  if (!name) throw new UserError('holdout.report.usage');
  const campaign = await campaignByKey(source.db, keyOf(name));
  if (!campaign) {
    const known = (await allCampaigns(source.db)).map((c) => nameOf(c.key));
    throw new UserError('holdout.report.unknown', { name, known: known.join(', ') || source.t('holdout.report.none') });
  }
  // A letter cancelled before it went out reached nobody: there is nothing to compare.
  const letter = /^letter:(\d+)$/.exec(campaign.key);
  if (letter && (await source.db.selectFrom('announcements').select('status').where('id', '=', Number(letter[1])).executeTakeFirst())?.status === 'cancelled') {
    throw new UserError('holdout.report.cancelled', { name: nameOf(campaign.key) });
  }
  const assigned = await assignments(source.db, campaign.id);
  if (assigned.length === 0 || campaign.start_day === null) throw new UserError('holdout.report.not_started', { name });
  const window = outcomeWindow(campaign.start_day, campaign.weeks);
  const events = await outcomeEvents(source.db, assigned.map((a) => a.memberId), window, campaign.outcome);
  const outcomes = memberOutcomes({ outcome: campaign.outcome as 'participation', topic: campaign.topic }, window, assigned.map((a) => a.memberId), events);
  return { name: nameOf(campaign.key), campaign, window, comparison: compareGroups(assigned, outcomes, source.config.minGroupSize) };
}

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 1000) / 10).toFixed(1)}`;

/** The report as labelled lines: the same on a card and on the command line. */
export function effectFields(t: Translator, report: EffectReport, today: Day, minGroupSize: number): { title: string; fields: { label: string; value: string }[]; notes: string[] } {
  const { campaign, window, comparison } = report;
  const { treated, heldOut, difference } = comparison;
  const rows = [
    { label: t('holdout.report.outcome'), value: t(`holdout.outcome.${campaign.outcome as 'participation'}`, { topic: campaign.topic ?? '' }) },
    // `to` is exclusive; people read the last day.
    { label: t('holdout.report.window'), value: t('holdout.report.window_value', { from: window.from, to: addDays(window.to, -1), weeks: campaign.weeks }) },
    { label: t('holdout.report.holdout'), value: pct(campaign.holdout) },
  ];
  if (difference) {
    rows.push(
      { label: t('holdout.report.treated'), value: t('holdout.report.group_value', { rate: pct(treated.x / treated.n), x: treated.x, n: treated.n, assigned: treated.assigned }) },
      { label: t('holdout.report.held_out'), value: t('holdout.report.group_value', { rate: pct(heldOut.x / heldOut.n), x: heldOut.x, n: heldOut.n, assigned: heldOut.assigned }) },
      { label: t('holdout.report.difference'), value: t('holdout.report.difference_value', { difference: points(difference.estimate), lower: points(difference.lower), upper: points(difference.upper) }) },
    );
  } else {
    rows.push({ label: `${t('holdout.report.treated')} / ${t('holdout.report.held_out')}`, value: t('holdout.report.hidden', { min: minGroupSize, treated: treated.assigned, heldOut: heldOut.assigned }) });
  }
  const notes = [t('holdout.report.method')];
  if (campaign.outcome === 'topic_accuracy') notes.push(t('holdout.report.measured_note'));
  if (today < window.to) notes.unshift(t('holdout.report.window_open', { to: addDays(window.to, -1) }));
  // Its schedule no longer holds anyone out: from then on the held-out receive it too.
  if (campaign.active !== 1) notes.unshift(t('holdout.report.retired'));
  return { title: t('holdout.report.title', { name: report.name }), fields: rows, notes };
}

export function effectCard(t: Translator, report: EffectReport, today: Day, minGroupSize: number): Message {
  const shown = effectFields(t, report, today, minGroupSize);
  return { text: shown.title, card: { title: shown.title, blocks: [fields(shown.fields), ...shown.notes.map((n) => context(n))] } };
}

export function effectText(t: Translator, report: EffectReport, today: Day, minGroupSize: number): string {
  const shown = effectFields(t, report, today, minGroupSize);
  return [shown.title, ...shown.fields.map((f) => `  ${f.label}: ${f.value}`), ...shown.notes.map((n) => `  ${n}`)].join('\n');
}

/** `report effect <campaign>` in chat: hr and admin (the route's roles), audited like every report. */
export async function effectReply(ctx: RequestContext, name: string | undefined): Promise<Reply> {
  const report = await effectReport(ctx, name);
  await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: 'report.effect', details: { campaign: report.campaign.key }, nowIso: ctx.nowIso });
  return ephemeral(effectCard(ctx.t, report, ctx.today, ctx.config.minGroupSize));
}

/** The same on the command line. */
export async function effectCli(source: EffectSource & { nowIso: string }, name: string | undefined): Promise<string> {
  const report = await effectReport(source, name);
  await recordAudit(source.db, { actorMemberId: null, actorLabel: 'cli', action: 'report.effect', details: { campaign: report.campaign.key }, nowIso: source.nowIso });
  return effectText(source.t, report, source.today, source.config.minGroupSize);
}
