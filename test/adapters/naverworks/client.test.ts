/**
 * The NAVER WORKS client and ChatPort against the local fake: the real JWT exchange, token reuse and
 * renewal before expiry, files (attachment, upload, file message), and failures mapped to the outbox's
 * retry semantics.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NaverWorksClient, TOKEN_REFRESH_MARGIN_MS } from '../../../adapters/naverworks/client.js';
import { NaverWorksChatPort, toDeliveryError } from '../../../adapters/naverworks/outbound.js';
import { DeliveryError } from '../../../src/delivery/port.js';
import { startFakeNaverWorks, type FakeNaverWorks } from '../../support/naverworks/fakeNaverWorks.js';
import { serviceAccountKeys } from '../../support/naverworks/keys.js';

const APP = { clientId: 'probity-client', clientSecret: 'client-secret', serviceAccount: 'abcde.serviceaccount@city.example', botId: '2000001' };
const USER = 'c72af563-0f21-4736-11e4-045237113344';
const DAY_MS = 86_400_000;

let fake: FakeNaverWorks;
afterEach(async () => fake?.close());

async function setUp(options: { tokenLifetimeS?: number } = {}) {
  const keys = serviceAccountKeys();
  let now = Date.parse('2026-11-27T00:30:00Z');
  fake = await startFakeNaverWorks({ ...APP, publicKey: keys.publicKey, now: () => now, ...options });
  const client = new NaverWorksClient({ ...APP, privateKey: keys.privateKey, apiUrl: fake.apiUrl, authUrl: fake.authUrl }, ['bot'], { now: () => now });
  const port = new NaverWorksChatPort(client, APP.botId);
  return { client, port, advance: (ms: number) => void (now += ms) };
}

async function failureOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('NAVER WORKS client', () => {
  it('GIVEN a service account WHEN the first message is sent THEN a JWT assertion (RS256, iss = client id, sub = service account) is exchanged for a token that then authorises the send', async () => {
    const { port } = await setUp();
    await port.send({ kind: 'user', workspace: 'naverworks', userId: USER }, { text: '안녕하세요' });
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]).toMatchObject({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', scope: 'bot', claims: { iss: APP.clientId, sub: APP.serviceAccount } });
    expect(fake.messages).toEqual([{ to: { kind: 'user', id: USER }, content: { type: 'text', text: '안녕하세요' } }]);
  });

  it('GIVEN a token WHEN more messages follow THEN it is reused; shortly before it expires THEN a new one is issued first', async () => {
    const { port, advance } = await setUp();
    const to = { kind: 'channel' as const, channelId: 'room-1' };
    await Promise.all([port.send(to, { text: '1' }), port.send(to, { text: '2' })]);
    expect(fake.tokenRequests).toHaveLength(1);
    advance(DAY_MS - TOKEN_REFRESH_MARGIN_MS - 1);
    await port.send(to, { text: '3' });
    expect(fake.tokenRequests).toHaveLength(1);
    advance(2);
    await port.send(to, { text: '4' });
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.messages.map((m) => m.content.text)).toEqual(['1', '2', '3', '4']);
    expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('GIVEN a wrong private key THEN the token is refused and the send fails without reaching the bot API', async () => {
    const keys = serviceAccountKeys();
    fake = await startFakeNaverWorks({ ...APP, publicKey: keys.publicKey });
    const other = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const client = new NaverWorksClient({ ...APP, privateKey: other.privateKey, apiUrl: fake.apiUrl, authUrl: fake.authUrl }, ['bot']);
    const error = await failureOf(new NaverWorksChatPort(client, APP.botId).send({ kind: 'channel', channelId: 'room-1' }, { text: 'x' }));
    expect(error.failure.kind).toBe('permanent');
    expect(fake.messages).toEqual([]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/oauth2/v2.0/token']);
  });

  it('GIVEN a 429 WHEN sending THEN rate limited for the whole platform, for Retry-After, else rateLimit-reset, else a minute', async () => {
    const { port } = await setUp();
    const to = { kind: 'user' as const, workspace: 'naverworks', userId: USER };
    fake.failNext({ status: 429, headers: { 'retry-after': '7' } }, { status: 429, headers: { 'ratelimit-reset': '12' } }, { status: 429 });
    expect((await failureOf(port.send(to, { text: 'x' }))).failure).toEqual({ kind: 'rate_limited', retryAfterMs: 7000, global: true });
    expect((await failureOf(port.send(to, { text: 'x' }))).failure).toEqual({ kind: 'rate_limited', retryAfterMs: 12_000, global: true });
    expect((await failureOf(port.send(to, { text: 'x' }))).failure).toEqual({ kind: 'rate_limited', retryAfterMs: 60_000, global: true });
    await port.send(to, { text: 'x' });
    expect(fake.messages).toHaveLength(1);
  });

  it('GIVEN a 503, a refused token, an unknown user, a refused payload THEN transient, the platform held a minute, and permanent failures', async () => {
    const { port, client } = await setUp();
    const to = { kind: 'user' as const, workspace: 'naverworks', userId: USER };
    fake.failNext({ status: 503 }, { status: 401 }, { status: 404, body: { code: 'NOT_FOUND' } });
    const transient = await failureOf(port.send(to, { text: 'x' }));
    expect([transient.failure, transient.reason]).toEqual([{ kind: 'transient' }, 'http_503']);
    const token = await failureOf(port.send(to, { text: 'x' }));
    expect([token.failure, token.reason]).toEqual([{ kind: 'rate_limited', retryAfterMs: 60_000, global: true }, 'invalid_token']);
    const gone = await failureOf(port.send(to, { text: 'x' }));
    expect([gone.failure, gone.reason]).toEqual([{ kind: 'permanent' }, 'not_found']);
    // A refused token is forgotten: the next request gets a new one.
    expect(fake.tokenRequests).toHaveLength(2);
    const tooLong = toDeliveryError(await client.sendToUser(APP.botId, USER, { type: 'text', text: 'x'.repeat(2001) }).catch((e: unknown) => e));
    expect([tooLong.failure, tooLong.reason]).toEqual([{ kind: 'permanent' }, 'invalid_request']);
  });

  it('GIVEN a message with files for a room (as the outbox sends it) WHEN a step of a file answers 429 or 503 THEN the message semantics hold, nothing reaches the room, and the next send delivers text and files once', async () => {
    const { port } = await setUp();
    const room = { kind: 'channel' as const, channelId: 'room-1' };
    const csv = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x2c, 0x62, 0x0a]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    const message = { text: '11월 보고', files: [{ name: 'report.csv', data: csv, contentType: 'text/csv' }, { name: 'chart.png', data: png, contentType: 'image/png' }] };
    fake.failNext({ status: 429, on: 'attachment', headers: { 'retry-after': '4' } });
    expect((await failureOf(port.send(room, message))).failure).toEqual({ kind: 'rate_limited', retryAfterMs: 4000, global: true });
    fake.failNext({ status: 503, on: 'upload' });
    const upload = await failureOf(port.send(room, message));
    expect([upload.failure, upload.reason]).toEqual([{ kind: 'transient' }, 'http_503']);
    fake.failNext({ status: 429, on: 'upload', headers: { 'ratelimit-reset': '9' } });
    expect((await failureOf(port.send(room, message))).failure).toEqual({ kind: 'rate_limited', retryAfterMs: 9000, global: true });
    expect(fake.messages).toEqual([]);

    await port.send(room, message);
    expect(fake.uploads.map((u) => [u.fileName, u.contentType, [...u.data]])).toEqual([
      ['report.csv', 'text/csv', [...csv]],
      ['chart.png', 'image/png', [...png]],
    ]);
    expect(fake.messages).toEqual([
      { to: { kind: 'channel', id: 'room-1' }, content: { type: 'text', text: '11월 보고' } },
      { to: { kind: 'channel', id: 'room-1' }, content: { type: 'file', fileId: fake.uploads[0]!.fileId } },
      { to: { kind: 'channel', id: 'room-1' }, content: { type: 'file', fileId: fake.uploads[1]!.fileId } },
    ]);
  });

  it('GIVEN an upload URL already used WHEN it is used again THEN NAVER WORKS refuses it (permanent), and a file message needs an uploaded fileId', async () => {
    const { client } = await setUp();
    const { fileId, uploadUrl } = await client.createAttachment(APP.botId, 'a.csv', 1);
    await client.upload(uploadUrl, { name: 'a.csv', data: new Uint8Array([0x61]), contentType: 'text/csv' });
    const again = toDeliveryError(await client.upload(uploadUrl, { name: 'a.csv', data: new Uint8Array([0x61]), contentType: 'text/csv' }).catch((e: unknown) => e));
    expect([again.failure, again.reason]).toEqual([{ kind: 'permanent' }, 'invalid_request']);
    const unknown = toDeliveryError(await client.sendToUser(APP.botId, USER, { type: 'file', fileId: 'kr1.never-uploaded' }).catch((e: unknown) => e));
    expect(unknown.failure.kind).toBe('permanent');
    await client.sendToUser(APP.botId, USER, { type: 'file', fileId });
    expect(fake.messages).toEqual([{ to: { kind: 'user', id: USER }, content: { type: 'file', fileId } }]);
  });
});
