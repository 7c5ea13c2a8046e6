/** Card → Discord embed and components, against exact JSON; the command payload; interaction parsing. */
import { describe, expect, it } from 'vitest';
import { integrityCommand } from '../../../adapters/discord/commands.js';
import { commandEvent, componentEvent, selectEvent } from '../../../adapters/discord/inbound.js';
import { decodeAction } from '../../../src/ui/actionId.js';
import { DISCORD_BUTTON_LABEL_MAX, DISCORD_BUTTONS_PER_ROW } from '../../../adapters/discord/limits.js';
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
    expect(renderMessage({ text: 'plain' })).toEqual({ content: 'plain', embeds: [], components: [] });
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
    expect(command.options.map((o) => o.name)).toEqual(['quiz', 'me', 'whoami', 'lang', 'dm', 'help', 'status', 'schedule', 'pledge', 'announce', 'letters', 'pulse', 'stats', 'export', 'report']);
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

  it('a button on an ephemeral message behaves as a private conversation; on a channel post it does not', () => {
    expect(componentEvent({ ...facts, ephemeralMessage: true }, 'quiz.answer|1|2026-11-27|0', '5')).toMatchObject({ type: 'action', conversation: { kind: 'dm' }, messageRef: { messageId: '5' } });
    expect(componentEvent(facts, 'quiz.start', '6')).toMatchObject({ conversation: { kind: 'channel' } });
  });

  it('a select menu choice arrives as the last argument of the action', () => {
    const event = selectEvent(facts, 'lang.pick', ['en|x'], '7');
    expect(event.type === 'action' && decodeAction(event.actionId)).toEqual({ name: 'lang.pick', args: ['en|x'] });
  });
});
