import type { PulseRun } from '../../db/schema.js';
import type { Reply } from '../../engine/reply.js';
import { form } from '../../engine/reply.js';
import type { Translator } from '../../i18n/index.js';
import type { Locale } from '../../i18n/locales.js';
import { encodeAction } from '../../ui/actionId.js';
import { buttons, context, text, type Block, type Message } from '../../ui/card.js';
import type { Form } from '../../ui/form.js';
import { encodeAnswers, pageCount, pageItems, SCALE_MAX, SCALE_MIN } from './pulse.js';
import type { Pulse } from './pulse.repository.js';

export const RESPOND_ACTION = 'pulse.respond';
export const CONTINUE_ACTION = 'pulse.continue';
export const FORM_NAME = 'pulse.answer';
/** "1" to "5", or "예"/"아니오" with some room for spaces: a platform refuses longer input itself. */
const ANSWER_MAX_LENGTH = 10;

/** Who can see what, in plain words: on the card and under every page of the form. */
export function privacyNotice(t: Translator, minGroupSize: number): string {
  return t('pulse.card.privacy', { min: minGroupSize });
}

/** The whole questionnaire with one button, and the plain statement of what is kept and who sees it. */
export function pulseCard(pulse: Pulse, run: PulseRun, locale: Locale, t: Translator, options: { intro?: string; minGroupSize: number }): Message {
  const blocks: Block[] = [];
  if (options.intro) blocks.push(context(options.intro));
  blocks.push(text(pulse.body.intro[locale]));
  const lines = pulse.body.items.map((item, i) => `${i + 1}. ${item.text[locale]} (${t(item.kind === 'scale' ? 'pulse.kind.scale' : 'pulse.kind.yesno')})`);
  blocks.push(text(lines.join('\n')));
  blocks.push(context(`🔒 ${privacyNotice(t, options.minGroupSize)}`));
  blocks.push(buttons([{ actionId: encodeAction(RESPOND_ACTION, [run.id]), label: t('pulse.respond_button'), style: 'primary' }]));
  const notes = [t('pulse.card.command', { id: run.id })];
  if (run.closes_on) notes.unshift(t('pulse.card.closes', { day: run.closes_on }));
  blocks.push(context(notes.join(' · ')));
  return { text: t('pulse.card.notification', { title: pulse.body.title[locale] }), card: { title: `📋 ${pulse.body.title[locale]}`, blocks } };
}

/**
 * One page of the form (a form holds at most five fields). Earlier pages' answers ride along in the
 * form's id, so nothing about an unfinished response is kept on the server.
 */
export function pulseForm(pulse: Pulse, run: PulseRun, locale: Locale, t: Translator, page: number, earlier: readonly number[], minGroupSize: number): Reply {
  const pages = pageCount(pulse.body.items);
  const value: Form = {
    id: encodeAction(FORM_NAME, [run.id, page, encodeAnswers(earlier)]),
    title: pages > 1 ? t('pulse.form.title_paged', { page: page + 1, pages }) : t('pulse.form.title'),
    submitLabel: t(page + 1 < pages ? 'pulse.form.next' : 'pulse.form.submit'),
    fields: pageItems(pulse.body.items, page).map(({ index, question }) => ({
      id: `q${index}`,
      label: `${index + 1}. ${question.label[locale]}`,
      required: true,
      maxLength: ANSWER_MAX_LENGTH,
      placeholder: question.kind === 'scale' ? t('pulse.form.scale_hint', { min: SCALE_MIN, max: SCALE_MAX }) : t('pulse.form.yesno_hint'),
    })),
  };
  return form(value, continueCard(run, t, page, earlier, minGroupSize));
}

/** Where a form cannot be opened from here: a button that opens it, and the command that does everywhere. */
export function continueCard(run: PulseRun, t: Translator, page: number, earlier: readonly number[], minGroupSize: number): Message {
  const label = page === 0 ? t('pulse.respond_button') : t('pulse.continue_button', { page: page + 1 });
  return {
    text: t(page === 0 ? 'pulse.form.unavailable' : 'pulse.form.continue', { id: run.id }),
    card: {
      title: t('pulse.form.title'),
      blocks: [
        text(t(page === 0 ? 'pulse.form.unavailable' : 'pulse.form.continue', { id: run.id })),
        buttons([{ actionId: page === 0 ? encodeAction(RESPOND_ACTION, [run.id]) : encodeAction(CONTINUE_ACTION, [run.id, page, encodeAnswers(earlier)]), label, style: 'primary' }]),
        context(`🔒 ${privacyNotice(t, minGroupSize)}`),
      ],
    },
  };
}
