/** Slack's Block Kit limits (api.slack.com/reference/block-kit): content past them is cut or split, never sent to be rejected. */
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_SECTION_TEXT_MAX = 3000;
export const SLACK_HEADER_TEXT_MAX = 150;
export const SLACK_FIELD_TEXT_MAX = 2000;
export const SLACK_FIELDS_PER_SECTION = 10;
export const SLACK_CONTEXT_TEXT_MAX = 2000;
export const SLACK_BUTTON_TEXT_MAX = 75;
export const SLACK_ACTION_ID_MAX = 255;
export const SLACK_BUTTON_VALUE_MAX = 2000;
export const SLACK_ACTIONS_PER_BLOCK = 25;
/** The top-level `text` of a message; Slack truncates past 40,000 but recommends staying under 4,000. */
export const SLACK_MESSAGE_TEXT_MAX = 4000;
/** One uploaded file (files.getUploadURLExternal): Slack takes up to 1 GB; a larger file is replaced by a note. */
export const SLACK_FILE_MAX_BYTES = 1024 * 1024 * 1024;
/** files.completeUploadExternal's initial_comment: kept within the message text's limit. */
export const SLACK_INITIAL_COMMENT_MAX = 4000;
