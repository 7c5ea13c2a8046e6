import type { Translator } from '../../i18n/index.js';
import type { Locale, Localized } from '../../i18n/locales.js';
import { context, text, type Message } from '../../ui/card.js';
import type { NudgeItem } from '../content/content.js';
import { formatBasis } from '../quiz/quiz.cards.js';

export function nudgeCard(nudge: NudgeItem, locale: Locale, t: Translator, laws: Readonly<Record<string, Localized>>): Message {
  const blocks = [text(nudge.text[locale])];
  if (nudge.basis.length > 0) blocks.push(context(t('quiz.result.basis', { basis: formatBasis(nudge.basis, locale, { laws, topics: {} }, t) })));
  blocks.push(context(t('nudge.footer')));
  return { text: `${t('nudge.title')}: ${nudge.text[locale]}`, card: { title: t('nudge.title'), blocks } };
}
