/** A ChatPort that records what it is asked to send and fails on cue. */
import { DeliveryError, type ChatPort, type Recipient, type SentRef } from '../../src/delivery/port.js';
import type { Platform } from '../../src/engine/events.js';
import type { Message } from '../../src/ui/card.js';

export interface SentMessage {
  recipient: Recipient;
  message: Message;
}

export class FakePort implements ChatPort {
  readonly capabilities = { directMessages: true };
  readonly sent: SentMessage[] = [];
  attempts = 0;
  /** Called before each send; throw a DeliveryError to fail it. */
  failNext: ((recipient: Recipient, attempt: number) => void) | undefined;
  /** On this attempt the message is accepted but the answer never comes back: the sender "dies". */
  hangOnAttempt: number | undefined;

  constructor(readonly platform: Platform = 'console') {}

  async send(recipient: Recipient, message: Message): Promise<SentRef> {
    this.attempts += 1;
    this.failNext?.(recipient, this.attempts);
    this.sent.push({ recipient, message });
    if (this.attempts === this.hangOnAttempt) return new Promise<SentRef>(() => undefined);
    return { conversationId: recipient.kind === 'user' ? recipient.userId : recipient.channelId, messageId: String(this.sent.length) };
  }
}

export const rateLimited = (retryAfterMs: number, global = false) => new DeliveryError({ kind: 'rate_limited', retryAfterMs, global }, 'rate_limited');
export const serverError = () => new DeliveryError({ kind: 'transient' }, 'http_503');
export const dmClosed = () => new DeliveryError({ kind: 'permanent' }, 'dm_closed');
