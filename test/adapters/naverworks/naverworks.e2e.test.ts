/**
 * The NAVER WORKS adapter end to end: Probity's own HTTP listener receives signed callbacks in the
 * shapes NAVER WORKS documents, and the real client talks to a local fake of the API 2.0 (token
 * endpoint, bot messages, persistent menu, users list, attachments and their multipart uploads).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signatureOf } from '../../../adapters/naverworks/callback.js';
import { createNaverWorksAdapter, type NaverWorksAdapter } from '../../../adapters/naverworks/app.js';
import { composers, planners } from '../../../src/app.js';
import { Dispatcher } from '../../../src/delivery/dispatcher.js';
import { buildExport, exportBase } from '../../../src/features/stats/exports.js';
import { parsePeriod } from '../../../src/features/stats/period.js';
import { translator } from '../../../src/i18n/index.js';
import { localDay } from '../../../src/time.js';
import { NAVERWORKS_FILE_MAX_BYTES } from '../../../adapters/naverworks/limits.js';
import { silentLogger } from '../../../src/log.js';
import { HttpListener } from '../../../src/ops/http.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import { startFakeNaverWorks, type FakeNaverWorks } from '../../support/naverworks/fakeNaverWorks.js';
import { serviceAccountKeys } from '../../support/naverworks/keys.js';
import { createHarness, type Harness } from '../../support/harness.js';

const APP = { clientId: 'probity-client', clientSecret: 'client-secret', serviceAccount: 'abcde.serviceaccount@city.example', botId: '2000001' };
const BOT_SECRET = 'bot-secret-from-the-console';
const KIM = 'c72af563-0f21-4736-11e4-045237110001';
const LEE = 'c72af563-0f21-4736-11e4-045237110002';
const CHOI = 'c72af563-0f21-4736-11e4-045237113001';
const STRANGER = 'c72af563-0f21-4736-11e4-045237119999';
const ROOM = 'a1b2c3d4-room-0001';
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
// Kim is linked by the roster's works_id; Lee only by e-mail, through the directory sync.
const ROSTER = `employee_no,name,email,department,roles,locale,works_id
1001,김청렴,kim@city.example,행정국/감사과,employee,ko,${KIM}
1002,Lee Integrity,lee@city.example,행정국/감사과,employee,en,`;
// The same people and an HR officer, Choi, who asks for the exports.
const ROSTER_WITH_HR = `${ROSTER}
3001,최담당,choi@city.example,행정국/감사과,hr,ko,${CHOI}`;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const DAILY_QUIZ = 'schedules:\n  - name: daily-quiz\n    kind: quiz\n    cron: "0 9 * * 1-5"\n';

let fake: FakeNaverWorks;
let h: Harness;
let listener: HttpListener;
let adapter: NaverWorksAdapter;
let callbackUrl: string;
/** The waits replies took before they were tried again. */
let slept: number[];

afterEach(async () => {
  await adapter?.stop();
  await listener?.close();
  await fake?.close();
  await h?.close();
});

async function start(schedules?: string, roster = ROSTER) {
  const keys = serviceAccountKeys();
  fake = await startFakeNaverWorks({
    ...APP,
    publicKey: keys.publicKey,
    users: [
      { userId: KIM, email: 'kim@city.example', userName: { lastName: '김', firstName: '청렴' } },
      { userId: LEE, email: 'LEE@city.example', userName: { lastName: 'Lee', firstName: 'Integrity' } },
      { userId: 'c72af563-0f21-4736-11e4-045237110003', email: 'gone@city.example', isDeleted: true },
    ],
  });
  // Configured as an operator would: through the environment (the key inline, with "\n" escapes).
  const env = {
    NAVERWORKS_BOT_ID: APP.botId,
    NAVERWORKS_CLIENT_ID: APP.clientId,
    NAVERWORKS_CLIENT_SECRET: APP.clientSecret,
    NAVERWORKS_SERVICE_ACCOUNT: APP.serviceAccount,
    NAVERWORKS_PRIVATE_KEY: keys.privateKey.replace(/\n/g, '\\n'),
    NAVERWORKS_BOT_SECRET: BOT_SECRET,
    NAVERWORKS_DOMAIN_ID: '40029600',
    NAVERWORKS_API_URL: fake.apiUrl,
    NAVERWORKS_AUTH_URL: fake.authUrl,
    PROBITY_HTTP_PORT: '0',
  };
  h = await createHarness({ start: KST('2026-11-27', '08:30'), roster, env, ...(schedules ? { schedules } : {}) });
  const config = h.services.config.naverworks!;
  expect(config).toMatchObject({ botId: APP.botId, callbackPath: '/naverworks/callback', apiUrl: fake.apiUrl });
  listener = new HttpListener(silentLogger);
  slept = [];
  adapter = createNaverWorksAdapter(h.engine, h.services, config, { sleep: async (ms) => void slept.push(ms) });
  adapter.mount(listener);
  const port = await listener.listen({ port: 0, host: '127.0.0.1' });
  callbackUrl = `http://127.0.0.1:${port}/naverworks/callback`;
  await adapter.start();
}

/** Posts a callback as NAVER WORKS does, signed unless told otherwise; waits until it is handled. */
async function callback(body: unknown, signature?: string | null): Promise<number> {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8', 'X-WORKS-BotId': APP.botId };
  if (signature !== null) headers['X-WORKS-Signature'] = signature ?? signatureOf(Buffer.from(raw), BOT_SECRET);
  const response = await fetch(callbackUrl, { method: 'POST', headers, body: raw });
  await adapter.settled();
  return response.status;
}

const source = (userId: string, channelId?: string) => ({ userId, ...(channelId ? { channelId } : {}), domainId: 40029600 });
const typed = (userId: string, text: string, channelId?: string) => ({ type: 'message', source: source(userId, channelId), issuedTime: '2026-11-26T23:31:00.000Z', content: { type: 'text', text } });
const pressed = (userId: string, label: string, postback: string) => ({ type: 'message', source: source(userId), issuedTime: '2026-11-26T23:32:00.000Z', content: { type: 'text', text: label, postback } });
const answers = async () => (await h.services.db.selectFrom('quiz_answers').select('id').execute()).length;

describe('NAVER WORKS adapter (signed callbacks on the HTTP listener, the real client against a fake API)', () => {
  it('registers the persistent menu with Korean commands, through a token issued for the service account', async () => {
    await start();
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]!.scope).toBe('bot user.read');
    expect(fake.menus).toEqual([{ actions: [expect.objectContaining({ type: 'message', label: '오늘의 퀴즈', text: '퀴즈' }), expect.anything(), expect.anything(), expect.objectContaining({ text: '도움말' })] }]);
  });

  it('"/integrity quiz" → a button template in the 1:1 room; the answer pressed twice records one answer row, the second press says so', async () => {
    await start();
    expect(await callback(typed(KIM, '/integrity quiz'))).toBe(200);
    expect(fake.messages).toHaveLength(1);
    const question = fake.messages[0]!;
    expect(question.to).toEqual({ kind: 'user', id: KIM });
    expect(question.content.type).toBe('button_template');
    expect(question.content.contentText).toContain('오늘의 청렴 퀴즈');
    const choice = question.content.actions![0]!;
    expect(choice.postback).toMatch(/^quiz\./);

    expect(await callback(pressed(KIM, choice.text!, choice.postback!))).toBe(200);
    expect(await answers()).toBe(1);
    const result = fake.messages[1]!;
    expect(JSON.stringify(result.content)).toMatch(/정답입니다|오답입니다/);
    expect(JSON.stringify(result.content)).toContain('해설');

    expect(await callback(pressed(KIM, choice.text!, choice.postback!))).toBe(200);
    expect(await answers()).toBe(1);
    expect(JSON.stringify(fake.messages[2]!.content)).toContain('이미 푸셨습니다');
    // One token served every call.
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it('the Korean menu word "퀴즈" in a shared room → the question goes to the member privately, not to the room', async () => {
    await start();
    expect(await callback(typed(KIM, '퀴즈', ROOM))).toBe(200);
    expect(fake.messages.map((m) => m.to)).toEqual([{ kind: 'user', id: KIM }]);
    expect(fake.messages[0]!.content.contentText).toContain('오늘의 청렴 퀴즈');
  });

  it('a forged or missing signature → 401, and nothing is recorded: no person, no answer, no message', async () => {
    await start();
    const membersBefore = (await h.services.db.selectFrom('members').select('id').execute()).length;
    const forged = signatureOf(Buffer.from(JSON.stringify(typed(STRANGER, '/integrity quiz'))), 'guessed-secret');
    expect(await callback(typed(STRANGER, '/integrity quiz'), forged)).toBe(401);
    expect(await callback(typed(STRANGER, '/integrity quiz'), null)).toBe(401);
    // Signed for another body: the signature covers the raw body.
    expect(await callback(typed(STRANGER, '/integrity quiz'), signatureOf(Buffer.from('{}'), BOT_SECRET))).toBe(401);
    expect(fake.messages).toEqual([]);
    expect(await answers()).toBe(0);
    expect((await h.services.db.selectFrom('members').select('id').execute()).length).toBe(membersBefore);
    expect(await h.services.db.selectFrom('member_accounts').select('id').where('platform_user_id', '=', STRANGER).execute()).toEqual([]);
  });

  it('a signed body that is not JSON → 400; an event Probity does not act on → 200 and nothing sent', async () => {
    await start();
    const raw = 'not json';
    const response = await fetch(callbackUrl, { method: 'POST', headers: { 'X-WORKS-Signature': signatureOf(Buffer.from(raw), BOT_SECRET) }, body: raw });
    expect(response.status).toBe(400);
    expect(await callback({ type: 'joined', source: source(KIM, ROOM), issuedTime: 'x' })).toBe(200);
    expect(fake.messages).toEqual([]);
  });

  it('a callback over 1 MiB → 413 before its signature is even checked; nothing is sent', async () => {
    await start();
    const raw = JSON.stringify({ ...typed(KIM, '/integrity quiz'), padding: 'x'.repeat(1024 * 1024) });
    const response = await fetch(callbackUrl, { method: 'POST', headers: { 'X-WORKS-Signature': signatureOf(Buffer.from(raw), BOT_SECRET) }, body: raw });
    expect(response.status).toBe(413);
    expect(fake.messages).toEqual([]);
  });

  /** The participation CSV the core builds for today's default period, as the command line would. */
  async function participationCsv(): Promise<Uint8Array> {
    const now = h.clock.now();
    const source = { ...h.services, t: translator('ko'), locale: 'ko' as const, today: localDay(now, h.services.config.timezone), nowIso: now.toISOString() };
    return (await buildExport('participation', 'csv', { ...exportBase(source), period: parsePeriod(undefined, source.today) })).data;
  }

  it('an HR officer\'s "/integrity export participation" → the CSV the core built is uploaded for the bot and sent to them as a file message, after the text', async () => {
    await start(undefined, ROSTER_WITH_HR);
    expect(await callback(typed(CHOI, '/integrity export participation'))).toBe(200);

    expect(fake.uploads).toHaveLength(1);
    const upload = fake.uploads[0]!;
    expect([...upload.data.subarray(0, 3)]).toEqual(UTF8_BOM);
    expect(new Uint8Array(upload.data)).toEqual(await participationCsv());
    expect(upload).toMatchObject({ fileName: 'probity-participation-2026-11.csv', partFileName: 'probity-participation-2026-11.csv', partName: 'Filedata', declaredSize: upload.data.length });
    expect(upload.contentType).toMatch(/^text\/csv/);

    expect(fake.messages.map((m) => [m.to, m.content.type])).toEqual([
      [{ kind: 'user', id: CHOI }, 'text'],
      [{ kind: 'user', id: CHOI }, 'file'],
    ]);
    expect(fake.messages[0]!.content.text).toContain('내보내기');
    expect(fake.messages[1]!.content).toEqual({ type: 'file', fileId: upload.fileId });
    // The steps in order: the attachment named, its bytes uploaded, then the messages.
    expect(fake.requests.filter((r) => r.path !== '/oauth2/v2.0/token' && !r.path.endsWith('/persistentmenu')).map((r) => [r.path.replace(/\/v1\.0\/bots\/[^/]+|\/storage\/upload\/.*/g, (m) => (m.startsWith('/storage') ? '<upload url>' : '')), r.status])).toEqual([
      ['/attachments', 200],
      ['<upload url>', 200],
      [`/users/${CHOI}/messages`, 201],
      [`/users/${CHOI}/messages`, 201],
    ]);
  });

  it('an HR officer\'s "/integrity stats" → the chart goes as a PNG file message after the figures', async () => {
    await start(undefined, ROSTER_WITH_HR);
    expect(await callback(typed(CHOI, '/integrity stats'))).toBe(200);
    expect(fake.uploads.map((u) => [u.contentType, [...u.data.subarray(0, 4)]])).toEqual([['image/png', [0x89, 0x50, 0x4e, 0x47]]]);
    expect(fake.uploads[0]!.fileName).toMatch(/^probity-stats-.+\.png$/);
    expect(fake.messages.at(-1)).toEqual({ to: { kind: 'user', id: CHOI }, content: { type: 'file', fileId: fake.uploads[0]!.fileId } });
    expect(fake.messages.slice(0, -1).every((m) => m.content.type !== 'file')).toBe(true);
  });

  it('an upload answered 429 once → the reply waits for the Retry-After and is tried again: one file and one text reach the officer', async () => {
    await start(undefined, ROSTER_WITH_HR);
    fake.failNext({ status: 429, on: 'upload', headers: { 'retry-after': '2' } });
    expect(await callback(typed(CHOI, '/integrity export participation'))).toBe(200);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(slept).toEqual([2_000]);
    // Nothing was sent before the failed upload, so nothing is sent twice.
    expect(fake.uploads).toHaveLength(1);
    expect(new Uint8Array(fake.uploads[0]!.data)).toEqual(await participationCsv());
    expect(fake.messages.map((m) => m.content.type)).toEqual(['text', 'file']);
    expect(fake.messages[1]!.content.fileId).toBe(fake.uploads[0]!.fileId);
  });

  it('the file message answered 503 after the text went → the next try sends only the file message: the text is not repeated, the file not uploaded again', async () => {
    await start(undefined, ROSTER_WITH_HR);
    fake.failNext({ status: 503, on: 'message', after: 1 });
    expect(await callback(typed(CHOI, '/integrity export participation'))).toBe(200);
    expect(fake.requests.filter((r) => r.status === 503)).toHaveLength(1);
    expect(slept).toHaveLength(1);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.messages.map((m) => m.content.type)).toEqual(['text', 'file']);
    expect(fake.messages[1]!.content.fileId).toBe(fake.uploads[0]!.fileId);
  });

  it('a reply whose upload keeps failing with 503 is given up after a few tries, and nothing half-sent reaches the member', async () => {
    await start(undefined, ROSTER_WITH_HR);
    fake.failNext(...Array.from({ length: 5 }, () => ({ status: 503, on: 'upload' as const })));
    expect(await callback(typed(CHOI, '/integrity export participation'))).toBe(200);
    expect(fake.requests.filter((r) => r.status === 503)).toHaveLength(3);
    expect(slept).toHaveLength(2);
    expect(fake.messages).toEqual([]);
  });

  it('a file over NAVER WORKS\' size limit is not uploaded: the text names it in the member\'s language, and a file within it still goes', async () => {
    await start();
    // Lee is linked (by e-mail) through the directory sync, and reads English.
    await adapter.syncDirectory();
    const big = { name: 'participation-2026-11.csv', data: new Uint8Array(NAVERWORKS_FILE_MAX_BYTES + 1), contentType: 'text/csv' };
    const small = { name: 'chart.png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' };
    await adapter.port.send({ kind: 'user', workspace: 'naverworks', userId: KIM }, { text: '참여 현황', files: [big, small] });
    await adapter.port.send({ kind: 'user', workspace: 'naverworks', userId: LEE }, { text: 'Participation', files: [big] });
    expect(fake.uploads.map((u) => [u.fileName, [...u.data]])).toEqual([['chart.png', [0x89, 0x50, 0x4e, 0x47]]]);
    expect(fake.messages).toEqual([
      { to: { kind: 'user', id: KIM }, content: { type: 'text', text: '참여 현황\n📎 participation-2026-11.csv 파일(10.0MB)은 NAVER WORKS 로 보낼 수 있는 크기(10.0MB)를 넘습니다. 명령줄의 export 명령을 사용하세요.' } },
      { to: { kind: 'user', id: KIM }, content: { type: 'file', fileId: fake.uploads[0]!.fileId } },
      { to: { kind: 'user', id: LEE }, content: { type: 'text', text: 'Participation\n📎 The file participation-2026-11.csv (10.0 MB) is larger than NAVER WORKS takes from the bot (10.0 MB); use the export command on the command line.' } },
    ]);
  });

  it('directory sync links by e-mail; the scheduled quiz reaches both members through the outbox, a 429 waited out for its Retry-After', async () => {
    await start(DAILY_QUIZ);
    const synced = await adapter.syncDirectory();
    expect(synced).toMatchObject({ linked: 1, alreadyLinked: 1, enrolled: 0, ignored: 1 });
    h.clock.set(KST('2026-11-27', '09:00'));
    await new Scheduler(h.services, planners).runDue();
    fake.failNext({ status: 429, headers: { 'retry-after': '3' } });
    const slept: number[] = [];
    const dispatcher = new Dispatcher(h.services, [adapter.port], {
      composers,
      sleep: async (ms) => {
        slept.push(ms);
        h.clock.advance(ms);
      },
    });
    await dispatcher.drainDue();
    expect(Math.max(...slept)).toBeGreaterThanOrEqual(3_000);
    const rows = await h.services.db.selectFrom('deliveries').select(['status', 'attempts']).orderBy('id').execute();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(rows.map((r) => r.attempts).sort()).toEqual([1, 2]);
    expect(new Set(fake.messages.map((m) => m.to.id))).toEqual(new Set([KIM, LEE]));
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(1);
    // Each in their own language: Kim in Korean, Lee (locale en on the roster) in English.
    const to = (id: string) => fake.messages.find((m) => m.to.id === id)!.content;
    expect(to(KIM).contentText).toContain('오늘의 청렴 퀴즈');
    expect(to(LEE).contentText).toContain("Today's integrity quiz");
  });
});
