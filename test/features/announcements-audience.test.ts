/**
 * A letter's audience (issue 11): the roster members it was addressed to when sent. Someone whose
 * delivery failed (no chat account then) is still in it: they acknowledge from `letters`, reminders
 * reach them once they have an account, and every figure — announce list, announce status, the
 * export, the annual report, stats — counts acknowledgement over the same audience, with failed
 * deliveries beside it. Letters without acknowledgement are counted as sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { composers } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Reply } from '../../src/engine/reply.js';
import { cardButtons, type Button } from '../../src/ui/card.js';
import { DIALECTS, type DialectName } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { buttonsOf, createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);
const filesOf = (reply: Reply) => (reply.kind === 'ephemeral' || reply.kind === 'post' || reply.kind === 'replace' ? (reply.message.files ?? []) : []);
const csvRows = (data: Uint8Array) =>
  new TextDecoder()
    .decode(data)
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .map((line) => line.split(','));

/** 총무과 has six people, so its figures are shown at the minimum group size of 5. */
const ROSTER = [
  'employee_no,name,email,department,roles,locale',
  '1001,김하나,a@city.example,행정국/총무과,employee,ko',
  '1002,이둘,b@city.example,행정국/총무과,employee,ko',
  '1003,박셋,c@city.example,행정국/총무과,employee,ko',
  '1004,최넷,d@city.example,행정국/총무과,manager,ko',
  '1005,정다섯,e@city.example,행정국/총무과,employee,ko',
  '1006,한여섯,f@city.example,행정국/총무과,employee,ko',
  '3001,최담당,hr@city.example,행정국/감사과,hr,ko',
].join('\n');
const SECTION = ['1001', '1002', '1003', '1004', '1005', '1006'];

let h: Harness;
afterEach(async () => {
  const current = h;
  h = undefined as unknown as Harness;
  await current?.close();
});

async function harness(dialect: DialectName) {
  h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-11-27', '09:30') });
  return h;
}

/** The manager 1004 writes to 총무과 and sends; returns the letter's id. */
async function sendLetter(values: Record<string, string> = {}): Promise<number> {
  const form = await h.command('1004', 'announce');
  if (form.kind !== 'form') throw new Error('expected a form');
  const preview = await h.submit('1004', form.form.id, { title: '연말 당부', body: '청렴한 연말을 부탁드립니다.', audience: '행정국/총무과', ack: '예', send: '지금', ...values });
  expect(errorOf(preview), textOf(preview)).toBeUndefined();
  const sent = await h.press('1004', buttonsOf(preview)[0]!);
  expect(errorOf(sent), textOf(sent)).toBeUndefined();
  return (await h.services.db.selectFrom('announcements').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
}

const drain = (port: FakePort) => new Dispatcher(h.services, [port], { composers, sleep: async () => undefined }).drainDue();
const ackButtonIn = (reply: Reply): Button => buttonsOf(reply).find((b) => b.actionId.startsWith('announce.ack|'))!;

async function acknowledgedBy(): Promise<string[]> {
  const rows = await h.services.db.selectFrom('acknowledgements').innerJoin('members', 'members.id', 'acknowledgements.member_id').select('members.employee_no').orderBy('members.employee_no').execute();
  return rows.map((r) => r.employee_no!);
}

describe.each(DIALECTS)('%s: a letter’s audience', (dialect) => {
  it('GIVEN a member without a chat account when the letter was sent WHEN they open letters and press the button THEN it is recorded', async () => {
    await harness(dialect);
    // Everyone but 1003 has talked to Probity: 1003 has no account, so their delivery fails.
    for (const no of SECTION.filter((n) => n !== '1003')) await h.command(no, 'whoami');
    const id = await sendLetter();
    await drain(new FakePort());

    const letters = await h.command('1003', 'letters');
    expect(textOf(letters)).toContain(`#${id} 2026-11-27 연말 당부 · 확인 필요`);
    const pressed = await h.press('1003', ackButtonIn(letters));
    expect(errorOf(pressed), textOf(pressed)).toBeUndefined();
    expect(textOf(pressed)).toContain('확인 시각: 2026-11-27 09:30');
    expect(await acknowledgedBy()).toEqual(['1003']);
    // Someone outside the audience still may not.
    expect(errorOf(await h.press('3001', ackButtonIn(letters)))).toBe('announce.error.not_recipient');
    expect(await acknowledgedBy()).toEqual(['1003']);
  });

  it('GIVEN failed deliveries WHEN the author reminds THEN every member of the audience who has not acknowledged is reminded, and those with an account now receive it', async () => {
    await harness(dialect);
    for (const no of ['1001', '1002', '1004', '1005']) await h.command(no, 'whoami');
    const id = await sendLetter();
    const port = new FakePort();
    await drain(port);
    // 1003 and 1006 had no account: two failures.
    expect(port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : '')).sort()).toEqual(['1001', '1002', '1004', '1005']);
    await h.press('1001', cardButtons(port.sent.find((s) => s.recipient.kind === 'user' && s.recipient.userId === '1001')!.message.card)[0]!);
    // 1003 has an account now; 1006 still has none.
    await h.command('1003', 'whoami');
    port.sent.length = 0;

    expect(textOf(await h.command('1004', 'announce', 'remind', String(id)))).toContain('🔔 아직 확인하지 않은 5명에게 다시 안내합니다.');
    await drain(port);
    expect(port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : '')).sort()).toEqual(['1002', '1003', '1004', '1005']);
    const reminder = port.sent.find((s) => s.recipient.kind === 'user' && s.recipient.userId === '1003')!.message;
    // The reminder carries the letter and its button: 1003 can acknowledge from it.
    expect(errorOf(await h.press('1003', cardButtons(reminder.card)[0]!))).toBeUndefined();
    expect(await acknowledgedBy()).toEqual(['1001', '1003']);
  });

  it('GIVEN failed deliveries THEN list, status, the export, the annual report and stats count acknowledgement over the same audience, failures beside it', async () => {
    await harness(dialect);
    for (const no of ['1001', '1002', '1004', '1005', '1006', '3001']) await h.command(no, 'whoami');
    const id = await sendLetter();
    await drain(new FakePort());
    await h.press('1003', ackButtonIn(await h.command('1003', 'letters')));
    await h.press('1001', ackButtonIn(await h.command('1001', 'letters')));

    expect(textOf(await h.command('1004', 'announce', 'list'))).toContain(`#${id} 연말 당부 · 발송 · 2026-11-27 · 확인 2/6 · 전달 실패 1`);
    const status = textOf(await h.command('1004', 'announce', 'status', String(id)));
    expect(status).toContain('발송: 6명 중 발송 5 · 실패 1 · 대기 0');
    expect(status).toContain('확인: 2/6 (33.3%)');
    expect(status).toContain('- 행정국/총무과: 2/6 (33.3%)');

    const [csv] = filesOf(await h.command('3001', 'export', 'announcements', '2026-11'));
    const [header, row] = csvRows(csv!.data);
    expect(header).toEqual(['번호', '발송일', '제목', '작성자', '받는 사람', '확인', '확인율(%)', '전달 실패', '비고']);
    expect(row).toEqual([String(id), '2026-11-27', '연말 당부', '최넷', '6', '2', '33.3', '1', '']);

    const stats = textOf(await h.command('3001', 'stats', '2026-11'));
    expect(stats).toContain(`#${id} 연말 당부: 33.3%`);
    const report = filesOf(await h.command('3001', 'report', 'annual', '2026')).find((f) => f.name.endsWith('.md'))!;
    expect(new TextDecoder().decode(report.data)).toContain(`- #${id} 2026-11-27 연말 당부: 6 · 33.3% · 전달 실패 1`);
  });

  it('GIVEN letters that ask for no acknowledgement THEN the export and the annual report count them as sent', async () => {
    await harness(dialect);
    for (const no of [...SECTION, '3001']) await h.command(no, 'whoami');
    const withAck = await sendLetter({ title: '확인 요청 서한' });
    const withoutAck = await sendLetter({ title: '안내 서한', ack: '아니오' });
    await drain(new FakePort());

    const [csv] = filesOf(await h.command('3001', 'export', 'announcements', '2026-11'));
    const rows = csvRows(csv!.data).slice(1);
    expect(rows.map((r) => [r[0], r[2], r[4], r[5], r[6], r[8]])).toEqual([
      [String(withAck), '확인 요청 서한', '6', '0', '0', ''],
      [String(withoutAck), '안내 서한', '6', '', '', '확인을 요청하지 않은 서한'],
    ]);
    const report = filesOf(await h.command('3001', 'report', 'annual', '2026')).find((f) => f.name.endsWith('.md'))!;
    const markdown = new TextDecoder().decode(report.data);
    expect(markdown).toContain('- 청렴 서한 발송: 2');
    expect(markdown).toContain(`- #${withoutAck} 2026-11-27 안내 서한: 6 · 확인을 요청하지 않은 서한`);
  });
});
