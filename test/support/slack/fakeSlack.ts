/**
 * A local fake of Slack's Web API, response_url endpoints and Socket Mode, on 127.0.0.1 only.
 *
 * Shaped after what @slack/web-api 8 and @slack/socket-mode 3 actually send and expect:
 * - WebClient POSTs `{slackApiUrl}{method}` form-encoded (nested values JSON-stringified, e.g. `blocks`),
 *   token in `Authorization: Bearer`; it treats `ok:false` as a platform error and HTTP 429 with
 *   `Retry-After` (seconds) as rate limiting. Slack's answers are HTTP 200 even for errors.
 * - Bolt's respond() POSTs JSON to the response_url.
 * - Files (WebClient#filesUploadV2): files.getUploadURLExternal {filename, length} → {upload_url, file_id};
 *   a multipart POST of the bytes (field `body`) to upload_url, answered 200 "OK - <length>"; then
 *   files.completeUploadExternal {files: [{id, title}], channel_id, initial_comment} shares them. Slack
 *   takes only conversation ids there (C…, G…, D…), never a user id: a DM must be opened first.
 * - Socket Mode: apps.connections.open (app-level `xapp-` token) returns a WebSocket URL; the server says
 *   `{type:'hello'}`, then sends envelopes, and the client acks with `{envelope_id, payload}`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export const SLACK_DEFAULTS = {
  teamId: 'T0PROBITY',
  teamDomain: 'probity-test',
  teamName: 'Probity Test',
  appId: 'A0PROBITY',
  botId: 'B0PROBITY',
  botUserId: 'U0PROBITYBOT',
  botName: 'probity',
} as const;

/** The stable DM channel the fake "opens" with a user (real ids are opaque; tests only need stability). */
export const dmChannelId = (userId: string): string => `D${userId}`;

export interface SlackMember {
  id: string;
  team_id: string;
  name: string;
  deleted: boolean;
  real_name: string;
  is_bot: boolean;
  is_app_user: boolean;
  tz: string;
  tz_label: string;
  tz_offset: number;
  profile: { real_name: string; display_name: string; email?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A users.list / users.info member with the fields Slack always includes. */
export function fakeMember(
  id: string,
  o: { name?: string; realName?: string; displayName?: string; email?: string; deleted?: boolean; isBot?: boolean; tz?: string } = {},
): SlackMember {
  const name = o.name ?? id.toLowerCase();
  const realName = o.realName ?? name;
  return {
    id,
    team_id: SLACK_DEFAULTS.teamId,
    name,
    deleted: o.deleted ?? false,
    real_name: realName,
    is_bot: o.isBot ?? false,
    is_app_user: false,
    tz: o.tz ?? 'Asia/Seoul',
    tz_label: 'Korea Standard Time',
    tz_offset: 32400,
    profile: {
      real_name: realName,
      display_name: o.displayName ?? '',
      ...(o.email !== undefined ? { email: o.email } : {}),
    },
  };
}

export type Failure =
  | { status: 429; retryAfter: number }
  | { error: string }
  | { status: number; body?: string };

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
}

export interface ResponseUrlPost {
  path: string;
  body: unknown;
}

/** A file shared by files.completeUploadExternal, as the recipient would find it. */
export interface SharedFile {
  id: string;
  /** The filename given to files.getUploadURLExternal. */
  name: string;
  title: string;
  /** The bytes POSTed to the upload URL. */
  bytes: Buffer;
  /** The length announced to files.getUploadURLExternal. */
  declaredLength: number;
  /** Where it was shared; undefined when completed without a channel (a private file). */
  channel: string | undefined;
  initialComment: string | undefined;
}

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface FakeSlackOptions {
  users?: SlackMember[];
  /** How long sendEnvelope waits for an ack (Slack itself gives up after 3 s). */
  ackTimeoutMs?: number;
}

/** Slack's `{ok:false, error}` answer, thrown by a method handler. */
class SlackApiError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

type Args = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const need = (args: Args, key: string, error: string): string => {
  const v = str(args[key]);
  if (v === undefined) throw new SlackApiError(error);
  return v;
};

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responseUrlPosts: ResponseUrlPost[] = [];
  /** Bytes received by the files.uploadV2 upload step, by file id. */
  readonly uploads = new Map<string, { filename: string; bytes: Buffer }>();
  /** Files shared by files.completeUploadExternal, in order. */
  readonly sharedFiles: SharedFile[] = [];
  /** Channels the bot is not a member of: sharing a file there fails with `not_in_channel`. */
  readonly channelsWithoutBot = new Set<string>();
  /** files.getUploadURLExternal's announcements, by file id. */
  private readonly pendingUploads = new Map<string, { filename: string; length: number }>();
  /** The last view published to each user's Home tab. */
  readonly homeViews = new Map<string, Record<string, unknown>>();
  /** Messages the bot posted, by `${channel}:${ts}` (chat.update needs them to exist). */
  readonly messages = new Map<string, Record<string, unknown>>();
  users: SlackMember[];
  /** User group id → member user ids, for usergroups.users.list. */
  userGroups = new Map<string, string[]>();
  readonly socket: FakeSocketMode;
  private readonly failures = new Map<string, Failure[]>();
  private readonly openedDms = new Set<string>();
  private seq = 0;

  constructor(
    readonly baseUrl: string,
    options: FakeSlackOptions,
  ) {
    this.users = options.users ?? [];
    this.socket = new FakeSocketMode(`${baseUrl.replace(/^http/, 'ws')}/link/`, options.ackTimeoutMs ?? 3000);
  }

  /** What WebClient's `slackApiUrl` must be: it appends the method name directly. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.baseUrl}/response/${id}`;
  }

  /** Fail the next call of `method` (`'response_url'`: the next response_url POST; `'upload'`: the next upload POST). Queues. */
  failNext(method: string, failure: Failure): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(failure);
    this.failures.set(method, queue);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      const args = await parseArgs(contentType, raw, url.searchParams);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? str(args['token']);
      delete args['token']; // surfaced as `token`; WebClient only puts it in the body for per-call tokens
      this.calls.push({ method, args, token });
      if (this.sendFailure(method, res)) return;
      try {
        sendJson(res, 200, { ok: true, ...this.dispatch(method, args, token) });
      } catch (error) {
        if (!(error instanceof SlackApiError)) throw error;
        sendJson(res, 200, { ok: false, error: error.error });
      }
    } else if (url.pathname.startsWith('/response/')) {
      this.responseUrlPosts.push({ path: url.pathname, body: raw.length ? JSON.parse(raw.toString('utf8')) : undefined });
      if (!this.sendFailure('response_url', res)) sendJson(res, 200, { ok: true });
    } else if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.slice('/upload/'.length);
      if (req.method !== 'POST' || !this.pendingUploads.has(fileId)) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      if (this.sendFailure('upload', res)) return;
      let bytes = raw;
      let filename = '';
      if (contentType.startsWith('multipart/form-data')) {
        const form = await new Request(this.baseUrl, { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
        const file = form.get('body') ?? form.get('file'); // WebClient sends the bytes in a field named `body`
        bytes = file instanceof Blob ? Buffer.from(await file.arrayBuffer()) : Buffer.from(String(file ?? ''));
        filename = file instanceof File ? file.name : '';
      }
      // Slack's upload URL takes the raw bytes as well as a multipart form.
      this.uploads.set(fileId, { filename, bytes });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
    } else {
      sendJson(res, 404, { ok: false, error: 'not_found' });
    }
  }

  private sendFailure(key: string, res: ServerResponse): boolean {
    const failure = this.failures.get(key)?.shift();
    if (!failure) return false;
    if ('error' in failure) sendJson(res, 200, { ok: false, error: failure.error });
    else if (failure.status === 429) {
      const retryAfter = 'retryAfter' in failure ? failure.retryAfter : 1;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    } else res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('body' in failure ? (failure.body ?? '') : '');
    return true;
  }

  /** A fresh, strictly increasing message ts in Slack's `seconds.micros` form. */
  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private dispatch(method: string, args: Args, token: string | undefined): Args {
    if (!token) throw new SlackApiError('not_authed');
    // Slack rejects an app-level token on bot methods and a bot token on apps.connections.open.
    if ((method === 'apps.connections.open') !== token.startsWith('xapp-')) throw new SlackApiError('not_allowed_token_type');
    const d = SLACK_DEFAULTS;
    switch (method) {
      case 'auth.test':
        return { url: `https://${d.teamDomain}.slack.com/`, team: d.teamName, user: d.botName, team_id: d.teamId, user_id: d.botUserId, bot_id: d.botId, is_enterprise_install: false };
      case 'apps.connections.open':
        return { url: `${this.socket.url}?ticket=${randomUUID()}&app_id=${d.appId}` };
      case 'chat.postMessage': {
        let channel = need(args, 'channel', 'channel_not_found');
        if (/^[UW]/.test(channel)) channel = dmChannelId(channel); // posting to a user id lands in their DM
        if (args['text'] === undefined && args['blocks'] === undefined && args['attachments'] === undefined) throw new SlackApiError('no_text');
        const ts = this.nextTs();
        const message: Args = { user: d.botUserId, type: 'message', ts, bot_id: d.botId, app_id: d.appId, text: str(args['text']) ?? '', team: d.teamId };
        for (const key of ['blocks', 'attachments', 'thread_ts', 'metadata']) if (args[key] !== undefined) message[key] = args[key];
        this.messages.set(`${channel}:${ts}`, message);
        return { channel, ts, message };
      }
      case 'chat.update': {
        const channel = need(args, 'channel', 'channel_not_found');
        const ts = need(args, 'ts', 'message_not_found');
        const message = this.messages.get(`${channel}:${ts}`);
        if (!message) throw new SlackApiError('message_not_found');
        for (const key of ['text', 'blocks', 'attachments']) if (args[key] !== undefined) message[key] = args[key];
        return { channel, ts, text: message['text'], message };
      }
      case 'chat.postEphemeral':
        need(args, 'channel', 'channel_not_found');
        need(args, 'user', 'user_not_in_channel');
        return { message_ts: this.nextTs() };
      case 'conversations.open': {
        const users = (str(args['users']) ?? '').split(',').filter(Boolean);
        if (users.length !== 1) throw new SlackApiError(users.length ? 'not_implemented_in_fake' : 'users_list_not_supplied');
        const id = dmChannelId(users[0]!);
        const alreadyOpen = this.openedDms.has(id);
        this.openedDms.add(id);
        return { ...(alreadyOpen ? { no_op: true, already_open: true } : {}), channel: { id } };
      }
      case 'users.list':
        return this.usersList(args);
      case 'usergroups.users.list': {
        const users = this.userGroups.get(need(args, 'usergroup', 'invalid_arguments'));
        if (!users) throw new SlackApiError('no_such_subteam');
        return { users };
      }
      case 'users.info': {
        const user = this.users.find((u) => u.id === args['user']);
        if (!user) throw new SlackApiError('user_not_found');
        return { user };
      }
      case 'views.publish': {
        const userId = need(args, 'user_id', 'invalid_arguments');
        const view = this.renderView(args['view']);
        this.homeViews.set(userId, view);
        return { view };
      }
      case 'views.open':
        need(args, 'trigger_id', 'invalid_trigger_id');
        return { view: this.renderView(args['view']) };
      case 'views.update':
        return { view: this.renderView(args['view']) };
      case 'files.getUploadURLExternal': {
        const filename = need(args, 'filename', 'invalid_arguments');
        const length = Number(need(args, 'length', 'invalid_arguments'));
        if (!Number.isInteger(length) || length < 0) throw new SlackApiError('invalid_arguments');
        const fileId = `F${String(++this.seq).padStart(8, '0')}`;
        this.pendingUploads.set(fileId, { filename, length });
        return { upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args['files']) ? (args['files'] as Array<{ id: string; title?: string }>) : [];
        if (!files.length || files.some((f) => !this.uploads.has(f.id))) throw new SlackApiError('file_not_found');
        const channel = str(args['channel_id']);
        // Slack: "input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]".
        if (channel !== undefined && /^[UW]/.test(channel)) throw new SlackApiError('invalid_arguments');
        if (channel !== undefined && this.channelsWithoutBot.has(channel)) throw new SlackApiError('not_in_channel');
        const initialComment = str(args['initial_comment']);
        for (const f of files) {
          const upload = this.uploads.get(f.id)!;
          const announced = this.pendingUploads.get(f.id);
          const name = announced?.filename ?? upload.filename;
          this.sharedFiles.push({ id: f.id, name, title: f.title ?? name, bytes: upload.bytes, declaredLength: announced?.length ?? upload.bytes.length, channel, initialComment });
        }
        return { files: files.map((f) => ({ id: f.id, name: this.pendingUploads.get(f.id)?.filename ?? this.uploads.get(f.id)!.filename, title: f.title ?? '', size: this.uploads.get(f.id)!.bytes.length })) };
      }
      default:
        throw new SlackApiError('unknown_method');
    }
  }

  /** Cursor pagination as Slack does it: opaque base64 cursor, `next_cursor: ''` on the last page. */
  private usersList(args: Args): Args {
    const cursor = str(args['cursor']);
    let start = 0;
    if (cursor) {
      const id = /^user:(.+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'))?.[1];
      start = this.users.findIndex((u) => u.id === id);
      if (start < 0) throw new SlackApiError('invalid_cursor');
    }
    const limit = Number(args['limit'] ?? 0) || this.users.length; // limit 0 or absent: everything
    const members = this.users.slice(start, start + limit);
    const next = this.users[start + limit];
    const next_cursor = next ? Buffer.from(`user:${next.id}`).toString('base64') : '';
    return { members, cache_ts: Math.floor(Date.now() / 1000), response_metadata: { next_cursor } };
  }

  private renderView(input: unknown): Args {
    if (typeof input !== 'object' || input === null) throw new SlackApiError('invalid_arguments');
    const view = input as Args;
    const id = `V${String(++this.seq).padStart(8, '0')}`;
    return {
      id, team_id: SLACK_DEFAULTS.teamId, type: view['type'], blocks: view['blocks'] ?? [],
      private_metadata: view['private_metadata'] ?? '', callback_id: view['callback_id'] ?? '',
      state: { values: {} }, hash: `${Date.now()}.${id}`, title: view['title'] ?? null,
      close: view['close'] ?? null, submit: view['submit'] ?? null, clear_on_close: false, notify_on_close: false,
      root_view_id: id, previous_view_id: null, app_id: SLACK_DEFAULTS.appId, external_id: view['external_id'] ?? '',
      bot_id: SLACK_DEFAULTS.botId,
    };
  }
}

/** Socket Mode: one WebSocket per apps.connections.open URL; envelopes go to the newest open one. */
export class FakeSocketMode {
  readonly envelopes: SocketEnvelope[] = [];
  readonly acks: SocketAck[] = [];
  readonly connections: WebSocket[] = [];
  private readonly pending = new Map<string, (ack: SocketAck) => void>();
  private readonly waiters: Array<() => void> = [];

  constructor(
    /** Base of the URLs apps.connections.open hands out (each gets its own `?ticket=`). */
    readonly url: string,
    private readonly ackTimeoutMs: number,
  ) {}

  accept(ws: WebSocket): void {
    this.connections.push(ws);
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as SocketAck;
      if (typeof message.envelope_id !== 'string') return;
      this.acks.push(message);
      this.pending.get(message.envelope_id)?.(message);
      this.pending.delete(message.envelope_id);
    });
    const open = this.connections.filter((c) => c.readyState === WebSocket.OPEN).length;
    ws.send(JSON.stringify({
      type: 'hello', num_connections: open,
      debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: SLACK_DEFAULTS.appId },
    }));
    this.waiters.splice(0).forEach((wake) => wake());
  }

  private active(): WebSocket | undefined {
    return this.connections.filter((c) => c.readyState === WebSocket.OPEN).at(-1);
  }

  /** Resolves once a client is connected (it has been sent `hello`). */
  async waitForConnection(timeoutMs = this.ackTimeoutMs): Promise<WebSocket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ws = this.active();
      if (ws) return ws;
      if (Date.now() > deadline) throw new Error('fake Socket Mode: no client connected');
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
  }

  /**
   * Sends an envelope as Slack does and resolves with the client's ack. Slack only accepts a response
   * payload for slash commands and view submissions; events never carry one.
   */
  async sendEnvelope(
    type: EnvelopeType,
    payload: unknown,
    options: { acceptsResponsePayload?: boolean; retryAttempt?: number; retryReason?: string } = {},
  ): Promise<SocketAck> {
    const ws = await this.waitForConnection();
    const isViewSubmission = (payload as { type?: unknown } | null)?.type === 'view_submission';
    const envelope: SocketEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? (type === 'slash_commands' || isViewSubmission),
      ...(type === 'events_api' ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' } : {}),
    };
    this.envelopes.push(envelope);
    const acked = new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.envelope_id);
        reject(new Error(`fake Socket Mode: envelope ${type} not acked within ${this.ackTimeoutMs} ms`));
      }, this.ackTimeoutMs);
      this.pending.set(envelope.envelope_id, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
    ws.send(JSON.stringify(envelope));
    return acked;
  }

  /** Slack's "please reconnect" notice (e.g. `refresh_requested`, `warning`); the client should reconnect. */
  disconnect(reason = 'refresh_requested'): void {
    this.active()?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } }));
  }
}

export interface RunningFakeSlack extends FakeSlack {
  close(): Promise<void>;
}

/**
 * Starts the fake on an ephemeral 127.0.0.1 port. Stop Bolt apps (app.stop()) before close(): a Socket
 * Mode client whose server vanishes keeps trying to reconnect.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<RunningFakeSlack> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake = new FakeSlack(`http://127.0.0.1:${port}`, options);
  server.on('request', (req, res) => {
    fake.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fake_slack_crashed', detail: String(error) });
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/link/')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => fake.socket.accept(ws));
  });
  return Object.assign(fake, {
    async close() {
      // Bolt's SocketModeReceiver#stop() resolves before the close handshake ends; let it finish so the
      // client does not log a 1006 error, and only then cut what is left.
      await Promise.all(fake.socket.connections.map(closeGracefully));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections(); // keep-alive sockets from fetch would otherwise hold close() open
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  });
}

function closeGracefully(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'going away');
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

/**
 * Parses a Web API call the way Slack does: form, JSON or multipart body plus query string. Form
 * values that hold JSON (`blocks`, `view`, `files`, ...) are decoded so tests can inspect them.
 */
async function parseArgs(contentType: string, raw: Buffer, query: URLSearchParams): Promise<Args> {
  const args: Args = Object.fromEntries(query);
  if (contentType.startsWith('application/json')) return { ...args, ...(raw.length ? (JSON.parse(raw.toString('utf8')) as Args) : {}) };
  const entries = contentType.startsWith('multipart/form-data')
    ? [...(await new Request('http://fake', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData())]
    : [...new URLSearchParams(raw.toString('utf8'))];
  for (const [key, value] of entries) {
    args[key] = typeof value === 'string' && /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return args;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
