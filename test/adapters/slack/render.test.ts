/** Card → Block Kit, against exact JSON, and Slack's limits. */
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, renderMessage, splitText, toMrkdwn, truncate, truncateMrkdwn } from '../../../adapters/slack/render.js';
import { SLACK_BUTTON_TEXT_MAX, SLACK_HEADER_TEXT_MAX, SLACK_MAX_BLOCKS, SLACK_SECTION_TEXT_MAX } from '../../../adapters/slack/limits.js';
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
    // The cut label is read in full above its button.
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `• ${'L'.repeat(200)}` } });
    const second = blocks[1]!;
    const button = second.type === 'actions' ? second.elements[0] : undefined;
    expect(button?.text.text).toHaveLength(SLACK_BUTTON_TEXT_MAX);
    const sections = blocks.filter((b) => b.type === 'section');
    expect(sections).toHaveLength(4);
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

/** A letter whose author typed Slack's control sequences into the title and body. */
const HOSTILE_TITLE = '<!channel> 연말연시 청렴 당부 & <@U123>';
const HOSTILE_BODY = '<!here> 명절 선물은 받지 맙시다.\n**자세히**: <https://evil.example|click>';
const hostileLetter: Message = {
  text: `📢 ${HOSTILE_TITLE}`,
  card: {
    title: `📢 ${HOSTILE_TITLE}`,
    blocks: [
      { type: 'text', text: HOSTILE_BODY },
      { type: 'context', text: '<@U999> · 행정국 & 감사과' },
      { type: 'fields', fields: [{ label: '제목 <b>', value: HOSTILE_TITLE }] },
      { type: 'buttons', buttons: [{ actionId: 'announce.ack|7|done', label: '<!everyone> 확인', disabled: true }] },
    ],
  },
};

describe('Slack render: untrusted text is escaped, only the renderer’s formatting is live', () => {
  it('GIVEN a letter with <!channel>, <@U…>, <!here> and a disguised link WHEN rendered THEN every sequence arrives as inert text (exact JSON)', () => {
    expect(renderMessage(hostileLetter)).toEqual({
      text: '📢 &lt;!channel&gt; 연말연시 청렴 당부 &amp; &lt;@U123&gt;',
      blocks: [
        // plain_text is never parsed by Slack: the header stays as typed.
        { type: 'header', text: { type: 'plain_text', text: `📢 ${HOSTILE_TITLE}`, emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: '&lt;!here&gt; 명절 선물은 받지 맙시다.\n*자세히*: &lt;https://evil.example|click&gt;' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '&lt;@U999&gt; · 행정국 &amp; 감사과' }] },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*제목 &lt;b&gt;*\n&lt;!channel&gt; 연말연시 청렴 당부 &amp; &lt;@U123&gt;' }] },
        { type: 'section', text: { type: 'mrkdwn', text: '&lt;!everyone&gt; 확인' } },
      ],
    });
  });

  it('GIVEN text already holding an entity WHEN rendered THEN its & is escaped too, so it reads exactly as typed', () => {
    expect(toMrkdwn('a &amp; b < c')).toBe('a &amp;amp; b &lt; c');
    expect(escapeMrkdwn('&<>')).toBe('&amp;&lt;&gt;');
  });

  it('GIVEN escaped text at a limit WHEN cut or split THEN no entity is broken in half', () => {
    const cut = truncateMrkdwn(escapeMrkdwn(`${'a'.repeat(8)}&b`), 10);
    expect(cut).toBe(`${'a'.repeat(8)}…`);
    const pieces = splitText(escapeMrkdwn(`${'a'.repeat(8)}<${'b'.repeat(8)}`), 10);
    expect(pieces).toEqual(['a'.repeat(8), `&lt;${'b'.repeat(6)}`, 'bb']);
    for (const piece of pieces) expect(piece).not.toMatch(/&[a-z]*$/);
  });
});

describe('Slack render: lengths in UTF-16 units, as Slack counts them', () => {
  it('GIVEN a header of emoji and Korean one unit over the limit WHEN rendered THEN it is exactly at the limit and no surrogate pair is split', () => {
    // '📜' is two UTF-16 units: 2 + 149 = 151, one over 150.
    const title = `📜${'가'.repeat(SLACK_HEADER_TEXT_MAX - 1)}`;
    const header = renderMessage({ text: 'x', card: { title, blocks: [] } }).blocks[0]!;
    const text = header.type === 'header' ? header.text.text : '';
    expect(text).toHaveLength(SLACK_HEADER_TEXT_MAX);
    expect(text.endsWith('…')).toBe(true);
    // At the limit exactly, nothing is cut.
    const exact = `📜${'가'.repeat(SLACK_HEADER_TEXT_MAX - 2)}`;
    expect(renderMessage({ text: 'x', card: { title: exact, blocks: [] } }).blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: exact, emoji: true } });
  });

  it('GIVEN a cut that would fall between the halves of an emoji WHEN truncated THEN the whole emoji goes', () => {
    // 'ab' + '😀' (2 units) + 'cd': a 4-unit cut keeps 3 units before the mark, which would end mid-emoji.
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('ab😀cd', 5)).toBe('ab😀…');
    expect(truncate('가나다라', 4)).toBe('가나다라');
    expect(truncate('가나다라마', 4)).toBe('가나다…');
    // A 3-unit window holds one emoji and half of the next: pieces break between emoji.
    expect(splitText('😀😀😀', 3)).toEqual(['😀', '😀', '😀']);
    // Narrower than one emoji: each piece is still whole, and the split ends.
    expect(splitText('😀a', 1)).toEqual(['😀', 'a']);
  });
});

describe('Slack render: nothing people must read is lost, nothing empty is sent', () => {
  it('GIVEN a quiz whose choice is longer than a button label WHEN rendered THEN the full choices are listed above the buttons', () => {
    const label = '직무관련자에게서 받은 명절 선물을 즉시 돌려주고 그 사실을 소속 기관의 청탁방지담당관에게 서면으로 신고한다 🎁 (반환 비용은 기관이 부담)';
    expect(label.length).toBeGreaterThan(SLACK_BUTTON_TEXT_MAX);
    const blocks = renderMessage({
      text: 'q',
      card: { blocks: [{ type: 'buttons', buttons: [{ actionId: 'quiz.answer|1|d|0', label }, { actionId: 'quiz.answer|1|d|1', label: '받는다' }] }] },
    }).blocks;
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `• ${label}\n• 받는다` } });
    expect(blocks[1]).toMatchObject({ type: 'actions', elements: [{ text: { text: truncate(label, SLACK_BUTTON_TEXT_MAX) } }, { text: { text: '받는다' } }] });
    // Short labels: no list.
    expect(renderMessage({ text: 'q', card: { blocks: [{ type: 'buttons', buttons: [{ actionId: 'a|1', label: '예' }] }] } }).blocks.map((b) => b.type)).toEqual(['actions']);
  });

  it('GIVEN empty or blank text, context, title, field and image alt WHEN rendered THEN no empty section or context is emitted', () => {
    const blocks = renderMessage({
      text: 'x',
      card: {
        title: ' ',
        blocks: [
          { type: 'text', text: '' },
          { type: 'text', text: '  \n ' },
          { type: 'context', text: '' },
          { type: 'image', png: new Uint8Array(), alt: '' },
          { type: 'fields', fields: [{ label: '', value: '' }, { label: '이름', value: ' ' }] },
        ],
      },
    }).blocks;
    expect(blocks).toEqual([{ type: 'section', fields: [{ type: 'mrkdwn', text: '–' }, { type: 'mrkdwn', text: '*이름*\n–' }] }]);
  });
});
