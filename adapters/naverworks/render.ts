/**
 * Card → NAVER WORKS message contents, pure. NAVER WORKS shows no markdown, so a card becomes plain
 * text; its buttons become a button template (bot-send-button) of message actions whose `postback` is
 * the core's action id — the only action a button template takes that reports back (bot-actionobject:
 * postback actions are for carousels and rich menus). NAVER WORKS has no disabled buttons: an answered
 * card lists its choices in the text instead, the chosen one marked.
 * A card whose text does not fit a button template's 1,000 characters goes as text first, then a
 * template with the notification line and the buttons.
 */
import type { Button, Card, Message } from '../../src/ui/card.js';
import { truncate } from '../../src/ui/text.js';
import {
  NAVERWORKS_ACTION_LABEL_MAX,
  NAVERWORKS_BUTTON_TEXT_MAX,
  NAVERWORKS_BUTTONS_MAX,
  NAVERWORKS_MESSAGE_ACTION_TEXT_MAX,
  NAVERWORKS_POSTBACK_MAX,
  NAVERWORKS_TEXT_MAX,
  NAVERWORKS_TEXT_PIECES_MAX,
} from './limits.js';

export interface NaverWorksMessageAction {
  type: 'message';
  label: string;
  /** What the member is shown to have sent when pressing it. */
  text: string;
  /** Comes back in the message callback's content.postback; without one the text is read as typed. */
  postback?: string;
  /** The label in the member's client language (en_US …), where it differs from `label`. */
  i18nLabels?: { language: string; label: string }[];
}
export type NaverWorksAction = NaverWorksMessageAction;

export type NaverWorksContent =
  | { type: 'text'; text: string }
  | { type: 'button_template'; contentText: string; actions: NaverWorksMessageAction[] }
  /** bot-send-file: a file uploaded beforehand (POST /bots/{botId}/attachments), named by its fileId. */
  | { type: 'file'; fileId: string };

/** The markdown subset as plain text: **bold** and `code` lose their marks, "- " bullets become "• ". */
export function plain(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^- /gm, '• ');
}

const CHOSEN_MARK = '✔ ';
const LIST_MARK = '· ';
const DIVIDER = '──────────';

function cardText(card: Card): { text: string; buttons: Button[] } {
  const paragraphs: string[] = [];
  const buttons: Button[] = [];
  if (card.title) paragraphs.push(`[${card.title}]`);
  for (const block of card.blocks) {
    switch (block.type) {
      case 'text':
      case 'context':
        paragraphs.push(plain(block.text));
        break;
      case 'fields':
        paragraphs.push(block.fields.map((f) => `${f.label}: ${plain(f.value) || '–'}`).join('\n'));
        break;
      case 'divider':
        paragraphs.push(DIVIDER);
        break;
      case 'image':
        paragraphs.push(`[${block.alt}]`);
        break;
      case 'buttons': {
        const done = block.buttons.filter((b) => b.disabled);
        if (done.length > 0) paragraphs.push(done.map((b) => `${b.style === 'primary' ? CHOSEN_MARK : LIST_MARK}${b.label}`).join('\n'));
        buttons.push(...block.buttons.filter((b) => !b.disabled));
        break;
      }
    }
  }
  return { text: paragraphs.join('\n\n'), buttons };
}

function action(button: Button): NaverWorksMessageAction {
  if (button.actionId.length > NAVERWORKS_POSTBACK_MAX) throw new Error(`postback over ${NAVERWORKS_POSTBACK_MAX} characters: ${button.actionId}`);
  return { type: 'message', label: truncate(button.label, NAVERWORKS_ACTION_LABEL_MAX), text: truncate(button.label, NAVERWORKS_MESSAGE_ACTION_TEXT_MAX), postback: button.actionId };
}

/** Text in pieces of at most `max` characters, cut at a line break where there is one. */
export function splitText(text: string, max: number, pieces: number): string[] {
  const out: string[] = [];
  let rest = text;
  while ([...rest].length > max && out.length < pieces - 1) {
    const head = [...rest].slice(0, max).join('');
    const cut = head.lastIndexOf('\n');
    const piece = cut > 0 ? head.slice(0, cut) : head;
    out.push(piece);
    rest = rest.slice(piece.length).replace(/^\n/, '');
  }
  out.push(truncate(rest, max));
  return out.filter((p) => p.trim() !== '');
}

/** One message as the contents it is sent as, in order: one in the usual case. */
export function renderMessage(message: Message): NaverWorksContent[] {
  const { text, buttons } = message.card ? cardText(message.card) : { text: plain(message.text), buttons: [] };
  const texts = (body: string): NaverWorksContent[] => splitText(body, NAVERWORKS_TEXT_MAX, NAVERWORKS_TEXT_PIECES_MAX).map((piece) => ({ type: 'text', text: piece }));
  if (buttons.length === 0) return texts(text || plain(message.text));
  const fits = [...text].length <= NAVERWORKS_BUTTON_TEXT_MAX;
  const contents: NaverWorksContent[] = fits ? [] : texts(text);
  for (let i = 0; i < buttons.length; i += NAVERWORKS_BUTTONS_MAX) {
    // The first template carries the card (or, after a long card, the notification line); more buttons than one template takes continue in more.
    const contentText = i > 0 ? '…' : fits ? text : truncate(plain(message.text), NAVERWORKS_BUTTON_TEXT_MAX);
    contents.push({ type: 'button_template', contentText, actions: buttons.slice(i, i + NAVERWORKS_BUTTONS_MAX).map(action) });
  }
  return contents;
}
