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
import { signedRequest, slashCommand } from '../support/slack/signing.js';
import { query, ROOT, tempDir } from './support.js';
import { waitFor } from '../support/wait.js';

const APP = '920000000000000001';
const GUILD = '920000000000000002';
const CHANNEL = '920000000000000003';

let child: ChildProcess | undefined;
let discord: FakeDiscord | undefined;
let slack: RunningFakeSlack | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await discord?.close();
  await slack?.close();
  discord = undefined;
  slack = undefined;
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
    await waitFor(() => probity.logs().includes('discord adapter started'));
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
  }, 40_000);

  it('Slack (HTTP receiver): syncs the directory at start and answers a signed /integrity help', async () => {
    slack = await startFakeSlack({ users: [fakeMember('U1', { name: 'kim', email: 'kim@city.example' })] });
    const database = join(tempDir(), 'p.sqlite');
    const port = 31000 + Math.floor(Math.random() * 2000);
    const probity = startProbity({ DATABASE_URL: `sqlite:${database}`, SLACK_BOT_TOKEN: 'xoxb-secret-token', SLACK_SIGNING_SECRET: 'signing-secret', SLACK_PORT: String(port), SLACK_API_URL: slack.apiUrl });
    await waitFor(() => probity.logs().includes('slack directory synced'));
    expect(probity.logs()).not.toContain('xoxb-secret-token');
    const response = await signedRequest(`http://127.0.0.1:${port}/slack/events`, { signingSecret: 'signing-secret', ...slashCommand({ command: '/integrity', response_url: slack.responseUrl('r1'), text: 'help', user_id: 'U1' }) });
    expect(response.status).toBe(200);
    const reply = await waitFor(() => slack!.responseUrlPosts[0]);
    expect(JSON.stringify(reply.body)).toContain('/integrity quiz');
    child!.kill('SIGTERM');
    expect(await probity.exited).toBe(0);
  }, 40_000);
});
