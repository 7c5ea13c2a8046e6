import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { buttonsOf, createHarness, textOf, type Harness } from '../support/harness.js';

let h: Harness;
afterEach(async () => h?.close());

async function answers(memberEmployeeNo: string) {
  return h.services.db
    .selectFrom('quiz_answers')
    .innerJoin('members', 'members.id', 'quiz_answers.member_id')
    .select(['quiz_answers.quiz_day', 'quiz_answers.correct', 'quiz_answers.choice_index'])
    .where('members.employee_no', '=', memberEmployeeNo)
    .execute();
}

describe.each(DIALECTS)('%s: daily quiz through the engine', (dialect) => {
  it('GIVEN a member WHEN they take the quiz and press a choice THEN one answer is recorded with explanation and basis', async () => {
    h = await createHarness({ dialect });
    const card = await h.command('1001', 'quiz');
    expect(card.kind).toBe('ephemeral');
    expect(textOf(card)).toContain('오늘의 청렴 퀴즈');
    const choices = buttonsOf(card);
    expect(choices.length).toBeGreaterThanOrEqual(2);

    const result = await h.press('1001', choices[0]!);
    expect(result.kind).toBe('replace');
    const shown = textOf(result);
    expect(shown).toMatch(/정답입니다|오답입니다/);
    expect(shown).toContain('해설');
    expect(shown).toMatch(/근거: .*제\d+조/);
    expect(await answers('1001')).toHaveLength(1);
  });

  it('GIVEN a member who already answered WHEN they click again or ask again THEN nothing is recorded twice', async () => {
    h = await createHarness({ dialect });
    const card = await h.command('1001', 'quiz');
    const [first, second] = buttonsOf(card);
    await h.press('1001', first!);
    const again = await h.press('1001', first!);
    const other = await h.press('1001', second!);
    const ask = await h.command('1001', 'quiz');
    for (const reply of [again, other, ask]) expect(textOf(reply)).toContain('이미 푸셨습니다');
    const rows = await answers('1001');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.choice_index).toBe(0);
  });

  it('GIVEN two clicks arriving at once WHEN both are dispatched concurrently THEN exactly one answer counts', async () => {
    h = await createHarness({ dialect });
    const [choice] = buttonsOf(await h.command('1001', 'quiz'));
    const replies = await Promise.all([h.press('1001', choice!), h.press('1001', choice!), h.press('1001', choice!)]);
    expect(replies.filter((r) => r.kind === 'replace')).toHaveLength(1);
    expect(await answers('1001')).toHaveLength(1);
  });

  it('GIVEN a member asking twice before answering THEN they see the same question', async () => {
    h = await createHarness({ dialect });
    const first = await h.command('1001', 'quiz');
    const second = await h.command('1001', 'quiz');
    expect(buttonsOf(second).map((b) => b.actionId)).toEqual(buttonsOf(first).map((b) => b.actionId));
  });

  it("GIVEN another member's button WHEN pressed THEN it is refused and nothing is recorded", async () => {
    h = await createHarness({ dialect });
    const [theirs] = buttonsOf(await h.command('1001', 'quiz'));
    const reply = await h.press('1002', theirs!);
    expect(reply.kind === 'ephemeral' && reply.error?.code).toBe('quiz.error.not_yours');
    expect(await answers('1002')).toHaveLength(0);
  });

  it('GIVEN a forged action id THEN the member gets a clear error and nothing changes', async () => {
    h = await createHarness({ dialect });
    const reply = await h.press('1001', { actionId: 'quiz.answer|999|2026-11-27|0', label: 'x' });
    expect(reply.kind === 'ephemeral' && reply.error?.code).toBe('quiz.error.not_yours');
    const garbage = await h.press('1001', { actionId: '%%%', label: 'x' });
    expect(garbage.kind === 'ephemeral' && garbage.error?.code).toBe('error.stale_action');
    expect(await answers('1001')).toHaveLength(0);
  });

  it('GIVEN a card from two days ago WHEN pressed THEN the quiz is closed', async () => {
    h = await createHarness({ dialect });
    const [old] = buttonsOf(await h.command('1001', 'quiz'));
    h.clock.advance(3 * 86_400_000);
    const reply = await h.press('1001', old!);
    expect(reply.kind === 'ephemeral' && reply.error?.code).toBe('quiz.error.closed');
  });

  it('GIVEN a channel conversation THEN the result is ephemeral to the answerer, not a replacement', async () => {
    h = await createHarness({ dialect, conversation: 'channel' });
    const [choice] = buttonsOf(await h.command('1001', 'quiz'));
    expect((await h.press('1001', choice!)).kind).toBe('ephemeral');
  });

  it('GIVEN an article number not yet confirmed THEN it is shown with that caveat', async () => {
    const { formatBasis } = await import('../../src/features/quiz/quiz.cards.js');
    const { translator } = await import('../../src/i18n/index.js');
    const laws = { 'code-of-conduct': { ko: '공무원 행동강령', en: 'Code of Conduct' }, 'graft-act': { ko: '청탁금지법', en: 'Graft Act' } };
    const basis = [
      { law: 'graft-act', article: { ko: '제8조', en: 'Art. 8' }, verify: false },
      { law: 'code-of-conduct', article: { ko: '제6조', en: 'Art. 6' }, verify: true },
    ];
    expect(formatBasis(basis, 'ko', { laws, topics: {} }, translator('ko'))).toBe('청탁금지법 제8조 · 공무원 행동강령 제6조 (조문 번호 확인 중)');
    expect(formatBasis(basis, 'en', { laws, topics: {} }, translator('en'))).toBe('Graft Act Art. 8 · Code of Conduct Art. 6 (article number being confirmed)');
  });

  it('GIVEN an English-speaking member THEN the quiz and result are in English', async () => {
    h = await createHarness({ dialect });
    const card = await h.command('1002', 'quiz');
    expect(textOf(card)).toContain("Today's integrity quiz");
    const result = await h.press('1002', buttonsOf(card)[0]!);
    expect(textOf(result)).toMatch(/Correct!|Not quite\./);
    expect(textOf(result)).toMatch(/Legal basis: .*Art\. \d/);
  });

  it('GIVEN answers on consecutive working days WHEN the member asks /integrity me THEN the streak skips the weekend', async () => {
    h = await createHarness({ dialect, start: '2026-11-26T00:30:00Z' }); // Thursday
    for (const instant of ['2026-11-26T00:30:00Z', '2026-11-27T00:30:00Z', '2026-11-30T00:30:00Z']) {
      h.clock.set(instant);
      const [choice] = buttonsOf(await h.command('1001', 'quiz'));
      await h.press('1001', choice!);
    }
    const me = await h.command('1001', 'me');
    expect(textOf(me)).toContain('연속 참여: 3일');
    expect(textOf(me)).toContain('총 참여: 3일');
  });

  it('GIVEN /integrity lang en WHEN the member then asks for help THEN the reply is English; a bad language is refused', async () => {
    h = await createHarness({ dialect });
    expect(textOf(await h.command('1001', 'lang', 'en'))).toContain('Language changed to English');
    expect(textOf(await h.command('1001', 'help'))).toContain("take today's integrity quiz");
    const bad = await h.command('1001', 'lang', 'fr');
    expect(bad.kind === 'ephemeral' && bad.error?.code).toBe('lang.error.usage');
  });

  it('GIVEN an unknown command THEN a localised error names it', async () => {
    h = await createHarness({ dialect });
    const reply = await h.command('1001', 'frobnicate');
    expect(reply.kind === 'ephemeral' && reply.error?.code).toBe('error.unknown_command');
    expect(textOf(reply)).toContain('frobnicate');
  });

  it('GIVEN an unknown employee number on the console THEN it is refused without enrolling anyone', async () => {
    h = await createHarness({ dialect });
    const before = await h.services.db.selectFrom('members').select('id').execute();
    const reply = await h.command('9999', 'whoami');
    expect(reply.kind === 'ephemeral' && reply.error?.code).toBe('error.unknown_employee_no');
    expect(await h.services.db.selectFrom('members').select('id').execute()).toHaveLength(before.length);
  });

  it('GIVEN topic weights focusing on budget execution THEN most members get that topic first', async () => {
    const roster = ['employee_no,name,email,department,roles,locale']
      .concat(Array.from({ length: 40 }, (_, i) => `E${i},Person ${i},,부서,employee,ko`))
      .join('\n');
    h = await createHarness({ dialect, roster, env: { PROBITY_QUIZ_TOPIC_WEIGHTS: 'budget-execution=20,graft-act=1' } });
    let budget = 0;
    for (let i = 0; i < 40; i++) if (textOf(await h.command(`E${i}`, 'quiz')).includes('예산')) budget++;
    // With weight 20 against 2 × 1 the expected share is 20/22 ≈ 0.91.
    expect(budget).toBeGreaterThanOrEqual(30);
  });
});
