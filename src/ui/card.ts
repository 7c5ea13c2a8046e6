/**
 * Messages and cards as plain data. Adapters render them (Block Kit, Discord embeds, terminal text);
 * handlers never see a platform payload. `text` is always present: it is the notification line and
 * the fallback for clients that cannot show the card.
 */
export interface Message {
  text: string;
  card?: Card;
  /** Files that travel with the message (PNG charts, CSV and XLSX exports). */
  files?: Attachment[];
}

export interface Attachment {
  /** The file name shown to people and used when saving it, e.g. "participation-2026-11.csv". */
  name: string;
  data: Uint8Array;
  /** MIME type, e.g. "image/png", "text/csv". */
  contentType: string;
  title?: string;
}

export interface Card {
  title?: string;
  blocks: Block[];
}

export type ButtonStyle = 'primary' | 'danger' | 'default';

export interface Button {
  /** Encoded with the action-id codec (≤ 100 characters, Discord's custom_id limit). */
  actionId: string;
  label: string;
  style?: ButtonStyle;
  disabled?: boolean;
}

export interface Field {
  label: string;
  value: string;
}

/** Text blocks use a small markdown subset: **bold**, _italic_, `code`, line breaks, "- " bullets. */
export type Block =
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: Field[] }
  | { type: 'buttons'; buttons: Button[] }
  | { type: 'context'; text: string }
  | { type: 'divider' }
  | { type: 'image'; png: Uint8Array; alt: string };

export const text = (value: string): Block => ({ type: 'text', text: value });
export const context = (value: string): Block => ({ type: 'context', text: value });
export const divider = (): Block => ({ type: 'divider' });
export const fields = (items: Field[]): Block => ({ type: 'fields', fields: items });
export const buttons = (items: Button[]): Block => ({ type: 'buttons', buttons: items });

/** Every button of a card, in reading order. */
export function cardButtons(card: Card | undefined): Button[] {
  if (!card) return [];
  return card.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
}
