/**
 * A local fake of Discord's HTTP API (v10) and Gateway that a REAL discord.js 14 `Client` can log
 * into, receive interactions from and answer through. Everything listens on 127.0.0.1.
 *
 * How discord.js reaches it (verified against the installed @discordjs/rest 2.6 and @discordjs/ws 1.2):
 *   - REST: every URL is `${rest.api}/v${rest.version}${route}` with version 10 by default, so the
 *     client gets `rest: { api: fake.apiUrl }` where apiUrl ends in `/api` (no `/v10`).
 *   - Gateway: `GET /gateway/bot` returns `url`; the shard connects to `${url}?v=10&encoding=json`.
 *     discord.js asks for `compress=zlib-stream` only when the optional `zlib-sync` package is
 *     installed (it is not here). Either way this fake always answers with text frames, which
 *     @discordjs/ws parses as plain JSON, so no client option is needed to avoid compression.
 *   - `clientReady` fires once every guild listed in READY has had its GUILD_CREATE (or after
 *     `waitGuildTimeout`, 15 s by default). The fake sends GUILD_CREATE for every guild straight
 *     after READY when the Guilds intent is present, so ready is immediate.
 *
 * What it records (arrays are appended in arrival order, never cleared):
 *   requests             every HTTP request, including failed ones, with the status it got
 *   interactionCallbacks successful POST /interactions/{id}/{token}/callback bodies
 *   webhookMessages      successful /webhooks/{app}/{token}[/messages/{id}] calls (follow-ups, @original),
 *                        with the files of multipart bodies (payload_json + files[n], bytes kept)
 *   channelMessages      successful POST /channels/{id}/messages bodies, with their files likewise
 *   registeredCommands   last bulk-overwrite body per scope ('global' or a guild id)
 *   gatewayLog           op codes (and t, s) of every gateway frame in both directions
 *   gatewayQueries       the query string of each gateway connection (v, encoding, compress)
 *
 * State is kept the way Discord keeps it, so mistakes an adapter could make fail here as they would
 * in production: answering an interaction twice (40060), editing @original before acknowledging
 * (10015), sending an empty message (50006), 2001-character content (50035), DMing a user who
 * closed their DMs (50007), a channel the bot cannot see (50001).
 *
 * How discord.js surfaces failures (@discordjs/rest 2.6, see fakeDiscord.test.ts):
 *   - 4xx with a JSON body → `DiscordAPIError` with `status`, `code` (Discord's JSON code, e.g.
 *     50007), `message`, `method`, `url`, `rawError`. Never retried.
 *   - 5xx → retried `rest.retries` times (default 3), then `HTTPError` with `status`.
 *   - 429 → never thrown by default: the client waits and retries on its own (429s do not count
 *     against `retries`). A per-route 429 leaves the bucket at Remaining 0 and a global one blocks
 *     every bucket, so the wait before the retry emits the `RESTEvents.RateLimited` ('rateLimited')
 *     event on `client.rest` (the Client does not re-emit it). A shared-scope 429, or one on an
 *     interaction callback (a "burst" bucket), just sleeps `Retry-After` without an event.
 *     With `rest.rejectOnRateLimit` (a predicate on the rate-limit data, or an array of route
 *     prefixes) the request instead rejects with `RateLimitError { retryAfter, timeToReset,
 *     global, scope, route, method, majorParameter, limit, ... }`. `retryAfter` is ms from the
 *     Retry-After HEADER, which Discord rounds up to whole seconds (0.05 s → 1050 = 1000 + the
 *     default 50 ms `rest.offset`); `timeToReset` is ms from X-RateLimit-Reset-After plus the
 *     offset twice (≈150 for 0.05 s), or from Retry-After for a global limit.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  ApplicationCommandType,
  ChannelType,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  InteractionType,
  Locale,
  MessageFlags,
  MessageType,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
  type APIAttachment,
  type APIChannel,
  type APIEmbed,
  type APIGuildMember,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessage,
  type APIRole,
  type APIUser,
  type ChannelFlags,
  type GatewayIdentifyData,
  type GuildMemberFlags,
  type RoleFlags,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChannelMessageJSONBody,
  type RESTPostAPIWebhookWithTokenJSONBody,
} from 'discord-api-types/v10';
import { BOT_PERMISSIONS, MEMBER_PERMISSIONS, apiUser, snowflake, type UserInput } from './payloads.js';

// =============================================================================================
// Public types
// =============================================================================================

export interface FakeUserInput extends UserInput {
  /** The user has "allow direct messages" off: any message to their DM channel gets 403 50007. */
  dmsClosed?: boolean;
}

export interface FakeChannelInput {
  id: string;
  name: string;
  /** 0 GUILD_TEXT (default), 2 GUILD_VOICE, 4 GUILD_CATEGORY, 5 GUILD_ANNOUNCEMENT. */
  type?: ChannelType.GuildText | ChannelType.GuildVoice | ChannelType.GuildCategory | ChannelType.GuildAnnouncement;
  topic?: string | null;
  parent_id?: string | null;
  position?: number;
  /** The bot's role is denied VIEW_CHANNEL here: REST answers 403 50001 Missing Access. */
  missingAccess?: boolean;
}

export interface FakeRoleInput {
  id: string;
  name: string;
  /** Permission bitfield as a decimal string. */
  permissions?: string;
  color?: number;
  position?: number;
  hoist?: boolean;
  mentionable?: boolean;
}

export interface FakeMemberInput {
  user: FakeUserInput;
  roles?: string[];
  nick?: string | null;
  joined_at?: string;
}

export interface FakeGuildInput {
  id: string;
  name: string;
  channels?: FakeChannelInput[];
  roles?: FakeRoleInput[];
  members?: FakeMemberInput[];
  ownerId?: string;
  locale?: Locale;
  /** Extra roles given to the bot's member besides its managed integration role. */
  botRoleIds?: string[];
}

export interface FakeDiscordOptions {
  applicationId: string;
  /** Defaults to applicationId: for applications created since 2020 the bot user shares the id. */
  botUserId?: string;
  botUsername?: string;
  /** When set, REST answers 401 and the gateway closes 4004 for any other token. */
  token?: string;
  guilds: FakeGuildInput[];
  /** Users who share no guild with the bot but may still be DMed. */
  users?: FakeUserInput[];
  /** HELLO's heartbeat_interval. Discord sends 41250; tests can lower it to exercise heartbeats. */
  heartbeatIntervalMs?: number;
  /**
   * Discord invalidates an interaction that is not acknowledged within 3 s (callback → 404 10062).
   * Off by default so slow CI machines do not flake; set to 3000 to test "defer when slow" logic.
   */
  interactionResponseDeadlineMs?: number | null;
  /**
   * The largest file accepted in one attachment, in bytes: Discord checks each attachment (since
   * April 2025) against the bot's limit, 10 MiB unless the guild is boosted, and answers 413 with
   * code 40005 above it. An interaction's own `attachment_size_limit` applies to its webhook.
   */
  attachmentSizeLimit?: number;
  /** Receives one line per HTTP request and gateway frame; handy while debugging a test. */
  log?: (line: string) => void;
}

export interface RecordedFile {
  field: string;
  name: string;
  contentType: string;
  size: number;
  /** The bytes received. */
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Path below /api/v10, without the query string, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or the `payload_json` part of a multipart body. */
  body: unknown;
  files: RecordedFile[];
  headers: IncomingHttpHeaders;
  /** Route template that matched, e.g. `/channels/:channelId/messages`; null for unknown routes. */
  route: string | null;
  /** HTTP status the fake answered with (0 while still in flight). */
  status: number;
}

export interface InteractionCallbackRecord {
  interactionId: string;
  token: string;
  body: APIInteractionResponse;
}

export interface WebhookMessageRecord {
  method: string;
  path: string;
  /** '@original', a follow-up message id, or undefined for POST (create follow-up). */
  messageId: string | undefined;
  body: RESTPostAPIWebhookWithTokenJSONBody | undefined;
  /** The `files[n]` parts of a multipart body, in order. */
  files: RecordedFile[];
}

export interface ChannelMessageRecord {
  channelId: string;
  messageId: string;
  body: RESTPostAPIChannelMessageJSONBody;
  files: RecordedFile[];
}

export interface GatewayLogEntry {
  direction: 'received' | 'sent';
  op: number;
  t: string | null;
  s: number | null;
}

/**
 * Which request an injected failure applies to:
 *   'POST /channels/:id/messages'  method + path; `:name` or `*` matches one path segment
 *   '/users/@me/channels'          path only, any method
 *   /^PATCH \/webhooks\//          tested against `${METHOD} ${path}`
 *   (req) => boolean               anything else
 * Paths are below /api/v10 and carry no query string.
 */
export type RouteMatcher = string | RegExp | ((req: { method: string; path: string }) => boolean);

export interface RateLimitFailure {
  status: 429;
  /** Seconds, as in the body's `retry_after` (a float). */
  retryAfter: number;
  /** The global (50 req/s) limit: adds `X-RateLimit-Global: true`, scope 'global'. */
  global?: boolean;
  /** 'user' (default, a per-route bucket hit 0), 'shared' (resource limit) or 'global'. */
  scope?: 'user' | 'shared' | 'global';
  /** Some limits carry a JSON error code, e.g. 20016 slowmode. */
  code?: number;
  /**
   * Discord's `Retry-After` header is whole seconds rounded up (body 64.57 → header 65), and
   * @discordjs/rest reads the header, not the body. 'integer' (default) reproduces that;
   * 'exact' sends the float so a global or shared limit of 0.05 s really lasts 0.05 s in a test.
   */
  retryAfterHeader?: 'integer' | 'exact';
}

export interface ApiErrorFailure {
  status: number;
  code?: number;
  message?: string;
  errors?: unknown;
}

export type InjectedFailure = RateLimitFailure | ApiErrorFailure;

/** Handy ready-made failures. */
export const failures = {
  dmClosed: (): ApiErrorFailure => ({ status: 403, code: 50007, message: 'Cannot send messages to this user' }),
  missingAccess: (): ApiErrorFailure => ({ status: 403, code: 50001, message: 'Missing Access' }),
  missingPermissions: (): ApiErrorFailure => ({ status: 403, code: 50013, message: 'Missing Permissions' }),
  serverError: (): ApiErrorFailure => ({ status: 500, code: 0, message: '500: Internal Server Error' }),
  rateLimited: (retryAfter: number, extra: Omit<RateLimitFailure, 'status' | 'retryAfter'> = {}): RateLimitFailure => ({
    status: 429,
    retryAfter,
    ...extra,
  }),
};

// =============================================================================================
// Errors and small helpers
// =============================================================================================

/** A JSON error response in Discord's format: `{ message, code, errors? }`. */
/** Bots may attach 10 MiB per file unless the guild is boosted (docs/reference#uploading-files). */
const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors === undefined ? {} : { errors: this.errors }) };
  }
}

/** 50035 Invalid Form Body with one field error, the way Discord nests them. */
function formError(path: Array<string | number>, code: string, message: string): ApiError {
  let errors: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) errors = { [String(key)]: errors };
  return new ApiError(400, 50035, 'Invalid Form Body', errors);
}

const NOT_FOUND = () => new ApiError(404, 0, '404: Not Found');
const unknownEntity = (what: 'Channel' | 'Guild' | 'Member' | 'Message' | 'User' | 'Webhook' | 'Role' | 'Application' | 'Application Command') => {
  const codes = {
    Application: 10002,
    Channel: 10003,
    Guild: 10004,
    Member: 10007,
    Message: 10008,
    Role: 10011,
    User: 10013,
    Webhook: 10015,
    'Application Command': 10063,
  } as const;
  return new ApiError(404, codes[what], `Unknown ${what}`);
};

const FIFTEEN_MINUTES = 15 * 60_000;
const VIEW_CHANNEL = 1n << 10n;
const SEND_MESSAGES = 1n << 11n;

type Json = Record<string, unknown>;

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nowIso(): string {
  // Discord timestamps carry microseconds and an explicit offset.
  return new Date().toISOString().replace('Z', '000+00:00');
}

/** A stable per-route bucket id, like Discord's opaque X-RateLimit-Bucket hashes. */
function bucketHash(method: string, template: string): string {
  return createHash('sha1').update(`${method} ${template}`).digest('hex').slice(0, 32);
}

function compileMatcher(matcher: RouteMatcher): (method: string, path: string) => boolean {
  if (typeof matcher === 'function') return (method, path) => matcher({ method, path });
  if (matcher instanceof RegExp) return (method, path) => matcher.test(`${method} ${path}`);
  const trimmed = matcher.trim();
  const space = trimmed.indexOf(' ');
  const wantMethod = space > 0 ? trimmed.slice(0, space).toUpperCase() : null;
  const wantPath = (space > 0 ? trimmed.slice(space + 1) : trimmed).split('?')[0] ?? '';
  const want = wantPath.split('/');
  return (method, path) => {
    if (wantMethod && wantMethod !== method) return false;
    const got = path.split('/');
    return got.length === want.length && want.every((seg, i) => seg === '*' || seg.startsWith(':') || seg === got[i]);
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON, or multipart/form-data with `payload_json` + `files[n]` as discord.js sends uploads. */
async function parseBody(raw: Buffer, contentType: string | undefined): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = contentType ?? '';
  if (type.startsWith('application/json')) {
    try {
      return { body: JSON.parse(raw.toString('utf8')), files: [] };
    } catch {
      throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
    }
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    let body: Json | undefined;
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value) as Json;
        else (body ??= {})[field] = value;
      } else {
        files.push({ field, name: value.name, contentType: value.type, size: value.size, data: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { body, files };
  }
  return { body: raw.toString('utf8'), files: [] };
}

// =============================================================================================
// Internal state
// =============================================================================================

interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  locale: Locale;
  joinedAt: string;
  roles: Map<string, APIRole>;
  channels: Map<string, ChannelState>;
  members: Map<string, APIGuildMember>;
  botRoleId: string;
}

interface ChannelState {
  id: string;
  guildId: string | null;
  type: ChannelType;
  name: string | null;
  topic: string | null;
  parentId: string | null;
  position: number;
  missingAccess: boolean;
  /** DM channels only. */
  recipientId: string | null;
  lastMessageId: string | null;
}

interface StoredMessage {
  message: APIMessage;
  ephemeral: boolean;
}

interface InteractionState {
  id: string;
  token: string;
  type: InteractionType;
  commandType: ApplicationCommandType | null;
  commandName: string | null;
  channelId: string;
  guildId: string | null;
  user: APIUser;
  authorizingIntegrationOwners: APIInteraction['authorizing_integration_owners'];
  /** For component and modal-from-component interactions: the message they sit on. */
  messageId: string | null;
  dispatchedAt: number;
  /** The callback type used to acknowledge, once acknowledged. */
  response: InteractionResponseType | null;
  originalMessageId: string | null;
  followupIds: Set<string>;
  /** The payload's attachment_size_limit, when it had one. */
  attachmentSizeLimit: number | null;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  shard: [number, number];
  conn: Connection | null;
  /** Dispatches kept for RESUME replay. */
  buffer: Array<{ op: 0; t: string; s: number; d: unknown }>;
}

interface Connection {
  ws: WebSocket;
  session: Session | null;
  query: Record<string, string>;
}

interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: RecordedFile[];
}

interface Reply {
  status: number;
  body?: unknown;
}

interface Route {
  method: string;
  template: string;
  segments: string[];
  /** Interaction callbacks and token webhooks are authorised by the token in the URL. */
  auth: boolean;
  handler: (ctx: RouteContext) => Reply | Promise<Reply>;
}

// =============================================================================================
// The fake
// =============================================================================================

export class FakeDiscord {
  /** Pass as `new Client({ rest: { api: apiUrl } })`. discord.js appends `/v10`. */
  apiUrl = '';
  /** What GET /gateway/bot hands out; the client appends `?v=10&encoding=json`. */
  gatewayUrl = '';
  /** Resolves with the first IDENTIFY's `d` (token, intents, properties, shard, ...). */
  readonly identified: Promise<GatewayIdentifyData>;

  readonly requests: RecordedRequest[] = [];
  readonly interactionCallbacks: InteractionCallbackRecord[] = [];
  readonly webhookMessages: WebhookMessageRecord[] = [];
  readonly channelMessages: ChannelMessageRecord[] = [];
  /** scope ('global' or guild id) → the last PUT body. */
  readonly registeredCommands = new Map<string, RESTPostAPIApplicationCommandsJSONBody[]>();
  readonly gatewayLog: GatewayLogEntry[] = [];
  /** The query string of every gateway connection, e.g. `{ v: '10', encoding: 'json' }`. */
  readonly gatewayQueries: Array<Record<string, string>> = [];

  readonly applicationId: string;
  readonly bot: APIUser;

  private readonly options: FakeDiscordOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly routes: Route[] = [];
  private readonly failures: Array<{ matches: (method: string, path: string) => boolean; failure: InjectedFailure; remaining: number }> = [];

  private readonly users = new Map<string, APIUser>();
  private readonly dmsClosed = new Set<string>();
  private readonly guilds = new Map<string, GuildState>();
  private readonly channels = new Map<string, ChannelState>();
  private readonly dmByRecipient = new Map<string, string>();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly interactions = new Map<string, InteractionState>();
  private readonly interactionsByToken = new Map<string, InteractionState>();
  private readonly commands = new Map<string, APIApplicationCommand[]>();
  private readonly commandIds = new Map<string, string>();

  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Session>();
  private sessionWaiters: Array<() => void> = [];
  private identifyCount = 0;
  private resolveIdentified!: (d: GatewayIdentifyData) => void;

  constructor(options: FakeDiscordOptions) {
    this.options = options;
    this.applicationId = options.applicationId;
    this.bot = apiUser({ id: options.botUserId ?? options.applicationId, username: options.botUsername ?? 'Probity', bot: true });
    this.users.set(this.bot.id, this.bot);
    this.identified = new Promise((resolve) => (this.resolveIdentified = resolve));

    for (const user of options.users ?? []) this.addUser(user);
    for (const guild of options.guilds) this.addGuild(guild);

    this.defineRoutes();
    this.http = createServer((req, res) => void this.handleHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (!(req.url ?? '').startsWith('/gateway')) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
    });
  }

  /** @internal use startFakeDiscord() */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.http.address() as AddressInfo;
    this.apiUrl = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  }

  /** Stops both servers. Destroy the discord.js client first, or it will try to reconnect. */
  async close(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    // Anyone still waiting for a session will never get one.
    for (const wake of this.sessionWaiters) wake();
    this.sessionWaiters = [];
  }

  // -------------------------------------------------------------------------------------------
  // Test controls
  // -------------------------------------------------------------------------------------------

  /**
   * The next `times` requests matching `route` get `failure` instead of their normal answer.
   * Failures queue: each request consumes the first matching one.
   */
  failNext(route: RouteMatcher, failure: InjectedFailure, times = 1): void {
    this.failures.push({ matches: compileMatcher(route), failure, remaining: times });
  }

  /** Injected failures not yet consumed. */
  pendingFailures(): number {
    return this.failures.reduce((n, f) => n + f.remaining, 0);
  }

  /**
   * Sends INTERACTION_CREATE (op 0) on the gateway and remembers the interaction so that its
   * callback and webhook routes work. Waits (up to 5 s) for an identified session; resolves once
   * the frame is written. The payload must be for this fake's application, as Discord's would.
   */
  async dispatchInteraction(payload: APIInteraction): Promise<void> {
    if (payload.application_id !== this.applicationId) {
      throw new Error(`interaction is for application ${payload.application_id}, the fake serves ${this.applicationId}`);
    }
    this.rememberInteraction(payload);
    await this.dispatch(GatewayDispatchEvents.InteractionCreate, payload, payload.guild_id ?? null);
  }

  /**
   * Sends any dispatch event (op 0) to the sessions that would get it: the shard owning
   * `guildId` (shard 0 for DMs). Intents are not checked here; pick events the client asked for.
   */
  async dispatch(t: string, d: unknown, guildId: string | null = null): Promise<void> {
    const sessions = await this.liveSessions(guildId);
    await Promise.all(sessions.map((s) => this.sendDispatch(s, t, d)));
  }

  /**
   * Sends op 7 RECONNECT to every connected session, as Discord does before moving a session.
   * discord.js closes, reconnects to `resume_gateway_url` and sends RESUME; the fake replays
   * anything missed and answers RESUMED.
   */
  async requestReconnect(): Promise<void> {
    const live = [...this.sessions.values()].filter((s) => s.conn !== null);
    await Promise.all(live.map((s) => this.sendRaw(s.conn!, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null })));
  }

  /** A message as the fake stores it (including ephemeral ones), e.g. to build a button interaction. */
  messageById(id: string): APIMessage | undefined {
    const stored = this.messages.get(id);
    return stored ? structuredClone(stored.message) : undefined;
  }

  /** The DM channel id the fake gave (or will give) this user, if one exists yet. */
  dmChannelId(userId: string): string | undefined {
    return this.dmByRecipient.get(userId);
  }

  /** Flip a user's "allow direct messages" setting. */
  setDmsClosed(userId: string, closed: boolean): void {
    if (closed) this.dmsClosed.add(userId);
    else this.dmsClosed.delete(userId);
  }

  // -------------------------------------------------------------------------------------------
  // World building
  // -------------------------------------------------------------------------------------------

  private addUser(input: FakeUserInput): APIUser {
    const user = apiUser(input);
    this.users.set(user.id, user);
    if (input.dmsClosed) this.dmsClosed.add(user.id);
    return user;
  }

  private addGuild(input: FakeGuildInput): void {
    const botRoleId = snowflake();
    const roles = new Map<string, APIRole>();
    const role = (r: Partial<APIRole> & Pick<APIRole, 'id' | 'name'>): APIRole => ({
      color: 0,
      colors: { primary_color: r.color ?? 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 0,
      permissions: '0',
      managed: false,
      mentionable: false,
      flags: 0 as RoleFlags,
      ...r,
    });
    // Every guild has @everyone, whose id is the guild id.
    roles.set(input.id, role({ id: input.id, name: '@everyone', permissions: MEMBER_PERMISSIONS }));
    // Inviting a bot with permissions creates a managed role named after it, tagged with bot_id.
    roles.set(botRoleId, role({ id: botRoleId, name: this.bot.username, permissions: BOT_PERMISSIONS, position: 1, managed: true, tags: { bot_id: this.bot.id } }));
    for (const [i, r] of (input.roles ?? []).entries()) {
      roles.set(r.id, role({ id: r.id, name: r.name, permissions: r.permissions ?? '0', color: r.color ?? 0, position: r.position ?? i + 2, hoist: r.hoist ?? false, mentionable: r.mentionable ?? false }));
    }

    const guild: GuildState = {
      id: input.id,
      name: input.name,
      ownerId: input.ownerId ?? input.members?.[0]?.user.id ?? snowflake(),
      locale: input.locale ?? Locale.Korean,
      joinedAt: nowIso(),
      roles,
      channels: new Map(),
      members: new Map(),
      botRoleId,
    };

    for (const [i, c] of (input.channels ?? []).entries()) {
      const channel: ChannelState = {
        id: c.id,
        guildId: input.id,
        type: c.type ?? ChannelType.GuildText,
        name: c.name,
        topic: c.topic ?? null,
        parentId: c.parent_id ?? null,
        position: c.position ?? i,
        missingAccess: c.missingAccess ?? false,
        recipientId: null,
        lastMessageId: null,
      };
      guild.channels.set(c.id, channel);
      this.channels.set(c.id, channel);
    }

    const member = (user: APIUser, roleIds: string[], nick: string | null, joinedAt: string): APIGuildMember => ({
      user,
      roles: roleIds,
      nick,
      avatar: null,
      banner: null,
      joined_at: joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    });
    guild.members.set(this.bot.id, member(this.bot, [botRoleId, ...(input.botRoleIds ?? [])], null, guild.joinedAt));
    for (const m of input.members ?? []) {
      const user = this.addUser(m.user);
      guild.members.set(user.id, member(user, m.roles ?? [], m.nick ?? null, m.joined_at ?? '2024-03-04T00:12:45.164000+00:00'));
    }
    this.guilds.set(guild.id, guild);
  }

  private apiRoles(guild: GuildState): APIRole[] {
    return [...guild.roles.values()].sort((a, b) => a.position - b.position || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** Channel object. GUILD_CREATE omits guild_id on its channels; REST includes it. */
  private apiChannel(channel: ChannelState, withGuildId = true): APIChannel {
    if (channel.guildId === null) {
      const recipient = this.users.get(channel.recipientId ?? '') ?? this.bot;
      return { id: channel.id, type: ChannelType.DM, name: null, last_message_id: channel.lastMessageId, flags: 0 as ChannelFlags, recipients: [recipient] };
    }
    const guild = this.guilds.get(channel.guildId) as GuildState;
    const overwrites = channel.missingAccess
      ? [{ id: guild.botRoleId, type: 0 as const, allow: '0', deny: (VIEW_CHANNEL | SEND_MESSAGES).toString() }]
      : [];
    const common = {
      id: channel.id,
      name: channel.name ?? '',
      position: channel.position,
      permission_overwrites: overwrites,
      parent_id: channel.parentId,
      flags: 0 as ChannelFlags,
      ...(withGuildId ? { guild_id: channel.guildId } : {}),
    };
    switch (channel.type) {
      case ChannelType.GuildCategory:
        return { ...common, type: ChannelType.GuildCategory, parent_id: null };
      case ChannelType.GuildVoice:
        return { ...common, type: ChannelType.GuildVoice, bitrate: 64000, user_limit: 0, rtc_region: null, nsfw: false, rate_limit_per_user: 0, last_message_id: channel.lastMessageId };
      case ChannelType.GuildAnnouncement:
        return { ...common, type: ChannelType.GuildAnnouncement, topic: channel.topic, nsfw: false, last_message_id: channel.lastMessageId, default_auto_archive_duration: 1440 };
      default:
        return { ...common, type: ChannelType.GuildText, topic: channel.topic, nsfw: false, last_message_id: channel.lastMessageId, rate_limit_per_user: 0, default_auto_archive_duration: 1440 };
    }
  }

  private apiGuild(guild: GuildState): Json {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      description: null,
      home_header: null,
      splash: null,
      discovery_splash: null,
      features: [],
      banner: null,
      owner_id: guild.ownerId,
      application_id: null,
      region: 'deprecated',
      afk_channel_id: null,
      afk_timeout: 300,
      system_channel_id: [...guild.channels.values()].find((c) => c.type === ChannelType.GuildText)?.id ?? null,
      system_channel_flags: 0,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: 1,
      roles: this.apiRoles(guild),
      default_message_notifications: 1,
      mfa_level: 0,
      explicit_content_filter: 2,
      max_presences: null,
      max_members: 25_000_000,
      max_stage_video_channel_users: 50,
      max_video_channel_users: 25,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: guild.locale,
      rules_channel_id: null,
      safety_alerts_channel_id: null,
      public_updates_channel_id: null,
      hub_type: null,
      premium_progress_bar_enabled: false,
      latest_onboarding_question_id: null,
      nsfw: false,
      nsfw_level: 0,
      emojis: [],
      stickers: [],
      incidents_data: null,
      inventory_settings: null,
      embed_enabled: false,
      embed_channel_id: null,
    };
  }

  /** GUILD_CREATE `d`: the guild plus what only the gateway sends (channels, own member, ...). */
  private guildCreate(guild: GuildState): Json {
    return {
      ...this.apiGuild(guild),
      joined_at: guild.joinedAt,
      large: guild.members.size > 250,
      unavailable: false,
      member_count: guild.members.size,
      voice_states: [],
      // Without GUILD_MEMBERS/presences Discord sends only the bot's own member here.
      members: [guild.members.get(this.bot.id)],
      channels: [...guild.channels.values()].map((c) => this.apiChannel(c, false)),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      lazy: true,
      application_command_counts: {},
      activity_instances: [],
      version: Date.now(),
    };
  }

  private dmChannelFor(user: APIUser, preferredId?: string): ChannelState {
    const existing = this.dmByRecipient.get(user.id);
    if (existing) return this.channels.get(existing) as ChannelState;
    const channel: ChannelState = {
      id: preferredId ?? snowflake(),
      guildId: null,
      type: ChannelType.DM,
      name: null,
      topic: null,
      parentId: null,
      position: 0,
      missingAccess: false,
      recipientId: user.id,
      lastMessageId: null,
    };
    this.channels.set(channel.id, channel);
    this.dmByRecipient.set(user.id, channel.id);
    return channel;
  }

  private rememberInteraction(payload: APIInteraction): void {
    const user = (payload.member?.user ?? payload.user) as APIUser;
    if (!this.users.has(user.id)) this.users.set(user.id, user);
    const channelId = payload.channel?.id ?? payload.channel_id ?? '';
    if (!this.channels.has(channelId)) {
      if (payload.guild_id) {
        const channel: ChannelState = { id: channelId, guildId: payload.guild_id, type: ChannelType.GuildText, name: 'general', topic: null, parentId: null, position: 0, missingAccess: false, recipientId: null, lastMessageId: null };
        this.channels.set(channelId, channel);
        this.guilds.get(payload.guild_id)?.channels.set(channelId, channel);
      } else {
        this.dmChannelFor(user, channelId);
      }
    }
    // A component's message must exist for DEFERRED_UPDATE_MESSAGE / UPDATE_MESSAGE to edit it.
    const message = 'message' in payload ? payload.message : undefined;
    if (message && !this.messages.has(message.id)) {
      this.messages.set(message.id, { message: structuredClone(message), ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 });
    }
    const data = payload.type === InteractionType.ApplicationCommand || payload.type === InteractionType.ApplicationCommandAutocomplete ? payload.data : null;
    const state: InteractionState = {
      id: payload.id,
      token: payload.token,
      type: payload.type,
      commandType: data?.type ?? null,
      commandName: data ? fullCommandName(data) : null,
      channelId,
      guildId: payload.guild_id ?? null,
      user,
      authorizingIntegrationOwners: payload.authorizing_integration_owners,
      messageId: message?.id ?? null,
      dispatchedAt: Date.now(),
      response: null,
      originalMessageId: null,
      followupIds: new Set(),
      attachmentSizeLimit: typeof payload.attachment_size_limit === 'number' ? payload.attachment_size_limit : null,
    };
    this.interactions.set(state.id, state);
    this.interactionsByToken.set(state.token, state);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP plumbing
  // -------------------------------------------------------------------------------------------

  private route(method: string, template: string, handler: Route['handler'], auth = true): void {
    this.routes.push({ method, template, segments: template.split('/'), auth, handler: handler.bind(this) });
  }

  private matchRoute(path: string): Array<{ route: Route; params: Record<string, string> }> {
    const got = path.split('/');
    const found: Array<{ route: Route; params: Record<string, string> }> = [];
    for (const route of this.routes) {
      if (route.segments.length !== got.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((seg, i) => {
        const value = got[i] ?? '';
        if (seg.startsWith(':')) {
          params[seg.slice(1)] = value;
          return value.length > 0;
        }
        return seg === value;
      });
      if (ok) found.push({ route, params });
    }
    return found;
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Clients percent-encode some characters (undici sends `@original` as `%40original`); record
    // and match the decoded form that the docs and discord-api-types' Routes use.
    const pathname = url.pathname.split('/').map(safeDecode).join('/');
    const record: RecordedRequest = {
      method,
      path: pathname.startsWith('/api/v10') ? pathname.slice('/api/v10'.length) : pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      headers: req.headers,
      route: null,
      status: 0,
    };
    this.requests.push(record);
    let status = 500;
    let payload: unknown;
    let headers: Record<string, string> = {};
    try {
      const raw = await readBody(req);
      const parsed = await parseBody(raw, req.headers['content-type']);
      record.body = parsed.body;
      record.files = parsed.files;
      if (!pathname.startsWith('/api/v10/')) throw NOT_FOUND();

      const candidates = this.matchRoute(record.path);
      const match = candidates.find((c) => c.route.method === method);
      record.route = match?.route.template ?? null;

      const injected = this.takeFailure(method, record.path);
      if (injected) {
        ({ status, body: payload, headers } = this.failureResponse(injected, method, record.route ?? record.path));
      } else {
        if (!match) throw candidates.length > 0 ? new ApiError(405, 0, '405: Method Not Allowed') : NOT_FOUND();
        headers = this.bucketHeaders(method, match.route.template);
        if (match.route.auth) this.checkAuth(req.headers.authorization);
        const reply = await match.route.handler({ method, path: record.path, params: match.params, query: url.searchParams, body: parsed.body, files: parsed.files });
        status = reply.status;
        payload = reply.body;
      }
    } catch (error) {
      if (error instanceof ApiError) {
        status = error.status;
        payload = error.toJSON();
      } else {
        // A crash is a bug in the fake, not a Discord behaviour: say so loudly.
        console.error('fake discord: route handler crashed', error);
        status = 500;
        payload = { message: '500: Internal Server Error', code: 0 };
      }
    }
    record.status = status;
    this.options.log?.(`HTTP ${method} ${record.path} → ${status}`);
    if (payload === undefined) {
      res.writeHead(status, headers).end();
    } else {
      res.writeHead(status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
    }
  }

  private checkAuth(authorization: string | undefined): void {
    const ok = authorization?.startsWith('Bot ') && (this.options.token === undefined || authorization === `Bot ${this.options.token}`);
    if (!ok) throw new ApiError(401, 0, '401: Unauthorized');
  }

  /**
   * The headers Discord puts on ordinary responses. @discordjs/rest learns bucket ids and
   * remaining counts from them; Remaining stays above 0 so the client never waits on its own.
   */
  private bucketHeaders(method: string, template: string): Record<string, string> {
    return {
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '4',
      'X-RateLimit-Reset': ((Date.now() + 1000) / 1000).toFixed(3),
      'X-RateLimit-Reset-After': '1.000',
      'X-RateLimit-Bucket': bucketHash(method, template),
    };
  }

  private takeFailure(method: string, path: string): InjectedFailure | null {
    const index = this.failures.findIndex((f) => f.matches(method, path));
    if (index < 0) return null;
    const entry = this.failures[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.failures.splice(index, 1);
    return entry.failure;
  }

  private failureResponse(failure: InjectedFailure, method: string, template: string): { status: number; body: unknown; headers: Record<string, string> } {
    if (failure.status !== 429 || !('retryAfter' in failure)) {
      const f = failure as ApiErrorFailure;
      const body = { message: f.message ?? `${f.status}: Error`, code: f.code ?? 0, ...(f.errors === undefined ? {} : { errors: f.errors }) };
      return { status: f.status, body, headers: f.status >= 500 ? {} : this.bucketHeaders(method, template) };
    }
    // Shapes from docs/topics/rate-limits "Example Exceeded ... Rate Limit Response".
    const scope = failure.global ? 'global' : (failure.scope ?? 'user');
    const seconds = failure.retryAfter;
    const headers: Record<string, string> = {
      'Retry-After': failure.retryAfterHeader === 'exact' ? String(seconds) : String(Math.ceil(seconds)),
      'X-RateLimit-Scope': scope,
    };
    if (scope === 'global') {
      // A global 429 carries no bucket headers.
      headers['X-RateLimit-Global'] = 'true';
    } else {
      Object.assign(headers, {
        'X-RateLimit-Limit': '5',
        // A per-route (user) limit is an exhausted bucket; a shared (resource) limit is not.
        'X-RateLimit-Remaining': scope === 'user' ? '0' : '4',
        'X-RateLimit-Reset': ((Date.now() + seconds * 1000) / 1000).toFixed(3),
        'X-RateLimit-Reset-After': seconds.toFixed(3),
        'X-RateLimit-Bucket': bucketHash(method, template),
      });
    }
    const body = {
      message: scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.',
      retry_after: seconds,
      global: scope === 'global',
      ...(failure.code === undefined ? {} : { code: failure.code }),
    };
    return { status: 429, body, headers };
  }

  // -------------------------------------------------------------------------------------------
  // REST routes
  // -------------------------------------------------------------------------------------------

  private defineRoutes(): void {
    // Gateway discovery. discord.js calls /gateway/bot once per login (cached for reset_after).
    this.route('GET', '/gateway', () => ({ status: 200, body: { url: this.gatewayUrl } }));
    this.route('GET', '/gateway/bot', () => ({
      status: 200,
      body: {
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: Math.max(0, 1000 - this.identifyCount), reset_after: 14_400_000, max_concurrency: 1 },
      },
    }));

    // Users
    this.route('GET', '/users/@me', () => ({
      status: 200,
      body: { ...this.bot, banner_color: null, clan: null, mfa_enabled: false, locale: 'en-US', premium_type: 0, email: null, verified: true, bio: '' },
    }));
    this.route('GET', '/users/:userId', ({ params }) => {
      const user = this.users.get(params.userId!);
      if (!user) throw unknownEntity('User');
      return { status: 200, body: user };
    });
    this.route('POST', '/users/@me/channels', ({ body }) => {
      const recipientId = isObject(body) ? String(body.recipient_id ?? '') : '';
      const user = this.users.get(recipientId);
      if (!user) throw new ApiError(400, 50033, 'Invalid Recipient(s)');
      return { status: 200, body: this.apiChannel(this.dmChannelFor(user)) };
    });
    this.route('GET', '/applications/@me', () => ({
      status: 200,
      body: {
        id: this.applicationId,
        name: this.bot.username,
        icon: null,
        description: '',
        summary: '',
        type: null,
        is_monetized: false,
        is_verified: false,
        is_discoverable: false,
        bot_public: false,
        bot_require_code_grant: false,
        verify_key: createHash('sha256').update(this.applicationId).digest('hex'),
        flags: 1 << 19,
        hook: true,
        bot: this.bot,
        team: null,
        owner: apiUser({ id: snowflake(), username: 'owner' }),
        approximate_guild_count: this.guilds.size,
        integration_types_config: { '0': {} },
        redirect_uris: [],
        interactions_endpoint_url: null,
      },
    }));

    // Channels and messages
    this.route('GET', '/channels/:channelId', ({ params }) => ({ status: 200, body: this.apiChannel(this.visibleChannel(params.channelId!)) }));
    this.route('POST', '/channels/:channelId/typing', ({ params }) => {
      this.visibleChannel(params.channelId!);
      return { status: 204 };
    });
    this.route('POST', '/channels/:channelId/messages', ({ params, body, files }) => {
      const channel = this.writableChannel(params.channelId!);
      const data = (isObject(body) ? body : {}) as RESTPostAPIChannelMessageJSONBody;
      validateMessage(data, files.length, true);
      this.checkFileSizes(files, null);
      const message = this.createMessage(channel, data, files, {});
      this.channelMessages.push({ channelId: channel.id, messageId: message.id, body: data, files });
      return { status: 200, body: message };
    });
    this.route('GET', '/channels/:channelId/messages/:messageId', ({ params }) => {
      this.visibleChannel(params.channelId!);
      return { status: 200, body: this.channelMessage(params.channelId!, params.messageId!).message };
    });
    this.route('PATCH', '/channels/:channelId/messages/:messageId', ({ params, body, files }) => {
      this.visibleChannel(params.channelId!);
      const stored = this.channelMessage(params.channelId!, params.messageId!);
      if (stored.message.author.id !== this.bot.id) throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
      const data = (isObject(body) ? body : {}) as RESTPostAPIChannelMessageJSONBody;
      validateMessage(data, files.length, false);
      this.checkFileSizes(files, null);
      return { status: 200, body: this.editMessage(stored, data, files) };
    });
    this.route('DELETE', '/channels/:channelId/messages/:messageId', ({ params }) => {
      this.visibleChannel(params.channelId!);
      this.deleteMessage(this.channelMessage(params.channelId!, params.messageId!));
      return { status: 204 };
    });

    // Guilds
    this.route('GET', '/guilds/:guildId', ({ params }) => ({ status: 200, body: this.apiGuild(this.guild(params.guildId!)) }));
    this.route('GET', '/guilds/:guildId/channels', ({ params }) => ({
      status: 200,
      body: [...this.guild(params.guildId!).channels.values()].map((c) => this.apiChannel(c)),
    }));
    this.route('GET', '/guilds/:guildId/roles', ({ params }) => ({ status: 200, body: this.apiRoles(this.guild(params.guildId!)) }));
    this.route('GET', '/guilds/:guildId/members', ({ params, query }) => {
      const guild = this.guild(params.guildId!);
      const limit = limitParam(query, 1, 1000);
      const after = BigInt(query.get('after') ?? '0');
      const members = sortedMembers(guild).filter((m) => BigInt(m.user.id) > after).slice(0, limit);
      return { status: 200, body: members };
    });
    this.route('GET', '/guilds/:guildId/members/search', ({ params, query }) => {
      const guild = this.guild(params.guildId!);
      const q = query.get('query');
      if (q === null) throw formError(['query'], 'BASE_TYPE_REQUIRED', 'This field is required');
      const limit = limitParam(query, 1, 1000);
      const needle = q.toLowerCase();
      const hits = sortedMembers(guild).filter((m) => m.user.username.toLowerCase().startsWith(needle) || (m.nick ?? '').toLowerCase().startsWith(needle));
      return { status: 200, body: hits.slice(0, limit) };
    });
    this.route('GET', '/guilds/:guildId/members/:userId', ({ params }) => {
      const member = this.guild(params.guildId!).members.get(params.userId!);
      if (!member) throw unknownEntity('Member');
      return { status: 200, body: member };
    });

    // Application commands: global and per guild.
    for (const scoped of [false, true]) {
      const base = scoped ? '/applications/:appId/guilds/:guildId/commands' : '/applications/:appId/commands';
      this.route('GET', base, ({ params }) => ({ status: 200, body: this.commands.get(this.commandScope(params)) ?? [] }));
      this.route('PUT', base, ({ params, body }) => {
        const scope = this.commandScope(params);
        if (!Array.isArray(body)) throw formError([], 'ARRAY_TYPE_CONVERT', 'Only iterables may be used in a ListType');
        const list = body as RESTPostAPIApplicationCommandsJSONBody[];
        validateCommands(list);
        const built = list.map((cmd) => this.buildCommand(scope, cmd));
        this.commands.set(scope, built);
        this.registeredCommands.set(scope, structuredClone(list));
        return { status: 200, body: built };
      });
      this.route('POST', base, ({ params, body }) => {
        const scope = this.commandScope(params);
        const cmd = (isObject(body) ? body : {}) as unknown as RESTPostAPIApplicationCommandsJSONBody;
        validateCommands([cmd]);
        const existing = this.commands.get(scope) ?? [];
        const built = this.buildCommand(scope, cmd);
        const index = existing.findIndex((c) => c.id === built.id);
        if (index >= 0) existing[index] = built;
        else existing.push(built);
        this.commands.set(scope, existing);
        return { status: index >= 0 ? 200 : 201, body: built };
      });
      this.route('DELETE', `${base}/:commandId`, ({ params }) => {
        const scope = this.commandScope(params);
        const existing = this.commands.get(scope) ?? [];
        const index = existing.findIndex((c) => c.id === params.commandId);
        if (index < 0) throw unknownEntity('Application Command');
        existing.splice(index, 1);
        return { status: 204 };
      });
    }

    // Interactions: authorised by the token in the URL, so no Authorization header is needed.
    this.route('POST', '/interactions/:interactionId/:token/callback', (ctx) => this.interactionCallback(ctx), false);
    this.route('POST', '/webhooks/:appId/:token', (ctx) => this.createFollowup(ctx), false);
    this.route('GET', '/webhooks/:appId/:token/messages/:messageId', (ctx) => this.webhookMessage(ctx), false);
    this.route('PATCH', '/webhooks/:appId/:token/messages/:messageId', (ctx) => this.webhookMessage(ctx), false);
    this.route('DELETE', '/webhooks/:appId/:token/messages/:messageId', (ctx) => this.webhookMessage(ctx), false);
  }

  private guild(id: string): GuildState {
    const guild = this.guilds.get(id);
    if (!guild) throw unknownEntity('Guild');
    return guild;
  }

  private visibleChannel(id: string): ChannelState {
    const channel = this.channels.get(id);
    if (!channel) throw unknownEntity('Channel');
    if (channel.missingAccess) throw new ApiError(403, 50001, 'Missing Access');
    return channel;
  }

  private writableChannel(id: string): ChannelState {
    const channel = this.visibleChannel(id);
    if (channel.type === ChannelType.GuildCategory) throw new ApiError(400, 50008, 'Cannot send messages in a non-text channel');
    if (channel.recipientId !== null && this.dmsClosed.has(channel.recipientId)) {
      throw new ApiError(403, 50007, 'Cannot send messages to this user');
    }
    return channel;
  }

  /** Ephemeral messages cannot be fetched through the channel, only through the interaction webhook. */
  private channelMessage(channelId: string, messageId: string): StoredMessage {
    const stored = this.messages.get(messageId);
    if (!stored || stored.ephemeral || stored.message.channel_id !== channelId) throw unknownEntity('Message');
    return stored;
  }

  private commandScope(params: Record<string, string>): string {
    // A bot token can only manage its own application's commands.
    if (params.appId !== this.applicationId) throw new ApiError(403, 50001, 'Missing Access');
    if (params.guildId === undefined) return 'global';
    // Without the applications.commands scope in that guild (here: not a guild we are in) → 50001.
    if (!this.guilds.has(params.guildId)) throw new ApiError(403, 50001, 'Missing Access');
    return params.guildId;
  }

  private buildCommand(scope: string, cmd: RESTPostAPIApplicationCommandsJSONBody): APIApplicationCommand {
    const type = cmd.type ?? ApplicationCommandType.ChatInput;
    // Bulk overwrite keeps the id of a command whose name and type are unchanged, as Discord does.
    const key = `${scope}:${type}:${cmd.name}`;
    let id = this.commandIds.get(key);
    if (!id) {
      id = snowflake();
      this.commandIds.set(key, id);
    }
    const options = 'options' in cmd && cmd.options ? (cmd.options as APIApplicationCommandOption[]) : undefined;
    return {
      id,
      application_id: this.applicationId,
      version: snowflake(),
      default_member_permissions: cmd.default_member_permissions ?? null,
      type,
      name: cmd.name,
      ...(cmd.name_localizations ? { name_localizations: cmd.name_localizations } : {}),
      description: 'description' in cmd && typeof cmd.description === 'string' ? cmd.description : '',
      ...('description_localizations' in cmd && cmd.description_localizations ? { description_localizations: cmd.description_localizations } : {}),
      ...(scope === 'global' ? {} : { guild_id: scope }),
      ...(options ? { options } : {}),
      nsfw: cmd.nsfw ?? false,
      integration_types: cmd.integration_types ?? [0],
      contexts: cmd.contexts ?? null,
    } as APIApplicationCommand;
  }

  // -------------------------------------------------------------------------------------------
  // Messages
  // -------------------------------------------------------------------------------------------

  private createMessage(channel: ChannelState, data: RESTPostAPIChannelMessageJSONBody, files: RecordedFile[], extra: Partial<APIMessage>): APIMessage {
    const id = snowflake();
    const reference = data.message_reference;
    const message: APIMessage = {
      id,
      channel_id: channel.id,
      author: this.bot,
      content: data.content ?? '',
      timestamp: nowIso(),
      edited_timestamp: null,
      tts: data.tts ?? false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: files.map((f) => attachment(channel.id, f)),
      embeds: (data.embeds ?? []).map(richEmbed),
      pinned: false,
      type: reference ? MessageType.Reply : MessageType.Default,
      flags: (data.flags ?? 0) as MessageFlags,
      components: numberComponents(data.components ?? []) as APIMessage['components'],
      ...(data.nonce === undefined ? {} : { nonce: data.nonce }),
      ...(reference ? { message_reference: { type: 0, channel_id: channel.id, message_id: reference.message_id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) } } : {}),
      ...extra,
    };
    const ephemeral = ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    this.messages.set(id, { message, ephemeral });
    if (!ephemeral) {
      channel.lastMessageId = id;
      void this.echo(GatewayDispatchEvents.MessageCreate, channel, message);
    }
    return structuredClone(message);
  }

  private editMessage(stored: StoredMessage, data: RESTPostAPIChannelMessageJSONBody, files: RecordedFile[]): APIMessage {
    const m = stored.message;
    if (data.content !== undefined) m.content = data.content ?? '';
    if (data.embeds !== undefined) m.embeds = (data.embeds ?? []).map(richEmbed);
    if (data.components !== undefined) m.components = numberComponents(data.components ?? []) as APIMessage['components'];
    if (data.attachments !== undefined || files.length > 0) {
      const keep = new Set((data.attachments ?? []).map((a) => String(a.id)));
      m.attachments = [...m.attachments.filter((a) => data.attachments === undefined || keep.has(a.id)), ...files.map((f) => attachment(m.channel_id, f))];
    }
    if (data.flags !== undefined && data.flags !== null) {
      // Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change on edit; ephemerality is fixed at creation.
      const editable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
      m.flags = ((m.flags ?? 0) & ~editable) | (data.flags & editable);
    }
    // The first edit of a deferred response replaces the "thinking…" state.
    m.flags = (m.flags ?? 0) & ~MessageFlags.Loading;
    m.edited_timestamp = nowIso();
    if (!stored.ephemeral) {
      const channel = this.channels.get(m.channel_id);
      if (channel) void this.echo(GatewayDispatchEvents.MessageUpdate, channel, m);
    }
    return structuredClone(m);
  }

  private deleteMessage(stored: StoredMessage): void {
    this.messages.delete(stored.message.id);
    const channel = this.channels.get(stored.message.channel_id);
    if (channel && !stored.ephemeral) {
      void this.echo(GatewayDispatchEvents.MessageDelete, channel, { id: stored.message.id, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) });
    }
  }

  /**
   * Discord also tells the bot about its own messages over the gateway (when it asked for the
   * GUILD_MESSAGES or DIRECT_MESSAGES intent), so an adapter listening to messageCreate sees them.
   */
  private async echo(t: string, channel: ChannelState, d: APIMessage | Json): Promise<void> {
    const intent = channel.guildId ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    const payload = channel.guildId && t !== GatewayDispatchEvents.MessageDelete ? { ...d, guild_id: channel.guildId } : d;
    for (const session of this.sessions.values()) {
      if ((session.intents & intent) !== 0 && session.conn && this.ownsGuild(session, channel.guildId)) {
        await this.sendDispatch(session, t, payload);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Interaction responses
  // -------------------------------------------------------------------------------------------

  private liveInteraction(state: InteractionState | undefined): state is InteractionState {
    if (!state) return false;
    const age = Date.now() - state.dispatchedAt;
    const deadline = this.options.interactionResponseDeadlineMs;
    if (state.response === null && deadline != null && age > deadline) return false;
    return age <= FIFTEEN_MINUTES;
  }

  private interactionCallback({ params, query, body, files }: RouteContext): Reply {
    const state = this.interactions.get(params.interactionId!);
    if (!this.liveInteraction(state) || state.token !== params.token) throw new ApiError(404, 10062, 'Unknown interaction');
    if (state.response !== null) throw new ApiError(400, 40060, 'Interaction has already been acknowledged.');
    if (!isObject(body) || typeof body.type !== 'number') throw formError(['type'], 'BASE_TYPE_REQUIRED', 'This field is required');
    this.checkFileSizes(files, state);
    const response = body as unknown as APIInteractionResponse;
    const data = ('data' in response && isObject(response.data) ? response.data : {}) as RESTPostAPIChannelMessageJSONBody;
    const isComponentish = state.messageId !== null;
    let resourceMessage: APIMessage | null = null;

    switch (response.type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        validateMessage(data, files.length, true);
        resourceMessage = this.createInteractionMessage(state, data, files, false);
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        // Only EPHEMERAL may be set on a deferral; the message shows "thinking…" (LOADING).
        resourceMessage = this.createInteractionMessage(state, { flags: (data.flags ?? 0) & MessageFlags.Ephemeral }, [], true);
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        if (!isComponentish) throw formError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'Interaction callback type is only valid for component interactions');
        state.originalMessageId = state.messageId;
        if (response.type === InteractionResponseType.UpdateMessage) {
          validateMessage(data, files.length, false);
          const target = this.messages.get(state.messageId!);
          if (!target) throw unknownEntity('Message');
          resourceMessage = this.editMessage(target, data, files);
        }
        break;
      }
      case InteractionResponseType.Modal: {
        if (state.type === InteractionType.ModalSubmit) throw formError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'Cannot respond to a modal submit with a modal');
        validateModal(isObject(response.data) ? response.data : {});
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        if (state.type !== InteractionType.ApplicationCommandAutocomplete) throw formError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'Autocomplete results are only valid for autocomplete interactions');
        break;
      }
      case InteractionResponseType.Pong:
        throw formError(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'PONG is only valid for PING interactions');
      default:
        // PREMIUM_REQUIRED (10), LAUNCH_ACTIVITY (12): accepted and recorded.
        break;
    }

    state.response = response.type;
    this.interactionCallbacks.push({ interactionId: state.id, token: state.token, body: structuredClone(response) });

    if (query.get('with_response') !== 'true') return { status: 204 };
    const original = state.originalMessageId ? this.messages.get(state.originalMessageId) : undefined;
    return {
      status: 200,
      body: {
        interaction: {
          id: state.id,
          type: state.type,
          ...(original ? {
            response_message_id: original.message.id,
            response_message_loading: ((original.message.flags ?? 0) & MessageFlags.Loading) !== 0,
            response_message_ephemeral: original.ephemeral,
          } : {}),
        },
        resource: { type: response.type, ...(resourceMessage ? { message: resourceMessage } : {}) },
      },
    };
  }

  private interactionMetadata(state: InteractionState): Json {
    const base = { id: state.id, type: state.type, user: state.user, authorizing_integration_owners: state.authorizingIntegrationOwners };
    if (state.type === InteractionType.MessageComponent) return { ...base, interacted_message_id: state.messageId };
    if (state.type === InteractionType.ModalSubmit) {
      // The interaction that opened the modal is not known to the fake; a stand-in keeps the shape.
      return { ...base, triggering_interaction_metadata: { id: snowflake(), type: InteractionType.ApplicationCommand, user: state.user, authorizing_integration_owners: state.authorizingIntegrationOwners } };
    }
    return base;
  }

  private createInteractionMessage(state: InteractionState, data: RESTPostAPIChannelMessageJSONBody, files: RecordedFile[], loading: boolean): APIMessage {
    const channel = this.channels.get(state.channelId)!;
    const isCommand = state.type === InteractionType.ApplicationCommand;
    const message = this.createMessage(channel, { ...data, flags: (data.flags ?? 0) | (loading ? MessageFlags.Loading : 0) }, files, {
      type: isCommand ? (state.commandType === ApplicationCommandType.ChatInput ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand) : MessageType.Default,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      interaction_metadata: this.interactionMetadata(state) as unknown as APIMessage['interaction_metadata'],
      ...(isCommand ? { interaction: { id: state.id, type: state.type, name: state.commandName ?? '', user: state.user } } : {}),
    });
    state.originalMessageId = message.id;
    return message;
  }

  /**
   * 413 / 40005 when one attachment is over the limit: the interaction's attachment_size_limit for
   * its webhook, else the fake's attachmentSizeLimit (10 MiB, the unboosted default).
   */
  private checkFileSizes(files: RecordedFile[], state: InteractionState | null): void {
    const limit = state?.attachmentSizeLimit ?? this.options.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT;
    if (files.some((f) => f.size > limit)) throw new ApiError(413, 40005, 'Request entity too large');
  }

  /** The interaction behind /webhooks/{application.id}/{interaction.token}. */
  private webhookInteraction(params: Record<string, string>): InteractionState {
    const state = this.interactionsByToken.get(params.token!);
    // Until the interaction is acknowledged its token is not a usable webhook.
    if (params.appId !== this.applicationId || !this.liveInteraction(state) || state.response === null) throw unknownEntity('Webhook');
    return state;
  }

  private createFollowup(ctx: RouteContext): Reply {
    const state = this.webhookInteraction(ctx.params);
    const data = (isObject(ctx.body) ? ctx.body : {}) as RESTPostAPIWebhookWithTokenJSONBody;
    validateMessage(data, ctx.files.length, true);
    this.checkFileSizes(ctx.files, state);
    let message: APIMessage;
    const original = state.originalMessageId ? this.messages.get(state.originalMessageId) : undefined;
    if (state.response === InteractionResponseType.DeferredChannelMessageWithSource && original && ((original.message.flags ?? 0) & MessageFlags.Loading) !== 0) {
      // Documented (deprecated) behaviour: the first follow-up after a deferral edits the
      // "thinking…" message instead of creating one, and keeps its ephemerality.
      message = this.editMessage(original, { ...data, flags: undefined }, ctx.files);
    } else {
      message = this.createMessage(this.channels.get(state.channelId)!, data, ctx.files, {
        webhook_id: this.applicationId,
        application_id: this.applicationId,
        interaction_metadata: {
          ...this.interactionMetadata(state),
          ...(state.originalMessageId ? { original_response_message_id: state.originalMessageId } : {}),
        } as unknown as APIMessage['interaction_metadata'],
      });
      state.followupIds.add(message.id);
    }
    this.webhookMessages.push({ method: 'POST', path: ctx.path, messageId: undefined, body: structuredClone(data), files: ctx.files });
    return { status: 200, body: message };
  }

  private webhookMessage(ctx: RouteContext): Reply {
    const state = this.webhookInteraction(ctx.params);
    const requested = ctx.params.messageId!;
    const id = requested === '@original' ? state.originalMessageId : state.followupIds.has(requested) || requested === state.originalMessageId ? requested : null;
    const stored = id ? this.messages.get(id) : undefined;
    if (!stored) throw unknownEntity('Message');
    const data = (isObject(ctx.body) ? ctx.body : {}) as RESTPostAPIWebhookWithTokenJSONBody;
    let reply: Reply;
    switch (ctx.method) {
      case 'GET':
        reply = { status: 200, body: structuredClone(stored.message) };
        break;
      case 'PATCH':
        validateMessage(data, ctx.files.length, false);
        this.checkFileSizes(ctx.files, state);
        reply = { status: 200, body: this.editMessage(stored, data, ctx.files) };
        break;
      default:
        this.deleteMessage(stored);
        if (id === state.originalMessageId) state.originalMessageId = null;
        state.followupIds.delete(id!);
        reply = { status: 204 };
    }
    this.webhookMessages.push({ method: ctx.method, path: ctx.path, messageId: requested, body: ctx.method === 'PATCH' ? structuredClone(data) : undefined, files: ctx.method === 'PATCH' ? ctx.files : [] });
    return reply;
  }

  // -------------------------------------------------------------------------------------------
  // Gateway
  // -------------------------------------------------------------------------------------------

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const conn: Connection = { ws, session: null, query: Object.fromEntries(url.searchParams) };
    this.connections.add(conn);
    this.gatewayQueries.push({ ...conn.query });
    ws.on('close', () => {
      this.connections.delete(conn);
      if (conn.session?.conn === conn) conn.session.conn = null;
    });
    ws.on('message', (raw: RawData) => this.onGatewayMessage(conn, raw));

    if (conn.query.v !== '10') return this.closeGateway(conn, GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
    // ETF is not implemented; discord.js always asks for JSON.
    if ((conn.query.encoding ?? 'json') !== 'json') return this.closeGateway(conn, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
    // `compress=zlib-stream` is deliberately ignored: text frames are always understood.
    this.sendRaw(conn, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 41_250, _trace: ['["gateway-prd-fake-0",{"micros":0}]'] }, s: null, t: null });
  }

  private closeGateway(conn: Connection, code: number, reason: string): void {
    this.options.log?.(`WS close ${code} ${reason}`);
    conn.ws.close(code, reason);
  }

  private sendRaw(conn: Connection, payload: { op: number; d: unknown; s: number | null; t: string | null }): Promise<void> {
    this.gatewayLog.push({ direction: 'sent', op: payload.op, t: payload.t, s: payload.s });
    this.options.log?.(`WS → op ${payload.op}${payload.t ? ` ${payload.t}` : ''}`);
    return new Promise((resolve) => {
      if (conn.ws.readyState !== WebSocket.OPEN) return resolve();
      conn.ws.send(JSON.stringify(payload), () => resolve());
    });
  }

  private sendDispatch(session: Session, t: string, d: unknown): Promise<void> {
    session.seq += 1;
    const payload = { op: 0 as const, t, s: session.seq, d };
    session.buffer.push(payload);
    if (session.buffer.length > 500) session.buffer.shift();
    return session.conn ? this.sendRaw(session.conn, payload) : Promise.resolve();
  }

  private ownsGuild(session: Session, guildId: string | null): boolean {
    const [shardId, shardCount] = session.shard;
    // docs/topics/gateway#sharding: shard_id = (guild_id >> 22) % num_shards; DMs go to shard 0.
    if (guildId === null) return shardId === 0;
    return Number((BigInt(guildId) >> 22n) % BigInt(shardCount)) === shardId;
  }

  private async liveSessions(guildId: string | null): Promise<Session[]> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const live = [...this.sessions.values()].filter((s) => s.conn?.ws.readyState === WebSocket.OPEN && this.ownsGuild(s, guildId));
      if (live.length > 0) return live;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('fake discord: no identified gateway session to dispatch to (did the client log in?)');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.sessionWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (!this.http.listening) throw new Error('fake discord: closed');
    }
  }

  private wakeSessionWaiters(): void {
    const waiters = this.sessionWaiters;
    this.sessionWaiters = [];
    for (const wake of waiters) wake();
  }

  private onGatewayMessage(conn: Connection, raw: RawData): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
    } catch {
      return this.closeGateway(conn, GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
    }
    const op = typeof payload.op === 'number' ? payload.op : -1;
    this.gatewayLog.push({ direction: 'received', op, t: null, s: null });
    this.options.log?.(`WS ← op ${op}`);

    if (op === GatewayOpcodes.Heartbeat) {
      void this.sendRaw(conn, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
      return;
    }
    if (op === GatewayOpcodes.Identify) return this.identify(conn, payload.d as GatewayIdentifyData);
    if (op === GatewayOpcodes.Resume) return this.resume(conn, payload.d as { token: string; session_id: string; seq: number });
    if (!conn.session) return this.closeGateway(conn, GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
    switch (op) {
      case GatewayOpcodes.RequestGuildMembers:
        return void this.requestGuildMembers(conn.session, payload.d as Json);
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestSoundboardSounds:
        return; // accepted, nothing to answer
      default:
        return this.closeGateway(conn, GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private identify(conn: Connection, d: GatewayIdentifyData): void {
    this.identifyCount += 1;
    this.resolveIdentified(structuredClone(d));
    if (conn.session) return this.closeGateway(conn, GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
    if (this.options.token !== undefined && d.token !== this.options.token) {
      return this.closeGateway(conn, GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
    }
    if (typeof d.intents !== 'number') return this.closeGateway(conn, GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
    const shard = d.shard ?? [0, 1];
    if (shard[0] >= shard[1]) return this.closeGateway(conn, GatewayCloseCodes.InvalidShard, 'Invalid shard.');

    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, intents: d.intents, shard, conn, buffer: [] };
    this.sessions.set(session.id, session);
    conn.session = session;
    const guilds = [...this.guilds.values()].filter((g) => this.ownsGuild(session, g.id));
    void this.sendDispatch(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user_settings: {},
      user: { ...this.bot, mfa_enabled: false, verified: true, email: null },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      guild_join_requests: [],
      relationships: [],
      private_channels: [],
      presences: [],
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: `${this.gatewayUrl}/resume`,
      shard,
      application: { id: this.applicationId, flags: 1 << 19 },
      geo_ordered_rtc_regions: ['seoul', 'japan', 'hongkong', 'singapore', 'sydney'],
      auth: {},
      _trace: ['["gateway-prd-fake-0",{"micros":0}]'],
    });
    // Guilds arrive lazily after READY, one GUILD_CREATE each, only with the GUILDS intent.
    if ((d.intents & GatewayIntentBits.Guilds) !== 0) {
      for (const guild of guilds) void this.sendDispatch(session, GatewayDispatchEvents.GuildCreate, this.guildCreate(guild));
    }
    this.wakeSessionWaiters();
  }

  private resume(conn: Connection, d: { token: string; session_id: string; seq: number }): void {
    const session = this.sessions.get(d.session_id);
    if (!session || (this.options.token !== undefined && d.token !== this.options.token)) {
      // op 9 with d:false: not resumable, identify again.
      void this.sendRaw(conn, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.conn && session.conn !== conn) session.conn.ws.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere.');
    session.conn = conn;
    conn.session = session;
    for (const payload of session.buffer) if (payload.s > d.seq) void this.sendRaw(conn, payload);
    void this.sendDispatch(session, GatewayDispatchEvents.Resumed, { _trace: ['["gateway-prd-fake-0",{"micros":0}]'] });
    this.wakeSessionWaiters();
  }

  /** op 8 → GUILD_MEMBERS_CHUNK, used by `guild.members.fetch()` without a user id. */
  private async requestGuildMembers(session: Session, d: Json): Promise<void> {
    const guildIds = Array.isArray(d.guild_id) ? (d.guild_id as string[]) : [String(d.guild_id)];
    const userIds = Array.isArray(d.user_ids) ? (d.user_ids as string[]) : typeof d.user_ids === 'string' ? [d.user_ids] : null;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Number.POSITIVE_INFINITY;
    for (const guildId of guildIds) {
      const guild = this.guilds.get(guildId);
      if (!guild) continue;
      let members = sortedMembers(guild);
      if (userIds) members = members.filter((m) => userIds.includes(m.user.id));
      else members = members.filter((m) => m.user.username.toLowerCase().startsWith(query)).slice(0, limit);
      const notFound = userIds ? userIds.filter((id) => !guild.members.has(id)) : [];
      const chunks = Math.max(1, Math.ceil(members.length / 1000));
      for (let i = 0; i < chunks; i++) {
        await this.sendDispatch(session, GatewayDispatchEvents.GuildMembersChunk, {
          guild_id: guildId,
          members: members.slice(i * 1000, (i + 1) * 1000),
          chunk_index: i,
          chunk_count: chunks,
          not_found: i === 0 ? notFound : [],
          ...(d.nonce === undefined ? {} : { nonce: d.nonce }),
        });
      }
    }
  }
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeDiscord(options: FakeDiscordOptions): Promise<FakeDiscord> {
  const fake = new FakeDiscord(options);
  await fake.listen();
  return fake;
}

// =============================================================================================
// Validation and shaping shared by the routes
// =============================================================================================

/** Field limits from docs/resources/message#create-message. */
function validateMessage(data: RESTPostAPIChannelMessageJSONBody, fileCount: number, creating: boolean): void {
  if (typeof data.content === 'string' && [...data.content].length > 2000) {
    throw formError(['content'], 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  if ((data.embeds?.length ?? 0) > 10) throw formError(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  const v2 = ((data.flags ?? 0) & MessageFlags.IsComponentsV2) !== 0;
  if (!v2 && (data.components?.length ?? 0) > 5) throw formError(['components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  for (const [i, embed] of (data.embeds ?? []).entries()) {
    if ((embed.title?.length ?? 0) > 256) throw formError(['embeds', i, 'title'], 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
    if ((embed.description?.length ?? 0) > 4096) throw formError(['embeds', i, 'description'], 'BASE_TYPE_MAX_LENGTH', 'Must be 4096 or fewer in length.');
    if ((embed.fields?.length ?? 0) > 25) throw formError(['embeds', i, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  }
  const empty = !data.content && !data.embeds?.length && !data.components?.length && !data.sticker_ids?.length && !data.poll && fileCount === 0;
  if (creating && empty) throw new ApiError(400, 50006, 'Cannot send an empty message');
}

function validateModal(data: Json): void {
  if (typeof data.custom_id !== 'string' || data.custom_id.length === 0) throw formError(['data', 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
  if (typeof data.title !== 'string' || data.title.length === 0) throw formError(['data', 'title'], 'BASE_TYPE_REQUIRED', 'This field is required');
  if (data.title.length > 45) throw formError(['data', 'title'], 'BASE_TYPE_MAX_LENGTH', 'Must be 45 or fewer in length.');
  const count = Array.isArray(data.components) ? data.components.length : 0;
  if (count < 1 || count > 5) throw formError(['data', 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
}

/** Naming rules from docs/interactions/application-commands#application-command-naming. */
function validateCommands(list: RESTPostAPIApplicationCommandsJSONBody[]): void {
  const seen = new Set<string>();
  for (const [i, cmd] of list.entries()) {
    const type = cmd.type ?? ApplicationCommandType.ChatInput;
    const name = typeof cmd.name === 'string' ? cmd.name : '';
    if (name.length < 1 || name.length > 32) throw formError([i, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
    if (type === ApplicationCommandType.ChatInput) {
      if (!/^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u.test(name) || name !== name.toLowerCase()) {
        throw formError([i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
      }
      const description = 'description' in cmd ? cmd.description : undefined;
      if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
        throw formError([i, 'description'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
    }
    const key = `${type}:${name}`;
    if (seen.has(key)) throw formError([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
    seen.add(key);
  }
}

/** `limit` query parameter within [min, max], defaulting to min like Discord's member list. */
function limitParam(query: URLSearchParams, min: number, max: number): number {
  const raw = query.get('limit');
  if (raw === null) return min;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw formError(['limit'], 'NUMBER_TYPE_COERCE', `Value "${raw}" is not int.`);
  if (n < min) throw formError(['limit'], 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
  if (n > max) throw formError(['limit'], 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
  return n;
}

/** Members in user-id order, the order List Guild Members pages through with `after`. */
function sortedMembers(guild: GuildState): APIGuildMember[] {
  return [...guild.members.values()].sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1));
}

/** Discord stores outgoing embeds as type "rich". */
function richEmbed(embed: APIEmbed): APIEmbed {
  return { type: 'rich' as APIEmbed['type'], ...embed };
}

/** Discord gives every component in a stored message a sequential numeric `id`. */
function numberComponents(components: readonly unknown[]): unknown[] {
  let next = 1;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!isObject(value)) return value;
    const out: Json = { ...value };
    if (typeof out.type === 'number' && out.id === undefined) out.id = next++;
    for (const key of ['components', 'component', 'accessory']) if (key in out) out[key] = walk(out[key]);
    return out;
  };
  return components.map(walk);
}

function attachment(channelId: string, file: RecordedFile): APIAttachment {
  const id = snowflake();
  const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`;
  return { id, filename: file.name, size: file.size, url, proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'), content_type: file.contentType };
}

/** 'integrity quiz' for `/integrity quiz`: the command name plus subcommand group and subcommand. */
function fullCommandName(data: { name: string; options?: readonly unknown[] }): string {
  const parts = [data.name];
  let options = data.options;
  while (options && options.length > 0) {
    const first = options[0] as { type?: number; name?: string; options?: readonly unknown[] };
    if (first.type !== 1 && first.type !== 2) break; // SUB_COMMAND, SUB_COMMAND_GROUP
    parts.push(first.name ?? '');
    options = first.options;
  }
  return parts.join(' ');
}
