/**
 * Self-test of the Slack fake: the real SDKs (WebClient, Bolt's HTTP receiver, Bolt's Socket Mode
 * client) must accept it as Slack, so adapter tests built on it mean something.
 */
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dmChannelId, fakeMember, startFakeSlack, type RunningFakeSlack } from './fakeSlack.js';
import {
  appHomeOpened,
  blockActions,
  eventCallback,
  retryHeaders,
  signedRequest,
  slashCommand,
  staleTimestamp,
  teamJoin,
  urlVerification,
  viewSubmission,
} from './signing.js';
import { waitFor } from '../wait.js';

const BOT_TOKEN = 'xoxb-fake-bot-token';
const APP_TOKEN = 'xapp-1-A0PROBITY-1-fake';
const SIGNING_SECRET = 'fake-signing-secret';


let fake: RunningFakeSlack;
beforeEach(async () => {
  fake = await startFakeSlack();
});
afterEach(async () => {
  await fake.close();
});

describe('fake Slack Web API with a real WebClient', () => {
  const client = () => new WebClient(BOT_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });

  it('round-trips chat.postMessage and records the call with decoded args', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const res = await client().chat.postMessage({ channel: 'C0QUIZ', text: 'hi', blocks });
    expect(res).toMatchObject({ ok: true, channel: 'C0QUIZ', message: { text: 'hi', bot_id: 'B0PROBITY', type: 'message' } });
    expect(res.ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.calls).toEqual([{ method: 'chat.postMessage', args: { channel: 'C0QUIZ', text: 'hi', blocks }, token: BOT_TOKEN }]);

    const updated = await client().chat.update({ channel: 'C0QUIZ', ts: res.ts!, text: 'edited' });
    expect(updated).toMatchObject({ ok: true, ts: res.ts, text: 'edited' });
    await expect(client().chat.update({ channel: 'C0QUIZ', ts: '1.000000', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('gives each user one stable DM channel', async () => {
    const first = await client().conversations.open({ users: 'U0ALICE' });
    const again = await client().conversations.open({ users: 'U0ALICE' });
    const other = await client().conversations.open({ users: 'U0BOB' });
    expect(first.channel?.id).toBe(dmChannelId('U0ALICE'));
    expect(again).toMatchObject({ channel: { id: first.channel?.id }, already_open: true });
    expect(other.channel?.id).not.toBe(first.channel?.id);
  });

  it('paginates users.list by cursor', async () => {
    fake.users = Array.from({ length: 7 }, (_, i) => fakeMember(`U0${i}`, { realName: `Member ${i}` }));
    const pages: string[][] = [];
    for await (const page of client().paginate('users.list', { limit: 3 })) {
      pages.push(((page as { members?: Array<{ id: string }> }).members ?? []).map((m) => m.id));
    }
    expect(pages).toEqual([['U00', 'U01', 'U02'], ['U03', 'U04', 'U05'], ['U06']]);
    expect(fake.callsOf('users.list').map((c) => c.args['cursor'])).toEqual([undefined, expect.any(String), expect.any(String)]);
    await expect(client().users.info({ user: 'U03' })).resolves.toMatchObject({ user: { id: 'U03', real_name: 'Member 3' } });
    await expect(client().users.info({ user: 'U0NOPE' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
  });

  it('reports an injected 429 as a rate-limited error with retryAfter, then recovers', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const error = (await client().chat.postMessage({ channel: 'C0QUIZ', text: 'hi' }).catch((e: unknown) => e)) as WebAPIRateLimitedError;
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(1);
    await expect(client().chat.postMessage({ channel: 'C0QUIZ', text: 'hi' })).resolves.toMatchObject({ ok: true });
  });

  it('reports an injected ok:false as a platform error carrying data.error', async () => {
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const error = (await client().chat.postMessage({ channel: 'C0QUIZ', text: 'hi' }).catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data.error).toBe('not_in_channel');
    await expect(client().apiCall('chat.nonsense')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
  });

  it('supports views.publish and the files.uploadV2 three-step flow', async () => {
    await client().views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    expect(fake.homeViews.get('U0ALICE')).toMatchObject({ type: 'home', id: expect.stringMatching(/^V/) });

    const res = await client().filesUploadV2({ channel_id: 'C0QUIZ', file: Buffer.from('a,b\n1,2\n'), filename: 'stats.csv', title: 'Stats' });
    expect(res.ok).toBe(true);
    expect(fake.calls.map((c) => c.method)).toEqual(['views.publish', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect([...fake.uploads.values()][0]?.bytes.toString()).toBe('a,b\n1,2\n');
    expect(fake.sharedFiles).toEqual([
      { id: expect.stringMatching(/^F/), name: 'stats.csv', title: 'Stats', bytes: Buffer.from('a,b\n1,2\n'), declaredLength: 8, channel: 'C0QUIZ', initialComment: undefined },
    ]);
  });

  it('shares files only in conversations: a user id is refused, as is a channel the bot is not in', async () => {
    const upload = (channel_id: string) => client().filesUploadV2({ channel_id, file: Buffer.from('x'), filename: 'x.csv' });
    await expect(upload('U0ALICE')).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    fake.channelsWithoutBot.add('C0SECRET');
    await expect(upload('C0SECRET')).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    expect(fake.sharedFiles).toEqual([]);
    await upload('DU0ALICE');
    expect(fake.sharedFiles.map((f) => f.channel)).toEqual(['DU0ALICE']);
  });
});

describe('a real Bolt app on the HTTP receiver', () => {
  let app: App;
  let url: string;
  const seen: Array<{ kind: string; retryNum?: number }> = [];

  beforeEach(async () => {
    seen.length = 0;
    // Bolt calls auth.test in the constructor (tokenVerificationEnabled), so the fake must already run.
    app = new App({ token: BOT_TOKEN, signingSecret: SIGNING_SECRET, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } } });
    app.command('/probity', async ({ ack, respond, command }) => {
      await ack();
      seen.push({ kind: 'command' });
      await respond({ text: `echo ${command.text}`, response_type: 'ephemeral' });
    });
    app.action('quiz_answer', async ({ ack, respond }) => {
      await ack();
      seen.push({ kind: 'action' });
      await respond({ replace_original: true, text: 'answered' });
    });
    app.view('pledge_modal', async ({ ack, view }) => {
      await ack();
      seen.push({ kind: `view:${String(view.state.values['pledge']?.['text']?.value)}` });
    });
    app.event('app_home_opened', async ({ event, client, context }) => {
      seen.push({ kind: 'home', retryNum: context.retryNum });
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [] } });
    });
    // Bolt 5: App#start passes its arguments to HTTPReceiver#start and resolves with the node:http Server.
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterEach(async () => {
    await app.stop();
  });

  it('accepts a signed slash command and its respond() reaches the response_url', async () => {
    const res = await signedRequest(url, { signingSecret: SIGNING_SECRET, ...slashCommand({ text: 'hello world', response_url: fake.responseUrl('cmd-1') }) });
    expect(res.status).toBe(200);
    const post = await waitFor(() => fake.responseUrlPosts[0]);
    expect(post).toEqual({ path: '/response/cmd-1', body: { text: 'echo hello world', response_type: 'ephemeral' } });
    expect(fake.callsOf('auth.test')).toHaveLength(1);
  });

  it('rejects a bad signature or a stale timestamp with 401', async () => {
    const body = slashCommand({ response_url: fake.responseUrl('cmd-2') });
    expect((await signedRequest(url, { signingSecret: SIGNING_SECRET, ...body, signature: 'v0=deadbeef' })).status).toBe(401);
    expect((await signedRequest(url, { signingSecret: 'wrong-secret', ...body })).status).toBe(401);
    expect((await signedRequest(url, { signingSecret: SIGNING_SECRET, ...body, timestamp: staleTimestamp() })).status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('handles block actions, view submissions, url_verification and retried events', async () => {
    const action = blockActions({ actions: [{ action_id: 'quiz_answer', value: 'b' }], message: { ts: '1.000001' }, response_url: fake.responseUrl('act-1') });
    expect((await signedRequest(url, { signingSecret: SIGNING_SECRET, ...action })).status).toBe(200);
    await waitFor(() => fake.responseUrlPosts.find((p) => p.path === '/response/act-1'));

    const submit = viewSubmission({ callback_id: 'pledge_modal', values: { pledge: { text: { type: 'plain_text_input', value: 'I pledge' } } } });
    expect((await signedRequest(url, { signingSecret: SIGNING_SECRET, ...submit })).status).toBe(200);
    expect(seen).toContainEqual({ kind: 'view:I pledge' });

    const challenge = await signedRequest(url, { signingSecret: SIGNING_SECRET, ...urlVerification('c-123') });
    expect(await challenge.json()).toEqual({ challenge: 'c-123' });

    const event = eventCallback(appHomeOpened('U0ALICE'));
    const res = await signedRequest(url, { signingSecret: SIGNING_SECRET, ...event, headers: retryHeaders(1, 'http_timeout') });
    expect(res.status).toBe(200);
    await waitFor(() => fake.homeViews.get('U0ALICE'));
    expect(seen).toContainEqual({ kind: 'home', retryNum: 1 });
  });
});

describe('a real Bolt app in Socket Mode', () => {
  it('connects through apps.connections.open and acks a slash_commands envelope', async () => {
    const app = new App({
      socketMode: true,
      appToken: APP_TOKEN,
      token: BOT_TOKEN,
      logLevel: LogLevel.ERROR,
      // Bolt hands clientOptions to the Socket Mode client too (via installerOptions.clientOptions).
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/probity', async ({ ack, command }) => {
      await ack({ response_type: 'ephemeral', text: `got ${command.text}` });
    });
    app.event('team_join', async ({ event, client }) => {
      await client.conversations.open({ users: event.user.id });
    });
    await app.start();
    try {
      expect(fake.callsOf('apps.connections.open')).toEqual([{ method: 'apps.connections.open', args: {}, token: APP_TOKEN }]);
      const ack = await fake.socket.sendEnvelope('slash_commands', slashCommand({ text: 'ping', response_url: fake.responseUrl('sm-1') }).payload);
      expect(ack).toEqual({ envelope_id: fake.socket.envelopes[0]?.envelope_id, payload: { response_type: 'ephemeral', text: 'got ping' } });

      // Events are acked with an empty payload (Bolt acks before running the listener).
      const eventAck = await fake.socket.sendEnvelope('events_api', eventCallback(teamJoin('U0NEW')).payload);
      expect(eventAck).toEqual({ envelope_id: fake.socket.envelopes[1]?.envelope_id, payload: {} });
      expect(fake.socket.envelopes[1]).toMatchObject({ accepts_response_payload: false, retry_attempt: 0 });
      await waitFor(() => fake.callsOf('conversations.open').find((c) => c.token === BOT_TOKEN && c.args['users'] === 'U0NEW'));
    } finally {
      await app.stop();
    }
  });
});
