/**
 * The Slack adapter end to end: the real Bolt app (HTTP receiver and Socket Mode) and the real
 * WebClient, talking to a local fake of Slack's Web API, with correctly signed requests shaped like
 * Slack's documented payloads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../../adapters/slack/app.js';
import { composers, planners } from '../../../src/app.js';
import type { SlackConfig } from '../../../src/config.js';
import { Dispatcher } from '../../../src/delivery/dispatcher.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { fakeMember, startFakeSlack, type RunningFakeSlack } from '../../support/slack/fakeSlack.js';
import { appHomeOpened, blockActions, eventCallback, retryHeaders, signedRequest, slashCommand, teamJoin } from '../../support/slack/signing.js';
import { waitFor } from '../../support/wait.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0PROBITY';
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

async function startHttp(options: { schedules?: string; userGroupRoles?: Record<string, string> } = {}) {
  fake = await startFakeSlack({
    users: [
      fakeMember('U1001', { name: 'kim', email: 'kim@city.example' }),
      fakeMember('U1002', { name: 'lee', email: 'lee@city.example' }),
      fakeMember('U9000', { name: 'stranger', email: 'stranger@elsewhere.example' }),
      fakeMember('UBOT', { name: 'helper-bot', isBot: true }),
      fakeMember('UGONE', { name: 'gone', deleted: true }),
    ],
  });
  h = await createHarness({ start: KST('2026-11-27', '08:30'), ...(options.schedules ? { schedules: options.schedules } : {}) });
  const config: SlackConfig = { botToken: 'xoxb-test', appToken: undefined, signingSecret: SECRET, port: 0, apiUrl: fake.apiUrl, userGroupRoles: options.userGroupRoles ?? {} };
  slack = createSlackAdapter(h.engine, h.services, config);
  const { port } = await slack.start();
  url = `http://127.0.0.1:${port}/slack/events`;
}


async function answers(): Promise<number> {
  return (await h.services.db.selectFrom('quiz_answers').select('id').execute()).length;
}

type Posted = { response_type?: string; replace_original?: boolean; text: string; blocks: { type: string; elements?: { action_id: string }[]; text?: { text: string } }[] };
const posted = (i: number) => fake.responseUrlPosts[i]?.body as Posted | undefined;
const allText = (body: Posted) => JSON.stringify(body.blocks);

describe('Slack adapter over HTTP (real Bolt receiver, fake Web API)', () => {
  it('syncs the directory: roster people linked by e-mail, strangers enrolled as unassigned, bots and deleted users ignored', async () => {
    await startHttp();
    const summary = await slack!.syncDirectory();
    expect(summary).toMatchObject({ linked: 2, enrolled: 1, ignored: 2, alreadyLinked: 0, unassigned: ['stranger'] });
    const accounts = await h.services.db.selectFrom('member_accounts').select(['platform', 'workspace', 'platform_user_id']).where('platform', '=', 'slack').orderBy('platform_user_id').execute();
    expect(accounts.map((a) => a.platform_user_id)).toEqual(['U1001', 'U1002', 'U9000']);
    // Accounts are kept per workspace: the team that auth.test names.
    expect(new Set(accounts.map((a) => a.workspace)).size).toBe(1);
    expect((await slack!.syncDirectory()).alreadyLinked).toBe(3);
  });

  it('maps Slack user groups to roles for people the roster does not know, never for roster members', async () => {
    await startHttp({ userGroupRoles: { S0AUDIT: 'hr' } });
    fake.userGroups.set('S0AUDIT', ['U1001', 'U9000']);
    await slack!.syncDirectory();
    const roles = await h.services.db
      .selectFrom('members')
      .innerJoin('member_accounts', 'member_accounts.member_id', 'members.id')
      .select(['member_accounts.platform_user_id', 'members.roles'])
      .where('member_accounts.platform', '=', 'slack')
      .orderBy('member_accounts.platform_user_id')
      .execute();
    expect(roles).toEqual([
      { platform_user_id: 'U1001', roles: 'employee' },
      { platform_user_id: 'U1002', roles: 'employee' },
      { platform_user_id: 'U9000', roles: 'employee;hr' },
    ]);
  });

  it('/integrity quiz → an ephemeral question; pressing a choice records one answer and replaces it with the result; repeats and retries record nothing', async () => {
    await startHttp();
    await slack!.syncDirectory();
    const started = Date.now();
    const response = await signedRequest(url, { signingSecret: SECRET, ...slashCommand({ command: '/integrity', response_url: fake.responseUrl('cmd1'), text: 'quiz', user_id: 'U1001', team_id: TEAM, channel_id: 'C0GENERAL' }) });
    expect(response.status).toBe(200);
    // Acknowledged at once, well within Slack's three seconds.
    expect(Date.now() - started).toBeLessThan(3000);
    const question = await waitFor(() => posted(0));
    expect(question.response_type).toBe('ephemeral');
    expect(question.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '오늘의 청렴 퀴즈', emoji: true } });
    const choices = question.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(choices.length).toBeGreaterThanOrEqual(2);

    const press = (headers: Record<string, string> = {}) =>
      signedRequest(url, {
        signingSecret: SECRET,
        headers,
        ...blockActions({
          actions: [{ action_id: choices[0]!.action_id }],
          user: { id: 'U1001', team_id: TEAM },
          team: { id: TEAM, domain: 'city' },
          channel: { id: 'C0GENERAL', name: 'general' },
          container: { type: 'message', channel_id: 'C0GENERAL', message_ts: '1700000000.000100', is_ephemeral: true },
          response_url: fake.responseUrl('act1'),
        }),
      });
    expect((await press()).status).toBe(200);
    const result = await waitFor(() => posted(1));
    expect(result.replace_original).toBe(true);
    expect(allText(result)).toMatch(/정답입니다|오답입니다/);
    expect(allText(result)).toContain('해설');
    expect(allText(result)).toMatch(/근거: .*제\d+조/);
    expect(await answers()).toBe(1);

    await press();
    await press(retryHeaders(1, 'http_timeout'));
    const again = await waitFor(() => posted(3));
    expect(again.replace_original).toBe(false);
    expect(again.text).toContain('이미 푸셨습니다');
    expect(await answers()).toBe(1);
  });

  it('a bad or stale signature gets 401 and changes nothing', async () => {
    await startHttp();
    const body = slashCommand({ command: '/integrity', response_url: fake.responseUrl('x'), text: 'quiz', user_id: 'U1001', team_id: TEAM });
    expect((await signedRequest(url, { signingSecret: SECRET, ...body, signature: 'v0=0000' })).status).toBe(401);
    expect((await signedRequest(url, { signingSecret: SECRET, ...body, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.responseUrlPosts).toEqual([]);
    expect(await h.services.db.selectFrom('member_accounts').select('id').where('platform', '=', 'slack').execute()).toEqual([]);
  });

  it('App Home: opening the home tab publishes the member’s personal card', async () => {
    await startHttp();
    await slack!.syncDirectory();
    expect((await signedRequest(url, { signingSecret: SECRET, ...eventCallback(appHomeOpened('U1001'), { team_id: TEAM }) })).status).toBe(200);
    const view = await waitFor(() => fake.homeViews.get('U1001') as { type: string; blocks: unknown[] } | undefined);
    expect(view.type).toBe('home');
    expect(JSON.stringify(view.blocks)).toContain('김청렴 님의 청렴 홈');
    expect(JSON.stringify(view.blocks)).toContain('오늘의 퀴즈 풀기');
  });

  it('team_join links a roster member by e-mail, or enrols a newcomer as unassigned', async () => {
    await startHttp();
    await signedRequest(url, { signingSecret: SECRET, ...eventCallback(teamJoin(fakeMember('U3001', { name: 'choi', email: 'choi@city.example' })), { team_id: TEAM }) });
    await signedRequest(url, { signingSecret: SECRET, ...eventCallback(teamJoin(fakeMember('U7777', { name: 'new', email: 'new@city.example' })), { team_id: TEAM }) });
    await waitFor(() => undefined, 200).catch(() => undefined);
    const rows = await h.services.db
      .selectFrom('member_accounts')
      .innerJoin('members', 'members.id', 'member_accounts.member_id')
      .select(['member_accounts.platform_user_id', 'members.employee_no', 'members.source'])
      .where('member_accounts.platform', '=', 'slack')
      .orderBy('member_accounts.platform_user_id')
      .execute();
    expect(rows).toEqual([
      { platform_user_id: 'U3001', employee_no: '3001', source: 'roster' },
      { platform_user_id: 'U7777', employee_no: null, source: 'enrolled' },
    ]);
  });

  it('scheduled quiz by DM through the outbox: posted to the user id (no conversations.open), the DM channel remembered; 429 and not_in_channel handled', async () => {
    await startHttp({ schedules: 'schedules:\n  - name: daily-quiz\n    kind: quiz\n    cron: "0 9 * * 1-5"\n' });
    await slack!.syncDirectory();
    h.clock.set(KST('2026-11-27', '09:00'));
    await new Scheduler(h.services, planners).runDue();
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const slept: number[] = [];
    const dispatcher = new Dispatcher(h.services, [slack!.port], {
      composers,
      sleep: async (ms) => {
        slept.push(ms);
        h.clock.advance(ms);
      },
    });
    await dispatcher.drainDue();
    // Slack's Retry-After paused sending for 7 s; the rate-limited message then went out.
    expect(Math.max(...slept)).toBeGreaterThanOrEqual(7_000);
    const limited = await h.services.db.selectFrom('deliveries').select(['status', 'attempts']).where('error', 'is', null).where('attempts', '=', 2).execute();
    expect(limited).toEqual([{ status: 'sent', attempts: 2 }]);
    const after = await h.services.db.selectFrom('deliveries').select(['status', 'error']).execute();
    // Two roster members and one enrolled stranger have Slack accounts; the other two roster members do not.
    expect(after.filter((r) => r.status === 'sent')).toHaveLength(3);
    expect(after.filter((r) => r.error === 'no_account')).toHaveLength(2);
    expect(fake.callsOf('conversations.open')).toHaveLength(0);
    const firstDay = fake.callsOf('chat.postMessage').map((c) => c.args['channel']);
    expect(new Set(firstDay)).toEqual(new Set(['U1001', 'U1002', 'U9000']));
    const dm = fake.callsOf('chat.postMessage').at(-1)!;
    expect(JSON.stringify(dm.args['blocks'])).toContain('오늘의 청렴 퀴즈');
    const remembered = await h.services.db.selectFrom('member_accounts').select('dm_channel_id').where('platform', '=', 'slack').orderBy('platform_user_id').execute();
    expect(remembered.map((r) => r.dm_channel_id)).toEqual(['DU1001', 'DU1002', 'DU9000']);

    // The next day: posted to the remembered DM channels.
    h.clock.set(KST('2026-11-30', '09:00'));
    await new Scheduler(h.services, planners).runDue();
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const before = fake.callsOf('chat.postMessage').length;
    await dispatcher.drainDue();
    expect(fake.callsOf('chat.postMessage').slice(before).map((c) => String(c.args['channel'])).every((c) => c.startsWith('D'))).toBe(true);
    const monday = await h.services.db.selectFrom('deliveries').innerJoin('job_runs', 'job_runs.id', 'deliveries.job_run_id').select(['deliveries.status', 'deliveries.error']).where('job_runs.day', '=', '2026-11-30').execute();
    expect(monday.filter((r) => r.status === 'failed' && r.error === 'not_in_channel')).toHaveLength(1);
    expect(monday.filter((r) => r.status === 'sent')).toHaveLength(2);
  });
});

describe('Slack adapter in Socket Mode (real Bolt socket client, fake WebSocket)', () => {
  it('receives /integrity quiz over the socket, acknowledges the envelope, and answers through response_url', async () => {
    fake = await startFakeSlack({ users: [fakeMember('U1001', { name: 'kim', email: 'kim@city.example' })] });
    h = await createHarness({ start: KST('2026-11-27', '08:30') });
    const config: SlackConfig = { botToken: 'xoxb-test', appToken: 'xapp-1-test', signingSecret: undefined, port: 0, apiUrl: fake.apiUrl, userGroupRoles: {} };
    slack = createSlackAdapter(h.engine, h.services, config);
    await slack.start();
    await fake.socket.waitForConnection();
    await slack.syncDirectory();
    const { payload } = slashCommand({ command: '/integrity', response_url: fake.responseUrl('sock1'), text: 'me', user_id: 'U1001', team_id: TEAM });
    const ack = await fake.socket.sendEnvelope('slash_commands', payload);
    expect(ack.envelope_id).toBeTruthy();
    const reply = await waitFor(() => posted(0));
    expect(reply.response_type).toBe('ephemeral');
    expect(allText(reply)).toContain('김청렴 님의 청렴 기록');
  });
});
