/**
 * What Slack and Discord accept, checked the way the platforms check it: Discord's own validators
 * (@discordjs/builders setters, which count UTF-16 units as Discord does) and Slack's Block Kit limits
 * (adapters/slack/limits.ts). Each check returns problems as readable lines; none means the platform
 * takes the message.
 */
import { ActionRowBuilder, ButtonBuilder, EmbedBuilder, embedLength } from '@discordjs/builders';
import type { APIEmbed } from 'discord-api-types/v10';
import { DISCORD_BUTTONS_PER_ROW, DISCORD_EMBED_TOTAL_MAX, DISCORD_EMBEDS_MAX, DISCORD_MESSAGE_CONTENT_MAX, DISCORD_ROWS_MAX } from '../../adapters/discord/limits.js';
import { renderForm as renderDiscordForm, renderMessage as renderDiscord } from '../../adapters/discord/render.js';
import {
  SLACK_ACTION_ID_MAX,
  SLACK_ACTIONS_PER_BLOCK,
  SLACK_BUTTON_TEXT_MAX,
  SLACK_CONTEXT_TEXT_MAX,
  SLACK_FIELD_TEXT_MAX,
  SLACK_FIELDS_PER_SECTION,
  SLACK_HEADER_TEXT_MAX,
  SLACK_MAX_BLOCKS,
  SLACK_MESSAGE_TEXT_MAX,
  SLACK_SECTION_TEXT_MAX,
} from '../../adapters/slack/limits.js';
import { renderForm as renderSlackForm, renderMessage as renderSlack, SLACK_MODAL_TITLE_MAX, type SlackBlock, type SlackText } from '../../adapters/slack/render.js';
import type { Message } from '../../src/ui/card.js';
import type { Form } from '../../src/ui/form.js';

/** Elements in one context block (Block Kit). */
const SLACK_CONTEXT_ELEMENTS_MAX = 10;
/** Blocks in a modal or the Home tab (Block Kit). */
const SLACK_VIEW_BLOCKS_MAX = 100;

const attempt = (problems: string[], where: string, build: () => unknown): void => {
  try {
    build();
  } catch (error) {
    // The builders' validator (shapeshift) gathers its findings under `errors`; the first says which check failed.
    const detail = (error as { errors?: Array<{ message?: string } | [string, { message?: string }]> }).errors?.[0];
    const reason = Array.isArray(detail) ? `${detail[0]}: ${detail[1]?.message}` : detail?.message;
    problems.push(`${where}: ${(error as Error).message.split('\n')[0]}${reason ? ` (${reason})` : ''}`);
  }
};

const within = (problems: string[], where: string, value: string | undefined, max: number): void => {
  if (value === undefined) return problems.push(`${where}: missing`) as unknown as void;
  if (value.trim() === '') problems.push(`${where}: empty`);
  if (value.length > max) problems.push(`${where}: ${value.length} UTF-16 units, over ${max}`);
};

/** mrkdwn with nothing Slack would read as a mention, a link or a broken entity. */
function inert(problems: string[], where: string, text: string): void {
  if (/[<>]/.test(text)) problems.push(`${where}: unescaped < or > in mrkdwn`);
  if (/&(?!amp;|lt;|gt;)/.test(text)) problems.push(`${where}: & not part of an entity`);
}

function slackText(problems: string[], where: string, t: SlackText, max: number): void {
  within(problems, where, t.text, max);
  if (t.type === 'mrkdwn') inert(problems, where, t.text);
}

export function slackProblems(message: Message): string[] {
  const problems: string[] = [];
  const rendered = renderSlack(message);
  within(problems, 'text', rendered.text, SLACK_MESSAGE_TEXT_MAX);
  inert(problems, 'text', rendered.text);
  if (rendered.blocks.length > SLACK_MAX_BLOCKS) problems.push(`${rendered.blocks.length} blocks, over ${SLACK_MAX_BLOCKS}`);
  rendered.blocks.forEach((block: SlackBlock, i) => {
    const where = `blocks[${i}] ${block.type}`;
    switch (block.type) {
      case 'header':
        within(problems, where, block.text.text, SLACK_HEADER_TEXT_MAX);
        break;
      case 'section':
        if (!block.text && !block.fields) problems.push(`${where}: neither text nor fields`);
        if (block.text) slackText(problems, where, block.text, SLACK_SECTION_TEXT_MAX);
        if (block.fields) {
          if (block.fields.length === 0 || block.fields.length > SLACK_FIELDS_PER_SECTION) problems.push(`${where}: ${block.fields.length} fields`);
          block.fields.forEach((f, j) => slackText(problems, `${where}.fields[${j}]`, f, SLACK_FIELD_TEXT_MAX));
        }
        break;
      case 'context':
        if (block.elements.length === 0 || block.elements.length > SLACK_CONTEXT_ELEMENTS_MAX) problems.push(`${where}: ${block.elements.length} elements`);
        block.elements.forEach((e, j) => slackText(problems, `${where}.elements[${j}]`, e, SLACK_CONTEXT_TEXT_MAX));
        break;
      case 'actions':
        if (block.elements.length === 0 || block.elements.length > SLACK_ACTIONS_PER_BLOCK) problems.push(`${where}: ${block.elements.length} buttons`);
        block.elements.forEach((b, j) => {
          within(problems, `${where}.elements[${j}].text`, b.text.text, SLACK_BUTTON_TEXT_MAX);
          within(problems, `${where}.elements[${j}].action_id`, b.action_id, SLACK_ACTION_ID_MAX);
        });
        break;
      case 'divider':
        break;
    }
  });
  return problems;
}

/** Discord's own checks: every embed and button through the builders' validating setters, and the message's totals. */
export function discordProblems(message: Message): string[] {
  const problems: string[] = [];
  for (const withContent of [false, true]) {
    const rendered = renderDiscord(message, { withContent });
    const at = withContent ? 'post' : 'reply';
    if (rendered.content !== undefined) within(problems, `${at}.content`, rendered.content, DISCORD_MESSAGE_CONTENT_MAX);
    if (rendered.content === undefined && rendered.embeds.length === 0 && rendered.components.length === 0) problems.push(`${at}: empty message`);
    if (JSON.stringify(rendered.allowed_mentions) !== JSON.stringify({ parse: [] })) problems.push(`${at}: allowed_mentions would let mentions ping`);
    if (rendered.embeds.length > DISCORD_EMBEDS_MAX) problems.push(`${at}: ${rendered.embeds.length} embeds, over ${DISCORD_EMBEDS_MAX}`);
    const total = rendered.embeds.reduce((n, e) => n + embedLength(e), 0);
    if (total > DISCORD_EMBED_TOTAL_MAX) problems.push(`${at}: embeds total ${total}, over ${DISCORD_EMBED_TOTAL_MAX}`);
    rendered.embeds.forEach((e: APIEmbed, i) => {
      const where = `${at}.embeds[${i}]`;
      if (!e.title && !e.description && !(e.fields?.length)) problems.push(`${where}: empty embed`);
      attempt(problems, where, () => {
        const builder = new EmbedBuilder();
        if (e.color !== undefined) builder.setColor(e.color);
        if (e.title !== undefined) builder.setTitle(e.title);
        if (e.description !== undefined) builder.setDescription(e.description);
        if (e.fields) builder.addFields(...e.fields);
        return builder.toJSON();
      });
    });
    if (rendered.components.length > DISCORD_ROWS_MAX) problems.push(`${at}: ${rendered.components.length} rows, over ${DISCORD_ROWS_MAX}`);
    rendered.components.forEach((row, i) => {
      if (row.components.length === 0 || row.components.length > DISCORD_BUTTONS_PER_ROW) problems.push(`${at}.components[${i}]: ${row.components.length} buttons`);
      attempt(problems, `${at}.components[${i}]`, () =>
        new ActionRowBuilder<ButtonBuilder>()
          .addComponents(row.components.map((b) => new ButtonBuilder().setCustomId(b.custom_id).setLabel(b.label ?? '').setStyle(b.style).setDisabled(b.disabled ?? false)))
          .toJSON(),
      );
    });
  }
  return problems;
}

export function formProblems(form: Form): string[] {
  const problems: string[] = [];
  attempt(problems, 'discord modal', () => renderDiscordForm(form).toJSON());
  const modal = renderSlackForm(form, '닫기');
  for (const [name, value] of [['title', modal.title.text], ['submit', modal.submit.text], ['close', modal.close.text]] as const) within(problems, `slack modal ${name}`, value, SLACK_MODAL_TITLE_MAX);
  if (modal.blocks.length > SLACK_VIEW_BLOCKS_MAX) problems.push(`slack modal: ${modal.blocks.length} blocks`);
  return problems;
}
