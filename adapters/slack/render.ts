/**
 * Card → Block Kit, pure. Slack's mrkdwn differs from the card's markdown subset (*bold*, not **bold**),
 * buttons cannot be disabled (so an answered card lists its choices as text), and every limit in
 * limits.ts is applied here so Slack never rejects a message.
 */
import type { Form } from '../../src/ui/form.js';
import type { Block, Button, Card, Message } from '../../src/ui/card.js';
import { truncate } from '../../src/ui/text.js';

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

/** Splits long text at line breaks where possible, each piece within `max`. */
export function splitText(value: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = value;
  while ([...rest].length > max) {
    const chars = [...rest];
    const window = chars.slice(0, max).join('');
    const cut = window.lastIndexOf('\n') > max / 2 ? window.lastIndexOf('\n') : window.length;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest !== '' || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** The card's markdown subset → Slack mrkdwn. */
export function toMrkdwn(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/^- /gm, '• ');
}

const mrkdwn = (value: string): SlackText => ({ type: 'mrkdwn', text: value });

function renderButtons(buttons: readonly Button[]): SlackBlock[] {
  const live = buttons.filter((b) => !b.disabled);
  const done = buttons.filter((b) => b.disabled);
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < live.length; i += SLACK_ACTIONS_PER_BLOCK) {
    blocks.push({
      type: 'actions',
      elements: live.slice(i, i + SLACK_ACTIONS_PER_BLOCK).map((b) => ({
        type: 'button',
        action_id: b.actionId,
        text: { type: 'plain_text', text: truncate(b.label, SLACK_BUTTON_TEXT_MAX), emoji: true },
        ...(b.style === 'primary' || b.style === 'danger' ? { style: b.style } : {}),
      })),
    });
  }
  // Slack has no disabled buttons: an answered card shows its choices as a list instead.
  if (done.length > 0) blocks.push({ type: 'section', text: mrkdwn(truncate(done.map((b) => (b.style === 'primary' ? `*${b.label}*` : b.label)).join('\n'), SLACK_SECTION_TEXT_MAX)) });
  return blocks;
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.type) {
    case 'text':
      return splitText(toMrkdwn(block.text), SLACK_SECTION_TEXT_MAX).map((piece) => ({ type: 'section', text: mrkdwn(piece) }));
    case 'context':
      return [{ type: 'context', elements: [mrkdwn(truncate(toMrkdwn(block.text), SLACK_CONTEXT_TEXT_MAX))] }];
    case 'fields': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += SLACK_FIELDS_PER_SECTION) {
        out.push({ type: 'section', fields: block.fields.slice(i, i + SLACK_FIELDS_PER_SECTION).map((f) => mrkdwn(truncate(`*${f.label}*\n${toMrkdwn(f.value)}`, SLACK_FIELD_TEXT_MAX))) });
      }
      return out;
    }
    case 'buttons':
      return renderButtons(block.buttons);
    case 'divider':
      return [{ type: 'divider' }];
    case 'image':
      // Images go up as files (files.uploadV2); the message names them.
      return [{ type: 'context', elements: [mrkdwn(truncate(block.alt, SLACK_CONTEXT_TEXT_MAX))] }];
  }
}

export function renderCard(card: Card): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  if (card.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(card.title, SLACK_HEADER_TEXT_MAX), emoji: true } });
  for (const block of card.blocks) blocks.push(...renderBlock(block));
  if (blocks.length <= SLACK_MAX_BLOCKS) return blocks;
  // Keep the first blocks and say that the rest was cut, rather than have Slack refuse the message.
  return [...blocks.slice(0, SLACK_MAX_BLOCKS - 1), { type: 'context', elements: [mrkdwn('…')] }];
}

export function renderMessage(message: Message): SlackMessage {
  return { text: truncate(message.text, SLACK_MESSAGE_TEXT_MAX), blocks: message.card ? renderCard(message.card) : [] };
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
