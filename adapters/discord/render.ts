/**
 * Card → Discord message (embeds + action rows), pure, typed against discord-api-types. Discord's
 * markdown already reads **bold** and "- " lists; buttons can be disabled; at most 5 buttons a row and
 * 5 rows, labels of 80 characters and custom ids of 100 (the core's action-id codec guarantees that).
 *
 * Nothing people must read is dropped without a word: a text longer than one embed continues in the
 * next (up to Discord's 10 embeds and 6,000 characters a message), button labels too long for a button
 * are listed in full above it, and fields or buttons beyond Discord's counts are named in a line of
 * their own. Lengths are UTF-16 units, as Discord counts them. Mentions never ping (allowed_mentions).
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIAllowedMentions, type APIButtonComponentWithCustomId, type APIEmbed, type APIEmbedField } from 'discord-api-types/v10';
import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { Button, Card, Field, Message } from '../../src/ui/card.js';
import type { Form } from '../../src/ui/form.js';
import { CUT_MARK, splitText, truncate } from '../../src/ui/text.js';
import {
  DISCORD_BUTTON_LABEL_MAX,
  DISCORD_BUTTONS_PER_ROW,
  DISCORD_CUSTOM_ID_MAX,
  DISCORD_EMBED_DESCRIPTION_MAX,
  DISCORD_EMBED_FIELDS_MAX,
  DISCORD_EMBED_TITLE_MAX,
  DISCORD_EMBED_TOTAL_MAX,
  DISCORD_EMBEDS_MAX,
  DISCORD_FIELD_NAME_MAX,
  DISCORD_FIELD_VALUE_MAX,
  DISCORD_MESSAGE_CONTENT_MAX,
  DISCORD_ROWS_MAX,
} from './limits.js';

/** Probity's brand colour on embeds. */
export const EMBED_COLOUR = 0x1d4e89;

/**
 * Probity never needs to ping anyone: a letter titled "@everyone …" or a name like "<@123>" stays
 * text. Sent with every message, reply, follow-up and edit.
 */
export const NO_MENTIONS: APIAllowedMentions = { parse: [] };

/** Discord refuses an empty field name; a zero-width space shows nothing and is accepted. */
const EMPTY_FIELD_NAME = '\u200b';
/** What an empty field value shows. */
const EMPTY_FIELD_VALUE = '–';
/** Buttons one message can carry: five rows of five. */
const DISCORD_BUTTONS_MAX = DISCORD_BUTTONS_PER_ROW * DISCORD_ROWS_MAX;

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowed_mentions: APIAllowedMentions;
}

const STYLES: Record<NonNullable<Button['style']>, ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  default: ButtonStyle.Secondary,
};

const blank = (value: string): boolean => value.trim() === '';

function button(b: Button): APIButtonComponentWithCustomId {
  if (b.actionId.length > DISCORD_CUSTOM_ID_MAX) throw new Error(`custom_id over ${DISCORD_CUSTOM_ID_MAX} characters: ${b.actionId}`);
  const label = blank(b.label) ? CUT_MARK : truncate(b.label, DISCORD_BUTTON_LABEL_MAX);
  return { type: ComponentType.Button, custom_id: b.actionId, label, style: STYLES[b.style ?? 'default'], ...(b.disabled ? { disabled: true } : {}) };
}

const fieldOf = (f: Field): APIEmbedField => ({
  name: blank(f.label) ? EMPTY_FIELD_NAME : truncate(f.label, DISCORD_FIELD_NAME_MAX),
  value: blank(f.value) ? EMPTY_FIELD_VALUE : truncate(f.value, DISCORD_FIELD_VALUE_MAX),
  inline: true,
});
const fieldLength = (f: APIEmbedField): number => f.name.length + f.value.length;
/** A field that found no room, as a line of the description. */
const fieldLine = (f: Field): string => `**${f.label}**: ${f.value}`;
/** Subtext: Discord's small grey line. */
const subtext = (value: string): string => value.split('\n').map((l) => `-# ${l}`).join('\n');

/** The card's blocks as description paragraphs, fields and buttons, in reading order. */
function contentsOf(card: Card): { paragraphs: string[]; fields: Field[]; buttons: Button[] } {
  const paragraphs: string[] = [];
  const fields: Field[] = [];
  const buttons: Button[] = [];
  for (const block of card.blocks) {
    switch (block.type) {
      case 'text':
        if (!blank(block.text)) paragraphs.push(block.text);
        break;
      case 'context':
        if (!blank(block.text)) paragraphs.push(subtext(block.text));
        break;
      case 'fields':
        fields.push(...block.fields);
        break;
      case 'divider':
        paragraphs.push('');
        break;
      case 'buttons':
        // A label too long for its button (a quiz choice) is read in full above the buttons.
        if (block.buttons.some((b) => b.label.length > DISCORD_BUTTON_LABEL_MAX)) paragraphs.push(block.buttons.map((b) => `- ${b.label}`).join('\n'));
        buttons.push(...block.buttons);
        break;
      case 'image':
        if (!blank(block.alt)) paragraphs.push(subtext(block.alt));
        break;
    }
  }
  return { paragraphs, fields, buttons };
}

/**
 * The card as embeds within Discord's limits, all counted together as Discord counts them (title,
 * description and every field name and value, 6,000 in all): the title and fields first, then the
 * description, which continues in further embeds of 4,096 and gives way only at the total.
 */
function embedsOf(card: Card): { embeds: APIEmbed[]; buttons: Button[] } {
  const { paragraphs, fields, buttons } = contentsOf(card);
  const shown = buttons.slice(0, DISCORD_BUTTONS_MAX);
  const leftOutButtons = buttons.slice(DISCORD_BUTTONS_MAX);
  const title = card.title && !blank(card.title) ? truncate(card.title, DISCORD_EMBED_TITLE_MAX) : undefined;
  let budget = DISCORD_EMBED_TOTAL_MAX - (title?.length ?? 0);

  // Fields take their room while at least half of what is left remains for the description.
  const kept: APIEmbedField[] = [];
  const leftOutFields: Field[] = [];
  for (const f of fields) {
    const rendered = fieldOf(f);
    const room = kept.length < DISCORD_EMBED_FIELDS_MAX * (DISCORD_EMBEDS_MAX - 1) && fieldLength(rendered) <= budget / 2;
    if (room && leftOutFields.length === 0) {
      kept.push(rendered);
      budget -= fieldLength(rendered);
    } else leftOutFields.push(f);
  }
  const notes: string[] = [];
  if (leftOutFields.length > 0) notes.push(leftOutFields.map(fieldLine).join('\n'));
  if (leftOutButtons.length > 0) notes.push(subtext(`${CUT_MARK} ${leftOutButtons.map((b) => b.label).join(' · ')}`));
  const description = [...paragraphs, ...notes].join('\n\n').trim();

  const fieldEmbeds = Math.ceil(kept.length / DISCORD_EMBED_FIELDS_MAX);
  const maxPieces = Math.max(1, DISCORD_EMBEDS_MAX - Math.max(0, fieldEmbeds - 1));
  const pieces = description ? splitText(truncate(description, Math.max(1, budget)), DISCORD_EMBED_DESCRIPTION_MAX).filter((p) => !blank(p)) : [];
  if (pieces.length > maxPieces) pieces.splice(maxPieces - 1, pieces.length, truncate(pieces.slice(maxPieces - 1).join('\n'), DISCORD_EMBED_DESCRIPTION_MAX));

  const embeds: APIEmbed[] = pieces.map((piece) => ({ color: EMBED_COLOUR, description: piece }));
  if (embeds.length === 0) embeds.push({ color: EMBED_COLOUR });
  if (title) embeds[0] = { color: EMBED_COLOUR, title, ...(embeds[0]!.description ? { description: embeds[0]!.description } : {}) };
  // The fields follow the text: the first 25 on its last embed, any more on embeds of their own.
  for (let i = 0; i < kept.length; i += DISCORD_EMBED_FIELDS_MAX) {
    const chunk = kept.slice(i, i + DISCORD_EMBED_FIELDS_MAX);
    if (i === 0) embeds[embeds.length - 1]!.fields = chunk;
    else embeds.push({ color: EMBED_COLOUR, fields: chunk });
  }
  const empty = embeds.length === 1 && !embeds[0]!.title && !embeds[0]!.description && !embeds[0]!.fields;
  return { embeds: empty ? [] : embeds, buttons: shown };
}

function rows(buttons: readonly Button[]): DiscordMessage['components'] {
  const out: DiscordMessage['components'] = [];
  for (let i = 0; i < buttons.length && out.length < DISCORD_ROWS_MAX; i += DISCORD_BUTTONS_PER_ROW) {
    out.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + DISCORD_BUTTONS_PER_ROW).map(button) });
  }
  return out;
}

/**
 * `content` carries the notification text for posts that people are notified of (a channel post, a
 * DM); interaction replies show only the embeds — unless the card has nothing to show, when the text
 * stands in so Discord never gets an empty message.
 */
export function renderMessage(message: Message, options: { withContent: boolean } = { withContent: false }): DiscordMessage {
  const text = blank(message.text) ? CUT_MARK : truncate(message.text, DISCORD_MESSAGE_CONTENT_MAX);
  if (!message.card) return { content: text, embeds: [], components: [], allowed_mentions: NO_MENTIONS };
  const { embeds, buttons } = embedsOf(message.card);
  const content = options.withContent || embeds.length === 0 ? { content: text } : {};
  return { ...content, embeds, components: rows(buttons), allowed_mentions: NO_MENTIONS };
}

/** Discord modal limits: title and labels 45 characters, placeholders 100, values 4,000, five inputs. */
const MODAL_TITLE_MAX = 45;
const MODAL_LABEL_MAX = 45;
const MODAL_PLACEHOLDER_MAX = 100;
const MODAL_VALUE_MAX = 4000;
const MODAL_INPUTS_MAX = 5;

/** A core form as a Discord modal: one text input per field (the field id is the input's custom id). */
export function renderForm(form: Form): ModalBuilder {
  const modal = new ModalBuilder().setCustomId(form.id).setTitle(truncate(form.title, MODAL_TITLE_MAX));
  for (const field of form.fields.slice(0, MODAL_INPUTS_MAX)) {
    const input = new TextInputBuilder()
      .setCustomId(field.id)
      .setLabel(truncate(field.label, MODAL_LABEL_MAX))
      .setStyle(field.multiline ? TextInputStyle.Paragraph : TextInputStyle.Short)
      .setRequired(field.required)
      .setMaxLength(Math.min(field.maxLength, MODAL_VALUE_MAX));
    if (field.initial) input.setValue(truncate(field.initial, Math.min(field.maxLength, MODAL_VALUE_MAX)));
    if (field.placeholder) input.setPlaceholder(truncate(field.placeholder, MODAL_PLACEHOLDER_MAX));
    modal.addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
  }
  return modal;
}
