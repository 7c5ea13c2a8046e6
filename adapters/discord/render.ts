/**
 * Card → Discord message (embed + action rows), pure, typed against discord-api-types. Discord's
 * markdown already reads **bold** and "- " lists; buttons can be disabled; at most 5 buttons a row and
 * 5 rows, labels of 80 characters and custom ids of 100 (the core's action-id codec guarantees that).
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed } from 'discord-api-types/v10';
import { ActionRowBuilder, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { Button, Card, Message } from '../../src/ui/card.js';
import type { Form } from '../../src/ui/form.js';
import { truncate } from '../../src/ui/text.js';
import {
  DISCORD_BUTTON_LABEL_MAX,
  DISCORD_BUTTONS_PER_ROW,
  DISCORD_CUSTOM_ID_MAX,
  DISCORD_EMBED_DESCRIPTION_MAX,
  DISCORD_EMBED_FIELDS_MAX,
  DISCORD_EMBED_TITLE_MAX,
  DISCORD_EMBED_TOTAL_MAX,
  DISCORD_FIELD_NAME_MAX,
  DISCORD_FIELD_VALUE_MAX,
  DISCORD_MESSAGE_CONTENT_MAX,
  DISCORD_ROWS_MAX,
} from './limits.js';

/** Probity's brand colour on embeds. */
export const EMBED_COLOUR = 0x1d4e89;

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
}

const STYLES: Record<NonNullable<Button['style']>, ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  default: ButtonStyle.Secondary,
};

function button(b: Button): APIButtonComponentWithCustomId {
  if (b.actionId.length > DISCORD_CUSTOM_ID_MAX) throw new Error(`custom_id over ${DISCORD_CUSTOM_ID_MAX} characters: ${b.actionId}`);
  return { type: ComponentType.Button, custom_id: b.actionId, label: truncate(b.label, DISCORD_BUTTON_LABEL_MAX), style: STYLES[b.style ?? 'default'], ...(b.disabled ? { disabled: true } : {}) };
}

function embedOf(card: Card): { embed: APIEmbed; buttons: Button[] } {
  const lines: string[] = [];
  const fields: NonNullable<APIEmbed['fields']> = [];
  const buttons: Button[] = [];
  for (const block of card.blocks) {
    switch (block.type) {
      case 'text':
        lines.push(block.text);
        break;
      case 'context':
        // Subtext: Discord's small grey line.
        lines.push(block.text.split('\n').map((l) => `-# ${l}`).join('\n'));
        break;
      case 'fields':
        for (const f of block.fields) fields.push({ name: truncate(f.label, DISCORD_FIELD_NAME_MAX), value: truncate(f.value || '–', DISCORD_FIELD_VALUE_MAX), inline: true });
        break;
      case 'divider':
        lines.push('');
        break;
      case 'buttons':
        buttons.push(...block.buttons);
        break;
      case 'image':
        lines.push(`-# ${block.alt}`);
        break;
    }
  }
  const embed: APIEmbed = { color: EMBED_COLOUR };
  if (card.title) embed.title = truncate(card.title, DISCORD_EMBED_TITLE_MAX);
  const description = lines.join('\n\n').trim();
  if (description) embed.description = truncate(description, DISCORD_EMBED_DESCRIPTION_MAX);
  if (fields.length > 0) embed.fields = fields.slice(0, DISCORD_EMBED_FIELDS_MAX);
  // All of an embed's text together stays within Discord's total: the description gives way.
  const others = [...(embed.title ?? '')].length + (embed.fields ?? []).reduce((n, f) => n + [...f.name].length + [...f.value].length, 0);
  if (embed.description && others + [...embed.description].length > DISCORD_EMBED_TOTAL_MAX) {
    embed.description = truncate(embed.description, Math.max(1, DISCORD_EMBED_TOTAL_MAX - others));
  }
  return { embed, buttons };
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
 * DM); interaction replies show only the embed.
 */
export function renderMessage(message: Message, options: { withContent: boolean } = { withContent: false }): DiscordMessage {
  const content = options.withContent || !message.card ? { content: truncate(message.text, DISCORD_MESSAGE_CONTENT_MAX) } : {};
  if (!message.card) return { ...content, embeds: [], components: [] };
  const { embed, buttons } = embedOf(message.card);
  return { ...content, embeds: [embed], components: rows(buttons) };
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
