/**
 * The NAVER WORKS API 2.0 client: the only code that speaks HTTP to NAVER WORKS. Service-account
 * authentication (developers.worksmobile.com/kr/docs/auth-jwt): an RS256 JWT assertion signed with the
 * service account's private key is exchanged for an access token at the token endpoint; the token is
 * kept and issued again before it expires. Bot messages go to
 * POST /bots/{botId}/users/{userId}/messages and …/channels/{channelId}/messages. A file travels in
 * three steps (developers.worksmobile.com/kr/docs/bot-attachment-create, …/file-upload,
 * …/bot-send-file): POST /bots/{botId}/attachments names it and answers a fileId and a one-time
 * upload URL; the bytes are POSTed there as multipart/form-data (part "Filedata", with the token);
 * then a message of content type "file" carries the fileId.
 * Errors come back as NaverWorksApiError with the status and, for a 429, the wait NAVER WORKS named;
 * nothing here retries: the outbox does.
 */
import { importPKCS8, SignJWT } from 'jose';
import type { NaverWorksConfig } from '../../src/config.js';
import { NAVERWORKS_USERS_PAGE_MAX } from './limits.js';
import type { NaverWorksAction, NaverWorksContent } from './render.js';

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The assertion's lifetime; NAVER WORKS accepts up to 60 minutes. Only used once, at the exchange. */
const ASSERTION_LIFETIME_S = 10 * 60;
/** A token is issued again this long before it expires, so a request never goes out with a stale one. */
export const TOKEN_REFRESH_MARGIN_MS = 10 * 60_000;
/** A request that has not answered by then is abandoned and retried by the outbox. */
const REQUEST_TIMEOUT_MS = 15_000;
/** An upload carries up to NAVERWORKS_FILE_MAX_BYTES, so it is given longer than a JSON call. */
const UPLOAD_TIMEOUT_MS = 120_000;
/** The multipart part NAVER WORKS' storage reads the file from (file-upload). */
const UPLOAD_PART = 'Filedata';
const MS_PER_S = 1000;

export type Fetch = typeof fetch;

export class NaverWorksApiError extends Error {
  constructor(
    readonly status: number,
    /** NAVER WORKS' error code (e.g. TOO_MANY_REQUESTS), when the body names one. */
    readonly code: string | undefined,
    /** For a 429: how long NAVER WORKS asked to wait (Retry-After, else rateLimit-reset), in ms. */
    readonly retryAfterMs: number | undefined,
    what: string,
  ) {
    super(`NAVER WORKS ${what} answered ${status}${code ? ` ${code}` : ''}`);
    this.name = 'NaverWorksApiError';
  }
}

export interface NaverWorksUser {
  userId: string;
  email?: string;
  userName?: { lastName?: string; firstName?: string };
  isDeleted?: boolean;
  isSuspended?: boolean;
  isPending?: boolean;
}

export interface NaverWorksUsersPage {
  users: NaverWorksUser[];
  responseMetaData?: { nextCursor?: string | null };
}

/** What POST /bots/{botId}/attachments answers: the file's id and where its bytes go, once. */
export interface NaverWorksAttachment {
  fileId: string;
  uploadUrl: string;
}

export interface UploadFile {
  name: string;
  data: Uint8Array;
  contentType: string;
}

type ClientConfig = Pick<NaverWorksConfig, 'clientId' | 'clientSecret' | 'serviceAccount' | 'privateKey' | 'apiUrl' | 'authUrl'>;

/** The wait a 429 names: Retry-After (seconds or an HTTP date), else rateLimit-reset (seconds). */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * MS_PER_S;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = Number(headers.get('ratelimit-reset') ?? Number.NaN);
  return Number.isFinite(reset) && reset >= 0 ? reset * MS_PER_S : undefined;
}

export class NaverWorksClient {
  private token: { value: string; expiresAt: number } | undefined;
  private issuing: Promise<string> | undefined;
  private key: ReturnType<typeof importPKCS8> | undefined;

  constructor(
    private readonly config: ClientConfig,
    /** The token scopes: "bot" to send, "user.read" for the directory. */
    private readonly scopes: readonly string[],
    private readonly options: { fetch?: Fetch; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private get fetch(): Fetch {
    return this.options.fetch ?? fetch;
  }

  /** A valid access token: the kept one, or a new one when it is missing or about to expire. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_REFRESH_MARGIN_MS > this.now()) return this.token.value;
    // Requests that need a token at the same moment share one exchange.
    this.issuing ??= this.issueToken().finally(() => (this.issuing = undefined));
    return this.issuing;
  }

  /** Forgets the token (NAVER WORKS refused it), so that the next request gets a new one. */
  forgetToken(): void {
    this.token = undefined;
  }

  private async issueToken(): Promise<string> {
    this.key ??= importPKCS8(this.config.privateKey, 'RS256');
    const issuedAt = Math.floor(this.now() / MS_PER_S);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(this.config.clientId)
      .setSubject(this.config.serviceAccount)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_S)
      .sign(await this.key);
    const body = new URLSearchParams({ assertion, grant_type: JWT_BEARER_GRANT, client_id: this.config.clientId, client_secret: this.config.clientSecret, scope: this.scopes.join(' ') });
    const response = await this.fetch(`${this.config.authUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw await this.apiError(response, 'token');
    const granted = (await response.json()) as { access_token?: string; expires_in?: string | number };
    // NAVER WORKS sends expires_in as a string of seconds ("86400").
    const lifetime = Number(granted.expires_in);
    if (!granted.access_token || !Number.isFinite(lifetime)) throw new NaverWorksApiError(response.status, 'invalid_token_response', undefined, 'token');
    this.token = { value: granted.access_token, expiresAt: this.now() + lifetime * MS_PER_S };
    return granted.access_token;
  }

  private async apiError(response: Response, what: string): Promise<NaverWorksApiError> {
    const text = await response.text().catch(() => '');
    let code: string | undefined;
    try {
      const parsed = JSON.parse(text) as { code?: unknown; error?: unknown };
      code = typeof parsed.code === 'string' ? parsed.code : typeof parsed.error === 'string' ? parsed.error : undefined;
    } catch {
      code = undefined;
    }
    const wait = response.status === 429 ? retryAfterMs(response.headers, this.now()) : undefined;
    return new NaverWorksApiError(response.status, code, wait, what);
  }

  private async call(method: 'GET' | 'POST', path: string, what: string, body?: unknown): Promise<Response> {
    const json: { headers: Record<string, string>; body?: string } = body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : { headers: {} };
    return this.request(method, `${this.config.apiUrl}${path}`, what, json, REQUEST_TIMEOUT_MS);
  }

  /** One authorised request to a full URL (the API, or the storage URL an attachment named). */
  private async request(method: 'GET' | 'POST', url: string, what: string, init: { headers: Record<string, string>; body?: string | FormData }, timeoutMs: number): Promise<Response> {
    const token = await this.accessToken();
    const response = await this.fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 401) this.forgetToken();
    if (!response.ok) throw await this.apiError(response, what);
    return response;
  }

  /** Step 1 of a file: its name and size for the bot; answers the fileId and the one-time upload URL. */
  async createAttachment(botId: string, fileName: string, fileSize: number): Promise<NaverWorksAttachment> {
    const response = await this.call('POST', `/bots/${encodeURIComponent(botId)}/attachments`, 'attachment', { fileName, fileSize });
    const created = (await response.json()) as Partial<NaverWorksAttachment>;
    if (typeof created.fileId !== 'string' || typeof created.uploadUrl !== 'string') throw new NaverWorksApiError(response.status, 'invalid_attachment_response', undefined, 'attachment');
    return { fileId: created.fileId, uploadUrl: created.uploadUrl };
  }

  /** Step 2: the bytes, as multipart/form-data to the upload URL (which takes one upload only). */
  async upload(uploadUrl: string, file: UploadFile): Promise<void> {
    const form = new FormData();
    form.append(UPLOAD_PART, new Blob([file.data], { type: file.contentType }), file.name);
    // fetch writes the multipart content type with its boundary itself.
    await this.request('POST', uploadUrl, 'upload', { headers: {}, body: form }, UPLOAD_TIMEOUT_MS);
  }

  /** Steps 1 and 2: the file uploaded for the bot; its fileId goes in a "file" message. */
  async uploadFile(botId: string, file: UploadFile): Promise<string> {
    const { fileId, uploadUrl } = await this.createAttachment(botId, file.name, file.data.byteLength);
    await this.upload(uploadUrl, file);
    return fileId;
  }

  async sendToUser(botId: string, userId: string, content: NaverWorksContent): Promise<void> {
    await this.call('POST', `/bots/${encodeURIComponent(botId)}/users/${encodeURIComponent(userId)}/messages`, 'message', { content });
  }

  async sendToChannel(botId: string, channelId: string, content: NaverWorksContent): Promise<void> {
    await this.call('POST', `/bots/${encodeURIComponent(botId)}/channels/${encodeURIComponent(channelId)}/messages`, 'message', { content });
  }

  /** The bot's persistent menu (고정 메뉴): registering it again replaces it. */
  async setPersistentMenu(botId: string, actions: readonly NaverWorksAction[]): Promise<void> {
    await this.call('POST', `/bots/${encodeURIComponent(botId)}/persistentmenu`, 'persistentmenu', { content: { actions } });
  }

  /** Every user of the domain, page by page (scope user.read). */
  async listUsers(domainId: string): Promise<NaverWorksUser[]> {
    const users: NaverWorksUser[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ domainId, count: String(NAVERWORKS_USERS_PAGE_MAX), ...(cursor ? { cursor } : {}) });
      const page = (await (await this.call('GET', `/users?${query}`, 'users')).json()) as NaverWorksUsersPage;
      users.push(...(page.users ?? []));
      cursor = page.responseMetaData?.nextCursor ?? undefined;
    } while (cursor);
    return users;
  }
}
