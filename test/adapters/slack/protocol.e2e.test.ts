/**
 * Slack calls made while answering someone (not through the outbox): views.open, views.publish,
 * chat.postMessage and the file upload each get one more try after Slack's Retry-After when Slack
 * answers 429, so a burst does not lose the answer. The outbox's own sends keep their retries in the
 * outbox. Real Bolt and WebClient against the local fake of Slack's Web API.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createSlackAdapter, type SlackAdapter } from '../../../adapters/slack/app.js';
import { retryOnceIfRateLimited } from '../../../adapters/slack/outbound.js';
import type { SlackConfig } from '../../../src/config.js';
import type { Services } from '../../../src/engine/context.js';
import { Engine } from '../../../src/engine/engine.js';
import { ephemeral, form } from '../../../src/engine/reply.js';
import { EVERYONE } from '../../../src/engine/routes.js';
import { text } from '../../../src/ui/card.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { fakeMember, startFakeSlack, type RunningFakeSlack } from '../../support/slack/fakeSlack.js';
import { appHomeOpened, blockActions, eventCallback, signedRequest, slashCommand } from '../../support/slack/signing.js';
import { waitFor } from '../../support/wait.js';
import { CSV_BYTES, FILES_ACTION, filesEngine } from '../files.fixture.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0PROBITY';
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();

let fake: RunningFakeSlack;
let slack: SlackAdapter | undefined;
let h: Harness | undefined;
let url: string;

afterEach(async () => {
  if (!h) return;
  await slack?.stop();
  slack = undefined;
  await fake.close();
  await h.close();
  h = undefined;
});

/** A form behind `/integrity ask`, and a Home tab. */
function protocolEngine(services: Services): Engine {
  return new Engine(services, {
    commands: [
      {
        name: 'ask',
        roles: EVERYONE,
        helpKey: 'help.help',
        hidden: true,
        handle: async () => form({ id: 'test.form', title: '의견', submitLabel: '보내기', fields: [{ id: 'body', label: '내용', required: true, maxLength: 100 }] }, { text: '양식을 열 수 없습니다' }),
      },
    ],
    actions: [],
    events: { app_home_opened: async () => ephemeral({ text: '홈', card: { title: 'Probity', blocks: [text('오늘의 퀴즈가 기다립니다.')] } }) },
  });
}

async function start(engineOf: (services: Services) => Engine) {
  fake = await startFakeSlack({ users: [fakeMember('U1001', { name: 'kim', email: 'kim@city.example' })] });
  h = await createHarness({ start: KST('2026-11-27', '08:30') });
  const config: SlackConfig = { botToken: 'xoxb-test', appToken: undefined, signingSecret: SECRET, port: 0, apiUrl: fake.apiUrl, userGroupRoles: {} };
  slack = createSlackAdapter(engineOf(h.services), h.services, config);
  const { port } = await slack.start();
  url = `http://127.0.0.1:${port}/slack/events`;
}

const ONE_SECOND = 1;

describe('Slack: one retry on 429 while answering someone', () => {
  it('GIVEN views.open answered 429 once WHEN a command opens a form THEN the modal opens on the second try, no fallback sent', async () => {
    await start(protocolEngine);
    fake.failNext('views.open', { status: 429, retryAfter: ONE_SECOND });
    await signedRequest(url, { signingSecret: SECRET, ...slashCommand({ command: '/integrity', response_url: fake.responseUrl('r1'), text: 'ask', user_id: 'U1001', team_id: TEAM, trigger_id: '1.T0PROBITY.trigger' }) });
    await waitFor(() => fake.callsOf('views.open').length === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.responseUrlPosts).toEqual([]);
  });

  it('GIVEN views.publish answered 429 once WHEN the Home tab opens THEN the Home view is published on the second try', async () => {
    await start(protocolEngine);
    fake.failNext('views.publish', { status: 429, retryAfter: ONE_SECOND });
    await signedRequest(url, { signingSecret: SECRET, ...eventCallback(appHomeOpened('U1001'), { team_id: TEAM }) });
    const home = await waitFor(() => fake.homeViews.get('U1001'));
    expect(fake.callsOf('views.publish')).toHaveLength(2);
    expect(JSON.stringify(home)).toContain('오늘의 퀴즈가 기다립니다.');
  });

  it('GIVEN chat.postMessage and the upload each answered 429 once WHEN a Home button asks for files THEN the message and its files still reach the DM, once each', async () => {
    await start(filesEngine);
    fake.failNext('chat.postMessage', { status: 429, retryAfter: ONE_SECOND });
    fake.failNext('files.completeUploadExternal', { status: 429, retryAfter: ONE_SECOND });
    await signedRequest(url, {
      signingSecret: SECRET,
      ...blockActions({ actions: [{ action_id: FILES_ACTION }], user: { id: 'U1001', team_id: TEAM }, team: { id: TEAM, domain: 'city' }, view: { id: 'V0HOME' } }),
    });
    const files = await waitFor(() => (fake.sharedFiles.length >= 2 ? fake.sharedFiles : undefined), 8_000);
    expect(files.map((f) => f.name)).toEqual(['participation.png', 'participation.csv']);
    expect(files[1]!.bytes).toEqual(Buffer.from(CSV_BYTES));
    expect(fake.callsOf('chat.postMessage')).toHaveLength(2);
    expect(fake.callsOf('files.completeUploadExternal')).toHaveLength(2);
  });

  it('GIVEN a second 429, a longer Retry-After or another error WHEN retried THEN it fails as before: one retry only, never a long wait', async () => {
    const limited = Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 1 });
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    let calls = 0;
    await expect(retryOnceIfRateLimited(async () => { calls++; throw limited; }, sleep)).rejects.toBe(limited);
    expect([calls, waits]).toEqual([2, [1000]]);
    calls = 0;
    await expect(retryOnceIfRateLimited(async () => { calls++; throw Object.assign(new Error('slow'), { code: 'slack_webapi_rate_limited_error', retryAfter: 30 }); }, sleep)).rejects.toThrow('slow');
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryOnceIfRateLimited(async () => { calls++; throw Object.assign(new Error('gone'), { code: 'slack_webapi_platform_error' }); }, sleep)).rejects.toThrow('gone');
    expect(calls).toBe(1);
  });
});

describe('Slack manifest', () => {
  it('GIVEN the shipped manifest THEN the Messages tab is read-only: Probity reads no typed DMs, so none is left unanswered', () => {
    const manifest = parse(readFileSync(new URL('../../../adapters/slack/manifest.yaml', import.meta.url), 'utf8')) as { features: { app_home: Record<string, boolean> }; settings: { event_subscriptions: { bot_events: string[] } } };
    expect(manifest.features.app_home).toMatchObject({ messages_tab_enabled: true, messages_tab_read_only_enabled: true });
    expect(manifest.settings.event_subscriptions.bot_events).not.toContain('message.im');
  });
});
