/**
 * The NAVER WORKS adapter: callbacks arrive on Probity's own HTTP listener (NAVERWORKS_CALLBACK_PATH),
 * are verified (X-WORKS-Signature; a bad or missing one is answered 401 and nothing else happens),
 * answered 200 at once — NAVER WORKS does not resend a callback, and a slow answer must not hold the
 * next — and then dispatched to the core. Replies go back through the Bot API: a post in a message
 * room to the room, everything else to the member's 1:1 room with the bot (NAVER WORKS has no
 * ephemeral messages and no message edits), files included. A reply is not in the outbox, so a 429
 * or a 5xx on any of its steps is waited out here a few times, as the outbox would wait it out (the
 * wait NAVER WORKS names, else a backoff), going on from the step that failed. The persistent menu
 * offers the everyday commands in Korean.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NaverWorksConfig } from '../../src/config.js';
import { DeliveryError, type Recipient } from '../../src/delivery/port.js';
import { backoffMs } from '../../src/delivery/retry.js';
import type { Services } from '../../src/engine/context.js';
import type { Engine } from '../../src/engine/engine.js';
import type { InboundEvent } from '../../src/engine/events.js';
import { syncDirectory, type DirectorySummary } from '../../src/features/people/directory.js';
import { effectiveLocale } from '../../src/features/people/people.js';
import { accountFor, memberById } from '../../src/features/people/people.repository.js';
import type { Locale } from '../../src/i18n/index.js';
import { sendJson, type HttpListener } from '../../src/ops/http.js';
import { SIGNATURE_HEADER, verifySignature } from './callback.js';
import { NaverWorksClient, type Fetch, type NaverWorksUser } from './client.js';
import { inboundEvent, NAVERWORKS_WORKSPACE, parseCallback } from './inbound.js';
import { NAVERWORKS_CALLBACK_MAX_BYTES, NAVERWORKS_MENU_ACTIONS_MAX, NAVERWORKS_RATE_WINDOW_MS } from './limits.js';
import { NaverWorksChatPort, type SendProgress } from './outbound.js';
import type { NaverWorksMessageAction } from './render.js';

/** The persistent menu (고정 메뉴): each item sends a Korean command word that inbound.ts reads. */
const MENU: NaverWorksMessageAction[] = [
  { type: 'message', label: '오늘의 퀴즈', text: '퀴즈', i18nLabels: [{ language: 'en_US', label: "Today's quiz" }] },
  { type: 'message', label: '내 기록', text: '내기록', i18nLabels: [{ language: 'en_US', label: 'My record' }] },
  { type: 'message', label: '받은 서한', text: '받은서한', i18nLabels: [{ language: 'en_US', label: 'Letters' }] },
  { type: 'message', label: '도움말', text: '도움말', i18nLabels: [{ language: 'en_US', label: 'Help' }] },
];
/** Sends of one reply at most: the member is waiting, and the outbox is not there to try later. */
export const REPLY_ATTEMPTS = 3;

export const PERSISTENT_MENU: readonly NaverWorksMessageAction[] = MENU.slice(0, NAVERWORKS_MENU_ACTIONS_MAX);

export interface NaverWorksAdapter {
  client: NaverWorksClient;
  port: NaverWorksChatPort;
  /** Puts the callback endpoint on the listener. */
  mount(listener: HttpListener): void;
  /** Registers the persistent menu; a failure is logged, not fatal (the commands work typed too). */
  start(): Promise<void>;
  /** Waits for the callbacks still being handled. */
  stop(): Promise<void>;
  /** Resolves when every callback received so far has been handled (tests, shutdown). */
  settled(): Promise<void>;
  /** Links the domain's users by e-mail (scope user.read); undefined without NAVERWORKS_DOMAIN_ID. */
  syncDirectory(): Promise<DirectorySummary | undefined>;
}

/** Reads the body, refusing one larger than `max` bytes (undefined). */
async function rawBody(request: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** A directory user as the core's directory sync reads it; suspended and deleted people are skipped. */
export function directoryUser(user: NaverWorksUser) {
  const name = `${user.userName?.lastName ?? ''}${user.userName?.firstName ?? ''}`.trim();
  return { userId: user.userId, displayName: name || user.email || user.userId, email: user.email?.toLowerCase(), isBot: false, deleted: user.isDeleted === true || user.isSuspended === true };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before another try of a reply, or undefined when trying again cannot help. */
function replyRetryWait(error: unknown, attempt: number): number | undefined {
  if (!(error instanceof DeliveryError) || attempt >= REPLY_ATTEMPTS) return undefined;
  if (error.failure.kind === 'rate_limited') return Math.min(error.failure.retryAfterMs, NAVERWORKS_RATE_WINDOW_MS);
  return error.failure.kind === 'transient' ? backoffMs(attempt) : undefined;
}

export function createNaverWorksAdapter(
  engine: Engine,
  services: Services,
  config: NaverWorksConfig,
  options: { fetch?: Fetch; /** How a reply waits before it is tried again (tests). */ sleep?: (ms: number) => Promise<void> } = {},
): NaverWorksAdapter {
  const sleep = options.sleep ?? realSleep;
  const { log } = services;
  const scopes = ['bot', ...(config.domainId ? ['user.read'] : [])];
  // The token's times are real-world ones (NAVER WORKS checks the assertion against its clock), so the
  // client keeps the system time rather than the services' clock.
  const client = new NaverWorksClient(config, scopes, options.fetch ? { fetch: options.fetch } : {});

  /** The member's own language, for the notes the adapter adds; the organisation's before they are known. */
  async function localeOf(userId: string): Promise<Locale> {
    const account = await accountFor(services.db, { platform: 'naverworks', workspace: NAVERWORKS_WORKSPACE, userId });
    const member = account ? await memberById(services.db, account.member_id) : undefined;
    return member ? effectiveLocale(member, services.config.locale) : services.config.locale;
  }
  const port = new NaverWorksChatPort(client, config.botId, (recipient) => (recipient.kind === 'user' ? localeOf(recipient.userId) : Promise.resolve(services.config.locale)));

  const inFlight = new Set<Promise<void>>();

  async function handle(event: InboundEvent): Promise<void> {
    const reply = await engine.dispatch(event);
    if (reply.kind === 'none') return;
    const message = reply.kind === 'form' ? reply.fallback : reply.message;
    // Only a post is for everyone in a room; the rest is the member's own, in their 1:1 room.
    const recipient: Recipient =
      reply.kind === 'post' && event.conversation.kind === 'channel'
        ? { kind: 'channel', channelId: event.conversation.id }
        : { kind: 'user', workspace: NAVERWORKS_WORKSPACE, userId: event.actor.userId };
    // Shared by the tries: what one of them uploaded or sent is not repeated by the next.
    const progress: SendProgress = { fileIds: [], sent: 0 };
    for (let attempt = 1; ; attempt++) {
      try {
        await port.send(recipient, message, progress);
        return;
      } catch (error) {
        const wait = replyRetryWait(error, attempt);
        if (wait === undefined) throw error;
        log.warn({ adapter: 'naverworks', attempt, reason: (error as DeliveryError).reason, waitMs: wait }, 'naverworks reply not sent; trying again');
        await sleep(wait);
      }
    }
  }

  async function onCallback(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await rawBody(request, NAVERWORKS_CALLBACK_MAX_BYTES);
    if (raw === undefined) return sendJson(response, 413, { error: 'too_large' });
    if (!verifySignature(raw, header(request, SIGNATURE_HEADER), config.botSecret)) {
      log.warn({ adapter: 'naverworks', remote: request.socket.remoteAddress }, 'naverworks callback with a bad or missing signature refused');
      return sendJson(response, 401, { error: 'invalid_signature' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendJson(response, 400, { error: 'invalid_json' });
    }
    sendJson(response, 200, {});
    const callback = parseCallback(body);
    const event = callback ? inboundEvent(callback) : undefined;
    if (!event) return;
    const handled = handle(event)
      .catch((error: unknown) => log.error({ err: error, adapter: 'naverworks', callback: callback?.type }, 'naverworks callback failed'))
      .finally(() => inFlight.delete(handled));
    inFlight.add(handled);
  }

  const settled = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };

  return {
    client,
    port,
    mount(listener) {
      listener.route('POST', config.callbackPath, onCallback);
    },
    async start() {
      try {
        await client.setPersistentMenu(config.botId, PERSISTENT_MENU);
      } catch (error) {
        log.warn({ err: error, adapter: 'naverworks' }, 'could not register the persistent menu; the commands still work typed');
      }
      log.info({ bot: config.botId, callbackPath: config.callbackPath }, 'naverworks adapter started');
    },
    stop: settled,
    settled,
    async syncDirectory() {
      if (!config.domainId) return undefined;
      const users = await client.listUsers(config.domainId);
      return syncDirectory(services, 'naverworks', NAVERWORKS_WORKSPACE, users.map(directoryUser));
    },
  };
}
