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
/** All text in a message's embeds together. */
export const DISCORD_EMBED_TOTAL_MAX = 6000;
export const DISCORD_MESSAGE_CONTENT_MAX = 2000;
