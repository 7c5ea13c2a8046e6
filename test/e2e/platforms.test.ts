/**
 * `npm start` with platform variables: Probity runs Slack and/or Discord (not the console), against
 * local fakes, and shuts down cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/discord/fakeDiscord.js';
import { chatInputInteraction } from '../support/discord/payloads.js';
import { fakeMember, startFakeSlack, type RunningFakeSlack } from '../support/slack/fakeSlack.js';
import { blockActions, signedRequest, slashCommand } from '../support/slack/signing.js';
import { signatureOf } from '../../adapters/naverworks/callback.js';
import { startFakeNaverWorks, type FakeNaverWorks } from '../support/naverworks/fakeNaverWorks.js';
import { serviceAccountKeys } from '../support/naverworks/keys.js';
import { query, ROOT, tempDir } from './support.js';
import { waitFor } from '../support/wait.js';

const APP = '920000000000000001';
const GUILD = '920000000000000002';
const CHANNEL = '920000000000000003';

let child: ChildProcess | undefined;
let discord: FakeDiscord | undefined;
let slack: RunningFakeSlack | undefined;
let naverworks: FakeNaverWorks | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await discord?.close();
  await slack?.close();
  await naverworks?.close();
  discord = undefined;
  slack = undefined;
  naverworks = undefined;
});

function startProbity(env: Record<string, string>): { logs: () => string; exited: Promise<number | null> } {
  let logs = '';
  child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'main.ts')], { cwd: ROOT, env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
  return { logs: () => logs, exited };
}


describe('npm start with chat platforms configured', () => {
  it('Discord: logs in through the fake gateway, answers /integrity quiz within 3 s, stops on SIGTERM', async () => {
    discord = await startFakeDiscord({ applicationId: APP, guilds: [{ id: GUILD, name: '시청', channels: [{ id: CHANNEL, name: 'quiz' }] }] });
    const database = join(tempDir(), 'p.sqlite');
    const probity = startProbity({
      DATABASE_URL: `sqlite:${database}`,
      DISCORD_TOKEN: 'fake-token',
      DISCORD_APPLICATION_ID: APP,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_QUIZ_CHANNEL_ID: CHANNEL,
      DISCORD_API_URL: discord.apiUrl,
    });
    await waitFor(() => probity.logs().includes('discord adapter started'), 30_000);
    expect(probity.logs()).not.toContain('fake-token');
    const sent = Date.now();
    await discord.dispatchInteraction(chatInputInteraction({ applicationId: APP, guildId: GUILD, channelId: CHANNEL, user: { id: '920000000000000011', username: 'kim' }, name: 'integrity', options: [{ type: 1, name: 'quiz' }] }));
    await waitFor(() => discord!.interactionCallbacks[0]);
    expect(Date.now() - sent).toBeLessThan(3_000);
    const question = await waitFor(() => discord!.webhookMessages.find((m) => m.method === 'PATCH'));
    expect(JSON.stringify(question.body)).toContain('오늘의 청렴 퀴즈');
    child!.kill('SIGTERM');
    expect(await probity.exited).toBe(0);
    expect(query(database, "SELECT platform FROM member_accounts WHERE platform = 'discord'")).toHaveLength(1);
  }, 60_000);

  it('Slack (HTTP receiver): a signed /integrity quiz is acknowledged within 3 s with one button per choice; a click delivered twice records one answer; a bad signature gets 401', async () => {
    slack = await startFakeSlack({ users: [fakeMember('U1', { name: 'kim', email: 'kim@city.example' })] });
    const database = join(tempDir(), 'p.sqlite');
    const port = 31000 + Math.floor(Math.random() * 2000);
    const probity = startProbity({ DATABASE_URL: `sqlite:${database}`, SLACK_BOT_TOKEN: 'xoxb-secret-token', SLACK_SIGNING_SECRET: 'signing-secret', SLACK_PORT: String(port), SLACK_API_URL: slack.apiUrl });
    await waitFor(() => probity.logs().includes('slack adapter started'), 30_000);
    const url = `http://127.0.0.1:${port}/slack/events`;

    const sent = Date.now();
    const response = await signedRequest(url, { signingSecret: 'signing-secret', ...slashCommand({ command: '/integrity', response_url: slack.responseUrl('r1'), text: 'quiz', user_id: 'U1' }) });
    expect(response.status).toBe(200);
    expect(Date.now() - sent).toBeLessThan(3_000);
    const question = (await waitFor(() => slack!.responseUrlPosts[0])).body as { blocks: { type: string; elements?: { action_id: string }[] }[] };
    const buttons = question.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.length).toBeGreaterThanOrEqual(2);
    expect(buttons.every((b) => b.action_id.startsWith('quiz.answer|'))).toBe(true);

    const click = () =>
      signedRequest(url, {
        signingSecret: 'signing-secret',
        ...blockActions({ actions: [{ action_id: buttons[0]!.action_id }], user: { id: 'U1' }, container: { type: 'message', channel_id: 'C0GENERAL', message_ts: '1.1', is_ephemeral: true }, response_url: slack!.responseUrl('a1') }),
      });
    expect((await click()).status).toBe(200);
    expect((await click()).status).toBe(200);
    await waitFor(() => slack!.responseUrlPosts[2]);
    expect(query(database, 'SELECT id FROM quiz_answers')).toHaveLength(1);

    const forged = await signedRequest(url, { signingSecret: 'signing-secret', signature: 'v0=bad', ...slashCommand({ command: '/integrity', response_url: slack.responseUrl('r2'), text: 'quiz', user_id: 'U1' }) });
    expect(forged.status).toBe(401);
    expect(probity.logs()).not.toContain('xoxb-secret-token');
    child!.kill('SIGTERM');
    expect(await probity.exited).toBe(0);
  }, 60_000);

  it('NAVER WORKS: the callback is served on PROBITY_HTTP_PORT; a signed "/integrity quiz" gets a button template, the answer pressed twice records one answer; a forged signature gets 401; no secret is logged', async () => {
    const keys = serviceAccountKeys();
    const app = { clientId: 'nw-client', clientSecret: 'nw-client-secret-value', serviceAccount: 'svc.serviceaccount@city.example', botId: '3000001' };
    naverworks = await startFakeNaverWorks({ ...app, publicKey: keys.publicKey });
    const database = join(tempDir(), 'p.sqlite');
    const port = 33000 + Math.floor(Math.random() * 2000);
    const probity = startProbity({
      DATABASE_URL: `sqlite:${database}`,
      PROBITY_HTTP_PORT: String(port),
      PROBITY_HTTP_HOST: '127.0.0.1',
      NAVERWORKS_BOT_ID: app.botId,
      NAVERWORKS_CLIENT_ID: app.clientId,
      NAVERWORKS_CLIENT_SECRET: app.clientSecret,
      NAVERWORKS_SERVICE_ACCOUNT: app.serviceAccount,
      NAVERWORKS_PRIVATE_KEY: keys.privateKey.replace(/\n/g, '\\n'),
      NAVERWORKS_BOT_SECRET: 'nw-bot-secret-value',
      NAVERWORKS_API_URL: naverworks.apiUrl,
      NAVERWORKS_AUTH_URL: naverworks.authUrl,
    });
    await waitFor(() => probity.logs().includes('naverworks adapter started'), 30_000);
    const url = `http://127.0.0.1:${port}/naverworks/callback`;
    const post = (body: unknown, secret = 'nw-bot-secret-value') => {
      const raw = JSON.stringify(body);
      return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'X-WORKS-Signature': signatureOf(Buffer.from(raw), secret) }, body: raw });
    };
    const user = 'c72af563-0f21-4736-11e4-0452371100aa';
    const typed = { type: 'message', source: { userId: user, domainId: 1 }, issuedTime: '2026-11-27T00:30:00.000Z', content: { type: 'text', text: '/integrity quiz' } };
    expect((await post(typed)).status).toBe(200);
    const question = await waitFor(() => naverworks!.messages[0]);
    expect(question.content.type).toBe('button_template');
    const choice = question.content.actions![0]!;
    const press = { type: 'message', source: { userId: user, domainId: 1 }, issuedTime: '2026-11-27T00:31:00.000Z', content: { type: 'text', text: choice.text, postback: choice.postback } };
    expect((await post(press)).status).toBe(200);
    await waitFor(() => naverworks!.messages[1]);
    expect((await post(press)).status).toBe(200);
    await waitFor(() => naverworks!.messages[2]);
    expect(query(database, 'SELECT id FROM quiz_answers')).toHaveLength(1);

    expect((await post(typed, 'guessed-secret')).status).toBe(401);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.text()).toContain('naverworks');
    for (const secret of ['nw-client-secret-value', 'nw-bot-secret-value', 'PRIVATE KEY', 'fake-access-']) expect(probity.logs()).not.toContain(secret);
    child!.kill('SIGTERM');
    expect(await probity.exited).toBe(0);
  }, 60_000);
});
