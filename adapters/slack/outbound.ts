/**
 * The Slack ChatPort over the Web API (chat.postMessage; files through the external-upload flow:
 * files.getUploadURLExternal, a POST of the bytes, files.completeUploadExternal). The WebClient's own
 * retries are turned off and rate-limited calls rejected, so the outbox owns every retry: 429 becomes
 * "rate limited" with Slack's Retry-After, 5xx and network errors become transient, and errors that
 * retrying cannot fix (the bot is not in the channel, the user is gone) fail the delivery at once with
 * Slack's error code as the reason.
 */
import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import { DeliveryError, type ChatPort, type DmChannelStore, type Recipient, type SentRef } from '../../src/delivery/port.js';
import type { Locale } from '../../src/i18n/index.js';
import type { Attachment, Message } from '../../src/ui/card.js';
import { partitionFiles, tooLargeNote, withNotes } from '../../src/ui/files.js';
import { SLACK_FILE_MAX_BYTES, SLACK_INITIAL_COMMENT_MAX } from './limits.js';
import { escapeMrkdwn, renderMessage, truncateMrkdwn } from './render.js';

/** Slack error codes that a retry can fix; any other ok:false code is about this message and final. */
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);
/**
 * Errors about Probity's own token or app, not the recipient: every message would fail alike, so the
 * platform pauses and the rows wait (an operator fixes the token) rather than each failing for good.
 */
const APP_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'no_permission', 'ekm_access_denied']);
/** How long to hold sending after an app-wide error before trying again. */
const APP_ERROR_PAUSE_MS = 60_000;
/** A request that has not answered by then is abandoned and retried: far below the outbox's claim. */
export const SLACK_REQUEST_TIMEOUT_MS = 15_000;

/**
 * The longest Retry-After waited for while a member waits for their answer; Slack's usual answer to a
 * burst is one second. A longer limit fails the call as before.
 */
export const ANSWER_RETRY_MAX_WAIT_MS = 5_000;

/**
 * A Web API call made while answering someone (not through the outbox, which owns its own retries),
 * tried once more after Slack's Retry-After when Slack answers 429, so a burst does not lose the reply.
 */
export async function retryOnceIfRateLimited<T>(call: () => Promise<T>, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as { code?: unknown; retryAfter?: number };
    const waitMs = Math.max(1, e.retryAfter ?? 1) * 1000;
    if (e.code !== ErrorCode.RateLimitedError || waitMs > ANSWER_RETRY_MAX_WAIT_MS) throw error;
    await sleep(waitMs);
    return call();
  }
}

export function createWebClient(token: string, apiUrl: string | undefined): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: SLACK_REQUEST_TIMEOUT_MS,
  });
}

/** Maps a WebClient failure to the outbox's failure kinds. */
export function toDeliveryError(error: unknown): DeliveryError {
  const e = error as WebAPICallError & { retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      // Slack's limits apply per method and workspace, and DMs each go to a different channel, so a
      // 429 means the workspace limit: pause the whole platform for Slack's Retry-After.
      return new DeliveryError({ kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000, global: true }, 'rate_limited');
    case ErrorCode.PlatformError: {
      const reason = e.data?.error ?? 'platform_error';
      if (APP_ERRORS.has(reason)) return new DeliveryError({ kind: 'rate_limited', retryAfterMs: APP_ERROR_PAUSE_MS, global: true }, reason);
      return new DeliveryError(TRANSIENT_ERRORS.has(reason) ? { kind: 'transient' } : { kind: 'permanent' }, reason);
    }
    case ErrorCode.HTTPError:
      return new DeliveryError((e.statusCode ?? 500) >= 500 ? { kind: 'transient' } : { kind: 'permanent' }, `http_${e.statusCode ?? 'error'}`);
    default:
      return new DeliveryError({ kind: 'transient' }, 'network');
  }
}

export class SlackChatPort implements ChatPort {
  readonly platform = 'slack' as const;
  readonly capabilities = { directMessages: true };

  constructor(
    private readonly client: WebClient,
    private readonly dmChannels: DmChannelStore,
    /** The language of notes the adapter adds itself (a file too large to send); Korean when not told. */
    private readonly noteLocale: (recipient: Recipient) => Promise<Locale> = async () => 'ko',
  ) {}

  /**
   * Where to post a DM: the DM channel id once known, else the user id itself — chat.postMessage with
   * a user id posts to that user's DM with the app, so no conversations.open call (a slow-tier method,
   * about 50 a minute) stands between a 09:00 fan-out and 5,000 members.
   */
  async dmChannel(workspace: string, userId: string): Promise<string> {
    return (await this.dmChannels.get(workspace, userId)) ?? userId;
  }

  /**
   * The DM channel id itself (D…), opening the conversation when it is not known yet: file uploads
   * need it, as files.completeUploadExternal takes channel ids only, never a user id.
   */
  async openDm(workspace: string, userId: string): Promise<string> {
    const known = await this.dmChannels.get(workspace, userId);
    if (known) return known;
    const opened = await this.client.conversations.open({ users: userId });
    const id = opened.channel?.id;
    if (!id) throw new Error('conversations.open answered without a channel id');
    await this.dmChannels.set(workspace, userId, id).catch(() => undefined);
    return id;
  }

  /**
   * Shares files in a conversation (a channel or DM id, not a user id) through Slack's external-upload
   * flow: files.getUploadURLExternal for each file, a POST of its bytes to the upload_url, then one
   * files.completeUploadExternal that posts them together, with `initialComment` as their message.
   */
  async uploadFiles(channelId: string, files: readonly Attachment[], options: { initialComment?: string } = {}): Promise<void> {
    if (files.length === 0) return;
    await this.client.filesUploadV2({
      channel_id: channelId,
      ...(options.initialComment ? { initial_comment: truncateMrkdwn(escapeMrkdwn(options.initialComment), SLACK_INITIAL_COMMENT_MAX) } : {}),
      file_uploads: files.map((f) => ({ file: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), filename: f.name, title: f.title ?? f.name })),
    });
  }

  /**
   * Posts the message, then its files into the same conversation. Should the upload fail, the outbox
   * retries the whole delivery, so the message itself can arrive twice.
   */
  async send(recipient: Recipient, message: Message): Promise<SentRef> {
    const { fits, tooLarge } = partitionFiles(message.files, SLACK_FILE_MAX_BYTES);
    let sent: SentRef;
    try {
      const locale = tooLarge.length > 0 ? await this.noteLocale(recipient) : undefined;
      const outgoing = withNotes(message, locale ? tooLarge.map((f) => tooLargeNote(locale, f)) : []);
      const channel = recipient.kind === 'channel' ? recipient.channelId : await this.dmChannel(recipient.workspace, recipient.userId);
      const posted = await this.client.chat.postMessage({ channel, ...renderMessage(outgoing) });
      sent = { conversationId: posted.channel ?? channel, messageId: posted.ts ?? '' };
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
    // Remember the DM channel Slack used. The message is out: failing to remember must not resend it.
    if (recipient.kind === 'user' && sent.conversationId !== recipient.userId) {
      await this.dmChannels.set(recipient.workspace, recipient.userId, sent.conversationId).catch(() => undefined);
    }
    if (fits.length > 0) {
      try {
        // chat.postMessage answered with the conversation id (D… for a DM): uploads need exactly that.
        const channel = recipient.kind === 'channel' ? recipient.channelId : sent.conversationId !== recipient.userId ? sent.conversationId : await this.openDm(recipient.workspace, recipient.userId);
        await this.uploadFiles(channel, fits);
      } catch (error) {
        throw error instanceof DeliveryError ? error : toDeliveryError(error);
      }
    }
    return sent;
  }
}
