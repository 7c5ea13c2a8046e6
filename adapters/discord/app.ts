/**
 * The Discord adapter: a discord.js client with the Guilds intent only (no privileged intents). Every
 * interaction is deferred at once — Discord allows three seconds — then dispatched to the core and
 * completed with editReply or followUp. Answers stay ephemeral: the daily quiz is a channel post with
 * a button, and each member's question and result are theirs alone.
 */
import { Client, Events, GatewayIntentBits, MessageFlags, Routes, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type ModalSubmitInteraction, type StringSelectMenuInteraction } from 'discord.js';
import type { DiscordConfig } from '../../src/config.js';
import type { Services } from '../../src/engine/context.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/reply.js';
import { dmChannelStore } from '../../src/features/people/people.repository.js';
import { integrityCommand } from './commands.js';
import { commandEvent, componentEvent, DISCORD_WORKSPACE, hintsFromRoles, modalEvent, selectEvent, type InteractionFacts } from './inbound.js';
import { createRest, DiscordChatPort } from './outbound.js';
import { renderMessage } from './render.js';

export const COMMAND_NAME = 'integrity';

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

/** Completes an interaction deferred as an ephemeral reply: with the core's message, or by removing it. */
async function finish(interaction: ChatInputCommandInteraction | StringSelectMenuInteraction | ModalSubmitInteraction, reply: Reply): Promise<void> {
  if (reply.kind === 'none') await interaction.deleteReply();
  else await interaction.editReply(renderMessage(reply.message));
}

export function createDiscordAdapter(engine: Engine, services: Services, config: DiscordConfig): DiscordAdapter {
  const { log } = services;
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
  const client = new Client({ intents: [GatewayIntentBits.Guilds], ...(config.apiUrl ? { rest: { api: config.apiUrl } } : {}) });
  const port = new DiscordChatPort(createRest(config.token, config.apiUrl), dmChannelStore(services.db, 'discord'));

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const options: Record<string, string> = {};
    for (const option of interaction.options.data[0]?.options ?? []) if (option.value !== undefined) options[option.name] = String(option.value);
    await finish(interaction, await engine.dispatch(commandEvent(facts(interaction), interaction.options.getSubcommand(), options)));
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const ephemeral = interaction.message.flags.has(MessageFlags.Ephemeral);
    // The member's own message (an ephemeral reply or a DM) can be updated in place; a shared channel
    // post never is: the member gets a reply of their own.
    const own = ephemeral || interaction.guildId === null;
    if (own) await interaction.deferUpdate();
    else await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const reply: Reply = await engine.dispatch(componentEvent(facts(interaction, ephemeral), interaction.customId, interaction.message.id));
    if (reply.kind === 'none') return;
    const rendered = renderMessage(reply.message);
    if (!own || reply.kind === 'replace') await interaction.editReply(rendered);
    else await interaction.followUp({ ...rendered, flags: MessageFlags.Ephemeral });
  }

  async function onSelect(interaction: StringSelectMenuInteraction): Promise<void> {
    const ephemeral = interaction.message.flags.has(MessageFlags.Ephemeral);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await finish(interaction, await engine.dispatch(selectEvent(facts(interaction, ephemeral), interaction.customId, interaction.values, interaction.message.id)));
  }

  async function onModal(interaction: ModalSubmitInteraction): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const fields: Record<string, string> = {};
    for (const [id, field] of interaction.fields.fields) if ('value' in field) fields[id] = String(field.value);
    await finish(interaction, await engine.dispatch(modalEvent(facts(interaction), interaction.customId, fields)));
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
    handled?.catch((error: unknown) => log.error({ err: error, adapter: 'discord', interaction: interaction.id }, 'discord interaction failed'));
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
