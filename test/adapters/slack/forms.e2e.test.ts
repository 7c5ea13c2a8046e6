/**
 * Forms on Slack end to end: the real Bolt HTTP receiver and WebClient against the fake Web API.
 * `/integrity announce` from a manager opens a modal (views.open with the command's trigger_id); its
 * view_submission is dispatched before the ack, so a mistake keeps the modal open
 * (`response_action: 'errors'` under the field's block) and a good one closes it, the preview going
 * to the member's DM; pressing Send there plans the deliveries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../../adapters/slack/app.js';
import type { SlackConfig } from '../../../src/config.js';
import { addDays, type Day } from '../../../src/time.js';
import { decodeAction } from '../../../src/ui/actionId.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { dmChannelId, fakeMember, startFakeSlack, type RunningFakeSlack } from '../../support/slack/fakeSlack.js';
import { blockActions, signedRequest, slashCommand, viewSubmission } from '../../support/slack/signing.js';
import { waitFor } from '../../support/wait.js';

const SECRET = 'test-signing-secret';
const TEAM = 'T0PROBITY';
/** Roster 2001 (박과장, manager of 행정국) and 1001 (김청렴, employee), linked by e-mail. */
const PARK = 'U2001';
const KIM = 'U1001';
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
/** Friday 27 November 2026 08:30 in Seoul: before working hours, so "now" would be refused. */
const START = KST('2026-11-27', '08:30');
/** Everyone in 행정국's subtree in the harness roster: 1001, 1002, 2001, 3001. */
const ADMIN_BUREAU_SIZE = 4;

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
    users: [fakeMember(KIM, { name: 'kim', email: 'kim@city.example' }), fakeMember(PARK, { name: 'park', email: 'park@city.example' })],
  });
  h = await createHarness({ start: START });
  const config: SlackConfig = { botToken: 'xoxb-test', appToken: undefined, signingSecret: SECRET, port: 0, apiUrl: fake.apiUrl, userGroupRoles: {} };
  slack = createSlackAdapter(h.engine, h.services, config);
  const { port } = await slack.start();
  url = `http://127.0.0.1:${port}/slack/events`;
  await slack.syncDirectory();
}

/** The next working day after the harness's today, at 10:00: a send time the form accepts. */
function nextWorkingDay(): Day {
  let day: Day = addDays('2026-11-27', 1);
  while (!h.services.calendar.isWorkingDay(day)) day = addDays(day, 1);
  return day;
}

const announce = (user: string, o: { triggerId?: string; response?: string } = {}) =>
  signedRequest(url, {
    signingSecret: SECRET,
    ...slashCommand({
      command: '/integrity',
      text: 'announce',
      user_id: user,
      team_id: TEAM,
      channel_id: 'C0GENERAL',
      response_url: fake.responseUrl(o.response ?? 'cmd1'),
      ...(o.triggerId ? { trigger_id: o.triggerId } : {}),
    }),
  });

type PlainText = { type: 'plain_text'; text: string };
type InputBlock = {
  type: string;
  block_id: string;
  optional: boolean;
  label: PlainText;
  element: { type: string; action_id: string; multiline: boolean; max_length: number; initial_value?: string; placeholder?: PlainText };
};
type Modal = { type: string; callback_id: string; title: PlainText; submit: PlainText; close: PlainText; blocks: InputBlock[] };
type SlackBlocks = { type: string; text?: { text: string }; elements?: { action_id: string; text: { text: string }; style?: string }[] }[];

/** Opens the form as the manager and returns the modal views.open was given. */
async function openForm(): Promise<Modal> {
  expect((await announce(PARK, { triggerId: '1337.T0PROBITY.trigger' })).status).toBe(200);
  const call = await waitFor(() => fake.callsOf('views.open')[0]);
  expect(call.args['trigger_id']).toBe('1337.T0PROBITY.trigger');
  return call.args['view'] as Modal;
}

/** The view state Slack sends on submit: `{ [block_id]: { [action_id]: { type, value } } }`. */
const stateOf = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([id, value]) => [id, { [id]: { type: 'plain_text_input', value } }]));

const submit = (callbackId: string, values: Record<string, string>) =>
  signedRequest(url, { signingSecret: SECRET, ...viewSubmission({ callback_id: callbackId, values: stateOf(values), user: { id: PARK, team_id: TEAM }, team: { id: TEAM, domain: 'city' } }) });

const announcements = () => h.services.db.selectFrom('announcements').selectAll().execute();

describe('Slack adapter: forms (modals)', () => {
  it('a manager’s /integrity announce opens a modal with the command’s trigger: five inputs, the department pre-filled, titles within 24 characters', async () => {
    await start();
    const modal = await openForm();
    expect(modal.type).toBe('modal');
    expect(decodeAction(modal.callback_id)?.name).toBe('announce.form');
    expect(modal.title.text).toBe('청렴 서한 작성');
    for (const title of [modal.title, modal.submit, modal.close]) {
      expect(title.type).toBe('plain_text');
      expect([...title.text].length).toBeGreaterThan(0);
      expect([...title.text].length).toBeLessThanOrEqual(24);
    }
    expect(modal.blocks.map((b) => [b.type, b.block_id, b.element.type, b.element.action_id])).toEqual([
      ['input', 'title', 'plain_text_input', 'title'],
      ['input', 'body', 'plain_text_input', 'body'],
      ['input', 'audience', 'plain_text_input', 'audience'],
      ['input', 'ack', 'plain_text_input', 'ack'],
      ['input', 'send', 'plain_text_input', 'send'],
    ]);
    const [title, body, audience, ack, send] = modal.blocks;
    expect(title!.element.multiline).toBe(false);
    expect(body!.element.multiline).toBe(true);
    expect(audience!.element.initial_value).toBe('행정국');
    expect(ack!.element.initial_value).toBe('예');
    expect(send!.element.initial_value).toBe('지금');
    // "When" may be left empty; everything else must be filled in.
    expect(modal.blocks.map((b) => b.optional)).toEqual([false, false, false, false, true]);
    for (const b of modal.blocks) expect(b.element.max_length).toBeLessThanOrEqual(3000);
    // The modal replaced any message: nothing went to response_url or the DM.
    expect(fake.responseUrlPosts).toEqual([]);
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('a valid submission is acknowledged with an empty body and the preview goes to the manager’s DM; Send plans one delivery per member of the department', async () => {
    await start();
    const modal = await openForm();
    const day = nextWorkingDay();
    const response = await submit(modal.callback_id, { title: '연말연시 청렴 당부', body: '올해도 청렴한 연말을 부탁드립니다.', audience: '행정국', ack: '예', send: `${day} 10:00` });
    expect(response.status).toBe(200);
    // Closes the modal: no response_action.
    expect(await response.text()).toBe('');

    const dm = await waitFor(() => fake.callsOf('chat.postMessage')[0]);
    expect([PARK, dmChannelId(PARK)]).toContain(dm.args['channel']);
    expect(String(dm.args['text'])).toContain('연말연시 청렴 당부');
    const blocks = dm.args['blocks'] as SlackBlocks;
    expect(JSON.stringify(blocks)).toContain('올해도 청렴한 연말을 부탁드립니다.');
    expect(JSON.stringify(blocks)).toContain('미리보기');
    const controls = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
    expect(controls.map((e) => [decodeAction(e.action_id)?.name, e.text.text, e.style])).toEqual([
      ['announce.send', '예약하기', 'primary'],
      ['announce.discard', '취소', 'danger'],
    ]);
    const [draft] = await announcements();
    expect(draft).toMatchObject({ status: 'draft', title: '연말연시 청렴 당부', ack_required: 1, send_at: KST(day, '10:00') });
    expect(await h.services.db.selectFrom('deliveries').select('id').execute()).toEqual([]);

    // Send, pressed on the DM message.
    const channel = dmChannelId(PARK);
    const ts = [...fake.messages.keys()].find((k) => k.startsWith(`${channel}:`))!.split(':')[1]!;
    const pressed = await signedRequest(url, {
      signingSecret: SECRET,
      ...blockActions({
        actions: [{ action_id: controls[0]!.action_id }],
        user: { id: PARK, team_id: TEAM },
        team: { id: TEAM, domain: 'city' },
        channel: { id: channel, name: 'directmessage' },
        message: { ts, text: String(dm.args['text']), blocks },
        response_url: fake.responseUrl('send1'),
      }),
    });
    expect(pressed.status).toBe(200);
    const done = await waitFor(() => fake.responseUrlPosts[0]?.body as { replace_original?: boolean; text: string } | undefined);
    // A DM message is the member's own: the preview is replaced with the confirmation.
    expect(done.replace_original).toBe(true);
    expect(done.text).toContain(`서한 #${draft!.id}`);
    expect(done.text).toContain('예약했습니다');
    const deliveries = await h.services.db.selectFrom('deliveries').select(['member_id', 'status', 'next_attempt_at']).execute();
    expect(deliveries).toHaveLength(ADMIN_BUREAU_SIZE);
    expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set(['pending']));
    // Held until the time chosen in the form.
    expect(deliveries.every((d) => Date.parse(d.next_attempt_at) === Date.parse(KST(day, '10:00')))).toBe(true);
    expect((await announcements())[0]).toMatchObject({ status: 'scheduled', recipients: ADMIN_BUREAU_SIZE, day });
  });

  it('an empty title keeps the modal open with the message under the title block, and nothing is stored', async () => {
    await start();
    const modal = await openForm();
    const response = await submit(modal.callback_id, { title: '   ', body: '본문입니다.', audience: '행정국', ack: '예', send: `${nextWorkingDay()} 10:00` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const raw = await response.text();
    expect(JSON.parse(raw)).toEqual({ response_action: 'errors', errors: { title: '⚠️ 제목을 입력해 주세요.' } });
    expect(Object.keys((JSON.parse(raw) as { errors: object }).errors)).toEqual(['title']);
    expect(await announcements()).toEqual([]);
    // The error is shown in the modal only.
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
    expect(fake.responseUrlPosts).toEqual([]);
  });

  it('an unknown audience and an after-hours time are each shown under their own field, the modal kept open', async () => {
    await start();
    const modal = await openForm();
    const values = { title: '제목', body: '본문', audience: '행정국', ack: '예', send: `${nextWorkingDay()} 10:00` };
    const audience = (await (await submit(modal.callback_id, { ...values, audience: '없는부서' })).json()) as { response_action: string; errors: Record<string, string> };
    expect(audience.response_action).toBe('errors');
    expect(Object.keys(audience.errors)).toEqual(['audience']);
    const late = (await (await submit(modal.callback_id, { ...values, send: `${nextWorkingDay()} 22:00` })).json()) as { response_action: string; errors: Record<string, string> };
    expect(late).toEqual({ response_action: 'errors', errors: { send: `⚠️ 근무일 근무시간(09:00~18:00)에만 보낼 수 있습니다: ${nextWorkingDay()} 22:00` } });
    expect(await announcements()).toEqual([]);
  });

  it('mistakes in several fields are all shown at once, each under its own field', async () => {
    await start();
    const modal = await openForm();
    const response = await submit(modal.callback_id, { title: ' ', body: '본문', audience: '없는부서', ack: '예', send: `${nextWorkingDay()} 22:00` });
    const { errors } = (await response.json()) as { errors: Record<string, string> };
    expect(Object.keys(errors).sort()).toEqual(['audience', 'send', 'title']);
    expect(errors['title']).toBe('⚠️ 제목을 입력해 주세요.');
    expect(errors['send']).toBe(`⚠️ 근무일 근무시간(09:00~18:00)에만 보낼 수 있습니다: ${nextWorkingDay()} 22:00`);
    expect(await announcements()).toEqual([]);
  });

  it('a mistake in a later field is shown under that field (a time in the past under "send")', async () => {
    await start();
    const modal = await openForm();
    const response = await submit(modal.callback_id, { title: '제목', body: '본문', audience: '행정국', ack: '예', send: '2026-11-26 10:00' });
    expect((await response.json()) as unknown).toEqual({ response_action: 'errors', errors: { send: '⚠️ 이미 지난 시각입니다: 2026-11-26 10:00' } });
    expect(await announcements()).toEqual([]);
  });

  it('an employee’s /integrity announce gets an ephemeral refusal through response_url, and no modal', async () => {
    await start();
    expect((await announce(KIM)).status).toBe(200);
    const refusal = await waitFor(() => fake.responseUrlPosts[0]?.body as { response_type?: string; text: string } | undefined);
    expect(refusal.response_type).toBe('ephemeral');
    expect(refusal.text).toContain('권한이 없습니다');
    expect(fake.callsOf('views.open')).toEqual([]);
  });

  it('when views.open fails (an expired trigger), the form’s fallback message is sent through response_url', async () => {
    await start();
    fake.failNext('views.open', { error: 'expired_trigger_id' });
    await announce(PARK);
    const fallback = await waitFor(() => fake.responseUrlPosts[0]?.body as { response_type?: string; text: string } | undefined);
    expect(fake.callsOf('views.open')).toHaveLength(1);
    expect(fallback.response_type).toBe('ephemeral');
    expect(fallback.text).toBe('작성 창을 열 수 없었습니다. 명령을 다시 입력해 주세요.');
  });

  it('in Socket Mode the same answers ride on the envelope acks: errors for a mistake, an empty ack and a DM for a good submission', async () => {
    fake = await startFakeSlack({ users: [fakeMember(PARK, { name: 'park', email: 'park@city.example' })] });
    h = await createHarness({ start: START });
    const config: SlackConfig = { botToken: 'xoxb-test', appToken: 'xapp-1-test', signingSecret: undefined, port: 0, apiUrl: fake.apiUrl, userGroupRoles: {} };
    slack = createSlackAdapter(h.engine, h.services, config);
    await slack.start();
    await fake.socket.waitForConnection();
    await slack.syncDirectory();
    const command = slashCommand({ command: '/integrity', text: 'announce', user_id: PARK, team_id: TEAM, response_url: fake.responseUrl('sock1') }).payload;
    await fake.socket.sendEnvelope('slash_commands', command);
    const modal = (await waitFor(() => fake.callsOf('views.open')[0])).args['view'] as Modal;
    expect(fake.callsOf('views.open')[0]!.args['trigger_id']).toBe(command.trigger_id);

    const send = (values: Record<string, string>) =>
      fake.socket.sendEnvelope('interactive', viewSubmission({ callback_id: modal.callback_id, values: stateOf(values), user: { id: PARK, team_id: TEAM }, team: { id: TEAM, domain: 'city' } }).payload);
    const valid = { title: '연말연시 청렴 당부', body: '본문', audience: '행정국', ack: '아니오', send: `${nextWorkingDay()} 10:00` };
    const refused = await send({ ...valid, audience: '없는부서' });
    expect(refused.payload).toMatchObject({ response_action: 'errors', errors: { audience: expect.stringContaining('⚠️') } });
    expect(await announcements()).toEqual([]);

    const accepted = await send(valid);
    expect(accepted.payload ?? {}).toEqual({});
    const dm = await waitFor(() => fake.callsOf('chat.postMessage')[0]);
    expect([PARK, dmChannelId(PARK)]).toContain(dm.args['channel']);
    expect((await announcements())[0]).toMatchObject({ status: 'draft', ack_required: 0 });
  });
});
