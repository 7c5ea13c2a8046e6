/**
 * The NAVER WORKS ChatPort over the client, which does not retry, so the outbox owns retries: a 429
 * → rate limited for the wait NAVER WORKS named (a minute when it names none), for the whole
 * platform, because NAVER WORKS counts the message API per bot, not per conversation; 5xx and network
 * errors → transient; a refused token → the platform waits a minute with the rows kept; a user or
 * room that is gone, or a refused payload, fails at once. The same holds for every step of a file
 * (attachment, upload, file message).
 *
 * Files are uploaded before anything is sent, so a failed upload (the likeliest failure: the largest
 * request) leaves the conversation untouched and the retry sends the message once. A file over
 * NAVERWORKS_FILE_MAX_BYTES is not uploaded: a note in the text names it instead.
 */
import { DeliveryError, type ChatPort, type Recipient, type SentRef } from '../../src/delivery/port.js';
import { t, type Locale } from '../../src/i18n/index.js';
import type { Attachment, Message } from '../../src/ui/card.js';
import { megabytes, partitionFiles, withNotes } from '../../src/ui/files.js';
import type { NaverWorksClient } from './client.js';
import { NaverWorksApiError } from './client.js';
import { NAVERWORKS_FILE_MAX_BYTES, NAVERWORKS_RATE_WINDOW_MS } from './limits.js';
import { renderMessage, type NaverWorksContent } from './render.js';

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
 * What one send has done so far, for a caller that tries it again itself (a reply): the files already
 * uploaded and the contents already sent are not repeated. The outbox passes none: each of its tries
 * starts afresh.
 */
export interface SendProgress {
  fileIds: string[];
  sent: number;
}

/** The note that stands in for a file over NAVER WORKS' size limit. */
export function tooLargeNote(file: Attachment, locale: Locale): string {
  return t(locale, 'naverworks.file_too_large', { name: file.name, size: megabytes(file.data.byteLength), max: megabytes(NAVERWORKS_FILE_MAX_BYTES) });
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

  /**
   * The message's contents, then one "file" message per file. NAVER WORKS answers a sent message with
   * 201 and no id: the ref names the conversation only.
   */
  async send(recipient: Recipient, message: Message, progress: SendProgress = { fileIds: [], sent: 0 }): Promise<SentRef> {
    try {
      const { fits, tooLarge } = partitionFiles(message.files, NAVERWORKS_FILE_MAX_BYTES);
      const locale = tooLarge.length > 0 ? await this.noteLocale(recipient) : 'ko';
      for (const [index, file] of fits.entries()) progress.fileIds[index] ??= await this.client.uploadFile(this.botId, file);
      const contents: NaverWorksContent[] = [
        ...renderMessage(withNotes(message, tooLarge.map((file) => tooLargeNote(file, locale)))),
        ...progress.fileIds.map((fileId) => ({ type: 'file' as const, fileId })),
      ];
      for (const content of contents.slice(progress.sent)) {
        if (recipient.kind === 'user') await this.client.sendToUser(this.botId, recipient.userId, content);
        else await this.client.sendToChannel(this.botId, recipient.channelId, content);
        progress.sent += 1;
      }
      return { conversationId: recipient.kind === 'user' ? recipient.userId : recipient.channelId, messageId: '' };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }
}
