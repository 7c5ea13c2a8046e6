/**
 * The Slack ChatPort over the Web API (chat.postMessage). The WebClient's own retries are turned off and rate-limited
 * calls rejected, so the outbox owns every retry: 429 becomes "rate limited" with Slack's Retry-After,
 * 5xx and network errors become transient, and errors that retrying cannot fix (the bot is not in the
 * channel, the user is gone) fail the delivery at once with Slack's error code as the reason.
 */
import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import { DeliveryError, type ChatPort, type DmChannelStore, type Recipient, type SentRef } from '../../src/delivery/port.js';
import type { Message } from '../../src/ui/card.js';
import { renderMessage } from './render.js';

/** Slack error codes that no retry can fix. */
const PERMANENT_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'user_not_found',
  'users_not_found',
  'is_archived',
  'account_inactive',
  'cannot_dm_bot',
  'user_disabled',
  'msg_too_long',
  'invalid_blocks',
  'no_permission',
  'missing_scope',
  'not_authed',
  'invalid_auth',
  'restricted_action',
]);

export function createWebClient(token: string, apiUrl: string | undefined): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

/** Maps a WebClient failure to the outbox's failure kinds. */
export function toDeliveryError(error: unknown): DeliveryError {
  const e = error as WebAPICallError & { retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      // chat.postMessage limits apply per workspace: pause the whole platform for Slack's Retry-After.
      return new DeliveryError({ kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000, global: true }, 'rate_limited');
    case ErrorCode.PlatformError: {
      const reason = e.data?.error ?? 'platform_error';
      return new DeliveryError(PERMANENT_ERRORS.has(reason) ? { kind: 'permanent' } : { kind: 'transient' }, reason);
    }
    case ErrorCode.HTTPError:
      return new DeliveryError((e.statusCode ?? 500) >= 500 ? { kind: 'transient' } : { kind: 'permanent' }, `http_${e.statusCode ?? 'error'}`);
    default:
      return new DeliveryError({ kind: 'transient' }, 'network');
  }
}

export class SlackChatPort implements ChatPort {
  readonly platform = 'slack' as const;
  readonly capabilities = { ephemeral: true, updates: true, directMessages: true };

  constructor(
    private readonly client: WebClient,
    private readonly dmChannels: DmChannelStore,
  ) {}

  /**
   * Where to post a DM: the DM channel id once known, else the user id itself — chat.postMessage with
   * a user id posts to that user's DM with the app, so no conversations.open call (a slow-tier method,
   * about 50 a minute) stands between a 09:00 fan-out and 5,000 members.
   */
  async dmChannel(workspace: string, userId: string): Promise<string> {
    return (await this.dmChannels.get(workspace, userId)) ?? userId;
  }

  async send(recipient: Recipient, message: Message): Promise<SentRef> {
    try {
      const channel = recipient.kind === 'channel' ? recipient.channelId : await this.dmChannel(recipient.workspace, recipient.userId);
      const posted = await this.client.chat.postMessage({ channel, ...renderMessage(message) });
      // Remember the DM channel Slack used, for updates and the next message.
      if (recipient.kind === 'user' && posted.channel && posted.channel !== channel) await this.dmChannels.set(recipient.workspace, recipient.userId, posted.channel);
      return { conversationId: posted.channel ?? channel, messageId: posted.ts ?? '' };
    } catch (error) {
      throw error instanceof DeliveryError ? error : toDeliveryError(error);
    }
  }
}
