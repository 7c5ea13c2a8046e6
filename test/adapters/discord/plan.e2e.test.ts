/**
 * The integrity plan on Discord end to end (issue 15): a real discord.js Client against the fake
 * gateway and REST API. `/integrity plan` with action checkin, a task and a status opens the check-in
 * modal; with the progress and a note too it records at once; a status button on the check-in card,
 * which Discord answers by deferring (so no modal), shows the fallback naming that command.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/app.js';
import type { DiscordConfig } from '../../../src/config.js';
import { checkPlan, loadPlan } from '../../../src/features/plan/plan.repository.js';
import { decodeAction } from '../../../src/ui/actionId.js';
import { startFakeDiscord, type FakeDiscord } from '../../support/discord/fakeDiscord.js';
import { buttonInteraction, chatInputInteraction } from '../../support/discord/payloads.js';
import { createHarness, type Harness } from '../../support/harness.js';
import { waitFor } from '../../support/wait.js';

const APP = '910000000000000001';
const GUILD = '910000000000000002';
const CHANNEL = '910000000000000003';
const PARK = { id: '910000000000000021', username: 'park', global_name: '박과장' };
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const ROSTER = `employee_no,name,email,department,roles,locale,discord_id
2001,박과장,park@city.example,행정국,manager,ko,${PARK.id}`;
const PLAN = `id: p
year: 2026
title: { ko: 계획, en: Plan }
items:
  - { id: S1, title: { ko: 전략, en: Strategy } }
  - { id: S1-1, parent: S1, title: { ko: 핵심, en: Core } }
  - { id: T1, parent: S1-1, title: { ko: 세부과제, en: Task }, owner: 행정국, due: 2026-12-31 }
`;

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
  fake = await startFakeDiscord({ applicationId: APP, guilds: [{ id: GUILD, name: '시청', channels: [{ id: CHANNEL, name: '일반' }], members: [{ user: PARK }] }], interactionResponseDeadlineMs: 3_000 });
  const env = { DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: APP, DISCORD_GUILD_ID: GUILD, DISCORD_API_URL: fake.apiUrl };
  h = await createHarness({ start: KST('2026-11-27', '09:30'), roster: ROSTER, env });
  await loadPlan(h.services.db, (await checkPlan(h.services.db, PLAN)).plan!, h.clock.now().toISOString());
  discord = createDiscordAdapter(h.engine, h.services, h.services.config.discord as DiscordConfig);
  await discord.start();
}

async function plan(options: Record<string, string>): Promise<{ id: string; token: string }> {
  const payload = chatInputInteraction({
    applicationId: APP,
    guildId: GUILD,
    channelId: CHANNEL,
    user: PARK,
    name: 'integrity',
    options: [{ type: 1, name: 'plan', options: Object.entries(options).map(([name, value]) => ({ type: 3, name, value })) }],
  });
  await fake.dispatchInteraction(payload);
  return { id: payload.id, token: payload.token };
}

const callbackOf = (interaction: { id: string }) => waitFor(() => fake.interactionCallbacks.find((c) => c.interactionId === interaction.id));
const editOf = (interaction: { token: string }) => waitFor(() => fake.webhookMessages.find((m) => m.method === 'PATCH' && m.path.includes(`/${interaction.token}/`)));
const textIn = (body: unknown) => JSON.stringify(body);

describe('Discord adapter: the integrity plan', () => {
  it('GIVEN /integrity plan with action checkin THEN the modal opens; with the progress and a note the check-in is recorded; a card button shows the command', async () => {
    await start();
    const opened = (await callbackOf(await plan({ action: 'checkin', target: 'T1', state: 'at_risk' }))).body as { type: number; data?: { custom_id: string } };
    expect(opened.type).toBe(9);
    expect(decodeAction(opened.data!.custom_id)?.name).toBe('plan.checkin');

    const card = await plan({ action: 'checkin' });
    const cardBody = (await editOf(card)).body as { components?: { components: { custom_id: string }[] }[] };
    const button = cardBody.components![0]!.components[1]!;
    const press = buttonInteraction({ applicationId: APP, guildId: GUILD, channelId: CHANNEL, user: PARK, custom_id: button.custom_id });
    await fake.dispatchInteraction(press);
    expect(textIn((await editOf(press)).body)).toContain('/integrity plan checkin T1 위험 <진행률> [메모]');

    const recorded = await plan({ action: 'checkin', target: 'T1', state: 'at_risk', progress: '40', note: '강사 섭외 중' });
    expect(textIn((await editOf(recorded)).body)).toContain('T1 2026-11 점검을 기록했습니다: 위험 40%');
    const rows = await h.services.db.selectFrom('plan_checkins').select(['status', 'progress', 'note']).execute();
    expect(rows).toEqual([{ status: 'at_risk', progress: 40, note: '강사 섭외 중' }]);
  });
});
