/**
 * A ChatPort over the fake chat API's HTTP interface: the benchmark's stand-in for a platform
 * adapter. It maps responses to the outbox's failure kinds exactly as the real adapters do:
 * 429 → rate limited (Retry-After, global flag), 5xx and network errors → transient, other 4xx → permanent.
 */
import { Agent, request } from 'node:http';
import { DeliveryError, type ChatPort, type Recipient, type SentRef } from '../../src/delivery/port.js';
import type { Message } from '../../src/ui/card.js';

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class HttpChatPort implements ChatPort {
  readonly platform = 'slack' as const;
  readonly capabilities = { directMessages: true };
  // One kept-alive connection: the dispatcher has one message in flight at a time.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly baseUrl: string) {}

  private post(path: string, payload: string): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const req = request(`${this.baseUrl}${path}`, { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async send(recipient: Recipient, message: Message): Promise<SentRef> {
    const to = recipient.kind === 'user' ? recipient.userId : recipient.channelId;
    let response: HttpResult;
    try {
      response = await this.post('/messages', JSON.stringify({ recipient: to, text: message.text, card: message.card }));
    } catch {
      throw new DeliveryError({ kind: 'transient' }, 'network');
    }
    if (response.status === 429) {
      const seconds = Number.parseFloat(String(response.headers['retry-after'] ?? '1'));
      const global = response.headers['x-ratelimit-global'] === 'true';
      throw new DeliveryError({ kind: 'rate_limited', retryAfterMs: Math.ceil((Number.isFinite(seconds) ? seconds : 1) * 1000), global }, 'rate_limited');
    }
    if (response.status >= 500) throw new DeliveryError({ kind: 'transient' }, `http_${response.status}`);
    if (response.status < 200 || response.status >= 300) throw new DeliveryError({ kind: 'permanent' }, `http_${response.status}`);
    const { id } = JSON.parse(response.body) as { id?: string };
    return { conversationId: to, messageId: id ?? '' };
  }

  close(): void {
    this.agent.destroy();
  }
}
