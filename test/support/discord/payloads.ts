/**
 * Builders for the JSON Discord sends a bot, in the shapes of the developer docs
 * (docs/interactions/receiving-and-responding, docs/resources/*) and typed with discord-api-types
 * so that a missing or misspelt field fails `tsc` rather than a test three layers away.
 *
 * The builders are pure: they do not talk to the fake. Hand their output to
 * `FakeDiscord.dispatchInteraction()`, which also remembers the interaction so that its callback,
 * `@original` and follow-up routes behave like Discord's.
 */
import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  type APIActionRowComponent,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandInteraction,
  type APIChatInputApplicationCommandInteractionDataResolved,
  type APIComponentInMessageActionRow,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIMessageComponentSelectMenuInteraction,
  type APIModalSubmissionComponent,
  type APIModalSubmitInteraction,
  type APIUser,
  type GuildMemberFlags,
  type UserFlags,
} from 'discord-api-types/v10';

// ---------------------------------------------------------------------------------------------
// Snowflakes
// ---------------------------------------------------------------------------------------------

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/**
 * A realistic snowflake: (ms since 2015-01-01) << 22 | worker << 17 | process << 12 | increment.
 * Real ids matter: @discordjs/rest only treats 17–19 digit ids as "major parameters" when it
 * buckets rate limits, and discord.js derives `createdAt` from them.
 */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | (1n << 12n) | increment).toString();
}

/** When a snowflake was minted (ms since the Unix epoch). */
export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/**
 * Interaction tokens look like `aW50ZXJhY3Rpb246<id>:<random>` in base64url ("interaction:" prefix).
 * Only their opacity matters, but a realistic length catches code that truncates or logs them.
 */
export function interactionToken(interactionId: string): string {
  return Buffer.from(`interaction:${interactionId}:${randomBytes(48).toString('base64url')}`).toString('base64url');
}

// ---------------------------------------------------------------------------------------------
// Permissions (bit positions from docs/topics/permissions)
// ---------------------------------------------------------------------------------------------

const P = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  USE_EXTERNAL_EMOJIS: 1n << 18n,
  CONNECT: 1n << 20n,
  SPEAK: 1n << 21n,
  CHANGE_NICKNAME: 1n << 26n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
};
const bits = (...flags: bigint[]) => flags.reduce((a, b) => a | b, 0n).toString();

/** What an ordinary member can do in an ordinary text channel. */
export const MEMBER_PERMISSIONS = bits(
  P.CREATE_INSTANT_INVITE, P.ADD_REACTIONS, P.VIEW_CHANNEL, P.SEND_MESSAGES, P.EMBED_LINKS, P.ATTACH_FILES,
  P.READ_MESSAGE_HISTORY, P.USE_EXTERNAL_EMOJIS, P.CONNECT, P.SPEAK, P.CHANGE_NICKNAME, P.USE_APPLICATION_COMMANDS,
  P.SEND_MESSAGES_IN_THREADS,
);
/** What a bot invited with "send messages + embed links + attach files" has (interaction `app_permissions`). */
export const BOT_PERMISSIONS = bits(
  P.VIEW_CHANNEL, P.SEND_MESSAGES, P.EMBED_LINKS, P.ATTACH_FILES, P.READ_MESSAGE_HISTORY, P.USE_EXTERNAL_EMOJIS,
  P.USE_APPLICATION_COMMANDS, P.SEND_MESSAGES_IN_THREADS,
);

/** Bots may upload 10 MiB unless the guild is boosted. */
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Users and messages
// ---------------------------------------------------------------------------------------------

export interface UserInput {
  id: string;
  username: string;
  global_name?: string | null;
  avatar?: string | null;
  bot?: boolean;
}

/** A user object as Discord embeds it in interactions and messages (no email, no mfa). */
export function apiUser(user: UserInput): APIUser {
  return {
    id: user.id,
    username: user.username,
    // Users migrated to unique usernames have discriminator "0"; bots still carry four digits.
    discriminator: user.bot ? '0427' : '0',
    global_name: user.global_name ?? null,
    avatar: user.avatar ?? null,
    ...(user.bot ? { bot: true } : {}),
    public_flags: 0 as UserFlags,
    flags: 0 as UserFlags,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  };
}

export interface BotMessageInput {
  id?: string;
  channelId: string;
  applicationId: string;
  bot: UserInput;
  content?: string;
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  flags?: number;
}

/**
 * A message the bot posted earlier, as it comes back inside a component interaction (`message`).
 * Prefer `fake.messageById(id)` for messages the bot really sent through the fake.
 */
export function botMessage(input: BotMessageInput): APIMessage {
  const id = input.id ?? snowflake();
  return {
    id,
    channel_id: input.channelId,
    author: apiUser({ ...input.bot, bot: true }),
    content: input.content ?? '',
    timestamp: new Date(snowflakeTimestamp(id)).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: MessageType.Default,
    flags: input.flags ?? 0,
    components: input.components ?? [],
    application_id: input.applicationId,
  };
}

/** One action row holding one button, the shape a quiz answer button arrives in. */
export function buttonRow(customId: string, label: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  return {
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: customId, label }],
  };
}

// ---------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------

export interface InteractionInput {
  /** Defaults to a fresh snowflake. */
  id?: string;
  /** Defaults to a fresh opaque token. */
  token?: string;
  applicationId: string;
  /** Omit for a DM with the bot: the payload then carries `user` instead of `member`. */
  guildId?: string;
  channelId: string;
  channelName?: string;
  user: UserInput;
  /** Role ids of the invoking member (guild only). */
  roles?: string[];
  nick?: string | null;
  /** The member's permissions in the channel (guild only). */
  memberPermissions?: string;
  /** The bot's permissions in the channel. */
  appPermissions?: string;
  locale?: Locale;
  guildLocale?: Locale;
  /** The largest attachment the app may send in its replies, in bytes (10 MiB unless boosted). */
  attachmentSizeLimit?: number;
}

/** The fields every interaction type shares, per "Interaction Structure". */
function base(input: InteractionInput) {
  const id = input.id ?? snowflake();
  const user = apiUser(input.user);
  const inGuild = input.guildId !== undefined;
  const common = {
    id,
    application_id: input.applicationId,
    token: input.token ?? interactionToken(id),
    version: 1 as const,
    app_permissions: input.appPermissions ?? BOT_PERMISSIONS,
    locale: input.locale ?? Locale.Korean,
    entitlements: [],
    attachment_size_limit: input.attachmentSizeLimit ?? ATTACHMENT_SIZE_LIMIT,
    channel_id: input.channelId,
  };
  if (!inGuild) {
    return {
      ...common,
      user,
      channel: { id: input.channelId, type: ChannelType.DM as const, flags: 0, last_message_id: null, recipients: [user] },
      // A guild-installed app reached from a DM with its bot user: key "0" maps to "0".
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: '0' },
      context: InteractionContextType.BotDM,
    };
  }
  const guildId = input.guildId as string;
  const member: APIInteractionGuildMember = {
    user,
    roles: input.roles ?? [],
    nick: input.nick ?? null,
    avatar: null,
    banner: null,
    joined_at: '2024-03-04T00:12:45.164000+00:00',
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
    permissions: input.memberPermissions ?? MEMBER_PERMISSIONS,
  };
  return {
    ...common,
    guild_id: guildId,
    guild: { id: guildId, locale: input.guildLocale ?? Locale.Korean, features: [] },
    guild_locale: input.guildLocale ?? Locale.Korean,
    member,
    channel: {
      id: input.channelId,
      type: ChannelType.GuildText as const,
      guild_id: guildId,
      name: input.channelName ?? 'general',
      position: 0,
      parent_id: null,
      topic: null,
      nsfw: false,
      flags: 0,
      last_message_id: null,
      rate_limit_per_user: 0,
      permissions: input.memberPermissions ?? MEMBER_PERMISSIONS,
    },
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guildId },
    context: InteractionContextType.Guild,
  };
}

export interface ChatInputInput extends InteractionInput {
  /** Top-level command name, e.g. 'integrity'. */
  name: string;
  /** The registered command's id; defaults to a fresh snowflake. */
  commandId?: string;
  /** Set when the command was registered to the guild rather than globally. */
  commandGuildId?: string;
  /** E.g. `[{ type: 1, name: 'quiz' }]` for `/integrity quiz` (type 1 = SUB_COMMAND). */
  options?: APIApplicationCommandInteractionDataOption[];
  resolved?: APIChatInputApplicationCommandInteractionDataResolved;
}

/** INTERACTION_CREATE for a slash command (type 2 APPLICATION_COMMAND, data.type 1 CHAT_INPUT). */
export function chatInputInteraction(input: ChatInputInput): APIChatInputApplicationCommandInteraction {
  return {
    ...base(input),
    type: InteractionType.ApplicationCommand,
    data: {
      id: input.commandId ?? snowflake(),
      name: input.name,
      type: ApplicationCommandType.ChatInput,
      ...(input.options ? { options: input.options } : {}),
      ...(input.resolved ? { resolved: input.resolved } : {}),
      ...(input.commandGuildId ? { guild_id: input.commandGuildId } : {}),
    },
  };
}

export interface ComponentInput extends InteractionInput {
  custom_id: string;
  /** The message the component is attached to; defaults to a bot message carrying the button. */
  message?: APIMessage;
  /** Needed only to build the default message. */
  bot?: UserInput;
}

function componentMessage(input: ComponentInput, components: BotMessageInput['components']): APIMessage {
  if (input.message) return input.message;
  return botMessage({
    channelId: input.channelId,
    applicationId: input.applicationId,
    bot: input.bot ?? { id: input.applicationId, username: 'probity', bot: true },
    content: '',
    components,
  });
}

/** INTERACTION_CREATE for a button press (type 3 MESSAGE_COMPONENT, component_type 2 BUTTON). */
export function buttonInteraction(input: ComponentInput): APIMessageComponentButtonInteraction {
  return {
    ...base(input),
    type: InteractionType.MessageComponent,
    message: componentMessage(input, [buttonRow(input.custom_id, input.custom_id)]),
    data: { custom_id: input.custom_id, component_type: ComponentType.Button },
  };
}

/** INTERACTION_CREATE for a string select (type 3 MESSAGE_COMPONENT, component_type 3). */
export function stringSelectInteraction(input: ComponentInput & { values: string[] }): APIMessageComponentSelectMenuInteraction {
  const row: APIActionRowComponent<APIComponentInMessageActionRow> = {
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.StringSelect, custom_id: input.custom_id, options: input.values.map((v) => ({ label: v, value: v })) }],
  };
  return {
    ...base(input),
    type: InteractionType.MessageComponent,
    message: componentMessage(input, [row]),
    data: { custom_id: input.custom_id, component_type: ComponentType.StringSelect, values: input.values },
  };
}

export interface ModalSubmitInput extends InteractionInput {
  /** The modal's custom_id. */
  custom_id: string;
  /** What the user typed, one entry per text input. */
  fields: Array<{ custom_id: string; value: string }>;
  /** Present when the modal was opened from a component on a message. */
  message?: APIMessage;
  /**
   * 'label' (default): text inputs wrapped in Label components (type 18), what current clients send
   * for modals built with labels; 'actionRow': the legacy action-row (type 1) wrapping.
   */
  layout?: 'label' | 'actionRow';
}

/** INTERACTION_CREATE for a submitted modal (type 5 MODAL_SUBMIT). */
export function modalSubmitInteraction(input: ModalSubmitInput): APIModalSubmitInteraction {
  let next = 1;
  const components: APIModalSubmissionComponent[] = input.fields.map((f) => {
    const textInput = { type: ComponentType.TextInput as const, id: 0, custom_id: f.custom_id, value: f.value };
    if (input.layout === 'actionRow') {
      const rowId = next++;
      return { type: ComponentType.ActionRow, id: rowId, components: [{ ...textInput, id: next++ }] };
    }
    const labelId = next++;
    return { type: ComponentType.Label, id: labelId, component: { ...textInput, id: next++ } };
  });
  return {
    ...base(input),
    type: InteractionType.ModalSubmit,
    ...(input.message ? { message: input.message } : {}),
    data: { custom_id: input.custom_id, components },
  };
}
