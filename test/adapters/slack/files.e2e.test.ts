/**
 * Files on Slack end to end: the real Bolt HTTP receiver and WebClient against the fake Web API. A
 * reply's text and card still go through response_url; its files take Slack's external-upload flow
 * (files.getUploadURLExternal → POST of the bytes → files.completeUploadExternal), into the channel
 * when the reply is for everyone there, else into the member's DM with the app.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../../adapters/slack/app.js';
import type { SlackConfig } from '../../../src/config.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { fakeMember, startFakeSlack, type RunningFakeSlack } from '../../support/slack/fakeSlack.js';
import { appHomeOpened, blockActions, eventCallback, signedRequest, slashCommand } from '../../support/slack/signing.js';
import { waitFor } from '../../support/wait.js';
import { CSV_BYTES, FILES_ACTION, filesEngine, filesMessage, PNG_BYTES } from '../files.fixture.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0PROBITY';
const CHANNEL = 'C0GENERAL';
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();

let fake: RunningFakeSlack;
let slack: SlackAdapter | undefined;
let h: Harness;
let url: string;

afterEach(async () => {
  await slack?.stop();
  slack = undefined;
  await fake?.close();
  await h?.close();
});

async function start() {
  fake = await startFakeSlack({
    users: [fakeMember('U1001', { name: 'kim', email: 'kim@city.example' }), fakeMember('U1002', { name: 'lee', email: 'lee@city.example' })],
  });
  h = await createHarness({ start: KST('2026-11-27', '08:30') });
  const config: SlackConfig = { botToken: 'xoxb-test', appToken: undefined, signingSecret: SECRET, port: 0, apiUrl: fake.apiUrl, userGroupRoles: {} };
  slack = createSlackAdapter(filesEngine(h.services), h.services, config);
  const { port } = await slack.start();
  url = `http://127.0.0.1:${port}/slack/events`;
  await slack.syncDirectory();
}

const command = (text: string, o: { user?: string; channel?: string; response?: string } = {}) =>
  signedRequest(url, {
    signingSecret: SECRET,
    ...slashCommand({ command: '/integrity', response_url: fake.responseUrl(o.response ?? 'r1'), text, user_id: o.user ?? 'U1001', team_id: TEAM, channel_id: o.channel ?? CHANNEL }),
  });

type Posted = { response_type?: string; replace_original?: boolean; text: string; blocks: unknown[] };
const posted = (i: number) => fake.responseUrlPosts[i]?.body as Posted | undefined;
const shared = (count: number) => waitFor(() => (fake.sharedFiles.length >= count ? fake.sharedFiles : undefined));
const uploadFlow = () => fake.calls.map((c) => c.method).filter((m) => m.startsWith('files.') || m === 'conversations.open');

describe('Slack adapter: files', () => {
  it('a reply posted in the channel: text through response_url, the PNG and CSV uploaded into that channel with their exact bytes', async () => {
    await start();
    expect((await command('files-post')).status).toBe(200);
    const [chart, data] = await shared(2);
    const reply = posted(0)!;
    expect(reply).toMatchObject({ response_type: 'in_channel', text: '참여 통계 보고서' });
    expect(JSON.stringify(reply.blocks)).not.toContain('DM');
    expect(chart).toMatchObject({ name: 'participation.png', title: '부서별 참여율', channel: CHANNEL, initialComment: undefined, declaredLength: PNG_BYTES.length });
    expect(chart!.bytes).toEqual(Buffer.from(PNG_BYTES));
    expect(data).toMatchObject({ name: 'participation.csv', title: 'participation.csv', channel: CHANNEL });
    expect(data!.bytes).toEqual(Buffer.from(CSV_BYTES));
    // One upload URL per file, then one completion that shares both.
    expect(uploadFlow()).toEqual(['files.getUploadURLExternal', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(fake.callsOf('files.getUploadURLExternal').map((c) => c.args)).toEqual([
      expect.objectContaining({ filename: 'participation.png', length: String(PNG_BYTES.length) }),
      expect.objectContaining({ filename: 'participation.csv', length: String(CSV_BYTES.length) }),
    ]);
  });

  it('an ephemeral reply cannot carry files: they go to the member’s DM (opened once, then remembered) and the reply says so', async () => {
    await start();
    await command('files');
    const files = await shared(2);
    const reply = posted(0)!;
    expect(reply.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.blocks)).toContain('📎 파일은 개인 메시지(DM)로 보냈습니다.');
    expect(files.map((f) => [f.name, f.channel])).toEqual([
      ['participation.png', 'DU1001'],
      ['participation.csv', 'DU1001'],
    ]);
    expect(files[0]!.initialComment).toBe('참여 통계 보고서');
    expect(files[0]!.bytes).toEqual(Buffer.from(PNG_BYTES));
    expect(fake.callsOf('conversations.open')).toHaveLength(1);

    // Lee reads English; Kim's DM channel is known now, so no second conversations.open for Kim.
    await command('files', { response: 'r2' });
    await shared(4);
    await command('files', { user: 'U1002', response: 'r3' });
    const more = await shared(6);
    expect(more.slice(4).map((f) => f.channel)).toEqual(['DU1002', 'DU1002']);
    expect(fake.callsOf('conversations.open').map((c) => c.args['users'])).toEqual(['U1001', 'U1002']);
    const lee = fake.responseUrlPosts.find((p) => p.path.endsWith('/r3'))!.body as Posted;
    expect(JSON.stringify(lee.blocks)).toContain('📎 The files were sent to you by direct message.');
  });

  it('a channel the app is not in: the files go to the DM instead, and the member is told', async () => {
    await start();
    fake.channelsWithoutBot.add('C0PRIVATE');
    await command('files-post', { channel: 'C0PRIVATE' });
    const files = await shared(2);
    expect(files.map((f) => f.channel)).toEqual(['DU1001', 'DU1001']);
    const note = await waitFor(() => posted(1));
    expect(note).toMatchObject({ response_type: 'ephemeral', text: '📎 파일은 개인 메시지(DM)로 보냈습니다.' });
    expect(fake.callsOf('files.completeUploadExternal').map((c) => c.args['channel_id'])).toEqual(['C0PRIVATE', 'DU1001']);
  });

  it('from the App Home tab (no response_url): the message and its files land in the member’s DM', async () => {
    await start();
    await signedRequest(url, { signingSecret: SECRET, ...eventCallback(appHomeOpened('U1001'), { team_id: TEAM }) });
    await signedRequest(url, {
      signingSecret: SECRET,
      ...blockActions({ actions: [{ action_id: FILES_ACTION }], user: { id: 'U1001', team_id: TEAM }, team: { id: TEAM, domain: 'city' }, view: { id: 'V0HOME' } }),
    });
    const files = await shared(2);
    expect(files.map((f) => f.channel)).toEqual(['DU1001', 'DU1001']);
    expect(files[0]!.initialComment).toBeUndefined();
    const dm = fake.callsOf('chat.postMessage').at(-1)!;
    expect(dm.args['channel']).toBe('DU1001');
    expect(JSON.stringify(dm.args['blocks'])).not.toContain('DM');
    expect(fake.responseUrlPosts).toEqual([]);
  });

  it('a scheduled delivery with files (SlackChatPort.send): the message, then its files in the same DM or channel', async () => {
    await start();
    const toKim = await slack!.port.send({ kind: 'user', workspace: TEAM, userId: 'U1001' }, filesMessage([]));
    expect(toKim.conversationId).toBe('DU1001');
    await slack!.port.send({ kind: 'channel', channelId: 'C0QUIZ' }, filesMessage([]));
    expect(fake.sharedFiles.map((f) => [f.name, f.channel])).toEqual([
      ['participation.png', 'DU1001'],
      ['participation.csv', 'DU1001'],
      ['participation.png', 'C0QUIZ'],
      ['participation.csv', 'C0QUIZ'],
    ]);
    expect(fake.sharedFiles[3]!.bytes).toEqual(Buffer.from(CSV_BYTES));
    // chat.postMessage to the user id gave the DM channel: no conversations.open was needed.
    expect(fake.callsOf('conversations.open')).toHaveLength(0);
  });

  it('a failed upload in a delivery is reported to the outbox as a delivery failure', async () => {
    await start();
    fake.failNext('files.completeUploadExternal', { error: 'internal_error' });
    await expect(slack!.port.send({ kind: 'channel', channelId: 'C0QUIZ' }, filesMessage([]))).rejects.toMatchObject({ failure: { kind: 'transient' }, reason: 'internal_error' });
  });
});
