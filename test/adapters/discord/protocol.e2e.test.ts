/**
 * The Discord interaction protocol end to end (a real discord.js Client against the fake gateway and
 * REST API): a failing handler still answers, a reply that outlives its 15-minute token goes by DM,
 * and no message of Probity's can ping anyone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/app.js';
import type { Engine } from '../../../src/engine/engine.js';
import { Engine as RealEngine } from '../../../src/engine/engine.js';
import { ephemeral } from '../../../src/engine/reply.js';
import { EVERYONE } from '../../../src/engine/routes.js';
import { text } from '../../../src/ui/card.js';
import { startFakeDiscord, type FakeDiscord } from '../../support/discord/fakeDiscord.js';
import { chatInputInteraction, snowflake } from '../../support/discord/payloads.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { waitFor } from '../../support/wait.js';
import { CSV_BYTES, filesEngine, PNG_BYTES } from '../files.fixture.js';

const APP = '910000000000000001';
const GUILD = '910000000000000002';
const CHANNEL = '910000000000000003';
const KIM = { id: '910000000000000011', username: 'kim', global_name: '김청렴' };
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const ROSTER = `employee_no,name,email,department,roles,locale,discord_id
1001,김청렴,kim@city.example,행정국/감사과,employee,ko,${KIM.id}`;
const SIXTEEN_MINUTES_MS = 16 * 60_000;

let fake: FakeDiscord;
let discord: DiscordAdapter | undefined;
let h: Harness;

afterEach(async () => {
  await discord?.stop();
  discord = undefined;
  await fake?.close();
  await h?.close();
});

async function start(engineOf: (h: Harness) => Engine) {
  fake = await startFakeDiscord({ applicationId: APP, guilds: [{ id: GUILD, name: '시청', channels: [{ id: CHANNEL, name: '청렴' }], members: [{ user: KIM }] }] });
  const env = { DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: APP, DISCORD_GUILD_ID: GUILD, DISCORD_API_URL: fake.apiUrl };
  h = await createHarness({ start: KST('2026-11-27', '08:30'), roster: ROSTER, env });
  discord = createDiscordAdapter(engineOf(h), h.services, h.services.config.discord!);
  await discord.start();
}

const command = (name: string, id?: string) =>
  fake.dispatchInteraction(chatInputInteraction({ ...(id ? { id } : {}), applicationId: APP, guildId: GUILD, channelId: CHANNEL, user: KIM, name: 'integrity', options: [{ type: 1, name }] }));

/** An engine whose every dispatch fails after `delayMs`: a handler failing outside the core's own error boundary. */
const failingEngine = (delayMs: number) => ({ dispatch: () => new Promise((_, reject) => setTimeout(() => reject(new Error('boom')), delayMs)) }) as unknown as Engine;

type Body = { content?: string; flags?: number; embeds?: unknown[]; allowed_mentions?: unknown; data?: { content?: string; flags?: number; allowed_mentions?: unknown } };

describe('Discord protocol: a failing handler still answers', () => {
  it('GIVEN a handler that fails before the deferral WHEN a command arrives THEN the interaction is answered with the error, ephemeral, in the member’s language', async () => {
    await start(() => failingEngine(0));
    await command('quiz');
    const callback = await waitFor(() => fake.interactionCallbacks[0]);
    const body = callback.body as { type: number; data: NonNullable<Body['data']> };
    // Type 4: a reply of its own, not a deferral left hanging.
    expect(body.type).toBe(4);
    expect(body.data.flags).toBe(64);
    expect(body.data.content).toMatch(/^⚠️ 처리 중 문제가 생겼습니다\. 잠시 후 다시 시도해 주세요\. \(문의 번호: [0-9a-f]{8}\)$/);
    expect(body.data.allowed_mentions).toEqual({ parse: [] });
  });

  it('GIVEN a handler that fails after the deferral WHEN the command completes THEN the deferred reply is edited to the error', async () => {
    await start(() => failingEngine(1_800));
    await command('quiz');
    const edit = await waitFor(() => fake.webhookMessages.find((m) => m.method === 'PATCH'));
    expect(fake.interactionCallbacks[0]!.body).toMatchObject({ type: 5 });
    expect((edit.body as Body).content).toMatch(/^⚠️ 처리 중 문제가 생겼습니다/);
    expect((edit.body as Body).embeds).toEqual([]);
  });
});

describe('Discord protocol: a reply after the 15-minute token goes by DM', () => {
  it('GIVEN an export finishing after its interaction token has expired WHEN it completes THEN its files are sent by DM, not through the dead token', async () => {
    await start((h) => filesEngine(h.services));
    // Discord sent the interaction 16 minutes ago (its id says when); the deferral itself still lands.
    await command('files', snowflake(Date.now() - SIXTEEN_MINUTES_MS));
    const dm = await waitFor(() => fake.channelMessages.find((m) => m.channelId === fake.dmChannelId(KIM.id)));
    expect(dm.files.map((f) => f.name)).toEqual(['participation.png', 'participation.csv']);
    expect(dm.files[0]!.data).toEqual(Buffer.from(PNG_BYTES));
    expect((dm.body as Body).content).toBe('참여 통계 보고서');
    expect(fake.webhookMessages.filter((m) => m.method === 'PATCH')).toEqual([]);
  });

  it('GIVEN Discord refusing the edit because the token is no longer valid (10015) WHEN the reply completes THEN it is sent by DM instead', async () => {
    await start((h) => filesEngine(h.services));
    fake.failNext('PATCH /webhooks/:app/:token/messages/:id', { status: 404, code: 10015, message: 'Unknown Webhook' });
    await command('files');
    const dm = await waitFor(() => fake.channelMessages.find((m) => m.channelId === fake.dmChannelId(KIM.id)));
    expect(dm.files.map((f) => f.name)).toEqual(['participation.png', 'participation.csv']);
    expect(dm.files[1]!.data).toEqual(Buffer.from(CSV_BYTES));
  });
});

describe('Discord protocol: mentions never ping', () => {
  it('GIVEN a reply whose text holds @everyone and a role mention WHEN sent as an interaction edit and as channel posts THEN each carries allowed_mentions with nothing to parse', async () => {
    await start((h) =>
      new RealEngine(h.services, {
        commands: [{ name: 'quiz', roles: EVERYONE, helpKey: 'help.help', handle: async () => ephemeral({ text: '@everyone', card: { title: '@everyone <@&1>', blocks: [text('@here')] } }) }],
        actions: [],
      }),
    );
    await command('quiz');
    const edit = await waitFor(() => fake.webhookMessages.find((m) => m.method === 'PATCH'));
    expect((edit.body as Body).allowed_mentions).toEqual({ parse: [] });
    // A channel post through the port: the same.
    await discord!.port.send({ kind: 'channel', channelId: CHANNEL }, { text: '@everyone 안내', files: Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.csv`, data: CSV_BYTES, contentType: 'text/csv' })) });
    const posts = fake.channelMessages.filter((m) => m.channelId === CHANNEL);
    expect(posts).toHaveLength(2);
    for (const post of posts) expect((post.body as Body).allowed_mentions).toEqual({ parse: [] });
  });
});
