/** The daily quiz as a scheduled delivery: each member's own question by DM, or a channel invitation. */
import type { Composer } from '../../delivery/dispatcher.js';
import { translator } from '../../i18n/index.js';
import { channelRecipient } from '../../delivery/outbox.repository.js';
import { audienceRecipients } from '../../scheduler/plan.js';
import type { Planner } from '../../scheduler/scheduler.js';
import { effectiveLocale } from '../people/people.js';
import { channelInvitation, questionCard } from './quiz.cards.js';
import { names, todaysQuestion } from './quiz.handlers.js';
import { quizDayState } from './quiz.repository.js';
import { campaignByKey, scheduleCampaignKey, specOf } from '../holdout/holdout.repository.js';

/**
 * Each member's own question by DM; and, for an organisation-wide schedule where Discord has a quiz
 * channel, one post there with a "take today's quiz" button, since Discord members get DMs only when
 * they ask for them.
 */
export const planQuiz: Planner = async (services, trx, schedule, slot) => {
  const recipients = await audienceRecipients(trx, schedule, slot);
  const discordChannel = services.config.discord?.quizChannelId;
  // No channel invitation while a holdout runs: the held-out would see it too.
  const campaign = await campaignByKey(trx, scheduleCampaignKey(schedule.name));
  const holdout = campaign?.active === 1;
  if (schedule.delivery.kind === 'dm' && schedule.audience.all && discordChannel && !holdout) recipients.push({ memberId: null, recipient: channelRecipient('discord', discordChannel) });
  // The campaign's topic weights go with the slot: its treated members' questions are picked with them.
  const topicWeights = holdout ? specOf(campaign).topicWeights : undefined;
  return { payload: { quizDay: slot.day, ...(topicWeights ? { topicWeights } : {}) }, recipients };
};

export const composeQuiz: Composer = async (services, { member, jobRun }) => {
  if (!member) return channelInvitation(translator(services.config.locale));
  // Someone who already took today's quiz (from a channel button or a command) needs no reminder.
  const state = await quizDayState(services.db, member.id, jobRun.day);
  if (state.answered) return null;
  const locale = effectiveLocale(member, services.config.locale);
  const weights = (JSON.parse(jobRun.payload) as { topicWeights?: Record<string, number> }).topicWeights;
  const question = await todaysQuestion(services, member.id, jobRun.day, services.clock.now().toISOString(), state, weights ? { ...services.config.topicWeights, ...weights } : undefined);
  return questionCard(question, jobRun.day, locale, translator(locale), names(services));
};
