/**
 * The outbound boundary: what the core asks of a chat platform. Each adapter implements ChatPort; the
 * dispatcher owns retries, so adapters turn their SDKs' own retry loops down and report failures as
 * DeliveryError.
 */
import type { Platform } from '../engine/events.js';
import type { Message } from '../ui/card.js';

export type Recipient =
  | { kind: 'user'; workspace: string; userId: string }
  | { kind: 'channel'; channelId: string };

export interface SentRef {
  conversationId: string;
  messageId: string;
}

/** Remembers the DM channel opened for each account, so a platform's slow "open DM" call is made once. */
export interface DmChannelStore {
  get(workspace: string, userId: string): Promise<string | undefined>;
  set(workspace: string, userId: string, channelId: string): Promise<void>;
}

export interface ChatPort {
  readonly platform: Platform;
  /**
   * directMessages: the platform can DM a person at all; dmOnRequest: only people who asked for DMs
   * get them (Discord quarantines bots that mass-DM), the rest are reached through a channel post.
   */
  readonly capabilities: { directMessages: boolean; dmOnRequest?: boolean };
  send(recipient: Recipient, message: Message): Promise<SentRef>;
}

/**
 * - rate_limited: wait `retryAfterMs` before this message; `global` pauses the whole platform
 *   (Discord's global limit), otherwise only this route (e.g. Slack's one-message-a-second per channel).
 * - transient: a 5xx or a network error; retried with backoff.
 * - permanent: retrying cannot help (DMs closed, user or channel gone); recorded as failed at once.
 */
export type DeliveryFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; global: boolean }
  | { kind: 'transient' }
  | { kind: 'permanent' };

export class DeliveryError extends Error {
  constructor(
    readonly failure: DeliveryFailure,
    /** A short reason code for status reports: "dm_closed", "http_503", "user_not_found". */
    readonly reason: string,
  ) {
    super(`${failure.kind}: ${reason}`);
    this.name = 'DeliveryError';
  }
}
