/**
 * The Discord adapter end to end: a real discord.js Client logs in through a local fake gateway and
 * REST API; interactions are dispatched in the shapes Discord documents.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/app.js';
import { composers, planners } from '../../../src/app.js';
import type { DiscordConfig } from '../../../src/config.js';
import { Dispatcher } from '../../../src/delivery/dispatcher.js';
import { Scheduler } from '../../../src/scheduler/scheduler.js';
import { startFakeDiscord, type FakeDiscord } from '../../support/discord/fakeDiscord.js';
import { botMessage, buttonInteraction, chatInputInteraction } from '../../support/discord/payloads.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { waitFor } from '../../support/wait.js';

const APP = '910000000000000001';
const GUILD = '910000000000000002';
const QUIZ_CHANNEL = '910000000000000003';
const KIM = { id: '910000000000000011', username: 'kim', global_name: '김청렴' };
const LEE = { id: '910000000000000012', username: 'lee', global_name: 'Lee' };
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const ROSTER = `employee_no,name,email,department,roles,locale,discord_id
1001,김청렴,kim@city.example,행정국/감사과,employee,ko,${KIM.id}
1002,Lee Integrity,lee@city.example,행정국/감사과,employee,en,${LEE.id}`;

let fake: FakeDiscord;
let discord: DiscordAdapter | undefined;
let h: Harness;

afterEach(async () => {
  await discord?.stop();
  discord = undefined;
  await fake?.close();
  await h?.close();
});

async function start(schedules?: string) {
  fake = await startFakeDiscord({
    applicationId: APP,
    guilds: [{ id: GUILD, name: '시청', channels: [{ id: QUIZ_CHANNEL, name: '청렴-퀴즈' }], members: [{ user: KIM }, { user: LEE }] }],
  });
  // Configured as an operator would: through the environment.
  const env = { DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: APP, DISCORD_GUILD_ID: GUILD, DISCORD_QUIZ_CHANNEL_ID: QUIZ_CHANNEL, DISCORD_API_URL: fake.apiUrl };
  h = await createHarness({ start: KST('2026-11-27', '08:30'), roster: ROSTER, env, ...(schedules ? { schedules } : {}) });
  const config: DiscordConfig = h.services.config.discord!;
  expect(config).toMatchObject({ applicationId: APP, guildIds: [GUILD], quizChannelId: QUIZ_CHANNEL });
  discord = createDiscordAdapter(h.engine, h.services, config);
  await discord.start();
}


type Body = { flags?: number; type?: number; data?: { flags?: number }; embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[]; components?: { components: { custom_id: string; disabled?: boolean }[] }[]; content?: string };
const text = (body: unknown) => JSON.stringify(body);
const answers = async () => (await h.services.db.selectFrom('quiz_answers').select('id').execute()).length;

describe('Discord adapter (real discord.js client, fake gateway and REST)', () => {
  it('logs in through the fake gateway with the Guilds intent only', async () => {
    await start();
    const identify = await fake.identified;
    expect(identify.token).toBe('fake-token');
    // GatewayIntentBits.Guilds = 1: no privileged intents.
    expect(identify.intents).toBe(1);
  });

  it('/integrity quiz → deferred within 3 s, an ephemeral question with one button per choice; a press records one answer and shows the explanation and basis; a second press records nothing', async () => {
    await start();
    const sentAt = Date.now();
    await fake.dispatchInteraction(chatInputInteraction({ applicationId: APP, guildId: GUILD, channelId: QUIZ_CHANNEL, user: KIM, name: 'integrity', options: [{ type: 1, name: 'quiz' }] }));
    const deferred = await waitFor(() => fake.interactionCallbacks[0]);
    expect(Date.now() - sentAt).toBeLessThan(3000);
    expect(deferred.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const question = (await waitFor(() => fake.webhookMessages.find((m) => m.method === 'PATCH')))!.body as Body;
    expect(question.embeds?.[0]?.title).toBe('오늘의 청렴 퀴즈');
    const choices = question.components!.flatMap((row) => row.components);
    expect(choices.length).toBeGreaterThanOrEqual(2);
    expect(choices.every((c) => c.custom_id.length <= 100)).toBe(true);

    const message = botMessage({ channelId: QUIZ_CHANNEL, applicationId: APP, bot: { id: APP, username: 'Probity', bot: true }, flags: 64, components: question.components as never });
    const press = () => fake.dispatchInteraction(buttonInteraction({ applicationId: APP, guildId: GUILD, channelId: QUIZ_CHANNEL, user: KIM, custom_id: choices[0]!.custom_id, message }));
    await press();
    await waitFor(() => (fake.interactionCallbacks.length >= 2 ? true : undefined));
    expect(fake.interactionCallbacks[1]!.body).toMatchObject({ type: 6 });
    const result = await waitFor(() => fake.webhookMessages.filter((m) => m.method === 'PATCH')[1]);
    expect(text(result.body)).toMatch(/정답입니다|오답입니다/);
    expect(text(result.body)).toContain('해설');
    expect(text(result.body)).toMatch(/근거: .*제\d+조/);
    expect(await answers()).toBe(1);

    await press();
    const followUp = await waitFor(() => fake.webhookMessages.find((m) => m.method === 'POST'));
    expect(text(followUp.body)).toContain('이미 푸셨습니다');
    expect((followUp.body as Body).flags).toBe(64);
    expect(await answers()).toBe(1);
  });

  it('the scheduled quiz is a channel post with a button; members without DMs are not messaged; the button opens a private question', async () => {
    await start('schedules:\n  - name: daily-quiz\n    kind: quiz\n    cron: "0 9 * * 1-5"\n');
    // Both members have written once, so their accounts are linked.
    for (const user of [KIM, LEE]) await fake.dispatchInteraction(chatInputInteraction({ applicationId: APP, guildId: GUILD, channelId: QUIZ_CHANNEL, user, name: 'integrity', options: [{ type: 1, name: 'whoami' }] }));
    await waitFor(() => (fake.webhookMessages.filter((m) => m.method === 'PATCH').length >= 2 ? true : undefined));
    h.clock.set(KST('2026-11-27', '09:00'));
    await new Scheduler(h.services, planners).runDue();
    await new Dispatcher(h.services, [discord!.port], { composers, sleep: async (ms) => h.clock.advance(ms) }).drainDue();

    expect(fake.channelMessages).toHaveLength(1);
    const post = fake.channelMessages[0]!;
    expect(post.channelId).toBe(QUIZ_CHANNEL);
    expect((post.body as Body).content).toContain('오늘의 청렴 퀴즈');
    const startButton = (post.body as Body).components![0]!.components[0]!;
    expect(startButton.custom_id).toBe('quiz.start');
    const rows = await h.services.db.selectFrom('deliveries').select(['recipient', 'status', 'error']).orderBy('recipient').execute();
    expect(rows).toEqual([
      { recipient: `channel:discord:${QUIZ_CHANNEL}`, status: 'sent', error: null },
      { recipient: 'member:1', status: 'skipped', error: 'dm_not_requested' },
      { recipient: 'member:2', status: 'skipped', error: 'dm_not_requested' },
    ]);

    const channelPost = fake.messageById(post.messageId)!;
    await fake.dispatchInteraction(buttonInteraction({ applicationId: APP, guildId: GUILD, channelId: QUIZ_CHANNEL, user: LEE, custom_id: 'quiz.start', message: channelPost }));
    const callbacks = await waitFor(() => (fake.interactionCallbacks.length >= 3 ? fake.interactionCallbacks : undefined));
    // The shared post is never edited: Lee gets an ephemeral reply of their own, in English.
    expect(callbacks[2]!.body).toMatchObject({ type: 5, data: { flags: 64 } });
    const question = await waitFor(() => fake.webhookMessages.filter((m) => m.method === 'PATCH')[2]);
    expect((question.body as Body).embeds?.[0]?.title).toBe("Today's integrity quiz");
  });

  it('DMs on request; a 429 waits for Retry-After; a closed DM (50007) fails at once with its reason', async () => {
    await start('schedules:\n  - name: daily-quiz\n    kind: quiz\n    cron: "0 9 * * 1-5"\n');
    for (const user of [KIM, LEE]) {
      await fake.dispatchInteraction(chatInputInteraction({ applicationId: APP, guildId: GUILD, channelId: QUIZ_CHANNEL, user, name: 'integrity', options: [{ type: 1, name: 'dm', options: [{ type: 3, name: 'choice', value: 'on' }] }] }));
    }
    await waitFor(() => (fake.webhookMessages.filter((m) => m.method === 'PATCH').length >= 2 ? true : undefined));
    fake.setDmsClosed(LEE.id, true);
    fake.failNext('POST /channels/:id/messages', { status: 429, retryAfter: 2 });
    h.clock.set(KST('2026-11-27', '09:00'));
    await new Scheduler(h.services, planners).runDue();
    const dispatcher = new Dispatcher(h.services, [discord!.port], { composers, sleep: async (ms) => h.clock.advance(ms) });
    await dispatcher.drainDue();
    let rows = await h.services.db.selectFrom('deliveries').select(['member_id', 'status', 'error', 'attempts', 'next_attempt_at']).orderBy('member_id').execute();
    // Lee's DMs are closed: failed at once, never retried (Discord bans bots that repeat invalid requests).
    expect(rows.find((r) => r.error === 'dm_closed')).toMatchObject({ member_id: 2, status: 'failed', attempts: 1 });
    // The rate-limited message waits for Discord's retry_after (2 s, reported with the client's offset).
    const waiting = rows.find((r) => r.status === 'pending')!;
    expect(waiting).toMatchObject({ error: 'rate_limited', attempts: 1 });
    const wait = Date.parse(waiting.next_attempt_at) - h.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(2_000);
    expect(wait).toBeLessThan(3_000);
    h.clock.advance(wait);
    await dispatcher.drainDue();
    rows = await h.services.db.selectFrom('deliveries').select(['member_id', 'status', 'error', 'attempts', 'next_attempt_at']).orderBy('member_id').execute();
    expect(rows.filter((r) => r.status === 'sent').map((r) => [r.member_id, r.attempts])).toEqual([
      [null, 1],
      [1, 2],
    ]);
  });

  it('registers /integrity with Korean localisations; registering twice leaves the same commands', async () => {
    await start();
    await discord!.register(GUILD);
    await discord!.register(GUILD);
    const commands = fake.registeredCommands.get(GUILD) as { name: string; name_localizations: { ko: string }; options: { name: string }[] }[];
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ name: 'integrity', name_localizations: { ko: '청렴' } });
    expect(commands[0]!.options.map((o) => o.name)).toContain('quiz');
  });
});
