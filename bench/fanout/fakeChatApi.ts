/**
 * A local stand-in for a chat platform's message API, for the fan-out benchmark. It enforces a
 * global rate (a token bucket of `rate` messages a second) with 429 + Retry-After + a global flag,
 * optionally fails a fraction of requests on purpose (half 503, half a per-route 429), and records
 * every message it accepts so that lost and duplicated messages can be counted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeApiOptions {
  rate: number;
  failRate: number;
  /**
   * 'generic': POST /messages with JSON. 'slack': Slack's Web API shape (POST /api/chat.postMessage,
   * form-encoded, answers {ok, channel, ts}; 429 with a whole-second Retry-After as Slack sends it;
   * injected failures are 503 and ok:false internal_error, since a Slack 429 pauses the whole workspace).
   */
  flavour?: 'generic' | 'slack';
  /** Deterministic failure injection. */
  random: () => number;
}

export interface FakeApi {
  url: string;
  accepted: string[];
  firstAcceptedAt: number | undefined;
  lastAcceptedAt: number | undefined;
  rejected: { rateLimited: number; injected429: number; injected503: number; injectedPlatformError: number };
  onAccepted?: (count: number) => void;
  close(): Promise<void>;
}

/** Bursts the fake tolerates: a fifth of a second's worth, as a real platform's bucket does. */
const BURST_SECONDS = 0.2;
const INJECTED_RETRY_AFTER_S = 0.05;

export async function startFakeChatApi(options: FakeApiOptions): Promise<FakeApi> {
  const burst = Math.max(1, options.rate * BURST_SECONDS);
  let tokens = burst;
  let updated = performance.now();
  const api: FakeApi = {
    url: '',
    accepted: [],
    firstAcceptedAt: undefined,
    lastAcceptedAt: undefined,
    rejected: { rateLimited: 0, injected429: 0, injected503: 0, injectedPlatformError: 0 },
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const slack = options.flavour === 'slack';
      if (req.method !== 'POST' || req.url !== (slack ? '/api/chat.postMessage' : '/messages')) {
        res.writeHead(404).end();
        return;
      }
      const now = performance.now();
      tokens = Math.min(burst, tokens + ((now - updated) / 1000) * options.rate);
      updated = now;
      if (tokens < 1) {
        api.rejected.rateLimited++;
        const seconds = (1 - tokens) / options.rate;
        const retryAfter = slack ? String(Math.max(1, Math.ceil(seconds))) : seconds.toFixed(3);
        res.writeHead(429, { 'retry-after': retryAfter, 'x-ratelimit-global': 'true', 'content-type': 'application/json' }).end('{"ok":false,"error":"ratelimited"}');
        return;
      }
      tokens -= 1;
      const roll = options.random();
      if (roll < options.failRate / 2) {
        api.rejected.injected503++;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"ok":false,"error":"service_unavailable"}');
        return;
      }
      if (roll < options.failRate && slack) {
        api.rejected.injectedPlatformError++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"error":"internal_error"}');
        return;
      }
      if (roll < options.failRate) {
        api.rejected.injected429++;
        res.writeHead(429, { 'retry-after': String(INJECTED_RETRY_AFTER_S), 'content-type': 'application/json' }).end('{"ok":false,"error":"ratelimited"}');
        return;
      }
      // A Slack DM goes to the user id the first time and to the DM channel (D…) after: count the person.
      const channel = slack ? (new URLSearchParams(body).get('channel') ?? '') : (JSON.parse(body) as { recipient: string }).recipient;
      const recipient = slack && channel.startsWith('D') ? `U${channel.slice(1)}` : channel;
      api.accepted.push(recipient);
      api.firstAcceptedAt ??= now;
      api.lastAcceptedAt = now;
      const answer = slack ? { ok: true, channel: recipient.startsWith('U') ? `D${recipient.slice(1)}` : recipient, ts: `1700000000.${String(api.accepted.length).padStart(6, '0')}` } : { ok: true, id: String(api.accepted.length) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      api.onAccepted?.(api.accepted.length);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}
