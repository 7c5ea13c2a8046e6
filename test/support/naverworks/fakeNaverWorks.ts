/**
 * A local fake of the NAVER WORKS API 2.0 that the REAL client (adapters/naverworks/client.ts) talks
 * to over HTTP on 127.0.0.1, shaped after developers.worksmobile.com:
 *   POST {auth}/token                              JWT-bearer grant: the assertion is verified with the
 *                                                  service account's public key (RS256, iss = client id,
 *                                                  sub = service account, not expired) and the client
 *                                                  secret checked; answers { access_token, expires_in: "86400", … }
 *   POST {api}/bots/{botId}/users/{userId}/messages    201, no body (as NAVER WORKS answers)
 *   POST {api}/bots/{botId}/channels/{channelId}/messages
 *   POST {api}/bots/{botId}/persistentmenu
 *   POST {api}/bots/{botId}/attachments            { fileName, fileSize } → { fileId, uploadUrl }
 *   POST {upload URL}                              multipart/form-data, part "Filedata", with the token;
 *                                                  one upload per URL (a second is refused with 400)
 * A "file" message must name a fileId whose bytes were uploaded (400 otherwise).
 *   GET  {api}/users?domainId&count&cursor         pages of `count` with responseMetaData.nextCursor
 * Bot calls need a token it issued (401 otherwise); contents over the documented limits are refused
 * with 400, as NAVER WORKS refuses them. `failNext` scripts failures (a 429 with its headers, a 503),
 * for any bot-API request or only for one kind of step (`on`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importSPKI, jwtVerify } from 'jose';

export interface FakeNaverWorksOptions {
  clientId: string;
  clientSecret: string;
  serviceAccount: string;
  /** SPKI PEM of the service account's key pair. */
  publicKey: string;
  botId: string;
  /** The time the assertion's iat/exp are checked against; the real time unless told. */
  now?: () => number;
  /** Seconds, as the token endpoint states them. */
  tokenLifetimeS?: number;
  users?: { userId: string; email?: string; userName?: { lastName?: string; firstName?: string }; isDeleted?: boolean; isSuspended?: boolean }[];
}

export interface SentMessage {
  to: { kind: 'user' | 'channel'; id: string };
  content: { type: string; text?: string; contentText?: string; fileId?: string; actions?: { type: string; label: string; text?: string; postback?: string }[] };
}

export interface UploadedFile {
  fileId: string;
  /** As the attachment named it, and as the multipart part named it. */
  fileName: string;
  partFileName: string;
  declaredSize: number;
  partName: string;
  contentType: string;
  data: Buffer;
}

/** The kinds of bot-API request a scripted failure can be aimed at. */
export type Step = 'message' | 'attachment' | 'upload' | 'persistentmenu' | 'users';

export interface Failure {
  status: number;
  /** Only a request of this kind gets the failure; any bot-API request when not told. */
  on?: Step;
  /** This many requests it would hit pass first (e.g. 1 with on: 'message': the second message fails). */
  after?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeNaverWorks {
  apiUrl: string;
  authUrl: string;
  tokenRequests: { grantType: string | null; scope: string | null; claims: Record<string, unknown> }[];
  messages: SentMessage[];
  menus: unknown[];
  /** Files whose bytes were uploaded, in order. */
  uploads: UploadedFile[];
  /** Every request with the status it got. */
  requests: { method: string; path: string; status: number }[];
  /** The next bot-API requests answer with these, in order, before anything is recorded. */
  failNext(...failures: Failure[]): void;
  close(): Promise<void>;
}

const TEXT_MAX = 2000;
const BUTTON_TEXT_MAX = 1000;
const BUTTONS_MAX = 10;
const LABEL_MAX = 20;
/** Where the fake's upload URLs live: a storage host of its own in NAVER WORKS, a path prefix here. */
const UPLOAD_PREFIX = '/storage/upload/';
const chars = (s: unknown) => (typeof s === 'string' ? [...s].length : 0);

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function stepOf(method: string | undefined, path: string): Step | undefined {
  if (method === 'POST' && /^\/v1\.0\/bots\/[^/]+\/(users|channels)\/[^/]+\/messages$/.test(path)) return 'message';
  if (method === 'POST' && /^\/v1\.0\/bots\/[^/]+\/attachments$/.test(path)) return 'attachment';
  if (method === 'POST' && path.startsWith(UPLOAD_PREFIX)) return 'upload';
  if (method === 'POST' && /^\/v1\.0\/bots\/[^/]+\/persistentmenu$/.test(path)) return 'persistentmenu';
  if (method === 'GET' && path === '/v1.0/users') return 'users';
  return undefined;
}

function json(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
}

/** Why NAVER WORKS would refuse this content, or undefined. */
function invalidContent(content: SentMessage['content'] | undefined, uploaded: ReadonlySet<string>): string | undefined {
  if (!content) return 'content missing';
  if (content.type === 'file') return typeof content.fileId === 'string' && uploaded.has(content.fileId) ? undefined : 'fileId not uploaded';
  if (content.type === 'text') return chars(content.text) === 0 || chars(content.text) > TEXT_MAX ? 'text length' : undefined;
  if (content.type === 'button_template') {
    if (chars(content.contentText) === 0 || chars(content.contentText) > BUTTON_TEXT_MAX) return 'contentText length';
    if (!content.actions?.length || content.actions.length > BUTTONS_MAX) return 'actions count';
    if (content.actions.some((a) => chars(a.label) === 0 || chars(a.label) > LABEL_MAX)) return 'label length';
    return undefined;
  }
  return `unsupported type ${content.type}`;
}

export async function startFakeNaverWorks(options: FakeNaverWorksOptions): Promise<FakeNaverWorks> {
  const publicKey = await importSPKI(options.publicKey, 'RS256');
  const tokens = new Set<string>();
  const failures: Failure[] = [];
  /** fileId → what the attachment declared, until its bytes arrive (then in `uploads`). */
  const pending = new Map<string, { fileName: string; declaredSize: number; uploadPath: string }>();
  const uploadedIds = new Set<string>();
  let attachments = 0;
  let origin = '';
  const fake = {
    tokenRequests: [] as FakeNaverWorks['tokenRequests'],
    messages: [] as SentMessage[],
    menus: [] as unknown[],
    uploads: [] as UploadedFile[],
    requests: [] as FakeNaverWorks['requests'],
  };

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<number> {
    const raw = await readBody(request);
    const body = raw.toString('utf8');
    if (request.method === 'POST' && url.pathname === '/oauth2/v2.0/token') {
      const form = new URLSearchParams(body);
      try {
        const { payload } = await jwtVerify(form.get('assertion') ?? '', publicKey, { issuer: options.clientId, subject: options.serviceAccount, algorithms: ['RS256'], ...(options.now ? { currentDate: new Date(options.now()) } : {}) });
        if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) throw new Error('client');
        fake.tokenRequests.push({ grantType: form.get('grant_type'), scope: form.get('scope'), claims: payload as Record<string, unknown> });
      } catch {
        json(response, 400, { error: 'invalid_grant', error_description: 'assertion or client refused' });
        return 400;
      }
      const token = `fake-access-${fake.tokenRequests.length}`;
      tokens.add(token);
      json(response, 200, { access_token: token, refresh_token: 'fake-refresh', scope: new URLSearchParams(body).get('scope'), token_type: 'Bearer', expires_in: String(options.tokenLifetimeS ?? 86_400) });
      return 200;
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) {
      json(response, 401, { code: 'UNAUTHORIZED', description: 'Authentication failed' });
      return 401;
    }
    const step = stepOf(request.method, url.pathname);
    const aimed = failures.findIndex((f) => f.on === undefined || f.on === step);
    let failure: Failure | undefined;
    if (aimed >= 0 && (failures[aimed]!.after ?? 0) > 0) failures[aimed]!.after! -= 1;
    else if (aimed >= 0) failure = failures.splice(aimed, 1)[0];
    if (failure) {
      json(response, failure.status, failure.body ?? { code: failure.status === 429 ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE', description: 'scripted' }, failure.headers);
      return failure.status;
    }
    if (step === 'attachment') {
      const botId = /^\/v1\.0\/bots\/([^/]+)\/attachments$/.exec(url.pathname)![1];
      if (botId !== options.botId) {
        json(response, 404, { code: 'NOT_FOUND', description: 'bot not found' });
        return 404;
      }
      const parsed = JSON.parse(body) as { fileName?: unknown; fileSize?: unknown };
      if (typeof parsed.fileName !== 'string' || parsed.fileName === '' || typeof parsed.fileSize !== 'number') {
        json(response, 400, { code: 'INVALID_PARAMETER', description: 'fileName and fileSize' });
        return 400;
      }
      attachments += 1;
      const fileId = `kr1.fake.${attachments}`;
      const uploadPath = `${UPLOAD_PREFIX}${attachments}/${encodeURIComponent(parsed.fileName)}`;
      pending.set(fileId, { fileName: parsed.fileName, declaredSize: parsed.fileSize, uploadPath });
      json(response, 200, { fileId, uploadUrl: `${origin}${uploadPath}` });
      return 200;
    }
    if (step === 'upload') {
      const entry = [...pending].find(([, p]) => p.uploadPath === url.pathname);
      if (!entry) {
        json(response, 400, { code: 'INVALID_PARAMETER', description: 'unknown or used upload URL' });
        return 400;
      }
      let part: File | null = null;
      let partName = '';
      try {
        const form = await new Response(raw, { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
        for (const [name, value] of form) if (typeof value !== 'string') [partName, part] = [name, value as File];
      } catch {
        part = null;
      }
      if (!part) {
        json(response, 400, { code: 'INVALID_PARAMETER', description: 'multipart file part missing' });
        return 400;
      }
      const [fileId, declared] = entry;
      pending.delete(fileId);
      uploadedIds.add(fileId);
      fake.uploads.push({ fileId, fileName: declared.fileName, declaredSize: declared.declaredSize, partName, partFileName: part.name, contentType: part.type, data: Buffer.from(await part.arrayBuffer()) });
      json(response, 200, { fileId });
      return 200;
    }
    const message = /^\/v1\.0\/bots\/([^/]+)\/(users|channels)\/([^/]+)\/messages$/.exec(url.pathname);
    const menu = /^\/v1\.0\/bots\/([^/]+)\/persistentmenu$/.exec(url.pathname);
    if (request.method === 'POST' && (message || menu)) {
      if ((message?.[1] ?? menu?.[1]) !== options.botId) {
        json(response, 404, { code: 'NOT_FOUND', description: 'bot not found' });
        return 404;
      }
      const parsed = JSON.parse(body) as { content?: SentMessage['content'] & { actions?: unknown[] } };
      if (menu) {
        fake.menus.push(parsed.content);
        json(response, 201);
        return 201;
      }
      const problem = invalidContent(parsed.content, uploadedIds);
      if (problem) {
        json(response, 400, { code: 'INVALID_PARAMETER', description: problem });
        return 400;
      }
      fake.messages.push({ to: { kind: message![2] === 'users' ? 'user' : 'channel', id: decodeURIComponent(message![3]!) }, content: parsed.content! });
      json(response, 201);
      return 201;
    }
    if (request.method === 'GET' && url.pathname === '/v1.0/users') {
      const count = Number(url.searchParams.get('count') ?? 100);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const users = options.users ?? [];
      const next = start + count < users.length ? String(start + count) : null;
      json(response, 200, { users: users.slice(start, start + count), responseMetaData: { nextCursor: next } });
      return 200;
    }
    json(response, 404, { code: 'NOT_FOUND', description: 'no such API' });
    return 404;
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    route(request, response, url).then(
      (status) => fake.requests.push({ method: request.method ?? 'GET', path: url.pathname, status }),
      () => json(response, 500, { code: 'INTERNAL' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    ...fake,
    apiUrl: `http://127.0.0.1:${port}/v1.0`,
    authUrl: `http://127.0.0.1:${port}/oauth2/v2.0`,
    failNext: (...more) => void failures.push(...more),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
