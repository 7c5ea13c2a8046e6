/** Card → NAVER WORKS contents, checked as the exact JSON the Bot API receives. */
import { describe, expect, it } from 'vitest';
import { renderMessage, splitText } from '../../../adapters/naverworks/render.js';
import { buttons, context, divider, fields, text, type Button } from '../../../src/ui/card.js';

const choice = (n: number, extra: Partial<Button> = {}): Button => ({ actionId: `quiz.answer|7|${n}`, label: `선택지 ${n}`, ...extra });

describe('NAVER WORKS render', () => {
  it('GIVEN a message without a card THEN it is one text content, markdown marks removed', () => {
    expect(renderMessage({ text: '**오늘의** 퀴즈가 `준비`되었습니다\n- 하나' })).toEqual([{ type: 'text', text: '오늘의 퀴즈가 준비되었습니다\n• 하나' }]);
  });

  it('GIVEN a card with buttons THEN it is one button template: the card as plain text, one message action per button with the action id as postback', () => {
    const rendered = renderMessage({
      text: '오늘의 청렴 퀴즈',
      card: { title: '오늘의 청렴 퀴즈', blocks: [text('공직자가 받을 수 있는 **음식물** 가액은?'), fields([{ label: '주제', value: '청탁금지법' }]), divider(), context('하루 한 문제'), buttons([choice(1), choice(2)])] },
    });
    expect(rendered).toEqual([
      {
        type: 'button_template',
        contentText: '[오늘의 청렴 퀴즈]\n\n공직자가 받을 수 있는 음식물 가액은?\n\n주제: 청탁금지법\n\n──────────\n\n하루 한 문제',
        actions: [
          { type: 'message', label: '선택지 1', text: '선택지 1', postback: 'quiz.answer|7|1' },
          { type: 'message', label: '선택지 2', text: '선택지 2', postback: 'quiz.answer|7|2' },
        ],
      },
    ]);
  });

  it('GIVEN an answered card (disabled buttons) THEN its choices are listed in the text, the chosen one marked, and no template is sent', () => {
    const rendered = renderMessage({ text: '정답입니다', card: { blocks: [text('정답입니다'), buttons([choice(1, { disabled: true, style: 'primary' }), choice(2, { disabled: true })])] } });
    expect(rendered).toEqual([{ type: 'text', text: '정답입니다\n\n✔ 선택지 1\n· 선택지 2' }]);
  });

  it('GIVEN a label over 20 characters THEN it is cut to 20 with "…"; the text it sends keeps the whole label', () => {
    const long = '가'.repeat(25);
    const [content] = renderMessage({ text: 'q', card: { blocks: [text('q'), buttons([{ actionId: 'a', label: long }])] } });
    expect(content).toMatchObject({ actions: [{ label: `${'가'.repeat(19)}…`, text: long }] });
  });

  it('GIVEN more than 10 buttons THEN they continue in a second template of their own', () => {
    const many = Array.from({ length: 12 }, (_, i) => choice(i + 1));
    const rendered = renderMessage({ text: 'q', card: { blocks: [text('질문'), buttons(many)] } });
    expect(rendered.map((c) => (c.type === 'button_template' ? [c.contentText, c.actions.length] : c.type))).toEqual([
      ['질문', 10],
      ['…', 2],
    ]);
  });

  it('GIVEN a card whose text is over the template\'s 1,000 characters THEN the text goes first and the buttons follow under the notification line', () => {
    const body = '가'.repeat(1500);
    const rendered = renderMessage({ text: '청렴 서한', card: { blocks: [text(body), buttons([{ actionId: 'announce.ack|3', label: '확인했습니다' }])] } });
    expect(rendered).toEqual([
      { type: 'text', text: body },
      { type: 'button_template', contentText: '청렴 서한', actions: [{ type: 'message', label: '확인했습니다', text: '확인했습니다', postback: 'announce.ack|3' }] },
    ]);
  });

  it('GIVEN a text over 2,000 characters THEN it is split at line breaks into pieces within the limit, at most four', () => {
    const line = `${'나'.repeat(999)}\n`;
    const pieces = splitText(line.repeat(5), 2000, 4);
    expect(pieces.length).toBe(3);
    expect(pieces.every((p) => [...p].length <= 2000)).toBe(true);
    expect(pieces.join('\n').replace(/\n+$/, '')).toBe(line.repeat(5).replace(/\n+$/, ''));
    const capped = splitText('다'.repeat(20_000), 2000, 4);
    expect(capped).toHaveLength(4);
    expect(capped[3]!.endsWith('…')).toBe(true);
  });
});
