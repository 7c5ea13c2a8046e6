import type { Translator } from '../../i18n/index.js';
import type { Locale } from '../../i18n/locales.js';
import { encodeAction } from '../../ui/actionId.js';
import { buttons, context, fields, text, type Block, type Message } from '../../ui/card.js';
import { textHash, type Pledge } from './pledges.repository.js';

export const SIGN_ACTION = 'pledge.sign';
export const NON_SIGNERS_ACTION = 'pledge.nonsigners';

export interface PledgeCardOptions {
  /** Why it arrives: a campaign (with its due date), a reminder (n of max), or a welcome. */
  intro?: string;
  dueOn?: string | null;
}

/** The full text with one button; the button names the version and the language shown. */
export function pledgeCard(pledge: Pledge, locale: Locale, t: Translator, options: PledgeCardOptions = {}): Message {
  const blocks: Block[] = [];
  if (options.intro) blocks.push(context(options.intro));
  blocks.push(text(pledge.body.text[locale]));
  blocks.push(buttons([{ actionId: encodeAction(SIGN_ACTION, [pledge.id, locale]), label: t('pledge.sign_button'), style: 'primary' }]));
  const notes = [t('pledge.card.evidence', { version: pledge.version })];
  if (options.dueOn) notes.unshift(t('pledge.card.due', { due: options.dueOn }));
  blocks.push(context(notes.join(' · ')));
  return { text: t('pledge.card.notification', { title: pledge.body.title[locale] }), card: { title: `📜 ${pledge.body.title[locale]}`, blocks } };
}

/** The same card once signed: the text stays, the button is gone, the evidence is shown. */
export function signedCard(pledge: Pledge, locale: Locale, t: Translator, signedAt: string): Message {
  const hash = textHash(pledge.body.text[locale]);
  return {
    text: t('pledge.signed', { title: pledge.body.title[locale], time: signedAt }),
    card: {
      title: `✅ ${pledge.body.title[locale]}`,
      blocks: [
        text(pledge.body.text[locale]),
        fields([
          { label: t('pledge.signed_at'), value: signedAt },
          { label: t('pledge.version'), value: String(pledge.version) },
        ]),
        context(t('pledge.card.hash', { hash: hash.slice(0, 16) })),
      ],
    },
  };
}
