/** Card → Discord embed and components, against exact JSON; the command payload; interaction parsing. */
import { describe, expect, it } from 'vitest';
import { integrityCommand } from '../../../adapters/discord/commands.js';
import { commandEvent, componentEvent, selectEvent } from '../../../adapters/discord/inbound.js';
import { decodeAction } from '../../../src/ui/actionId.js';
import { DISCORD_BUTTON_LABEL_MAX, DISCORD_BUTTONS_PER_ROW, DISCORD_EMBED_DESCRIPTION_MAX, DISCORD_EMBED_FIELDS_MAX, DISCORD_EMBED_TITLE_MAX, DISCORD_EMBED_TOTAL_MAX, DISCORD_FIELD_VALUE_MAX } from '../../../adapters/discord/limits.js';
import { EMBED_COLOUR, renderMessage } from '../../../adapters/discord/render.js';
import type { Message } from '../../../src/ui/card.js';

const quiz: Message = {
  text: '오늘의 청렴 퀴즈: 식사 한도는?',
  card: {
    title: '오늘의 청렴 퀴즈',
    blocks: [
      { type: 'text', text: '식사 한도는?' },
      { type: 'buttons', buttons: [{ actionId: 'quiz.answer|1|2026-11-27|0', label: '3만원' }, { actionId: 'quiz.answer|1|2026-11-27|1', label: '5만원', style: 'primary', disabled: true }] },
      { type: 'fields', fields: [{ label: '정답', value: '5만원' }] },
      { type: 'context', text: '주제: 청탁금지법' },
    ],
  },
};

describe('Discord render', () => {
  it('renders a card to an exact embed and action row (ephemeral reply: no content)', () => {
    expect(renderMessage(quiz)).toEqual({
      embeds: [{ color: EMBED_COLOUR, title: '오늘의 청렴 퀴즈', description: '식사 한도는?\n\n-# 주제: 청탁금지법', fields: [{ name: '정답', value: '5만원', inline: true }] }],
      allowed_mentions: { parse: [] },
      components: [
        {
          type: 1,
          components: [
            { type: 2, custom_id: 'quiz.answer|1|2026-11-27|0', label: '3만원', style: 2 },
            { type: 2, custom_id: 'quiz.answer|1|2026-11-27|1', label: '5만원', style: 1, disabled: true },
          ],
        },
      ],
    });
  });

  it('a post carries the notification text as content; at most 5 buttons a row, labels cut at 80', () => {
    const many: Message = { text: 'x', card: { blocks: [{ type: 'buttons', buttons: Array.from({ length: 12 }, (_, i) => ({ actionId: `a|${i}`, label: 'L'.repeat(100) })) }] } };
    const rendered = renderMessage(many, { withContent: true });
    expect(rendered.content).toBe('x');
    expect(rendered.components.map((r) => r.components.length)).toEqual([DISCORD_BUTTONS_PER_ROW, DISCORD_BUTTONS_PER_ROW, 2]);
    expect([...rendered.components[0]!.components[0]!.label!]).toHaveLength(DISCORD_BUTTON_LABEL_MAX);
    expect(renderMessage({ text: 'plain' })).toEqual({ content: 'plain', embeds: [], components: [], allowed_mentions: { parse: [] } });
  });

  it('refuses a custom_id over 100 characters rather than have Discord reject the message', () => {
    expect(() => renderMessage({ text: 'x', card: { blocks: [{ type: 'buttons', buttons: [{ actionId: 'a'.repeat(101), label: 'x' }] }] } })).toThrow(/custom_id/);
  });
});

describe('Discord /integrity command', () => {
  it('has every subcommand with a Korean name and description', () => {
    const [command] = integrityCommand() as unknown as [{ name: string; name_localizations: Record<string, string>; options: { name: string; name_localizations: Record<string, string>; description_localizations: Record<string, string>; description: string }[] }];
    expect(command.name).toBe('integrity');
    expect(command.name_localizations.ko).toBe('청렴');
    expect(command.options.map((o) => o.name)).toEqual(['quiz', 'me', 'whoami', 'lang', 'dm', 'help', 'status', 'schedule', 'pledge', 'announce', 'letters', 'pulse', 'plan', 'stats', 'training', 'export', 'report', 'dashboard']);
    for (const option of command.options) {
      expect(option.name_localizations['ko']).toMatch(/^[\p{L}\p{N}_-]{1,32}$/u);
      expect(option.description.length).toBeLessThanOrEqual(100);
      expect(option.description_localizations['ko']!.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('Discord inbound', () => {
  const facts = { guildId: '900000000000000001', channelId: '900000000000000002', user: { id: '900000000000000003', username: 'kim', globalName: '김청렴' } };

  it('a subcommand with options becomes a command with ordered arguments', () => {
    expect(commandEvent(facts, 'schedule', { name: 'daily-quiz', action: 'pause' })).toEqual({
      type: 'command',
      name: 'schedule',
      args: ['pause', 'daily-quiz'],
      platform: 'discord',
      actor: { platform: 'discord', workspace: 'discord', userId: '900000000000000003', displayName: '김청렴' },
      conversation: { id: '900000000000000002', kind: 'channel' },
    });
  });

  it('GIVEN the plan subcommand WHEN an owner checks in or an officer asks for the plan report THEN the core gets the same arguments as on every other platform', () => {
    expect(commandEvent(facts, 'plan', { state: 'at_risk', target: 'S1-1-1', action: 'checkin' })).toMatchObject({ name: 'plan', args: ['checkin', 'S1-1-1', 'at_risk'] });
    expect(commandEvent(facts, 'plan', { note: '강사 섭외 중', progress: '40', state: 'at_risk', target: 'S1-1-1', action: 'checkin' })).toMatchObject({ args: ['checkin', 'S1-1-1', 'at_risk', '40', '강사 섭외 중'] });
    expect(commandEvent(facts, 'plan', { action: 'status', target: '경제국/투자유치과' })).toMatchObject({ args: ['status', '경제국/투자유치과'] });
    expect(commandEvent(facts, 'report', { kind: 'plan' })).toMatchObject({ name: 'report', args: ['plan'] });
    // The training duty, a campaign's effect and a mandatory letter are reached from Discord too.
    expect(commandEvent(facts, 'stats', { department: '행정국', period: '2026', view: 'training' })).toMatchObject({ name: 'stats', args: ['training', '2026', '행정국'] });
    expect(commandEvent(facts, 'stats', { period: 'month' })).toMatchObject({ name: 'stats', args: ['month'] });
    expect(commandEvent(facts, 'training', {})).toMatchObject({ name: 'training', args: [] });
    expect(commandEvent(facts, 'report', { campaign: 'letter:3', kind: 'effect' })).toMatchObject({ name: 'report', args: ['effect', 'letter:3'] });
    expect(commandEvent(facts, 'announce', { action: 'mandatory' })).toMatchObject({ name: 'announce', args: ['mandatory'] });
    const [command] = integrityCommand() as unknown as [{ options: { name: string; options: { name: string; required: boolean; choices?: { value: string }[] }[] }[] }];
    const plan = command.options.find((o) => o.name === 'plan')!;
    expect(plan.options.find((o) => o.name === 'state')!.choices!.map((c) => c.value)).toEqual(['on_track', 'at_risk', 'late', 'done']);
    const report = command.options.find((o) => o.name === 'report')!;
    expect(report.options.find((o) => o.name === 'kind')!.choices!.map((c) => c.value)).toContain('plan');
    expect(report.options.find((o) => o.name === 'year')!.required).toBe(false);
  });

  it('a button on an ephemeral message behaves as a private conversation; on a channel post it does not', () => {
    expect(componentEvent({ ...facts, ephemeralMessage: true }, 'quiz.answer|1|2026-11-27|0', '5')).toMatchObject({ type: 'action', conversation: { kind: 'dm' }, messageRef: { messageId: '5' } });
    expect(componentEvent(facts, 'quiz.start', '6')).toMatchObject({ conversation: { kind: 'channel' } });
  });

  it('a select menu choice arrives as the last argument of the action', () => {
    const event = selectEvent(facts, 'lang.pick', ['en|x'], '7');
    expect(event.type === 'action' && decodeAction(event.actionId)).toEqual({ name: 'lang.pick', args: ['en|x'] });
  });
});

const total = (embeds: readonly { title?: string; description?: string; fields?: { name: string; value: string }[] }[]) =>
  embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0), 0);

describe('Discord render: mentions never ping', () => {
  it('GIVEN a letter titled with @everyone, <@…> and a link WHEN rendered THEN the text is kept and allowed_mentions parses nothing (exact JSON)', () => {
    const title = '<!channel> 연말연시 청렴 당부 & <@U123> @everyone';
    const rendered = renderMessage(
      { text: `📢 ${title}`, card: { title: `📢 ${title}`, blocks: [{ type: 'text', text: '@here <@&910000000000000099> <https://evil.example|click>' }] } },
      { withContent: true },
    );
    expect(rendered).toEqual({
      content: `📢 ${title}`,
      embeds: [{ color: EMBED_COLOUR, title: `📢 ${title}`, description: '@here <@&910000000000000099> <https://evil.example|click>' }],
      components: [],
      allowed_mentions: { parse: [] },
    });
  });
});

describe('Discord render: limits as Discord counts them, nothing silently lost', () => {
  it('GIVEN a title of an emoji and Korean one UTF-16 unit over 256 WHEN rendered THEN it is exactly 256 and ends with the cut mark', () => {
    const title = `📢${'가'.repeat(DISCORD_EMBED_TITLE_MAX - 1)}`;
    expect(title.length).toBe(DISCORD_EMBED_TITLE_MAX + 1);
    const embed = renderMessage({ text: 'x', card: { title, blocks: [] } }).embeds[0]!;
    expect(embed.title).toHaveLength(DISCORD_EMBED_TITLE_MAX);
    expect(embed.title!.endsWith('가…')).toBe(true);
    const exact = title.slice(0, -1);
    expect(renderMessage({ text: 'x', card: { title: exact, blocks: [] } }).embeds[0]!.title).toBe(exact);
  });

  it('GIVEN a pledge text longer than one embed WHEN rendered THEN it continues in a second embed, whole, within the 6,000 total', () => {
    const paragraph = '나는 공직자로서 청렴을 생활의 기준으로 삼겠습니다. '.repeat(20).trim();
    const pledgeText = Array.from({ length: 8 }, () => paragraph).join('\n');
    expect(pledgeText.length).toBeGreaterThan(DISCORD_EMBED_DESCRIPTION_MAX);
    const rendered = renderMessage({
      text: 'pledge',
      card: { title: '📜 청렴 서약', blocks: [{ type: 'text', text: pledgeText }, { type: 'buttons', buttons: [{ actionId: 'pledge.sign|1|ko', label: '서명합니다', style: 'primary' }] }] },
    });
    expect(rendered.embeds).toHaveLength(2);
    expect(rendered.embeds[0]!.title).toBe('📜 청렴 서약');
    expect(rendered.embeds[1]!.title).toBeUndefined();
    for (const e of rendered.embeds) expect(e.description!.length).toBeLessThanOrEqual(DISCORD_EMBED_DESCRIPTION_MAX);
    // Split at a line break: joined again, nothing is missing.
    expect(rendered.embeds.map((e) => e.description).join('\n')).toBe(pledgeText);
    expect(total(rendered.embeds)).toBeLessThanOrEqual(DISCORD_EMBED_TOTAL_MAX);
  });

  it('GIVEN fields whose text exceeds the 6,000 total WHEN rendered THEN the total guard counts them and the fields that find no room are listed in the text', () => {
    const fieldsOf = Array.from({ length: 25 }, (_, i) => ({ label: `부서 ${i + 1}`, value: '가'.repeat(DISCORD_FIELD_VALUE_MAX) }));
    const rendered = renderMessage({ text: 'x', card: { title: '통계', blocks: [{ type: 'text', text: '본문' }, { type: 'fields', fields: fieldsOf }] } });
    expect(total(rendered.embeds)).toBeLessThanOrEqual(DISCORD_EMBED_TOTAL_MAX);
    const shown = rendered.embeds.flatMap((e) => e.fields ?? []);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(25);
    // The first field left out is named in the description rather than dropped without a word.
    expect(rendered.embeds.map((e) => e.description ?? '').join('\n')).toContain(`**부서 ${shown.length + 1}**`);
  });

  it('GIVEN more than 25 fields WHEN rendered THEN they continue on further embeds, 25 each', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ label: `항목 ${i + 1}`, value: String(i) }));
    const rendered = renderMessage({ text: 'x', card: { title: '목록', blocks: [{ type: 'fields', fields: many }] } });
    expect(rendered.embeds.map((e) => e.fields?.length)).toEqual([DISCORD_EMBED_FIELDS_MAX, 5]);
  });

  it('GIVEN more than 25 buttons WHEN rendered THEN 25 are shown and the rest are named under the card', () => {
    const many = Array.from({ length: 27 }, (_, i) => ({ actionId: `a|${i}`, label: `선택 ${i + 1}` }));
    const rendered = renderMessage({ text: 'x', card: { title: '선택', blocks: [{ type: 'buttons', buttons: many }] } });
    expect(rendered.components.flatMap((r) => r.components)).toHaveLength(25);
    expect(rendered.embeds[0]!.description).toBe('-# … 선택 26 · 선택 27');
  });

  it('GIVEN a quiz choice longer than a button label WHEN rendered THEN the full choices are listed in the embed', () => {
    const label = '직무관련자에게서 받은 명절 선물을 즉시 돌려주고 그 사실을 소속 기관의 청탁방지담당관에게 서면으로 신고한다 🎁🎁 (반환 비용은 기관이 부담합니다)';
    expect(label.length).toBeGreaterThan(DISCORD_BUTTON_LABEL_MAX);
    const rendered = renderMessage({ text: 'q', card: { title: '퀴즈', blocks: [{ type: 'text', text: '어떻게 하나요?' }, { type: 'buttons', buttons: [{ actionId: 'q|0', label }, { actionId: 'q|1', label: '받는다' }] }] } });
    expect(rendered.embeds[0]!.description).toBe(`어떻게 하나요?\n\n- ${label}\n- 받는다`);
    expect(rendered.components[0]!.components[0]!.label).toHaveLength(DISCORD_BUTTON_LABEL_MAX);
  });

  it('GIVEN an empty field label or value, empty texts and no title WHEN rendered THEN no field name is empty and no empty embed is sent', () => {
    const rendered = renderMessage({ text: '알림', card: { blocks: [{ type: 'text', text: ' ' }, { type: 'fields', fields: [{ label: '', value: '' }] }] } });
    expect(rendered.embeds).toEqual([{ color: EMBED_COLOUR, fields: [{ name: '\u200b', value: '–', inline: true }] }]);
    // A card with nothing to show in an embed: the text stands in.
    expect(renderMessage({ text: '알림', card: { blocks: [{ type: 'context', text: '' }] } })).toEqual({ content: '알림', embeds: [], components: [], allowed_mentions: { parse: [] } });
  });
});
