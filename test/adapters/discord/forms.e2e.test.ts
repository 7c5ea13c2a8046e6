/**
 * Forms on Discord end to end: a real discord.js Client against the fake gateway and REST API.
 * `/integrity announce` from a manager is answered with a modal (interaction callback type 9), which
 * must be the interaction's first response; its MODAL_SUBMIT is deferred (type 5, ephemeral) and the
 * original edited with the preview. Everything else is still deferred and edited as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/app.js';
import type { DiscordConfig } from '../../../src/config.js';
import { addDays, type Day } from '../../../src/time.js';
import { decodeAction } from '../../../src/ui/actionId.js';
import { startFakeDiscord, type FakeDiscord, type InteractionCallbackRecord } from '../../support/discord/fakeDiscord.js';
import { botMessage, buttonInteraction, chatInputInteraction, modalSubmitInteraction } from '../../support/discord/payloads.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { waitFor } from '../../support/wait.js';

const APP = '910000000000000001';
const GUILD = '910000000000000002';
const CHANNEL = '910000000000000003';
const KIM = { id: '910000000000000011', username: 'kim', global_name: '김청렴' };
const PARK = { id: '910000000000000021', username: 'park', global_name: '박과장' };
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const ROSTER = `employee_no,name,email,department,roles,locale,discord_id
1001,김청렴,kim@city.example,행정국/감사과,employee,ko,${KIM.id}
2001,박과장,park@city.example,행정국,manager,ko,${PARK.id}`;

let fake: FakeDiscord;
let discord: DiscordAdapter | undefined;
let h: Harness;

afterEach(async () => {
  await discord?.stop();
  discord = undefined;
  await fake?.close();
  await h?.close();
});

async function start() {
  fake = await startFakeDiscord({
    applicationId: APP,
    guilds: [{ id: GUILD, name: '시청', channels: [{ id: CHANNEL, name: '일반' }], members: [{ user: KIM }, { user: PARK }] }],
    // Discord's own rule: an interaction not answered within 3 s is gone.
    interactionResponseDeadlineMs: 3_000,
  });
  const env = { DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: APP, DISCORD_GUILD_ID: GUILD, DISCORD_API_URL: fake.apiUrl };
  h = await createHarness({ start: KST('2026-11-27', '08:30'), roster: ROSTER, env });
  const config: DiscordConfig = h.services.config.discord!;
  discord = createDiscordAdapter(h.engine, h.services, config);
  await discord.start();
}

/** Dispatches `/integrity <name>` and returns the interaction's token, to find its callback and edits. */
async function command(name: string, user = PARK): Promise<{ id: string; token: string }> {
  const payload = chatInputInteraction({ applicationId: APP, guildId: GUILD, channelId: CHANNEL, user, name: 'integrity', options: [{ type: 1, name }] });
  await fake.dispatchInteraction(payload);
  return { id: payload.id, token: payload.token };
}

const callbackOf = (interaction: { id: string }) => waitFor(() => fake.interactionCallbacks.find((c) => c.interactionId === interaction.id));
const editOf = (interaction: { token: string }) =>
  waitFor(() => fake.webhookMessages.find((m) => m.method === 'PATCH' && m.messageId === '@original' && m.path.includes(`/${interaction.token}/`)));

type TextInput = { type: number; custom_id: string; label?: string; style: number; required?: boolean; max_length?: number; value?: string; placeholder?: string };
type ModalData = { custom_id: string; title: string; components: Array<{ type: number; label?: string; components?: TextInput[]; component?: TextInput }> };
type Body = { embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[]; components?: { components: { custom_id: string; label: string; style: number; disabled?: boolean }[] }[] };

/** Each input with its label, whether sent in an action row (legacy) or a Label component (type 18). */
function inputsOf(modal: ModalData): Array<TextInput & { label: string }> {
  return modal.components.map((c) => {
    const input = c.component ?? c.components?.[0];
    if (!input) throw new Error(`modal component without an input: ${JSON.stringify(c)}`);
    return { ...input, label: c.label ?? input.label ?? '' };
  });
}

/** The next working day after the harness's today: a send time the form accepts. */
function nextWorkingDay(): Day {
  let day: Day = addDays('2026-11-27', 1);
  while (!h.services.calendar.isWorkingDay(day)) day = addDays(day, 1);
  return day;
}

async function openForm(): Promise<ModalData> {
  const started = Date.now();
  const interaction = await command('announce');
  const callback: InteractionCallbackRecord = await callbackOf(interaction);
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(callback.body.type).toBe(9);
  return (callback.body as unknown as { data: ModalData }).data;
}

async function submit(customId: string, values: Record<string, string>): Promise<{ id: string; token: string }> {
  const payload = modalSubmitInteraction({
    applicationId: APP,
    guildId: GUILD,
    channelId: CHANNEL,
    user: PARK,
    custom_id: customId,
    fields: Object.entries(values).map(([custom_id, value]) => ({ custom_id, value })),
  });
  await fake.dispatchInteraction(payload);
  return { id: payload.id, token: payload.token };
}

const announcements = () => h.services.db.selectFrom('announcements').selectAll().execute();

describe('Discord adapter: forms (modals)', () => {
  it('a manager’s /integrity announce is answered with a modal: the form’s custom_id, five text inputs, the body a paragraph, the department pre-filled', async () => {
    await start();
    const modal = await openForm();
    expect(decodeAction(modal.custom_id)?.name).toBe('announce.form');
    expect(modal.title).toBe('청렴 서한 작성');
    const inputs = inputsOf(modal);
    expect(inputs.map((i) => [i.type, i.custom_id])).toEqual([
      [4, 'title'],
      [4, 'body'],
      [4, 'audience'],
      [4, 'ack'],
      [4, 'send'],
    ]);
    for (const input of inputs) {
      expect([...input.label].length).toBeGreaterThan(0);
      expect([...input.label].length).toBeLessThanOrEqual(45);
      expect(input.max_length).toBeLessThanOrEqual(4000);
    }
    // TextInputStyle: 1 short, 2 paragraph.
    expect(inputs.map((i) => i.style)).toEqual([1, 2, 1, 1, 1]);
    expect(inputs.map((i) => i.required)).toEqual([true, true, true, true, false]);
    expect(inputs.find((i) => i.custom_id === 'audience')!.value).toBe('행정국');
    expect(inputs.find((i) => i.custom_id === 'ack')!.value).toBe('예');
    // The modal is the only answer: nothing deferred, nothing edited.
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.interactionCallbacks).toHaveLength(1);
    expect(fake.webhookMessages).toEqual([]);
  });

  it('the submitted modal is deferred (ephemeral) and the original edited with the preview; Send plans the deliveries', async () => {
    await start();
    const modal = await openForm();
    const day = nextWorkingDay();
    const submitted = await submit(modal.custom_id, { title: '연말연시 청렴 당부', body: '올해도 청렴한 연말을\n부탁드립니다.', audience: '행정국', ack: '예', send: `${day} 10:00` });
    expect((await callbackOf(submitted)).body).toMatchObject({ type: 5, data: { flags: 64 } });
    const preview = (await editOf(submitted)).body as Body;
    expect(preview.embeds).toHaveLength(1);
    const embed = preview.embeds![0]!;
    expect(embed.title).toBe('📢 연말연시 청렴 당부');
    expect(embed.description).toContain('올해도 청렴한 연말을\n부탁드립니다.');
    expect(embed.description).toContain('미리보기');
    expect(embed.fields!.map((f) => f.name)).toEqual(['받는 사람', '확인 요청', '보내는 때']);
    const buttons = preview.components!.flatMap((row) => row.components);
    // The acknowledgement button as recipients will see it (disabled here), then Send and Cancel.
    expect(buttons.map((b) => [decodeAction(b.custom_id)?.name, b.label, b.style, b.disabled ?? false])).toEqual([
      ['announce.ack', '확인했습니다', 1, true],
      ['announce.send', '예약하기', 1, false],
      ['announce.discard', '취소', 4, false],
    ]);
    const [draft] = await announcements();
    expect(draft).toMatchObject({ status: 'draft', title: '연말연시 청렴 당부', send_at: KST(day, '10:00') });

    // Send, pressed on the ephemeral preview: the preview is updated in place with the confirmation.
    const message = botMessage({ channelId: CHANNEL, applicationId: APP, bot: { id: APP, username: 'Probity', bot: true }, flags: 64, components: preview.components as never });
    const press = buttonInteraction({ applicationId: APP, guildId: GUILD, channelId: CHANNEL, user: PARK, custom_id: buttons[1]!.custom_id, message });
    await fake.dispatchInteraction(press);
    expect((await callbackOf(press)).body).toMatchObject({ type: 6 });
    const done = (await editOf(press)).body as { content?: string };
    expect(done.content).toContain(`서한 #${draft!.id}`);
    expect(done.content).toContain('예약했습니다');
    const deliveries = await h.services.db.selectFrom('deliveries').select(['member_id', 'status', 'next_attempt_at']).orderBy('member_id').execute();
    expect(deliveries.map((d) => d.status)).toEqual(['pending', 'pending']);
    expect(deliveries.every((d) => Date.parse(d.next_attempt_at) === Date.parse(KST(day, '10:00')))).toBe(true);
    expect((await announcements())[0]).toMatchObject({ status: 'scheduled', recipients: 2 });
  });

  it('a submission with an empty title: deferred, then edited with the message naming the field; nothing stored', async () => {
    await start();
    const modal = await openForm();
    const submitted = await submit(modal.custom_id, { title: ' ', body: '본문', audience: '행정국', ack: '예', send: `${nextWorkingDay()} 10:00` });
    expect((await callbackOf(submitted)).body).toMatchObject({ type: 5, data: { flags: 64 } });
    const edited = (await editOf(submitted)).body as { content?: string; embeds?: unknown[] };
    expect(edited.content).toBe('⚠️ 제목을 입력해 주세요.');
    expect(await announcements()).toEqual([]);
  });

  it('a mistake in a field comes back with "다시 작성", which reopens the modal with everything typed; only for the one who typed it', async () => {
    await start();
    const modal = await openForm();
    const typed = { title: '연말 당부', body: '청렴한 연말을\n부탁드립니다.', audience: '행정국', ack: '예', send: `${nextWorkingDay()} 22:00` };
    const submitted = await submit(modal.custom_id, typed);
    const edited = (await editOf(submitted)).body as Body & { content?: string };
    expect(edited.content).toContain('근무일 근무시간(09:00~18:00)에만 보낼 수 있습니다');
    const again = edited.components!.flatMap((r) => r.components).find((b) => b.label === '다시 작성')!;
    expect(again.custom_id.startsWith('form.reopen|')).toBe(true);
    expect(await announcements()).toEqual([]);

    const press = (user: typeof PARK) => {
      const payload = buttonInteraction({ applicationId: APP, guildId: GUILD, channelId: CHANNEL, user, custom_id: again.custom_id, message: botMessage({ channelId: CHANNEL, applicationId: APP, bot: { id: APP, username: 'probity', bot: true }, content: edited.content ?? '', components: [] }) });
      return fake.dispatchInteraction(payload).then(() => payload);
    };
    const reopened = (await callbackOf(await press(PARK))).body as unknown as { type: number; data: ModalData };
    expect(reopened.type).toBe(9);
    expect(reopened.data.custom_id).toBe(modal.custom_id);
    expect(Object.fromEntries(inputsOf(reopened.data).map((i) => [i.custom_id, i.value]))).toEqual(typed);

    // Someone else pressing the same button gets no modal and nothing of what was typed.
    const other = (await callbackOf(await press(KIM))).body as { type: number; data?: { content?: string } };
    expect(other.type).toBe(4);
    expect(other.data?.content).toBe('작성하던 내용이 더 이상 남아 있지 않습니다. 명령을 다시 입력해 주세요.');
  });

  it('an employee’s /integrity announce is deferred and refused, never a modal', async () => {
    await start();
    const interaction = await command('announce', KIM);
    expect((await callbackOf(interaction)).body).toMatchObject({ type: 5, data: { flags: 64 } });
    const edited = (await editOf(interaction)).body as { content?: string };
    expect(edited.content).toContain('권한이 없습니다');
    expect(fake.interactionCallbacks.map((c) => c.body.type)).not.toContain(9);
  });

  it('when Discord refuses the modal, the form’s fallback message is shown instead (deferred, then edited)', async () => {
    await start();
    fake.failNext(/\/interactions\/\d+\/[^/]+\/callback$/, { status: 400, code: 50035, message: 'Invalid Form Body' });
    const interaction = await command('announce');
    // The refused modal was not an answer: the interaction is still open, and is deferred.
    expect((await callbackOf(interaction)).body).toMatchObject({ type: 5, data: { flags: 64 } });
    const edited = (await editOf(interaction)).body as { content?: string };
    expect(edited.content).toBe('작성 창을 열 수 없었습니다. 명령을 다시 입력해 주세요.');
    expect(fake.requests.filter((r) => r.route === '/interactions/:interactionId/:token/callback').map((r) => [(r.body as { type: number }).type, r.status])).toEqual([
      [9, 400],
      [5, 204],
    ]);
  });

  it('regression: /integrity quiz is still deferred (ephemeral) and edited with the question', async () => {
    await start();
    const started = Date.now();
    const interaction = await command('quiz', KIM);
    expect((await callbackOf(interaction)).body).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(Date.now() - started).toBeLessThan(3_000);
    const question = (await editOf(interaction)).body as Body;
    expect(question.embeds?.[0]?.title).toBe('오늘의 청렴 퀴즈');
    expect(question.components!.flatMap((row) => row.components).length).toBeGreaterThanOrEqual(2);
    expect(fake.interactionCallbacks).toHaveLength(1);
  });
});
