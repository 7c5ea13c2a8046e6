/**
 * The Discord adapter: a discord.js client with the Guilds intent only (no privileged intents). Every
 * interaction is deferred at once — Discord allows three seconds — then dispatched to the core and
 * completed with editReply or followUp. Answers stay ephemeral: the daily quiz is a channel post with
 * a button, and each member's question and result are theirs alone. Files ride on the same calls as
 * attachments (multipart to the interaction webhook), within the limit the interaction states.
 */
import { randomUUID } from 'node:crypto';
import { AttachmentBuilder, Client, DiscordAPIError, Events, GatewayIntentBits, MessageFlags, Routes, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type ModalSubmitInteraction, type StringSelectMenuInteraction } from 'discord.js';
import type { DiscordConfig } from '../../src/config.js';
import type { Services } from '../../src/engine/context.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/reply.js';
import { effectiveLocale } from '../../src/features/people/people.js';
import { accountFor, dmChannelStore, memberById } from '../../src/features/people/people.repository.js';
import { t, type Locale } from '../../src/i18n/index.js';
import type { Attachment, Message } from '../../src/ui/card.js';
import { truncate } from '../../src/ui/text.js';
import { integrityCommand } from './commands.js';
import { FormDrafts, REOPEN_PREFIX, reopenRow } from './formDrafts.js';
import { batches, partitionFiles, tooLargeNote, withNotes } from '../../src/ui/files.js';
import { commandEvent, componentEvent, DISCORD_WORKSPACE, hintsFromRoles, modalEvent, selectEvent, type InteractionFacts } from './inbound.js';
import { DISCORD_ATTACHMENT_DESCRIPTION_MAX, DISCORD_ATTACHMENT_MAX_BYTES, DISCORD_FILES_PER_MESSAGE } from './limits.js';
import { createRest, DiscordChatPort } from './outbound.js';
import { NO_MENTIONS, renderForm, renderMessage, type DiscordMessage } from './render.js';

export const COMMAND_NAME = 'integrity';
/** How long a command's answer is awaited before deferring (Discord allows three seconds in all). */
const FIRST_RESPONSE_WAIT_MS = 1_500;
/** An interaction's token answers edits and follow-ups for 15 minutes after Discord sent it. */
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;
/** Close to the end of that, a reply is sent by DM rather than risk the token running out mid-upload. */
const TOKEN_SAFETY_MARGIN_MS = 30_000;
/** Discord's answers once an interaction's token is no longer usable: Unknown Webhook, Invalid Webhook Token. */
const EXPIRED_TOKEN_CODES = new Set([10015, 50027]);

export interface DiscordAdapter {
  client: Client;
  port: DiscordChatPort;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Registers /integrity in one guild, or globally; a bulk overwrite, so running it twice changes nothing. */
  register(guildId?: string): Promise<unknown>;
}

/** The member's role ids: a plain list in an interaction's raw member, a manager on a cached one. */
function roleIds(interaction: Interaction): string[] {
  const roles = (interaction.member as { roles?: string[] | { cache: Map<string, unknown> } } | null)?.roles;
  if (!roles) return [];
  return Array.isArray(roles) ? roles : [...roles.cache.keys()];
}

function attachmentOf(file: Attachment): AttachmentBuilder {
  const data = Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength);
  return new AttachmentBuilder(data, { name: file.name, ...(file.title ? { description: truncate(file.title, DISCORD_ATTACHMENT_DESCRIPTION_MAX) } : {}) });
}

/** A reply as sent: the rendered message and its files, ten to a message; the first batch goes with it. */
interface Outgoing {
  rendered: DiscordMessage;
  files: AttachmentBuilder[][];
}

const withFiles = (rendered: DiscordMessage, files: AttachmentBuilder[] | undefined) => (files && files.length > 0 ? { ...rendered, files } : rendered);

export function createDiscordAdapter(engine: Engine, services: Services, config: DiscordConfig): DiscordAdapter {
  const { log } = services;

  /** The member's own language, for the notes the adapter adds; the organisation's before they are known. */
  async function localeOf(userId: string): Promise<Locale> {
    const account = await accountFor(services.db, { platform: 'discord', workspace: DISCORD_WORKSPACE, userId });
    const member = account ? await memberById(services.db, account.member_id) : undefined;
    return member ? effectiveLocale(member, services.config.locale) : services.config.locale;
  }

  /**
   * The core's message for this interaction: files within the size the interaction allows (Discord
   * states it per interaction; 10 MiB without one) are attached, a larger one is left out with a note.
   */
  async function outgoing(interaction: Interaction, message: Message): Promise<Outgoing> {
    const stated = interaction.attachmentSizeLimit;
    const limit = Number.isFinite(stated) && stated > 0 ? stated : DISCORD_ATTACHMENT_MAX_BYTES;
    const { fits, tooLarge } = partitionFiles(message.files, limit);
    const locale = tooLarge.length > 0 ? await localeOf(interaction.user.id) : undefined;
    const rendered = renderMessage(withNotes(message, locale ? tooLarge.map((f) => tooLargeNote(locale, f)) : []));
    return { rendered, files: batches(fits.map(attachmentOf), DISCORD_FILES_PER_MESSAGE) };
  }

  /** Completes an interaction deferred as an ephemeral reply: with the core's message, or by removing it. */
  async function finish(interaction: ChatInputCommandInteraction | StringSelectMenuInteraction | ModalSubmitInteraction, reply: Reply): Promise<void> {
    if (reply.kind === 'none') return void (await interaction.deleteReply());
    // Once deferred, an interaction can no longer open a modal: the form's fallback is shown instead.
    const message = reply.kind === 'form' ? reply.fallback : reply.message;
    await answerInTime(interaction, message, async () => {
      const { rendered, files } = await outgoing(interaction, message);
      await interaction.editReply(withFiles(rendered, files[0]));
      for (const more of files.slice(1)) await interaction.followUp({ files: more, flags: MessageFlags.Ephemeral });
    });
  }

  /**
   * Answers through the interaction while its token lasts. A slow export or report that finishes after
   * the 15 minutes (or whose edit Discord refuses for that reason) goes to the member's DM instead —
   * never to the channel, where an export of HR figures has no place.
   */
  async function answerInTime(interaction: Interaction, message: Message, answer: () => Promise<void>): Promise<void> {
    const age = Date.now() - interaction.createdTimestamp;
    if (age < INTERACTION_TOKEN_LIFETIME_MS - TOKEN_SAFETY_MARGIN_MS) {
      try {
        return await answer();
      } catch (error) {
        if (!(error instanceof DiscordAPIError && typeof error.code === 'number' && EXPIRED_TOKEN_CODES.has(error.code))) throw error;
      }
    }
    log.warn({ adapter: 'discord', interaction: interaction.id, ageMs: age }, 'interaction token expired; the reply goes by DM');
    await port.send({ kind: 'user', workspace: DISCORD_WORKSPACE, userId: interaction.user.id }, message);
  }

  /**
   * A handler that failed still answers: with a reply when nothing was sent yet (Discord would
   * otherwise show "the application did not respond"), or by editing the deferred one.
   */
  async function answerFailure(interaction: Interaction, error: unknown): Promise<void> {
    const incident = randomUUID().slice(0, 8);
    log.error({ err: error, adapter: 'discord', interaction: interaction.id, incident }, 'discord interaction failed');
    if (!interaction.isRepliable()) return;
    const content = `⚠️ ${t(await localeOf(interaction.user.id).catch(() => services.config.locale), 'error.internal', { incident })}`;
    if (!interaction.replied && !interaction.deferred) await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    else await interaction.editReply({ content, embeds: [], components: [], files: [], allowedMentions: NO_MENTIONS });
  }

  const facts = (interaction: Interaction, ephemeralMessage = false): InteractionFacts => {
    const hints = hintsFromRoles(roleIds(interaction), config.roleMap);
    return {
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      user: { id: interaction.user.id, username: interaction.user.username, globalName: interaction.user.globalName },
      ephemeralMessage,
      ...(hints ? { hints } : {}),
    };
  };
  // No message of Probity's ever pings: the default for every reply, follow-up and edit.
  const client = new Client({ intents: [GatewayIntentBits.Guilds], allowedMentions: NO_MENTIONS, ...(config.apiUrl ? { rest: { api: config.apiUrl } } : {}) });
  const port = new DiscordChatPort(createRest(config.token, config.apiUrl), dmChannelStore(services.db, 'discord'), (recipient) =>
    recipient.kind === 'user' ? localeOf(recipient.userId) : Promise.resolve(services.config.locale),
  );

  const drafts = new FormDrafts();

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const options: Record<string, string> = {};
    for (const option of interaction.options.data[0]?.options ?? []) if (option.value !== undefined) options[option.name] = String(option.value);
    const pending = engine.dispatch(commandEvent(facts(interaction), interaction.options.getSubcommand(), options));
    // A modal must be the interaction's first response, so the answer is awaited briefly; a slow one
    // is deferred within Discord's three seconds and completed later.
    const early = await Promise.race([pending, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), FIRST_RESPONSE_WAIT_MS).unref())]);
    if (early?.kind === 'form') {
      try {
        await interaction.showModal(renderForm(early.form));
        return void drafts.opened(interaction.user.id, early.form);
      } catch (error) {
        // A refused modal is no answer: the interaction is still open, so the form's fallback is shown.
        log.warn({ err: error, adapter: 'discord', interaction: interaction.id }, 'could not open a modal');
      }
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await finish(interaction, early ?? (await pending));
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    if (interaction.customId.startsWith(REOPEN_PREFIX)) return reopen(interaction);
    const ephemeral = interaction.message.flags.has(MessageFlags.Ephemeral);
    // The member's own message (an ephemeral reply or a DM) can be updated in place; a shared channel
    // post never is: the member gets a reply of their own.
    const own = ephemeral || interaction.guildId === null;
    if (own) await interaction.deferUpdate();
    else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const reply: Reply = await engine.dispatch(componentEvent(facts(interaction, ephemeral), interaction.customId, interaction.message.id));
    if (reply.kind === 'none') return;
    const message = reply.kind === 'form' ? reply.fallback : reply.message;
    await answerInTime(interaction, message, async () => {
      const { rendered, files } = await outgoing(interaction, message);
      if (!own || reply.kind === 'replace') await interaction.editReply(withFiles(rendered, files[0]));
      else await interaction.followUp({ ...withFiles(rendered, files[0]), flags: MessageFlags.Ephemeral });
      for (const more of files.slice(1)) await interaction.followUp({ files: more, flags: MessageFlags.Ephemeral });
    });
  }

  async function onSelect(interaction: StringSelectMenuInteraction): Promise<void> {
    const ephemeral = interaction.message.flags.has(MessageFlags.Ephemeral);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await finish(interaction, await engine.dispatch(selectEvent(facts(interaction, ephemeral), interaction.customId, interaction.values, interaction.message.id)));
  }

  /** "Edit again" under a form's error: the modal once more, with what was typed (a button may answer with a modal). */
  async function reopen(interaction: ButtonInteraction): Promise<void> {
    const form = drafts.reopen(interaction.user.id, interaction.customId);
    if (form) {
      await interaction.showModal(renderForm(form));
      return void drafts.opened(interaction.user.id, form);
    }
    await interaction.reply({ content: t(await localeOf(interaction.user.id), 'form.draft_gone'), flags: MessageFlags.Ephemeral });
  }

  async function onModal(interaction: ModalSubmitInteraction): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const fields: Record<string, string> = {};
    for (const [id, field] of interaction.fields.fields) if ('value' in field) fields[id] = String(field.value);
    const reply = await engine.dispatch(modalEvent(facts(interaction), interaction.customId, fields));
    // A mistake in a field: Discord cannot show the modal again from here, so the error comes with a
    // button that reopens it filled with what was typed.
    const token = reply.kind === 'ephemeral' && reply.error?.field !== undefined ? drafts.rejected(interaction.user.id, interaction.customId, fields) : undefined;
    if (reply.kind !== 'ephemeral' || token === undefined) return finish(interaction, reply);
    const rendered = renderMessage(reply.message);
    await interaction.editReply({ ...rendered, components: [...rendered.components, reopenRow(token, t(await localeOf(interaction.user.id), 'form.edit_again'))] });
  }

  client.on(Events.InteractionCreate, (interaction) => {
    const handled =
      interaction.isChatInputCommand() && interaction.commandName === COMMAND_NAME
        ? onCommand(interaction)
        : interaction.isButton()
          ? onButton(interaction)
          : interaction.isStringSelectMenu()
            ? onSelect(interaction)
            : interaction.isModalSubmit()
            ? onModal(interaction)
            : undefined;
    handled?.catch((error: unknown) =>
      answerFailure(interaction, error).catch((failed: unknown) => log.error({ err: failed, adapter: 'discord', interaction: interaction.id }, 'could not tell the member that the interaction failed')),
    );
  });
  client.on(Events.Error, (error) => log.error({ err: error, adapter: 'discord' }, 'discord client error'));

  return {
    client,
    port,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(config.token);
      await ready;
      log.info({ user: client.user?.id, guilds: config.guildIds.length, workspace: DISCORD_WORKSPACE }, 'discord adapter started');
    },
    async stop() {
      await client.destroy();
    },
    register: (guildId?: string) => registerCommands(config, guildId),
  };
}

/** Bulk-overwrites /integrity in one guild, or globally without one: idempotent. */
export function registerCommands(config: DiscordConfig, guildId?: string): Promise<unknown> {
  const route = guildId ? Routes.applicationGuildCommands(config.applicationId, guildId) : Routes.applicationCommands(config.applicationId);
  return createRest(config.token, config.apiUrl).put(route, { body: integrityCommand() });
}
