/** The daily quiz as a scheduled delivery: each member's own question by DM, or a channel invitation. */
import type { Composer } from '../../delivery/dispatcher.js';
import { translator } from '../../i18n/index.js';
import { audienceRecipients } from '../../scheduler/plan.js';
import type { Planner } from '../../scheduler/scheduler.js';
import { effectiveLocale } from '../people/people.js';
import { channelInvitation, questionCard } from './quiz.cards.js';
import { names, todaysQuestion } from './quiz.handlers.js';
import { quizDayState } from './quiz.repository.js';

export const planQuiz: Planner = async (_services, trx, schedule, slot) => ({
  payload: { quizDay: slot.day },
  recipients: await audienceRecipients(trx, schedule),
});

export const composeQuiz: Composer = async (services, { member, jobRun }) => {
  if (!member) return channelInvitation(translator(services.config.locale));
  // Someone who already took today's quiz (from a channel button or a command) needs no reminder.
  const state = await quizDayState(services.db, member.id, jobRun.day);
  if (state.answered) return null;
  const locale = effectiveLocale(member, services.config.locale);
  const question = await todaysQuestion(services, member.id, jobRun.day, services.clock.now().toISOString(), state);
  return questionCard(question, jobRun.day, locale, translator(locale), names(services));
};
