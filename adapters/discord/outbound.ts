/**
 * The Discord ChatPort over discord.js's REST client with its retries off and rate limits rejected, so
 * the outbox owns retries: 429 → rate limited (Discord's retry_after; global when Discord says so),
 * 5xx and network errors → transient, and errors a retry cannot fix — a closed DM (50007), an unknown
 * user or channel, missing access — fail at once: Discord bans bots that keep sending invalid requests.
 */
import { DiscordAPIError, RateLimitError, REST, Routes, type RawFile } from 'discord.js';
import { DeliveryError, type ChatPort, type DmChannelStore, type Recipient, type SentRef } from '../../src/delivery/port.js';
import type { Locale } from '../../src/i18n/index.js';
import type { Attachment, Message } from '../../src/ui/card.js';
import { truncate } from '../../src/ui/text.js';
import { batches, partitionFiles, tooLargeNote, withNotes } from '../../src/ui/files.js';
import { DISCORD_ATTACHMENT_DESCRIPTION_MAX, DISCORD_ATTACHMENT_MAX_BYTES, DISCORD_FILES_PER_MESSAGE } from './limits.js';
import { NO_MENTIONS, renderMessage } from './render.js';

/** JSON error codes (discord.com/developers/docs/topics/opcodes-and-status-codes#json). */
const PERMANENT_CODES: Readonly<Record<number, string>> = {
  10003: 'channel_not_found',
  10013: 'user_not_found',
  50001: 'missing_access',
  50007: 'dm_closed',
  50013: 'missing_permissions',
  50035: 'invalid_form_body',
  40005: 'file_too_large',
};

/** A request that has not answered by then is abandoned and retried: far below the outbox's claim. */
const DISCORD_REQUEST_TIMEOUT_MS = 15_000;

export function createRest(token: string, apiUrl: string | undefined): REST {
  return new REST({ ...(apiUrl ? { api: apiUrl } : {}), retries: 0, rejectOnRateLimit: () => true, timeout: DISCORD_REQUEST_TIMEOUT_MS }).setToken(token);
}

/** Files as @discordjs/rest sends them: multipart `files[n]` parts next to payload_json. */
export function rawFiles(files: readonly Attachment[]): RawFile[] {
  return files.map((f) => ({ name: f.name, data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), contentType: f.contentType }));
}

/** payload_json's `attachments`: one entry per `files[n]` part, by index, with the title as alt text. */
export function attachmentsField(files: readonly Attachment[]): { attachments: { id: number; filename: string; description?: string }[] } {
  return { attachments: files.map((f, id) => ({ id, filename: f.name, ...(f.title ? { description: truncate(f.title, DISCORD_ATTACHMENT_DESCRIPTION_MAX) } : {}) })) };
}

export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof RateLimitError) {
    return new DeliveryError({ kind: 'rate_limited', retryAfterMs: Math.max(1, error.retryAfter), global: error.global }, 'rate_limited');
  }
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : 0;
    if (PERMANENT_CODES[code]) return new DeliveryError({ kind: 'permanent' }, PERMANENT_CODES[code]);
    // A rejected token fails every message alike: hold the platform and keep the rows for later.
    if (error.status === 401) return new DeliveryError({ kind: 'rate_limited', retryAfterMs: 60_000, global: true }, 'invalid_token');
    if (error.status >= 500) return new DeliveryError({ kind: 'transient' }, `http_${error.status}`);
    return new DeliveryError({ kind: 'permanent' }, `http_${error.status}`);
  }
  return new DeliveryError({ kind: 'transient' }, 'network');
}

export class DiscordChatPort implements ChatPort {
  readonly platform = 'discord' as const;
  readonly capabilities = { directMessages: true, dmOnRequest: true };

  constructor(
    private readonly rest: REST,
    private readonly dmChannels: DmChannelStore,
    /** The language of notes the adapter adds itself (a file too large to send); Korean when not told. */
    private readonly noteLocale: (recipient: Recipient) => Promise<Locale> = async () => 'ko',
  ) {}

  async dmChannel(workspace: string, userId: string): Promise<string> {
    const known = await this.dmChannels.get(workspace, userId);
    if (known) return known;
    const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    await this.dmChannels.set(workspace, userId, channel.id);
    return channel.id;
  }

  /**
   * Posts the message with its files attached (multipart: payload_json plus files[n]); more than ten
   * files continue in further messages, and a file over the attachment limit is replaced by a note.
   */
  async send(recipient: Recipient, message: Message): Promise<SentRef> {
    try {
      const { fits, tooLarge } = partitionFiles(message.files, DISCORD_ATTACHMENT_MAX_BYTES);
      const locale = tooLarge.length > 0 ? await this.noteLocale(recipient) : undefined;
      const outgoing = withNotes(message, locale ? tooLarge.map((f) => tooLargeNote(locale, f)) : []);
      const [first = [], ...more] = batches(fits, DISCORD_FILES_PER_MESSAGE);
      const channelId = recipient.kind === 'channel' ? recipient.channelId : await this.dmChannel(recipient.workspace, recipient.userId);
      const body = { ...renderMessage(outgoing, { withContent: true }), ...(first.length > 0 ? attachmentsField(first) : {}) };
      const sent = (await this.rest.post(Routes.channelMessages(channelId), { body, ...(first.length > 0 ? { files: rawFiles(first) } : {}) })) as { id: string; channel_id: string };
      for (const batch of more) await this.rest.post(Routes.channelMessages(channelId), { body: { ...attachmentsField(batch), allowed_mentions: NO_MENTIONS }, files: rawFiles(batch) });
      return { conversationId: sent.channel_id ?? channelId, messageId: sent.id };
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
  }
}
