/**
 * Self-test of the Discord fake: a REAL discord.js Client logs into it and talks to it the way the
 * Discord adapter will. If discord.js or Discord's behaviour changes, these tests say so before the
 * adapter tests start failing for confusing reasons.
 */
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  ComponentType,
  DiscordAPIError,
  DiscordjsError,
  Events,
  GatewayIntentBits,
  HTTPError,
  MessageFlags,
  RateLimitError,
  RESTEvents,
  Routes,
  TextInputStyle,
  makeURLSearchParams,
  type APIApplicationCommand,
  type APIGuildMember,
  type APIMessage,
  type ClientOptions,
  type Interaction,
  type RateLimitData,
  type RESTOptions,
  type RESTPutAPIApplicationCommandsJSONBody,
  type SendableChannels,
} from 'discord.js';
import { failures, startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from './fakeDiscord.js';
import { buttonInteraction, chatInputInteraction, modalSubmitInteraction } from './payloads.js';

const APP_ID = '1264519380934492170';
const GUILD_ID = '1180231712274387115';
const CHANNEL_ID = '1180231712274387118';
const OFFICER_ROLE_ID = '1180233391782502410';
const ALICE = { id: '1075292718393196574', username: 'alice.kim', global_name: '김앨리스' };
const BOB = { id: '1075292718393196575', username: 'bob.lee', global_name: '이밥' };
const CAROL = { id: '1075292718393196576', username: 'carol.park', global_name: null };

const WORLD: FakeDiscordOptions = {
  applicationId: APP_ID,
  guilds: [
    {
      id: GUILD_ID,
      name: '청렴 실천 본부',
      channels: [
        { id: CHANNEL_ID, name: '청렴-퀴즈', type: 0 },
        { id: '1180231712274387119', name: 'hidden', missingAccess: true },
      ],
      roles: [{ id: OFFICER_ROLE_ID, name: 'Integrity Officer', permissions: '8' }],
      members: [{ user: ALICE, roles: [OFFICER_ROLE_ID] }, { user: BOB }, { user: CAROL }],
    },
  ],
};

let fake: FakeDiscord;
const clients: Client[] = [];

async function start(options: Partial<FakeDiscordOptions> = {}): Promise<FakeDiscord> {
  fake = await startFakeDiscord({ ...WORLD, ...options });
  return fake;
}

/** A real client logged into the fake, resolved once `clientReady` has fired. */
async function login(rest: Partial<RESTOptions> = {}, extra: Partial<ClientOptions> = {}): Promise<Client<true>> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], ...extra, rest: { api: fake.apiUrl, ...rest } });
  clients.push(client);
  const ready = once(client, Events.ClientReady);
  await client.login('fake-token');
  await ready;
  return client as Client<true>;
}

async function nextInteraction(client: Client): Promise<Interaction> {
  const [interaction] = (await once(client, Events.InteractionCreate)) as [Interaction];
  return interaction;
}

async function quizChannel(client: Client): Promise<SendableChannels> {
  const channel = await client.channels.fetch(CHANNEL_ID);
  if (!channel?.isSendable()) throw new Error('quiz channel is not sendable');
  return channel;
}

const slashQuiz = (extra: Partial<Parameters<typeof chatInputInteraction>[0]> = {}) =>
  chatInputInteraction({
    applicationId: APP_ID,
    guildId: GUILD_ID,
    channelId: CHANNEL_ID,
    user: ALICE,
    roles: [OFFICER_ROLE_ID],
    name: 'integrity',
    options: [{ type: ApplicationCommandOptionType.Subcommand, name: 'quiz' }],
    ...extra,
  });

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterEach(async () => {
  // Client first: a live client would try to reconnect to a closed fake.
  for (const client of clients.splice(0)) await client.destroy();
  await fake?.close();
});

describe('logging in', () => {
  beforeEach(() => start({ heartbeatIntervalMs: 50 }));

  it('GIVEN rest.api = apiUrl WHEN the client logs in THEN it identifies, gets READY + GUILD_CREATE and becomes ready quickly', async () => {
    const started = Date.now();
    const client = await login();
    expect(Date.now() - started).toBeLessThan(2000);

    const identify = await fake.identified;
    expect(identify).toMatchObject({ token: 'fake-token', intents: GatewayIntentBits.Guilds, shard: [0, 1], compress: false });
    // discord.js found the gateway through GET /gateway/bot and connected without compression.
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /gateway/bot');
    expect(fake.gatewayQueries).toEqual([{ v: '10', encoding: 'json' }]);

    expect(client.user.id).toBe(APP_ID);
    expect(client.user.bot).toBe(true);
    expect(client.application.id).toBe(APP_ID);
    const guild = client.guilds.cache.get(GUILD_ID);
    expect(guild?.name).toBe('청렴 실천 본부');
    expect(guild?.channels.cache.get(CHANNEL_ID)?.name).toBe('청렴-퀴즈');
    expect(guild?.roles.cache.get(OFFICER_ROLE_ID)?.name).toBe('Integrity Officer');
    // The bot's own member arrives in GUILD_CREATE, so permission checks work without a fetch.
    const me = guild?.members.me;
    expect(me?.roles.botRole?.tags?.botId).toBe(APP_ID);
    expect(guild?.channels.cache.get(CHANNEL_ID)?.permissionsFor(me!)?.has('SendMessages')).toBe(true);
    expect(guild?.channels.cache.get('1180231712274387119')?.permissionsFor(me!)?.has('ViewChannel')).toBe(false);
  });

  it('GIVEN a short heartbeat interval THEN the client heartbeats and the fake acknowledges', async () => {
    const client = await login();
    await until(() => fake.gatewayLog.some((e) => e.direction === 'sent' && e.op === 11), 'a heartbeat ACK');
    expect(fake.gatewayLog.some((e) => e.direction === 'received' && e.op === 1)).toBe(true);
    await until(() => client.ws.ping >= 0, 'a measured ping');
  });

  it('GIVEN op 7 RECONNECT THEN the client resumes on resume_gateway_url and still receives interactions', async () => {
    const client = await login();
    await fake.requestReconnect();
    await until(() => fake.gatewayLog.some((e) => e.direction === 'sent' && e.t === 'RESUMED'), 'RESUMED');
    expect(fake.gatewayLog.filter((e) => e.direction === 'received' && e.op === 2)).toHaveLength(1); // no second IDENTIFY
    expect(fake.gatewayLog.some((e) => e.direction === 'received' && e.op === 6)).toBe(true);
    expect(fake.gatewayQueries).toHaveLength(2);

    const got = nextInteraction(client);
    await fake.dispatchInteraction(slashQuiz());
    expect((await got).isChatInputCommand()).toBe(true);
  });

  it('GIVEN the fake expects another token WHEN logging in THEN REST answers 401 and discord.js throws TokenInvalid', async () => {
    await fake.close();
    await start({ token: 'the-real-token' });
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    clients.push(client);
    const error = await client.login('fake-token').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordjsError);
    expect(error).toMatchObject({ code: 'TokenInvalid' });
  });
});

describe('slash commands', () => {
  beforeEach(() => start());

  it('GIVEN /integrity quiz WHEN dispatched THEN interactionCreate carries a chat-input command with subcommand quiz', async () => {
    const client = await login();
    const got = nextInteraction(client);
    await fake.dispatchInteraction(slashQuiz());
    const interaction = await got;

    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.commandName).toBe('integrity');
    expect(interaction.options.getSubcommand()).toBe('quiz');
    expect(interaction.guildId).toBe(GUILD_ID);
    expect(interaction.channelId).toBe(CHANNEL_ID);
    expect(interaction.user.id).toBe(ALICE.id);
    expect(interaction.user.globalName).toBe('김앨리스');
    expect(interaction.locale).toBe('ko');
    expect(interaction.inCachedGuild() && interaction.member.roles.cache.has(OFFICER_ROLE_ID)).toBe(true);
  });

  it('GIVEN a command WHEN replied ephemerally THEN the fake records callback type 4 with flags 64, and a second ack is 40060', async () => {
    const client = await login();
    const got = nextInteraction(client);
    await fake.dispatchInteraction(slashQuiz());
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');

    await interaction.reply({ content: 'hi', flags: MessageFlags.Ephemeral });
    expect(fake.interactionCallbacks).toEqual([
      { interactionId: interaction.id, token: interaction.token, body: expect.objectContaining({ type: 4, data: expect.objectContaining({ content: 'hi', flags: 64 }) }) },
    ]);

    const reply = await interaction.fetchReply();
    expect(reply.content).toBe('hi');
    expect(reply.flags.has(MessageFlags.Ephemeral)).toBe(true);

    // discord.js itself refuses to reply twice, so go around it to see Discord's answer.
    const again = client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: { type: 4, data: { content: 'again' } }, auth: false });
    await expect(again).rejects.toMatchObject({ status: 400, code: 40060 });
  });

  it('GIVEN a command WHEN deferred, edited and followed up THEN types 5, PATCH @original and POST follow-up are recorded', async () => {
    const client = await login();
    const got = nextInteraction(client);
    await fake.dispatchInteraction(slashQuiz());
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    expect(fake.interactionCallbacks[0]?.body).toEqual({ type: 5, data: { flags: 64 } });

    const edited = await interaction.editReply({ content: '오늘의 퀴즈', embeds: [{ title: 'Q1', description: '청렴 서약은 연 1회 한다.' }] });
    expect(edited.content).toBe('오늘의 퀴즈');
    expect(edited.embeds[0]?.title).toBe('Q1');

    const followUp = await interaction.followUp({ content: 'more', flags: MessageFlags.Ephemeral });
    expect(followUp.id).not.toBe(edited.id);
    expect(fake.webhookMessages.map((w) => [w.method, w.messageId, w.body?.content])).toEqual([
      ['PATCH', '@original', '오늘의 퀴즈'],
      ['POST', undefined, 'more'],
    ]);
    expect(fake.webhookMessages[0]?.path).toBe(`/webhooks/${APP_ID}/${interaction.token}/messages/@original`);
  });

  it('GIVEN withResponse WHEN replying THEN the callback returns the created message (200 instead of 204)', async () => {
    const client = await login();
    const got = nextInteraction(client);
    await fake.dispatchInteraction(slashQuiz());
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');

    const response = await interaction.reply({ content: 'with response', withResponse: true });
    expect(response.interaction.id).toBe(interaction.id);
    expect(response.resource?.message?.content).toBe('with response');
    expect(fake.requests.at(-1)?.query).toEqual({ with_response: 'true' });
  });

  it('GIVEN a DM (no guild) WHEN replied THEN the interaction is not in a guild and the reply lands in the DM', async () => {
    const client = await login();
    const got = nextInteraction(client);
    const dmChannelId = '1290000000000000042';
    await fake.dispatchInteraction(chatInputInteraction({ applicationId: APP_ID, channelId: dmChannelId, user: BOB, name: 'integrity', options: [{ type: 1, name: 'me' }] }));
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.inGuild()).toBe(false);
    expect(interaction.user.id).toBe(BOB.id);

    await interaction.reply('기록');
    const message = fake.messageById((await interaction.fetchReply()).id);
    expect(message?.channel_id).toBe(dmChannelId);
    // The DM channel is the one createDM would hand out for Bob.
    expect((await client.users.createDM(BOB.id, { force: true })).id).toBe(dmChannelId);
  });

  it('GIVEN a command WHEN showModal THEN callback type 9 is recorded', async () => {
    const client = await login();
    const got = nextInteraction(client);
    await fake.dispatchInteraction(slashQuiz({ options: [{ type: 1, name: 'pledge' }] }));
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');

    await interaction.showModal({
      custom_id: 'pledge.submit',
      title: '청렴 서약',
      components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.TextInput, custom_id: 'name', label: '이름', style: TextInputStyle.Short }] }],
    });
    expect(fake.interactionCallbacks[0]?.body).toMatchObject({ type: 9, data: { custom_id: 'pledge.submit', title: '청렴 서약' } });
  });

  it('GIVEN the 3 s deadline is enabled WHEN the bot answers late THEN 404 10062 Unknown interaction', async () => {
    await fake.close();
    await start({ interactionResponseDeadlineMs: 50 });
    const client = await login();
    const got = nextInteraction(client);
    await fake.dispatchInteraction(slashQuiz());
    const interaction = await got;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    await new Promise((r) => setTimeout(r, 80));
    await expect(interaction.reply('too late')).rejects.toMatchObject({ status: 404, code: 10062 });
  });

  it('GIVEN an interaction for another application THEN dispatchInteraction refuses it', async () => {
    await login();
    await expect(fake.dispatchInteraction(slashQuiz({ applicationId: '1000000000000000001' }))).rejects.toThrow(/application/);
  });
});

describe('components and modals', () => {
  beforeEach(() => start());

  it('GIVEN a button on a sent message WHEN pressed, deferUpdate + editReply THEN type 6 is recorded and the message itself is edited', async () => {
    const client = await login();
    const channel = await quizChannel(client);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('quiz.answer|42|O').setLabel('O').setStyle(ButtonStyle.Primary));
    const sent = await channel.send({ content: 'Q: 청렴 서약은 연 1회?', components: [row] });

    const got = nextInteraction(client);
    await fake.dispatchInteraction(buttonInteraction({ applicationId: APP_ID, guildId: GUILD_ID, channelId: CHANNEL_ID, user: BOB, custom_id: 'quiz.answer|42|O', message: fake.messageById(sent.id)! }));
    const interaction = await got;
    if (!interaction.isButton()) throw new Error('expected a button');
    expect(interaction.customId).toBe('quiz.answer|42|O');
    expect(interaction.message.id).toBe(sent.id);

    await interaction.deferUpdate();
    expect(fake.interactionCallbacks[0]?.body).toEqual({ type: 6 });

    const edited = await interaction.editReply({ content: '정답입니다', components: [] });
    expect(edited.id).toBe(sent.id);
    expect(fake.webhookMessages[0]).toMatchObject({ method: 'PATCH', messageId: '@original', body: { content: '정답입니다', components: [] } });
    expect(fake.messageById(sent.id)).toMatchObject({ content: '정답입니다', components: [] });
  });

  it('GIVEN a button WHEN update() THEN type 7 edits the message in one step', async () => {
    const client = await login();
    const got = nextInteraction(client);
    await fake.dispatchInteraction(buttonInteraction({ applicationId: APP_ID, guildId: GUILD_ID, channelId: CHANNEL_ID, user: BOB, custom_id: 'quiz.answer|1|X' }));
    const interaction = await got;
    if (!interaction.isButton()) throw new Error('expected a button');

    await interaction.update({ content: '오답입니다', components: [] });
    expect(fake.interactionCallbacks[0]?.body).toMatchObject({ type: 7, data: { content: '오답입니다', components: [] } });
    expect(fake.messageById(interaction.message.id)?.content).toBe('오답입니다');
  });

  it('GIVEN a submitted modal WHEN read THEN the text input values are there (label and action-row layouts)', async () => {
    const client = await login();
    for (const layout of ['label', 'actionRow'] as const) {
      const got = nextInteraction(client);
      await fake.dispatchInteraction(modalSubmitInteraction({ applicationId: APP_ID, guildId: GUILD_ID, channelId: CHANNEL_ID, user: ALICE, custom_id: 'pledge.submit', fields: [{ custom_id: 'name', value: '김앨리스' }], layout }));
      const interaction = await got;
      if (!interaction.isModalSubmit()) throw new Error('expected a modal submit');
      expect(interaction.customId).toBe('pledge.submit');
      expect(interaction.fields.getTextInputValue('name')).toBe('김앨리스');
      await interaction.reply({ content: '서약 완료', flags: MessageFlags.Ephemeral });
    }
    expect(fake.interactionCallbacks.map((c) => c.body.type)).toEqual([4, 4]);
  });
});

describe('application commands', () => {
  beforeEach(() => start());

  const body: RESTPutAPIApplicationCommandsJSONBody = [
    {
      name: 'integrity',
      description: 'Integrity practice',
      name_localizations: { ko: '청렴' },
      options: [
        { type: ApplicationCommandOptionType.Subcommand, name: 'quiz', description: "Today's quiz" },
        { type: ApplicationCommandOptionType.Subcommand, name: 'me', description: 'My record' },
      ],
    },
  ];

  it('GIVEN a bulk overwrite of guild commands THEN the body is recorded and commands come back with stable ids', async () => {
    const client = await login();
    const first = (await client.rest.put(Routes.applicationGuildCommands(APP_ID, GUILD_ID), { body })) as APIApplicationCommand[];
    expect(fake.registeredCommands.get(GUILD_ID)).toEqual(body);
    expect(first[0]).toMatchObject({ name: 'integrity', type: 1, application_id: APP_ID, guild_id: GUILD_ID, options: (body[0] as { options: unknown }).options });
    expect(first[0]?.id).toMatch(/^\d{17,19}$/);

    const second = (await client.rest.put(Routes.applicationGuildCommands(APP_ID, GUILD_ID), { body })) as APIApplicationCommand[];
    expect(second[0]?.id).toBe(first[0]?.id);
  });

  it('GIVEN global commands set through discord.js THEN they are recorded under "global"', async () => {
    const client = await login();
    const set = await client.application.commands.set(body);
    expect(set.first()?.name).toBe('integrity');
    expect(fake.registeredCommands.get('global')?.[0]).toMatchObject({ name: 'integrity', description: 'Integrity practice' });
  });

  it('GIVEN an invalid command name THEN Discord-style 50035 Invalid Form Body', async () => {
    const client = await login();
    const put = client.rest.put(Routes.applicationGuildCommands(APP_ID, GUILD_ID), { body: [{ name: 'Integrity Quiz', description: 'x' }] });
    await expect(put).rejects.toMatchObject({ status: 400, code: 50035 });
  });
});

describe('channel messages and DMs', () => {
  beforeEach(() => start({ users: [{ id: '1075292718393196599', username: 'dana.choi', dmsClosed: true }] }));

  it('GIVEN a text channel WHEN send() THEN the fake records the message and returns a full message object', async () => {
    const client = await login();
    const channel = await quizChannel(client);
    const message = await channel.send({ content: '오늘의 퀴즈', embeds: [{ title: 'Q1' }] });
    expect(message.author.id).toBe(APP_ID);
    expect(message.embeds[0]?.title).toBe('Q1');
    expect(fake.channelMessages).toEqual([{ channelId: CHANNEL_ID, messageId: message.id, body: expect.objectContaining({ content: '오늘의 퀴즈' }), files: [] }]);

    const raw = (await client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: 'raw' } })) as APIMessage;
    expect(raw).toMatchObject({ channel_id: CHANNEL_ID, content: 'raw', author: { id: APP_ID, bot: true }, embeds: [], components: [] });
  });

  it('GIVEN a file WHEN sent THEN the multipart upload is parsed: payload_json as the body, the file as an attachment', async () => {
    const client = await login();
    const csv = Buffer.from('부서,참여율\n감사과,92%\n');
    const message = await (await quizChannel(client)).send({ content: '주간 통계', files: [{ attachment: csv, name: 'stats.csv' }] });
    expect(message.attachments.first()?.name).toBe('stats.csv');
    expect(message.attachments.first()?.size).toBe(csv.length);
    expect(fake.requests.at(-1)?.files).toEqual([{ field: 'files[0]', name: 'stats.csv', contentType: expect.any(String), size: csv.length, data: csv }]);
    expect(fake.channelMessages.at(-1)?.body).toMatchObject({ content: '주간 통계', attachments: [{ id: '0' }] });
    expect(fake.channelMessages.at(-1)?.files.map((f) => f.data)).toEqual([csv]);
  });

  it('GIVEN a file over the attachment limit THEN 413 with code 40005, and nothing is posted', async () => {
    await fake.close();
    await start({ attachmentSizeLimit: 1024 });
    const client = await login();
    const posted = fake.channelMessages.length;
    const file = { name: 'big.bin', data: Buffer.alloc(1025) };
    await expect(client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: 'x' }, files: [file] })).rejects.toMatchObject({ status: 413, code: 40005 });
    expect(fake.channelMessages).toHaveLength(posted);
    await client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: 'x' }, files: [{ name: 'ok.bin', data: Buffer.alloc(1024) }] });
    expect(fake.channelMessages.at(-1)?.files.map((f) => f.size)).toEqual([1024]);
  });

  it('GIVEN invalid messages THEN the same errors as Discord: 50006 empty, 50035 too long, 50001 hidden channel', async () => {
    const client = await login();
    await expect(client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: {} })).rejects.toMatchObject({ status: 400, code: 50006 });
    await expect(client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: 'x'.repeat(2001) } })).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(client.rest.post(Routes.channelMessages('1180231712274387119'), { body: { content: 'x' } })).rejects.toMatchObject({ status: 403, code: 50001 });
    await expect(client.rest.get('/nowhere')).rejects.toMatchObject({ status: 404, code: 0, message: '404: Not Found' });
  });

  it('GIVEN the Guild Messages intent THEN the bot hears its own message back as messageCreate', async () => {
    const client = await login({}, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    const heard = once(client, Events.MessageCreate);
    const sent = await (await quizChannel(client)).send('echo');
    const [message] = (await heard) as [{ id: string; author: { id: string } }];
    expect(message.id).toBe(sent.id);
    expect(message.author.id).toBe(APP_ID);
  });

  it('GIVEN a user WHEN DMed THEN the fake opens one stable DM channel and records the message there', async () => {
    const client = await login();
    const dm = await client.users.createDM(ALICE.id);
    const again = await client.users.createDM(ALICE.id, { force: true });
    expect(again.id).toBe(dm.id);

    await client.users.send(ALICE.id, '오늘의 퀴즈가 도착했어요');
    expect(fake.channelMessages.at(-1)).toMatchObject({ channelId: dm.id, body: { content: '오늘의 퀴즈가 도착했어요' } });
    expect(fake.dmChannelId(ALICE.id)).toBe(dm.id);
  });

  it('GIVEN closed DMs THEN the send fails with DiscordAPIError 403 / 50007 (opening the DM still works)', async () => {
    const client = await login();
    const error = await client.users.send('1075292718393196599', 'hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 403, code: 50007, message: 'Cannot send messages to this user', method: 'POST' });
    expect((error as DiscordAPIError).url).toMatch(/\/api\/v10\/channels\/\d+\/messages$/);

    // The same answer can be injected for any user.
    fake.failNext('POST /channels/:id/messages', failures.dmClosed());
    await expect(client.users.send(ALICE.id, 'hi')).rejects.toMatchObject({ status: 403, code: 50007 });
    await expect(client.users.send(ALICE.id, 'hi again')).resolves.toBeDefined();
  });
});

describe('rate limits and server errors', () => {
  beforeEach(() => start());

  it('GIVEN a per-route 429 (retry_after 0.05) THEN @discordjs/rest waits and retries by itself, emitting rateLimited', async () => {
    const client = await login();
    const limited: RateLimitData[] = [];
    client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info));
    fake.failNext('POST /channels/:id/messages', { status: 429, retryAfter: 0.05 });

    const message = await (await quizChannel(client)).send('after a 429');
    expect(message.content).toBe('after a 429');
    expect(fake.requests.filter((r) => r.route === '/channels/:channelId/messages').map((r) => r.status)).toEqual([429, 200]);
    expect(fake.channelMessages).toHaveLength(1);
    // The 429 exhausted the bucket (Remaining 0, Reset-After 0.05), so the retry waits on the
    // bucket reset and announces it through the rateLimited event.
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ global: false, method: 'POST', route: '/channels/:id/messages', majorParameter: CHANNEL_ID });
    expect(limited[0]!.timeToReset).toBeGreaterThan(0);
    expect(limited[0]!.timeToReset).toBeLessThan(1000);
  });

  it('GIVEN a shared-scope 429 THEN it is retried silently; GIVEN a global 429 THEN rateLimited says global', async () => {
    const client = await login();
    const limited: RateLimitData[] = [];
    client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info));
    const channel = await quizChannel(client);

    fake.failNext('POST /channels/:id/messages', failures.rateLimited(0.05, { scope: 'shared', retryAfterHeader: 'exact' }));
    await channel.send('after a shared 429');
    expect(limited).toEqual([]);

    fake.failNext('POST /channels/:id/messages', failures.rateLimited(0.05, { global: true, retryAfterHeader: 'exact' }));
    await channel.send('after a global 429');
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ global: true });
    expect(fake.channelMessages).toHaveLength(2);
    expect(fake.pendingFailures()).toBe(0);
  });

  it('GIVEN rejectOnRateLimit THEN a 429 rejects with RateLimitError (retryAfter from the integer Retry-After header, in ms)', async () => {
    const seen: RateLimitData[] = [];
    const client = await login({ rejectOnRateLimit: (data) => (seen.push(data), true) });
    fake.failNext('POST /channels/:id/messages', failures.rateLimited(0.05));

    const error = await (await quizChannel(client)).send('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const e = error as RateLimitError;
    expect(e).toMatchObject({ global: false, scope: 'user', method: 'POST', route: '/channels/:id/messages' });
    // Retry-After: 1 (Discord rounds up) × 1000 + the default 50 ms offset.
    expect(e.retryAfter).toBe(1050);
    // timeToReset comes from X-RateLimit-Reset-After: 0.05 s, plus the offset twice (once when
    // the reset time is stored, once when the wait is computed): about 150 ms.
    expect(e.timeToReset).toBeGreaterThan(50);
    expect(e.timeToReset).toBeLessThanOrEqual(150);
    expect(seen).toHaveLength(1);
    expect(fake.channelMessages).toHaveLength(0);
  });

  it('GIVEN rejectOnRateLimit and a global 429 THEN RateLimitError.global is true and scope "global"', async () => {
    const client = await login({ rejectOnRateLimit: () => true });
    fake.failNext('POST /users/@me/channels', failures.rateLimited(0.05, { global: true, retryAfterHeader: 'exact' }));
    const error = await client.users.createDM(ALICE.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ global: true, scope: 'global', route: '/users/@me/channels' });
    expect((error as RateLimitError).retryAfter).toBeCloseTo(100);
    const response = fake.requests.find((r) => r.status === 429);
    expect(response?.route).toBe('/users/@me/channels');
  });

  it('GIVEN a 500 THEN rest retries it (retries: 3 by default) and with retries: 0 rejects with HTTPError', async () => {
    const retrying = await login();
    fake.failNext('GET /users/@me', failures.serverError());
    await expect(retrying.rest.get(Routes.user())).resolves.toMatchObject({ id: APP_ID, bot: true });
    expect(fake.requests.filter((r) => r.path === '/users/@me').map((r) => r.status)).toEqual([500, 200]);

    const strict = await login({ retries: 0 });
    fake.failNext('GET /users/@me', failures.serverError());
    const error = await strict.rest.get(Routes.user()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 500 });
  });
});

describe('guild members and roles', () => {
  beforeEach(() => start());

  it('GIVEN four members (three people + the bot) WHEN listed two at a time THEN pages follow user-id order', async () => {
    const client = await login();
    const guild = client.guilds.cache.get(GUILD_ID)!;
    const page1 = await guild.members.list({ limit: 2 });
    const page2 = await guild.members.list({ limit: 2, after: page1.lastKey() });
    const page3 = await guild.members.list({ limit: 2, after: page2.lastKey() });
    const ids = [...page1.keys(), ...page2.keys(), ...page3.keys()];
    expect(ids).toEqual([ALICE.id, BOB.id, CAROL.id, APP_ID].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    expect(page3.size).toBe(0);

    const raw = (await client.rest.get(Routes.guildMembers(GUILD_ID), { query: makeURLSearchParams({ limit: 1000 }) })) as APIGuildMember[];
    expect(raw.find((m) => m.user.id === ALICE.id)?.roles).toEqual([OFFICER_ROLE_ID]);
    await expect(client.rest.get(Routes.guildMembers(GUILD_ID), { query: makeURLSearchParams({ limit: 1001 }) })).rejects.toMatchObject({ code: 50035 });
  });

  it('GIVEN the guild roles THEN @everyone, the managed bot role and configured roles come back', async () => {
    const client = await login();
    const roles = await client.guilds.cache.get(GUILD_ID)!.roles.fetch();
    expect(roles.get(GUILD_ID)?.name).toBe('@everyone');
    expect(roles.get(OFFICER_ROLE_ID)?.permissions.has('Administrator')).toBe(true);
    expect(roles.find((r) => r.managed)?.tags?.botId).toBe(APP_ID);
  });

  it('GIVEN members.fetch() without ids THEN the gateway answers op 8 with GUILD_MEMBERS_CHUNK', async () => {
    const client = await login();
    const members = await client.guilds.cache.get(GUILD_ID)!.members.fetch();
    expect(members.size).toBe(4);
    expect(members.get(BOB.id)?.user.username).toBe('bob.lee');
  });
});
