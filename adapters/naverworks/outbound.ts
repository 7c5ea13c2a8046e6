/**
 * The NAVER WORKS ChatPort over the client, which does not retry, so the outbox owns retries: a 429
 * → rate limited for the wait NAVER WORKS named (a minute when it names none), for the whole
 * platform, because NAVER WORKS counts the message API per bot, not per conversation; 5xx and network
 * errors → transient; a refused token → the platform waits a minute with the rows kept; a user or
 * room that is gone, or a refused payload, fails at once.
 */
import { DeliveryError, type ChatPort, type Recipient, type SentRef } from '../../src/delivery/port.js';
import { t, type Locale } from '../../src/i18n/index.js';
import type { Message } from '../../src/ui/card.js';
import { withNotes } from '../../src/ui/files.js';
import type { NaverWorksClient } from './client.js';
import { NaverWorksApiError } from './client.js';
import { NAVERWORKS_RATE_WINDOW_MS } from './limits.js';
import { renderMessage } from './render.js';

const HTTP_SERVER_ERROR = 500;
const PERMANENT_STATUSES: Readonly<Record<number, string>> = { 400: 'invalid_request', 403: 'forbidden', 404: 'not_found' };

export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof NaverWorksApiError) {
    if (error.status === 429) return new DeliveryError({ kind: 'rate_limited', retryAfterMs: Math.max(1, error.retryAfterMs ?? NAVERWORKS_RATE_WINDOW_MS), global: true }, 'rate_limited');
    if (error.status === 401) return new DeliveryError({ kind: 'rate_limited', retryAfterMs: NAVERWORKS_RATE_WINDOW_MS, global: true }, 'invalid_token');
    if (error.status >= HTTP_SERVER_ERROR) return new DeliveryError({ kind: 'transient' }, `http_${error.status}`);
    return new DeliveryError({ kind: 'permanent' }, PERMANENT_STATUSES[error.status] ?? `http_${error.status}`);
  }
  return new DeliveryError({ kind: 'transient' }, 'network');
}

/**
 * Files are not sent: NAVER WORKS takes them through a separate upload (attachments API) that this
 * adapter does not implement yet, so each one is named in a note instead.
 */
export function withFileNotes(message: Message, locale: Locale): Message {
  return withNotes(message, (message.files ?? []).map((file) => t(locale, 'naverworks.file_not_sent', { name: file.name })));
}

export class NaverWorksChatPort implements ChatPort {
  readonly platform = 'naverworks' as const;
  readonly capabilities = { directMessages: true };

  constructor(
    private readonly client: NaverWorksClient,
    private readonly botId: string,
    /** The language of notes the adapter adds itself; Korean when not told. */
    private readonly noteLocale: (recipient: Recipient) => Promise<Locale> = async () => 'ko',
  ) {}

  /** NAVER WORKS answers a sent message with 201 and no id: the ref names the conversation only. */
  async send(recipient: Recipient, message: Message): Promise<SentRef> {
    try {
      const locale = message.files?.length ? await this.noteLocale(recipient) : 'ko';
      for (const content of renderMessage(withFileNotes(message, locale))) {
        if (recipient.kind === 'user') await this.client.sendToUser(this.botId, recipient.userId, content);
        else await this.client.sendToChannel(this.botId, recipient.channelId, content);
      }
      return { conversationId: recipient.kind === 'user' ? recipient.userId : recipient.channelId, messageId: '' };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }
}
