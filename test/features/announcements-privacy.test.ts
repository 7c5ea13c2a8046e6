/** A letter's status hides small departments by the statistics' rule, whoever follows it (issue 11). */
import { afterEach, describe, expect, it } from 'vitest';
import { composers } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { cardButtons } from '../../src/ui/card.js';
import { DIALECTS } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { buttonsOf, createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

let h: Harness;
afterEach(async () => h?.close());

/** 본부 (manager 1000) with 가과 (6), 나과 (7), 다과 (2) and 라과 (1). */
function roster(): string {
  const rows = ['employee_no,name,email,department,roles,locale', '1000,본부장,m@city.example,본부,manager,ko', '9000,감사관,hr@city.example,본부,hr,ko'];
  const add = (department: string, count: number, from: number) => {
    for (let i = 0; i < count; i++) rows.push(`${from + i},직원${from + i},p${from + i}@city.example,${department},employee,ko`);
  };
  add('본부/가과', 6, 1100);
  add('본부/나과', 7, 1200);
  add('본부/다과', 2, 1300);
  add('본부/라과', 1, 1400);
  return rows.join('\n');
}

describe.each(DIALECTS)('%s: letter status for its author and hr', (dialect) => {
  it('GIVEN departments of 6, 7, 2 and 1 THEN status hides the cells the statistics hide, for the author and hr alike', async () => {
    h = await createHarness({ dialect, roster: roster(), contentDirs: [SHIPPED_CONTENT] });
    for (const line of roster().split('\n').slice(1)) await h.command(line.split(',')[0]!, 'whoami');
    const form = await h.command('1000', 'announce');
    if (form.kind !== 'form') throw new Error('expected a form');
    const preview = await h.submit('1000', form.form.id, { title: '당부', body: '본문', audience: '본부', ack: '예', send: '지금' });
    await h.press('1000', buttonsOf(preview)[0]!);
    const port = new FakePort();
    await new Dispatcher(h.services, [port], { composers, sleep: async () => undefined }).drainDue();
    // 라과's one person and one of 다과 acknowledge.
    for (const no of ['1400', '1300']) {
      const card = port.sent.find((m) => m.recipient.kind === 'user' && m.recipient.userId === no)!.message.card;
      await h.press(no, cardButtons(card)[0]!);
    }
    for (const viewer of ['1000', '9000']) {
      const status = textOf(await h.command(viewer, 'announce', 'status', '1'));
      expect(status, viewer).toContain('확인: 2/18 (11.1%)');
      // 본부's own two, 다과 (2) and 라과 (1) are each below 5 and hidden; together they are five.
      expect(status, viewer).toContain(['- 본부: 2명 · 소집단 비공개', '- 본부/가과: 0/6 (0%)', '- 본부/나과: 0/7 (0%)', '- 본부/다과: 2명 · 소집단 비공개', '- 본부/라과: 1명 · 소집단 비공개'].join('\n'));
      expect(status, viewer).not.toContain('1/1');
    }
    // The same letter in the statistics of each department: hidden exactly where status hides it.
    const inStats = async (department: string) => textOf(await h.command('9000', 'stats', 'month', department));
    expect(await inStats('본부/라과')).toContain('- #1 당부: 비공개');
    expect(await inStats('본부/다과')).toContain('- #1 당부: 비공개');
    expect(await inStats('본부/가과')).toContain('- #1 당부: 0%');
    expect(await inStats('본부/나과')).toContain('- #1 당부: 0%');
    expect(await inStats('본부')).toContain('- #1 당부: 11.1%');
  });
});
