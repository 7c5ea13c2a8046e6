/** Discord's message limits (discord.com/developers/docs/resources/message, …/components). */
export const DISCORD_CUSTOM_ID_MAX = 100;
export const DISCORD_BUTTONS_PER_ROW = 5;
export const DISCORD_ROWS_MAX = 5;
export const DISCORD_BUTTON_LABEL_MAX = 80;
export const DISCORD_EMBED_TITLE_MAX = 256;
export const DISCORD_EMBED_DESCRIPTION_MAX = 4096;
export const DISCORD_EMBED_FIELDS_MAX = 25;
export const DISCORD_FIELD_NAME_MAX = 256;
export const DISCORD_FIELD_VALUE_MAX = 1024;
export const DISCORD_FOOTER_TEXT_MAX = 2048;
/** Embeds on one message. */
export const DISCORD_EMBEDS_MAX = 10;
/** All text in a message's embeds together: titles, descriptions, field names and values, footers, authors. */
export const DISCORD_EMBED_TOTAL_MAX = 6000;
export const DISCORD_MESSAGE_CONTENT_MAX = 2000;
/**
 * One attachment (docs/reference#uploading-files). Checked per file since April 2025; the default for
 * bots, webhooks and interaction replies has been 10 MiB since January 2025 (25 MiB before, 8 MiB
 * before 2023), more in boosted guilds. An interaction states its own limit (attachment_size_limit),
 * which is used when there is one; this is the limit elsewhere. Discord's docs raised the default to
 * 20 MiB in September 2026 while the API was still seen refusing more than 10 MiB: 10 MiB stays safe.
 */
export const DISCORD_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Files on one message. */
export const DISCORD_FILES_PER_MESSAGE = 10;
/** An attachment's description (its alt text). */
export const DISCORD_ATTACHMENT_DESCRIPTION_MAX = 1024;
