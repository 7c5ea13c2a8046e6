/** Card → Block Kit, against exact JSON, and Slack's limits. */
import { describe, expect, it } from 'vitest';
import { renderMessage, splitText, toMrkdwn, truncate } from '../../../adapters/slack/render.js';
import { SLACK_BUTTON_TEXT_MAX, SLACK_MAX_BLOCKS, SLACK_SECTION_TEXT_MAX } from '../../../adapters/slack/limits.js';
import type { Message } from '../../../src/ui/card.js';

describe('Slack render', () => {
  it('renders a quiz card to exact Block Kit', () => {
    const message: Message = {
      text: '오늘의 청렴 퀴즈: 식사 한도는?',
      card: {
        title: '오늘의 청렴 퀴즈',
        blocks: [
          { type: 'text', text: '식사 한도는?' },
          { type: 'buttons', buttons: [{ actionId: 'quiz.answer|1|2026-11-27|0', label: '3만원' }, { actionId: 'quiz.answer|1|2026-11-27|1', label: '5만원', style: 'primary' }] },
          { type: 'context', text: '주제: 청탁금지법 · 난이도: 쉬움' },
        ],
      },
    };
    expect(renderMessage(message)).toEqual({
      text: '오늘의 청렴 퀴즈: 식사 한도는?',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '오늘의 청렴 퀴즈', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: '식사 한도는?' } },
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'quiz.answer|1|2026-11-27|0', text: { type: 'plain_text', text: '3만원', emoji: true } },
            { type: 'button', action_id: 'quiz.answer|1|2026-11-27|1', text: { type: 'plain_text', text: '5만원', emoji: true }, style: 'primary' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '주제: 청탁금지법 · 난이도: 쉬움' }] },
      ],
    });
  });

  it('renders an answered card: disabled buttons become a list, fields a section, bold becomes Slack bold', () => {
    const message: Message = {
      text: 'done',
      card: {
        blocks: [
          { type: 'buttons', buttons: [{ actionId: 'a|1', label: '✓ 5만원', style: 'primary', disabled: true }, { actionId: 'a|2', label: '✗ 3만원', style: 'danger', disabled: true }] },
          { type: 'text', text: '**해설**\n- 하나' },
          { type: 'fields', fields: [{ label: '정답', value: '5만원' }] },
          { type: 'divider' },
        ],
      },
    };
    expect(renderMessage(message).blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*✓ 5만원*\n✗ 3만원' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*해설*\n• 하나' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*정답*\n5만원' }] },
      { type: 'divider' },
    ]);
  });

  it('keeps to Slack limits: long button labels cut, long text split, at most 50 blocks', () => {
    const long = '가'.repeat(SLACK_SECTION_TEXT_MAX * 2 + 10);
    const message: Message = {
      text: 'x',
      card: {
        blocks: [
          { type: 'buttons', buttons: [{ actionId: 'a|1', label: 'L'.repeat(200) }] },
          { type: 'text', text: long },
          ...Array.from({ length: 60 }, () => ({ type: 'divider' as const })),
        ],
      },
    };
    const blocks = renderMessage(message).blocks;
    expect(blocks).toHaveLength(SLACK_MAX_BLOCKS);
    const first = blocks[0]!;
    const button = first.type === 'actions' ? first.elements[0] : undefined;
    expect([...(button?.text.text ?? '')]).toHaveLength(SLACK_BUTTON_TEXT_MAX);
    const sections = blocks.filter((b) => b.type === 'section');
    expect(sections).toHaveLength(3);
    for (const s of sections) expect([...(s.type === 'section' ? s.text!.text : '')].length).toBeLessThanOrEqual(SLACK_SECTION_TEXT_MAX);
    expect(blocks[SLACK_MAX_BLOCKS - 1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…' }] });
  });

  it('helpers: truncate marks the cut, splitText prefers line breaks, toMrkdwn converts bold and bullets', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(splitText('aaaa\nbbbb\ncc', 10)).toEqual(['aaaa\nbbbb', 'cc']);
    expect(toMrkdwn('**a** and **b**\n- x')).toBe('*a* and *b*\n• x');
  });
});
