/**
 * Files on Discord end to end: a real discord.js Client against the fake gateway and REST API. A
 * reply's files ride on editReply / followUp as multipart (payload_json + files[n]) to the interaction
 * webhook; a file over the limit the interaction states is left out with a note.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/app.js';
import type { DiscordConfig } from '../../../src/config.js';
import { startFakeDiscord, type FakeDiscord, type WebhookMessageRecord } from '../../support/discord/fakeDiscord.js';
import { botMessage, buttonInteraction, chatInputInteraction } from '../../support/discord/payloads.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { waitFor } from '../../support/wait.js';
import { BIG_BYTES, CSV_BYTES, FILES_ACTION, filesEngine, filesMessage, PNG_BYTES } from '../files.fixture.js';

const APP = '910000000000000001';
const GUILD = '910000000000000002';
const QUIZ_CHANNEL = '910000000000000003';
const KIM = { id: '910000000000000011', username: 'kim', global_name: '김청렴' };
const LEE = { id: '910000000000000012', username: 'lee', global_name: 'Lee' };
const MiB = 1024 * 1024;
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

async function start() {
  fake = await startFakeDiscord({
    applicationId: APP,
    guilds: [{ id: GUILD, name: '시청', channels: [{ id: QUIZ_CHANNEL, name: '청렴-퀴즈' }], members: [{ user: KIM }, { user: LEE }] }],
  });
  const env = { DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: APP, DISCORD_GUILD_ID: GUILD, DISCORD_QUIZ_CHANNEL_ID: QUIZ_CHANNEL, DISCORD_API_URL: fake.apiUrl };
  h = await createHarness({ start: KST('2026-11-27', '08:30'), roster: ROSTER, env });
  discord = createDiscordAdapter(filesEngine(h.services), h.services, h.services.config.discord!);
  await discord.start();
}

const command = (name: string, o: { user?: typeof KIM; attachmentSizeLimit?: number } = {}) =>
  fake.dispatchInteraction(
    chatInputInteraction({
      applicationId: APP,
      guildId: GUILD,
      channelId: QUIZ_CHANNEL,
      user: o.user ?? KIM,
      name: 'integrity',
      ...(o.attachmentSizeLimit ? { attachmentSizeLimit: o.attachmentSizeLimit } : {}),
      options: [{ type: 1, name }],
    }),
  );

type Body = { content?: string; flags?: number; embeds?: { title?: string; description?: string }[]; attachments?: { id: string | number; filename?: string; description?: string }[] };
const patches = () => fake.webhookMessages.filter((m) => m.method === 'PATCH');
const bodyOf = (record: WebhookMessageRecord) => record.body as Body;

describe('Discord adapter: files', () => {
  it('editReply carries the PNG and CSV as multipart attachments with their exact bytes', async () => {
    await start();
    await command('files');
    const reply = await waitFor(() => patches()[0]);
    expect(reply.messageId).toBe('@original');
    expect(bodyOf(reply).embeds?.[0]?.title).toBe('참여 통계');
    expect(bodyOf(reply).attachments).toEqual([expect.objectContaining({ id: '0', description: '부서별 참여율' }), expect.objectContaining({ id: '1' })]);
    expect(reply.files.map((f) => [f.field, f.name])).toEqual([
      ['files[0]', 'participation.png'],
      ['files[1]', 'participation.csv'],
    ]);
    expect(reply.files[0]!.data).toEqual(Buffer.from(PNG_BYTES));
    expect(reply.files[1]!.data).toEqual(Buffer.from(CSV_BYTES));
    // The request really was multipart: the body came from payload_json.
    const request = fake.requests.find((r) => r.method === 'PATCH' && r.path.includes('/messages/@original'))!;
    expect(String(request.headers['content-type'])).toMatch(/^multipart\/form-data/);
  });

  it('a file over the interaction’s limit is left out and the reply says why, in the member’s language; the rest still go', async () => {
    await start();
    await command('files-big', { attachmentSizeLimit: 1 * MiB });
    const kim = await waitFor(() => patches()[0]);
    expect(kim.files.map((f) => f.name)).toEqual(['participation.png', 'participation.csv']);
    expect(bodyOf(kim).embeds?.[0]?.description).toContain('파일이 너무 커서 보낼 수 없습니다 (roster-export.xlsx, 1.5MB). 명령줄의 export 명령을 사용하세요.');

    await command('files-big', { user: LEE, attachmentSizeLimit: 1 * MiB });
    const lee = await waitFor(() => patches()[1]);
    expect(bodyOf(lee).embeds?.[0]?.description).toContain('The file is too large to send (roster-export.xlsx, 1.5 MB). Use the export command on the command line.');

    // With the default limit (10 MiB) the 1.5 MiB export goes out.
    await command('files-big');
    const all = await waitFor(() => patches()[2]);
    expect(all.files.map((f) => f.name)).toEqual(['participation.png', 'participation.csv', 'roster-export.xlsx']);
    // Buffer#equals: a deep toEqual over 1.5 million bytes takes seconds.
    expect(all.files[2]!.data.equals(BIG_BYTES)).toBe(true);
    expect(bodyOf(all).embeds?.[0]?.description).not.toContain('export');
  });

  it('more than ten files: ten on the reply, the rest in an ephemeral follow-up', async () => {
    await start();
    await command('files-many');
    const reply = await waitFor(() => patches()[0]);
    expect(reply.files).toHaveLength(10);
    const followUp = await waitFor(() => fake.webhookMessages.find((m) => m.method === 'POST'));
    expect(followUp.files.map((f) => f.name)).toEqual(['part-9.csv', 'part-10.csv']);
    expect(bodyOf(followUp).flags).toBe(64);
  });

  it('a button on the member’s own message: the edited message carries the files', async () => {
    await start();
    const message = botMessage({ channelId: QUIZ_CHANNEL, applicationId: APP, bot: { id: APP, username: 'Probity', bot: true }, flags: 64, components: [{ type: 1, components: [{ type: 2, style: 2, custom_id: FILES_ACTION, label: '다시 받기' }] }] as never });
    await fake.dispatchInteraction(buttonInteraction({ applicationId: APP, guildId: GUILD, channelId: QUIZ_CHANNEL, user: KIM, custom_id: FILES_ACTION, message }));
    // The action answers `replace`: the member's ephemeral message is edited, files included.
    const edited = await waitFor(() => patches()[0]);
    expect(edited.files.map((f) => f.name)).toEqual(['participation.png', 'participation.csv']);
    expect(edited.files[1]!.data).toEqual(Buffer.from(CSV_BYTES));
  });

  it('a scheduled delivery with files (DiscordChatPort.send) posts them with the message; an oversized one becomes a note', async () => {
    await start();
    const message = filesMessage([]);
    message.files = [...message.files!, { name: 'too-big.xlsx', data: new Uint8Array(10 * MiB + 1), contentType: 'application/octet-stream' }];
    await discord!.port.send({ kind: 'channel', channelId: QUIZ_CHANNEL }, message);
    const post = fake.channelMessages.at(-1)!;
    expect(post.channelId).toBe(QUIZ_CHANNEL);
    expect(post.files.map((f) => f.name)).toEqual(['participation.png', 'participation.csv']);
    expect(post.files[0]!.data).toEqual(Buffer.from(PNG_BYTES));
    expect(post.body.attachments).toEqual([
      { id: 0, filename: 'participation.png', description: '부서별 참여율' },
      { id: 1, filename: 'participation.csv' },
    ]);
    expect(JSON.stringify(post.body.embeds)).toContain('파일이 너무 커서 보낼 수 없습니다 (too-big.xlsx, 10.0MB)');
    // Nothing over the limit ever reached Discord (it would have answered 413 / 40005).
    expect(fake.requests.filter((r) => r.status === 413)).toEqual([]);
  });
});
