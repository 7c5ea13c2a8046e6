/**
 * Card → Block Kit, pure. Slack's mrkdwn differs from the card's markdown subset (*bold*, not **bold**),
 * buttons cannot be disabled (so an answered card lists its choices as text), and every limit in
 * limits.ts is applied here so Slack never rejects a message.
 *
 * Every text of a card is untrusted here — a letter's title, a member's name, a pledge — so `&`, `<`
 * and `>` are escaped in one place (escapeMrkdwn, through toMrkdwn and mrkdwnText) before anything is
 * sent as mrkdwn: `<!channel>`, `<@U…>` and `<https://…|label>` in a card arrive as inert text. Only
 * the formatting this renderer adds itself (*bold*, • bullets) stays live. plain_text objects (header,
 * button labels) are never parsed by Slack, so they are sent as they are.
 */
import type { Form } from '../../src/ui/form.js';
import type { Block, Button, Card, Message } from '../../src/ui/card.js';
import { CUT_MARK, splitText as splitPlain, truncate } from '../../src/ui/text.js';

export { truncate };
import {
  SLACK_ACTIONS_PER_BLOCK,
  SLACK_BUTTON_TEXT_MAX,
  SLACK_CONTEXT_TEXT_MAX,
  SLACK_FIELD_TEXT_MAX,
  SLACK_FIELDS_PER_SECTION,
  SLACK_HEADER_TEXT_MAX,
  SLACK_MAX_BLOCKS,
  SLACK_MESSAGE_TEXT_MAX,
  SLACK_SECTION_TEXT_MAX,
} from './limits.js';

export type SlackText = { type: 'mrkdwn'; text: string } | { type: 'plain_text'; text: string; emoji?: boolean };
export type SlackButton = { type: 'button'; action_id: string; text: { type: 'plain_text'; text: string; emoji: boolean }; style?: 'primary' | 'danger' };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'actions'; elements: SlackButton[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** An entity cut short at the end of escaped text ("&am"): a cut moves before it. */
const PARTIAL_ENTITY = /&[a-z]{0,3}$/;

/** Slack's escaping rule for text it must not read as control sequences (api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Splits escaped mrkdwn into pieces within `max` (UTF-16 units), preferring line breaks, never inside an entity. */
export function splitText(value: string, max: number): string[] {
  return splitPlain(value, max, PARTIAL_ENTITY);
}

/** truncate for escaped mrkdwn: the cut never leaves half an entity. */
export function truncateMrkdwn(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = truncate(value, max);
  return `${cut.slice(0, -CUT_MARK.length).replace(PARTIAL_ENTITY, '')}${CUT_MARK}`;
}

/** The card's markdown subset → Slack mrkdwn, the text escaped first so only this conversion is live. */
export function toMrkdwn(markdown: string): string {
  return escapeMrkdwn(markdown)
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/^- /gm, '• ');
}

const mrkdwn = (value: string): SlackText => ({ type: 'mrkdwn', text: value });
/** Slack refuses a section or context whose text is empty (or only spaces): such a block is left out. */
const blank = (value: string): boolean => value.trim() === '';

/** A button label as Slack shows it, and whether that cut it. */
const buttonLabel = (b: Button): string => truncate(b.label, SLACK_BUTTON_TEXT_MAX) || CUT_MARK;

function renderButtons(buttons: readonly Button[]): SlackBlock[] {
  const live = buttons.filter((b) => !b.disabled);
  const done = buttons.filter((b) => b.disabled);
  const blocks: SlackBlock[] = [];
  // A label too long for its button (a quiz choice) is read in full above the buttons.
  if (live.some((b) => b.label.length > SLACK_BUTTON_TEXT_MAX)) {
    const list = live.map((b) => `• ${escapeMrkdwn(b.label)}`).join('\n');
    for (const piece of splitText(list, SLACK_SECTION_TEXT_MAX)) blocks.push({ type: 'section', text: mrkdwn(piece) });
  }
  for (let i = 0; i < live.length; i += SLACK_ACTIONS_PER_BLOCK) {
    blocks.push({
      type: 'actions',
      elements: live.slice(i, i + SLACK_ACTIONS_PER_BLOCK).map((b) => ({
        type: 'button',
        action_id: b.actionId,
        text: { type: 'plain_text', text: buttonLabel(b), emoji: true },
        ...(b.style === 'primary' || b.style === 'danger' ? { style: b.style } : {}),
      })),
    });
  }
  // Slack has no disabled buttons: an answered card shows its choices as a list instead.
  const answered = done.filter((b) => !blank(b.label)).map((b) => (b.style === 'primary' ? `*${escapeMrkdwn(b.label)}*` : escapeMrkdwn(b.label)));
  if (answered.length > 0) for (const piece of splitText(answered.join('\n'), SLACK_SECTION_TEXT_MAX)) blocks.push({ type: 'section', text: mrkdwn(piece) });
  return blocks;
}

/** One field as Slack shows it: the label in bold over the value; neither is ever empty. */
function fieldText(label: string, value: string): SlackText {
  const parts = [blank(label) ? '' : `*${escapeMrkdwn(label)}*`, blank(value) ? '–' : toMrkdwn(value)].filter((p) => p !== '');
  return mrkdwn(truncateMrkdwn(parts.join('\n'), SLACK_FIELD_TEXT_MAX));
}

function context(value: string): SlackBlock[] {
  return blank(value) ? [] : [{ type: 'context', elements: [mrkdwn(truncateMrkdwn(value, SLACK_CONTEXT_TEXT_MAX))] }];
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.type) {
    case 'text':
      if (blank(block.text)) return [];
      return splitText(toMrkdwn(block.text), SLACK_SECTION_TEXT_MAX)
        .filter((piece) => !blank(piece))
        .map((piece) => ({ type: 'section', text: mrkdwn(piece) }));
    case 'context':
      return context(toMrkdwn(block.text));
    case 'fields': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += SLACK_FIELDS_PER_SECTION) {
        out.push({ type: 'section', fields: block.fields.slice(i, i + SLACK_FIELDS_PER_SECTION).map((f) => fieldText(f.label, f.value)) });
      }
      return out;
    }
    case 'buttons':
      return renderButtons(block.buttons);
    case 'divider':
      return [{ type: 'divider' }];
    case 'image':
      // Images go up as files (files.uploadV2); the message names them.
      return context(escapeMrkdwn(block.alt));
  }
}

export function renderCard(card: Card): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  if (card.title && !blank(card.title)) blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(card.title, SLACK_HEADER_TEXT_MAX), emoji: true } });
  for (const block of card.blocks) blocks.push(...renderBlock(block));
  if (blocks.length <= SLACK_MAX_BLOCKS) return blocks;
  // Keep the first blocks and say that the rest was cut, rather than have Slack refuse the message.
  return [...blocks.slice(0, SLACK_MAX_BLOCKS - 1), { type: 'context', elements: [mrkdwn(CUT_MARK)] }];
}

export function renderMessage(message: Message): SlackMessage {
  // The top-level text is the notification and the fallback: mrkdwn too, so escaped like the rest.
  const text = truncateMrkdwn(escapeMrkdwn(message.text), SLACK_MESSAGE_TEXT_MAX);
  return { text: blank(text) ? CUT_MARK : text, blocks: message.card ? renderCard(message.card) : [] };
}

/** Block Kit modal limits: title and button texts 24 characters, labels 2,000, placeholders 150, plain text input 3,000. */
export const SLACK_MODAL_TITLE_MAX = 24;
export const SLACK_INPUT_MAX = 3000;
const SLACK_LABEL_MAX = 2000;
const SLACK_PLACEHOLDER_MAX = 150;

/** A core form as a Slack modal: one input block per field, the field id as block and action id. */
export function renderForm(form: Form, closeLabel: string) {
  return {
    type: 'modal' as const,
    callback_id: form.id,
    title: { type: 'plain_text' as const, text: truncate(form.title, SLACK_MODAL_TITLE_MAX) },
    submit: { type: 'plain_text' as const, text: truncate(form.submitLabel, SLACK_MODAL_TITLE_MAX) },
    close: { type: 'plain_text' as const, text: truncate(closeLabel, SLACK_MODAL_TITLE_MAX) },
    blocks: form.fields.map((f) => ({
      type: 'input' as const,
      block_id: f.id,
      optional: !f.required,
      label: { type: 'plain_text' as const, text: truncate(f.label, SLACK_LABEL_MAX) },
      element: {
        type: 'plain_text_input' as const,
        action_id: f.id,
        multiline: f.multiline === true,
        max_length: Math.min(f.maxLength, SLACK_INPUT_MAX),
        ...(f.initial ? { initial_value: truncate(f.initial, Math.min(f.maxLength, SLACK_INPUT_MAX)) } : {}),
        ...(f.placeholder ? { placeholder: { type: 'plain_text' as const, text: truncate(f.placeholder, SLACK_PLACEHOLDER_MAX) } } : {}),
      },
    })),
  };
}
