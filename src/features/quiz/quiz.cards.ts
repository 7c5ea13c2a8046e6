import type { Translator } from '../../i18n/index.js';
import type { Locale, Localized } from '../../i18n/locales.js';
import { buttons, context, fields, text, type Button, type Message } from '../../ui/card.js';
import { encodeAction } from '../../ui/actionId.js';
import type { LegalBasis } from '../content/content.js';
import type { Question } from '../content/content.repository.js';
import type { Day } from '../../time.js';

export const ANSWER_ACTION = 'quiz.answer';
export const START_ACTION = 'quiz.start';

export interface CardNames {
  topics: Readonly<Record<string, Localized>>;
  laws: Readonly<Record<string, Localized>>;
}

export function choiceLabels(question: Question, locale: Locale, t: Translator): string[] {
  if (question.kind === 'ox') return [t('quiz.ox.true'), t('quiz.ox.false')];
  return question.body.choices.map((c) => c[locale]);
}

/**
 * "청탁금지법 제8조③2 · …". An article whose current numbering is not yet confirmed (marked `verify`,
 * e.g. the Code of Conduct after its 2022 revision) is shown with that caveat until an operator checks
 * it on law.go.kr and removes the mark.
 */
export function formatBasis(basis: readonly LegalBasis[], locale: Locale, names: CardNames, t: Translator): string {
  return basis
    .map((b) => {
      const cited = `${names.laws[b.law]?.[locale] ?? b.law} ${b.article[locale]}`;
      return b.verify ? `${cited} (${t('quiz.basis.unconfirmed')})` : cited;
    })
    .join(' · ');
}

function topicLine(question: Question, locale: Locale, t: Translator, names: CardNames): string {
  const topic = names.topics[question.topic]?.[locale] ?? question.topic;
  return t('quiz.card.context', { topic, level: t(`quiz.difficulty.${question.difficulty as 1 | 2 | 3}`) });
}

export function questionCard(question: Question, quizDay: Day, locale: Locale, t: Translator, names: CardNames): Message {
  const labels = choiceLabels(question, locale, t);
  const choiceButtons: Button[] = labels.map((label, index) => ({
    actionId: encodeAction(ANSWER_ACTION, [question.id, quizDay, index]),
    label,
  }));
  return {
    text: t('quiz.card.notification', { question: question.body.question[locale] }),
    card: {
      title: t('quiz.card.title'),
      blocks: [text(question.body.question[locale]), buttons(choiceButtons), context(topicLine(question, locale, t, names))],
    },
  };
}

export interface ResultView {
  question: Question;
  chosen: number;
  streak: number;
}

export function resultCard(view: ResultView, locale: Locale, t: Translator, names: CardNames): Message {
  const { question, chosen, streak } = view;
  const labels = choiceLabels(question, locale, t);
  const correct = chosen === question.answerIndex;
  const verdict = correct ? t('quiz.result.correct') : t('quiz.result.wrong');
  const answered: Button[] = labels.map((label, index) => ({
    actionId: encodeAction(ANSWER_ACTION, [question.id, 'done', index]),
    label: index === question.answerIndex ? `✓ ${label}` : index === chosen ? `✗ ${label}` : label,
    style: index === question.answerIndex ? 'primary' : index === chosen ? 'danger' : 'default',
    disabled: true,
  }));
  return {
    text: `${verdict} ${t('quiz.result.answer_is', { answer: labels[question.answerIndex]! })}`,
    card: {
      title: t('quiz.card.title'),
      blocks: [
        text(question.body.question[locale]),
        buttons(answered),
        text(`**${verdict}**`),
        fields([
          { label: t('quiz.result.your_choice'), value: labels[chosen] ?? '?' },
          { label: t('quiz.result.right_answer'), value: labels[question.answerIndex]! },
        ]),
        text(`**${t('quiz.result.explanation')}**\n${question.body.explanation[locale]}`),
        context(t('quiz.result.basis', { basis: formatBasis(question.body.basis, locale, names, t) })),
        context(streak > 0 ? t('quiz.result.streak', { days: streak }) : t('quiz.result.streak_start')),
      ],
    },
  };
}

export function alreadyAnsweredMessage(t: Translator, streak: number): Message {
  return {
    text: t('quiz.already_answered'),
    card: { blocks: [text(t('quiz.already_answered')), context(t('quiz.result.streak', { days: streak }))] },
  };
}

export interface MyStats {
  streak: number;
  daysAnswered: number;
  correct: number;
  monthAnswered: number;
  monthWorkingDays: number;
  answeredToday: boolean;
}

export function meCard(name: string, stats: MyStats, t: Translator): Message {
  const accuracy = stats.daysAnswered === 0 ? '–' : `${Math.round((stats.correct / stats.daysAnswered) * 100)}%`;
  return {
    text: t('me.notification', { streak: stats.streak }),
    card: {
      title: t('me.title', { name }),
      blocks: [
        fields([
          { label: t('me.streak'), value: t(stats.streak === 1 ? 'me.day' : 'me.days', { days: stats.streak }) },
          { label: t('me.total'), value: t(stats.daysAnswered === 1 ? 'me.day' : 'me.days', { days: stats.daysAnswered }) },
          { label: t('me.accuracy'), value: accuracy },
          { label: t('me.month'), value: t('me.month_value', { answered: stats.monthAnswered, working: stats.monthWorkingDays }) },
        ]),
        context(stats.answeredToday ? t('me.today_done') : t('me.today_open')),
        context(t('me.private')),
      ],
    },
  };
}

/** A channel post: everyone sees the invitation; each member's question and result are theirs alone. */
export function channelInvitation(t: Translator): Message {
  return {
    text: t('quiz.channel.text'),
    card: {
      title: t('quiz.card.title'),
      blocks: [text(t('quiz.channel.text')), buttons([{ actionId: encodeAction(START_ACTION), label: t('quiz.channel.button'), style: 'primary' }])],
    },
  };
}
