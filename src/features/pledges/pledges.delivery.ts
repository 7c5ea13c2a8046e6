/**
 * Pledges through the outbox: campaign and welcome deliveries, and reminders to non-signers on the
 * cadence of a `pledge_reminder` schedule (working days), each member at most PROBITY_PLEDGE_REMINDER_MAX
 * times per campaign. Every message is written when it is sent: someone who signed in the meantime
 * gets nothing.
 */
import type { Composer } from '../../delivery/dispatcher.js';
import { planFollowUps, type FollowUp } from '../../delivery/followUps.js';
import { translator } from '../../i18n/index.js';
import type { Planner } from '../../scheduler/scheduler.js';
import { effectiveLocale } from '../people/people.js';
import { pledgeCard } from './pledges.cards.js';
import { campaignAudience, campaignById, campaignMembers, findActivePledge, openCampaigns, reminderCounts, signatureOf, signedAmong } from './pledges.repository.js';

interface PledgePayload {
  pledge?: string;
  campaignId?: number;
  welcome?: boolean;
}

export const composePledge: Composer = async (services, { member, jobRun }) => {
  if (!member) return null;
  const payload = JSON.parse(jobRun.payload) as PledgePayload;
  const pledge = payload.pledge ? await findActivePledge(services.db, payload.pledge) : undefined;
  if (!pledge || (await signatureOf(services.db, member.id, pledge.id))) return null;
  const campaign = payload.campaignId ? await campaignById(services.db, payload.campaignId) : undefined;
  if (campaign?.closed_at) return null;
  const locale = effectiveLocale(member, services.config.locale);
  const t = translator(locale);
  return pledgeCard(pledge, locale, t, { intro: t(payload.welcome ? 'pledge.intro.welcome' : 'pledge.intro.campaign'), dueOn: campaign?.due_on ?? null });
};

/** Non-signers of every open campaign who have not yet had the maximum number of reminders. */
export const planPledgeReminder: Planner = async (services, trx, _schedule, slot) => {
  const max = services.config.pledgeReminderMax;
  if (max === 0) return { payload: {}, recipients: [] };
  const campaigns = await openCampaigns(trx);
  const followUps: FollowUp[] = [];
  for (const campaign of campaigns) {
    // A campaign's own first message is its first contact; reminders start the next working day.
    if (campaign.day >= slot.day) continue;
    // A campaign's due date ends its reminders; the text can still be signed afterwards.
    if (campaign.due_on !== null && campaign.due_on < slot.day) continue;
    const pledge = await findActivePledge(trx, `${campaign.pack}/${campaign.slug}`);
    if (!pledge) continue;
    const memberIds = (await campaignMembers(trx, campaignAudience(campaign), pledge)).map((m) => m.id);
    followUps.push({ id: campaign.id, memberIds, done: await signedAmong(trx, pledge.id, memberIds), reminded: await reminderCounts(trx, campaign.id) });
  }
  return planFollowUps(followUps, max, { campaigns: campaigns.map((c) => c.id) }, async (rows) => {
    await trx
      .insertInto('pledge_reminders')
      .values(rows.map((r) => ({ campaign_id: r.followUpId, member_id: r.memberId, job_run_id: r.jobRunId, day: slot.day })))
      .onConflict((oc) => oc.columns(['campaign_id', 'member_id', 'job_run_id']).doNothing())
      .execute();
  });
};

export const composePledgeReminder: Composer = async (services, { member, jobRun }) => {
  if (!member) return null;
  const ids = (JSON.parse(jobRun.payload) as { campaigns?: number[] }).campaigns ?? [];
  const counted = await services.db
    .selectFrom('pledge_reminders')
    .select('campaign_id')
    .where('job_run_id', '=', jobRun.id)
    .where('member_id', '=', member.id)
    .execute();
  const mine = new Set(counted.map((r) => r.campaign_id));
  for (const id of ids) {
    if (!mine.has(id)) continue;
    const campaign = await campaignById(services.db, id);
    if (!campaign || campaign.closed_at) continue;
    const pledge = await findActivePledge(services.db, `${campaign.pack}/${campaign.slug}`);
    if (!pledge || (await signatureOf(services.db, member.id, pledge.id))) continue;
    const sent = (await reminderCounts(services.db, id)).get(member.id) ?? 1;
    const locale = effectiveLocale(member, services.config.locale);
    const t = translator(locale);
    return pledgeCard(pledge, locale, t, {
      intro: t('pledge.intro.reminder', { count: sent, max: services.config.pledgeReminderMax }),
      dueOn: campaign.due_on,
    });
  }
  return null;
};
