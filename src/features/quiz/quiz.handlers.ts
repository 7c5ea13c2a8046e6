import type { RequestContext, Services } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral, replace, type Reply } from '../../engine/reply.js';
import { EVERYONE, type ActionRoute, type CommandRoute } from '../../engine/routes.js';
import { addDays, type Day } from '../../time.js';
import { text } from '../../ui/card.js';
import { pledgeStates } from '../pledges/pledges.handlers.js';
import { activePledges, pledgeApplies } from '../pledges/pledges.repository.js';
import { activeQuestions, questionById, type Question } from '../content/content.repository.js';
import { buildHistory, canStillAnswer, computeStreak, selectQuestion } from './quiz.js';
import { alreadyAnsweredMessage, ANSWER_ACTION, START_ACTION, meCard, questionCard, resultCard, type CardNames } from './quiz.cards.js';
import { answerFor, answerHistory, assignmentFor, assignQuestion, participation, recordAnswer } from './quiz.repository.js';

export const names = (ctx: Services): CardNames => ({ topics: ctx.content.topics, laws: ctx.content.laws });

/** The member's question for a quiz day: the one already assigned, or a newly selected one. */
export async function todaysQuestion(ctx: Services, memberId: number, day: Day, nowIso: string, known?: { questionId: number | undefined }, topicWeights = ctx.config.topicWeights): Promise<Question> {
  const assigned = known ? known.questionId : await assignmentFor(ctx.db, memberId, day);
  if (assigned !== undefined) {
    const question = await questionById(ctx.db, assigned);
    if (question) return question;
  }
  const questions = await activeQuestions(ctx.db);
  const history = buildHistory(await answerHistory(ctx.db, memberId));
  const picked = selectQuestion({
    candidates: questions.map((q) => ({ id: q.id, key: `${q.pack}/${q.slug}`, topic: q.topic })),
    history,
    topicWeights,
    today: day,
    seed: `${memberId}:${day}`,
  });
  if (!picked) throw new UserError('quiz.error.no_questions');
  const questionId = await assignQuestion(ctx.db, memberId, day, picked.id, nowIso);
  return (await questionById(ctx.db, questionId))!;
}

async function streakOf(ctx: RequestContext): Promise<number> {
  return computeStreak((await participation(ctx.db, ctx.member.id)).days, ctx.today, ctx.calendar);
}

const quiz: CommandRoute = {
  name: 'quiz',
  roles: EVERYONE,
  helpKey: 'help.quiz',
  async handle(ctx) {
    if (await answerFor(ctx.db, ctx.member.id, ctx.today)) return ephemeral(alreadyAnsweredMessage(ctx.t, await streakOf(ctx)));
    const question = await todaysQuestion(ctx, ctx.member.id, ctx.today, ctx.nowIso);
    return ephemeral(questionCard(question, ctx.today, ctx.locale, ctx.t, names(ctx)));
  },
};

/** The "take today's quiz" button of a channel post: the member's own question, for them only. */
const start: ActionRoute = {
  name: START_ACTION,
  roles: EVERYONE,
  handle: (ctx) => quiz.handle(ctx, []),
};

const answer: ActionRoute = {
  name: ANSWER_ACTION,
  roles: EVERYONE,
  async handle(ctx, args): Promise<Reply> {
    const [questionIdRaw, quizDay, choiceRaw] = args;
    const questionId = Number(questionIdRaw);
    const choice = Number(choiceRaw);
    if (!Number.isInteger(questionId) || !Number.isInteger(choice) || quizDay === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(quizDay)) {
      throw new UserError('error.stale_action');
    }
    if (await answerFor(ctx.db, ctx.member.id, quizDay)) return ephemeral(alreadyAnsweredMessage(ctx.t, await streakOf(ctx)));
    if (!canStillAnswer(quizDay, ctx.today)) throw new UserError('quiz.error.closed');
    // The button must belong to this member's question of that day: a forwarded or forged button is refused.
    const assigned = await assignmentFor(ctx.db, ctx.member.id, quizDay);
    if (assigned !== questionId) throw new UserError('quiz.error.not_yours');
    const question = await questionById(ctx.db, questionId);
    const choiceCount = question ? (question.kind === 'ox' ? 2 : question.body.choices.length) : 0;
    if (!question || choice < 0 || choice >= choiceCount) throw new UserError('error.stale_action');

    const recorded = await recordAnswer(ctx.db, {
      memberId: ctx.member.id,
      questionId,
      quizDay,
      choiceIndex: choice,
      correct: choice === question.answerIndex,
      platform: ctx.event.platform,
      nowIso: ctx.nowIso,
    });
    if (!recorded) return ephemeral(alreadyAnsweredMessage(ctx.t, await streakOf(ctx)));
    const message = resultCard({ question, chosen: choice, streak: await streakOf(ctx) }, ctx.locale, ctx.t, names(ctx));
    // In a DM the original card is updated; in a channel the result is for the answerer only.
    return ctx.event.conversation.kind === 'dm' ? replace(message) : ephemeral(message);
  },
};

const me: CommandRoute = {
  name: 'me',
  roles: EVERYONE,
  helpKey: 'help.me',
  async handle(ctx) {
    const { days, correct } = await participation(ctx.db, ctx.member.id);
    const monthStart = `${ctx.today.slice(0, 8)}01`;
    let monthWorkingDays = 0;
    for (let d = monthStart; d <= ctx.today; d = addDays(d, 1)) if (ctx.calendar.isWorkingDay(d)) monthWorkingDays++;
    const card = meCard(
        ctx.member.name,
        {
          streak: computeStreak(days, ctx.today, ctx.calendar),
          daysAnswered: days.size,
          correct,
          monthAnswered: [...days].filter((d) => d >= monthStart && d <= ctx.today).length,
          monthWorkingDays,
          answeredToday: days.has(ctx.today),
        },
        ctx.t,
      );
    // The member's own pledges: signed (when) or still to sign.
    const pledges = (await activePledges(ctx.db)).filter((p) => pledgeApplies(p, ctx.member));
    if (pledges.length > 0 && card.card) {
      const lines = (await pledgeStates(ctx, pledges)).map((s) => `- ${s.pledge.body.title[ctx.locale]}: ${s.signedAt ? ctx.t('pledge.state.signed', { time: s.signedAt }) : ctx.t('pledge.state.unsigned')}`);
      card.card.blocks.splice(card.card.blocks.length - 1, 0, text(`**${ctx.t('pledge.mine_title')}**\n${lines.join('\n')}`));
    }
    return ephemeral(card);
  },
};

export const quizRoutes = { commands: [quiz, me], actions: [answer, start] };
