/**
 * Leadership messages through the real engine (issue 6): the form, the preview, sending to exactly
 * the author's department subtree, one acknowledgement per member, rates by department, reminders at
 * most once a day, scheduled sends held until their time and cancellable, the holiday template, the
 * scope of managers, and bad input that changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { composers } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Reply } from '../../src/engine/reply.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { decodeAction } from '../../src/ui/actionId.js';
import { cardButtons, type Button, type Message } from '../../src/ui/card.js';
import { FORM_LABEL_MAX, FORM_MAX_FIELDS, type Form } from '../../src/ui/form.js';
import { DIALECTS, type DialectName } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { buttonsOf, createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const noSleep = async () => undefined;
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);

const HEADER = 'employee_no,name,email,department,roles,locale';
/**
 * 행정국 with two sub-departments, a sibling bureau 복지국 with its own sub-department, and a root
 * whose name starts with "행정국" (a prefix is not a subtree).
 */
const ROSTER = [
  HEADER,
  '1001,김청렴,kim@city.example,행정국/감사과,employee,ko',
  '1002,Lee Integrity,lee@city.example,행정국/감사과,employee,en',
  '1003,이총무,lee3@city.example,행정국/총무과,employee,ko',
  '2001,박국장,park@city.example,행정국,manager,ko',
  '2002,오과장,oh@city.example,행정국/감사과,manager,ko',
  '3001,최담당,choi@city.example,행정국/감사과,hr,ko',
  '4001,정관리,jung@city.example,복지국,admin,ko',
  '5001,한복지,han@city.example,복지국,employee,ko',
  '5002,윤돌봄,yoon@city.example,복지국/노인복지과,employee,ko',
  '5003,서국장,seo@city.example,복지국,manager,ko',
  '6001,강지원,kang@city.example,행정국지원단,employee,ko',
].join('\n');
const EVERYONE = ['1001', '1002', '1003', '2001', '2002', '3001', '4001', '5001', '5002', '5003', '6001'];
/** The subtree of 행정국, 2001's department. */
const ADMIN_BUREAU = ['1001', '1002', '1003', '2001', '2002', '3001'];

let h: Harness;
afterEach(async () => {
  const current = h;
  h = undefined as unknown as Harness;
  await current?.close();
});

async function harness(dialect: DialectName, options: { start?: string; env?: Record<string, string>; roster?: string } = {}) {
  h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-11-27', '09:30'), ...options });
  return h;
}

async function idOf(employeeNo: string): Promise<number> {
  return (await h.services.db.selectFrom('members').select('id').where('employee_no', '=', employeeNo).executeTakeFirstOrThrow()).id;
}

function formOf(reply: Reply): Form {
  if (reply.kind !== 'form') throw new Error(`expected a form, got ${reply.kind}: ${textOf(reply)}`);
  return reply.form;
}

const initialValues = (form: Form) => Object.fromEntries(form.fields.map((f) => [f.id, f.initial ?? '']));

interface Draft {
  title?: string;
  body?: string;
  audience?: string;
  ack?: string;
  send?: string;
}

/** Opens the form as `who` and submits it with these values over the form's own initial ones. */
async function compose(who: string, values: Draft = {}): Promise<Reply> {
  const form = formOf(await h.command(who, 'announce'));
  return h.submit(who, form.id, { ...initialValues(form), title: '연말연시 청렴 당부', body: '올해도 청렴한 연말을 부탁드립니다.', ...values });
}

const sendButton = (preview: Reply): Button => buttonsOf(preview)[0]!;
const discardButton = (preview: Reply): Button => buttonsOf(preview)[1]!;

/** Composes, previews and sends; returns the announcement id. */
async function announce(who: string, values: Draft = {}): Promise<number> {
  const preview = await compose(who, values);
  expect(errorOf(preview), textOf(preview)).toBeUndefined();
  const sent = await h.press(who, sendButton(preview));
  expect(errorOf(sent), textOf(sent)).toBeUndefined();
  return Number(decodeAction(sendButton(preview).actionId)!.args[0]);
}

async function announcements() {
  return h.services.db.selectFrom('announcements').selectAll().orderBy('id').execute();
}

/** Outbox rows of one kind (announcement or announcement_reminder), by employee number. */
async function outbox(kind: 'announcement' | 'announcement_reminder' = 'announcement', slot?: string) {
  let query = h.services.db
    .selectFrom('deliveries')
    .innerJoin('job_runs', 'job_runs.id', 'deliveries.job_run_id')
    .innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id')
    .innerJoin('members', 'members.id', 'deliveries.member_id')
    .select(['members.employee_no', 'job_runs.slot', 'job_runs.day', 'deliveries.status', 'deliveries.error', 'deliveries.next_attempt_at'])
    .where('schedules.name', '=', `system:${kind}`);
  if (slot) query = query.where('job_runs.slot', '=', slot);
  return query.orderBy('members.employee_no').execute();
}
const who = (rows: { employee_no: string | null }[]) => rows.map((r) => r.employee_no);

async function acknowledgements() {
  return h.services.db
    .selectFrom('acknowledgements')
    .innerJoin('members', 'members.id', 'acknowledgements.member_id')
    .select(['acknowledgements.announcement_id', 'members.employee_no', 'acknowledgements.acknowledged_at', 'acknowledgements.platform', 'acknowledgements.day'])
    .orderBy('acknowledgements.id')
    .execute();
}

async function audit(action: string) {
  const rows = await h.services.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  return rows.map((r) => ({ actor: r.actor_member_id, label: r.actor_label, at: r.occurred_at, details: JSON.parse(r.details) as Record<string, unknown> }));
}

const TABLES = ['announcements', 'acknowledgements', 'job_runs', 'deliveries', 'audit_log'] as const;
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await h.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

async function linkEveryone() {
  for (const no of EVERYONE) await h.command(no, 'whoami');
}

const dispatcher = (port: FakePort) => new Dispatcher(h.services, [port], { composers, sleep: noSleep });
const recipientsOf = (port: FakePort) => port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : '')).sort();
const sentTo = (port: FakePort, employeeNo: string): Message => {
  const found = port.sent.find((s) => s.recipient.kind === 'user' && s.recipient.userId === employeeNo);
  if (!found) throw new Error(`nothing was sent to ${employeeNo}`);
  return found.message;
};
const read = (message: Message) => textOf({ kind: 'ephemeral', message });

describe.each(DIALECTS)('%s: compose, preview, send', (dialect) => {
  it('GIVEN a manager WHEN they ask to announce THEN a form comes back with their department as the audience, within platform limits', async () => {
    await harness(dialect);
    const reply = await h.command('2001', 'announce');
    const form = formOf(reply);
    expect(decodeAction(form.id)).toEqual({ name: 'announce.form', args: [''] });
    expect(form.title).toBe('청렴 서한 작성');
    expect(form.fields.map((f) => [f.id, f.required, f.maxLength, f.initial ?? null])).toEqual([
      ['title', true, 100, null],
      ['body', true, 2800, null],
      ['audience', true, 500, '행정국'],
      ['ack', true, 10, '예'],
      ['send', false, 16, '지금'],
    ]);
    expect(form.fields.length).toBeLessThanOrEqual(FORM_MAX_FIELDS);
    expect(form.fields.find((f) => f.id === 'body')!.multiline).toBe(true);
    if (reply.kind === 'form') expect(reply.fallback.text).toContain('작성 창을 열 수 없었습니다');
    // hr and admin address everyone by default; the labels fit a Discord modal in both languages.
    expect(initialValues(formOf(await h.command('3001', 'announce')))['audience']).toBe('all');
    await h.command('4001', 'lang', 'en');
    const english = formOf(await h.command('4001', 'announce'));
    expect(english.title).toBe('Integrity letter');
    expect(initialValues(english)).toMatchObject({ audience: 'all', ack: 'yes', send: 'now' });
    for (const f of [...form.fields, ...english.fields]) expect([...f.label].length).toBeLessThanOrEqual(FORM_LABEL_MAX);
  });

  it('GIVEN a submitted form THEN a preview with Send and Cancel comes back, and nothing is sent yet', async () => {
    await harness(dialect);
    const preview = await compose('2001');
    expect(preview.kind).toBe('ephemeral');
    expect(errorOf(preview)).toBeUndefined();
    const shown = textOf(preview);
    expect(shown).toContain('👀 미리보기: 받는 분들에게 아래와 같이 보입니다. 아직 보내지 않았습니다.');
    expect(shown).toContain('📢 연말연시 청렴 당부');
    expect(shown).toContain('올해도 청렴한 연말을 부탁드립니다.');
    expect(shown).toContain('박국장 · 행정국');
    expect(shown).toContain('받는 사람: 행정국 (6명)');
    expect(shown).toContain('확인 요청: 예');
    expect(shown).toContain('보내는 때: 지금');
    expect(buttonsOf(preview).map((b) => [b.label, b.style])).toEqual([
      ['보내기', 'primary'],
      ['취소', 'danger'],
    ]);
    // The acknowledgement button is shown as recipients will see it, but not live in the preview.
    if (preview.kind !== 'ephemeral') throw new Error('expected a preview card');
    expect(cardButtons(preview.message.card).filter((b) => b.disabled).map((b) => b.label)).toEqual(['확인했습니다']);
    const [draft] = await announcements();
    expect(draft).toMatchObject({ author_member_id: await idOf('2001'), title: '연말연시 청렴 당부', status: 'draft', audience: JSON.stringify({ departments: ['행정국'] }), ack_required: 1, send_at: null, recipients: 0 });
    expect(await outbox()).toEqual([]);
    expect(await audit('announce.send')).toEqual([]);
  });

  it('GIVEN Send THEN exactly the department subtree is planned once, with an audit entry; a second Send plans nothing', async () => {
    await harness(dialect);
    const preview = await compose('2001');
    const sent = await h.press('2001', sendButton(preview));
    expect(sent.kind).toBe('replace');
    expect(textOf(sent)).toContain('📤 서한 #1을 6명에게 보냅니다. 현황: `/integrity announce status 1`');
    expect(who(await outbox())).toEqual(ADMIN_BUREAU);
    expect((await outbox()).every((d) => d.slot === 'announcement:1' && d.status === 'pending')).toBe(true);
    expect((await announcements())[0]).toMatchObject({ status: 'sent', recipients: 6, day: '2026-11-27', confirmed_at: KST('2026-11-27', '09:30') });
    expect(await audit('announce.send')).toEqual([
      {
        actor: await idOf('2001'),
        label: '박국장',
        at: KST('2026-11-27', '09:30'),
        details: { announcementId: 1, title: '연말연시 청렴 당부', audience: { departments: ['행정국'] }, audienceSize: 6, ackRequired: true, sendAt: null },
      },
    ]);

    const again = await h.press('2001', sendButton(preview));
    expect(textOf(again)).toContain('서한 #1은 이미 처리되었습니다.');
    expect(await outbox()).toHaveLength(6);
    expect(await audit('announce.send')).toHaveLength(1);
  });

  it('GIVEN two Sends at once THEN the message is planned once', async () => {
    await harness(dialect);
    const preview = await compose('2001');
    const replies = await Promise.all([h.press('2001', sendButton(preview)), h.press('2001', sendButton(preview)), h.press('2001', sendButton(preview))]);
    expect(replies.filter((r) => textOf(r).includes('6명에게 보냅니다'))).toHaveLength(1);
    expect(await outbox()).toHaveLength(6);
    expect(await audit('announce.send')).toHaveLength(1);
  });

  it('GIVEN a sent message THEN each recipient gets a card with the acknowledgement button in their language; nobody else gets anything', async () => {
    await harness(dialect);
    await linkEveryone();
    await announce('2001');
    const port = new FakePort();
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(ADMIN_BUREAU);
    const kim = sentTo(port, '1001');
    expect(kim.card?.title).toBe('📢 연말연시 청렴 당부');
    expect(read(kim)).toContain('올해도 청렴한 연말을 부탁드립니다.');
    expect(read(kim)).toContain('박국장 · 행정국');
    expect(cardButtons(kim.card).map((b) => b.label)).toEqual(['확인했습니다']);
    expect(cardButtons(sentTo(port, '1002').card).map((b) => b.label)).toEqual(['I have read this']);
    expect((await outbox()).every((d) => d.status === 'sent')).toBe(true);
    expect(textOf(await h.command('2001', 'announce', 'status', '1'))).toContain('6명 중 발송 6 · 실패 0 · 대기 0');
  });

  it('GIVEN the acknowledgement button THEN each recipient counts once, however often they press; non-recipients are refused', async () => {
    await harness(dialect);
    await linkEveryone();
    await announce('2001');
    const port = new FakePort();
    await dispatcher(port).drainDue();
    const button = cardButtons(sentTo(port, '1001').card)[0]!;

    const first = await h.press('1001', button);
    expect(first.kind).toBe('replace');
    expect(textOf(first)).toContain('✅ 확인함');
    expect(textOf(first)).toContain('확인 시각: 2026-11-27 09:30');
    expect(buttonsOf(first)).toEqual([]);
    h.clock.advance(60_000);
    const second = await h.press('1001', button);
    expect(errorOf(second)).toBeUndefined();
    expect(textOf(second)).toContain('이미 확인하셨습니다 (2026-11-27 09:30).');

    const leeButton = cardButtons(sentTo(port, '1002').card)[0]!;
    await Promise.all([h.press('1002', leeButton), h.press('1002', leeButton), h.press('1002', leeButton)]);

    for (const outsider of ['5001', '6001', '4001']) {
      const refused = await h.press(outsider, button);
      expect(errorOf(refused), outsider).toBe('announce.error.not_recipient');
    }
    // The "done" button of an acknowledged card and forged ids are stale.
    expect(errorOf(await h.press('1001', { actionId: 'announce.ack|1|done', label: 'x' }))).toBe('error.stale_action');
    expect(errorOf(await h.press('1001', { actionId: 'announce.ack|999', label: 'x' }))).toBe('error.stale_action');
    expect(errorOf(await h.press('1001', { actionId: 'announce.ack|abc', label: 'x' }))).toBe('error.stale_action');

    expect(await acknowledgements()).toEqual([
      { announcement_id: 1, employee_no: '1001', acknowledged_at: KST('2026-11-27', '09:30'), platform: 'console', day: '2026-11-27' },
      { announcement_id: 1, employee_no: '1002', acknowledged_at: KST('2026-11-27', '09:31'), platform: 'console', day: '2026-11-27' },
    ]);
  });

  it('GIVEN acknowledgements THEN status shows the rate by department to the author, hr and admin only, hidden by the statistics rule', async () => {
    await harness(dialect, { env: { PROBITY_MIN_GROUP_SIZE: '2' } });
    await linkEveryone();
    await announce('2001');
    const port = new FakePort();
    await dispatcher(port).drainDue();
    for (const no of ['1001', '1002']) await h.press(no, cardButtons(sentTo(port, no).card)[0]!);

    for (const viewer of ['2001', '3001', '4001']) {
      const status = await h.command(viewer, 'announce', 'status', '1');
      expect(errorOf(status), viewer).toBeUndefined();
      const shown = textOf(status);
      expect(shown).toContain('서한 #1 「연말연시 청렴 당부」 현황');
      expect(shown).toContain('상태: 발송');
      expect(shown).toContain('확인: 2/6 (33.3%)');
      // Everyone who may follow it sees the same cells: 행정국's own one member and 총무과's one are
      // below the minimum of 2 and hidden (two parts, two people together), 감사과 is shown.
      expect(shown).toContain('- 행정국: 1명 · 소집단 비공개\n- 행정국/감사과: 2/4 (50%)\n- 행정국/총무과: 1명 · 소집단 비공개');
    }
    // Another manager, and employees, do not follow someone else's message.
    expect(errorOf(await h.command('5003', 'announce', 'status', '1'))).toBe('error.forbidden');
    expect(errorOf(await h.command('2002', 'announce', 'status', '1'))).toBe('error.forbidden');
    expect(errorOf(await h.command('1001', 'announce', 'status', '1'))).toBe('error.forbidden');
    expect(errorOf(await h.command('2001', 'announce', 'status', '99'))).toBe('announce.error.unknown');
    expect(errorOf(await h.command('2001', 'announce', 'status', '99999999999'))).toBe('announce.error.unknown');
    expect(errorOf(await h.command('2001', 'announce', 'status', 'x'))).toBe('announce.error.usage');
    expect(errorOf(await h.command('2001', 'announce', 'status'))).toBe('announce.error.usage');
  });

  it('GIVEN remind THEN only those who have not acknowledged are reminded, at most once a day, with an audit entry', async () => {
    await harness(dialect);
    await linkEveryone();
    await announce('2001');
    const port = new FakePort();
    await dispatcher(port).drainDue();
    const ackButton = Object.fromEntries(ADMIN_BUREAU.map((no) => [no, cardButtons(sentTo(port, no).card)[0]!]));
    for (const no of ['1001', '1002']) await h.press(no, ackButton[no]!);
    port.sent.length = 0;

    const reminded = await h.command('2001', 'announce', 'remind', '1');
    expect(textOf(reminded)).toContain('🔔 아직 확인하지 않은 4명에게 다시 안내합니다.');
    expect(who(await outbox('announcement_reminder'))).toEqual(['1003', '2001', '2002', '3001']);
    expect(await audit('announce.remind')).toMatchObject([{ actor: await idOf('2001'), details: { announcementId: 1, audienceSize: 4 } }]);

    // The same day again, by the author or by hr: refused, nothing planned.
    const before = await rowCounts();
    expect(errorOf(await h.command('2001', 'announce', 'remind', '1'))).toBe('announce.error.reminded_today');
    expect(errorOf(await h.command('3001', 'announce', 'remind', '1'))).toBe('announce.error.reminded_today');
    expect(await rowCounts()).toEqual(before);

    // 3001 reads it before the reminder goes out: the reminder is not sent to them.
    await h.press('3001', ackButton['3001']!);
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(['1003', '2001', '2002']);
    expect(read(sentTo(port, '1003'))).toContain('🔔 아직 확인하지 않으신 서한입니다.');
    expect(cardButtons(sentTo(port, '1003').card).map((b) => b.label)).toEqual(['확인했습니다']);
    expect((await outbox('announcement_reminder')).find((d) => d.employee_no === '3001')).toMatchObject({ status: 'skipped', error: 'not_needed' });

    // The next working day, a second reminder reaches those still missing.
    h.clock.set(KST('2026-11-30', '10:00'));
    // The reminder's own button acknowledges too.
    await h.press('2002', cardButtons(sentTo(port, '2002').card)[0]!);
    expect(textOf(await h.command('3001', 'announce', 'remind', '1'))).toContain('2명에게');
    expect(who(await outbox('announcement_reminder', 'announcement:1:2026-11-30'))).toEqual(['1003', '2001']);

    // Everyone read it: nothing to remind.
    for (const no of ['1003', '2001']) await h.press(no, ackButton[no]!);
    h.clock.set(KST('2026-12-01', '10:00'));
    expect(textOf(await h.command('2001', 'announce', 'remind', '1'))).toContain('모두 확인했습니다');
  });

  it('GIVEN a message that asks for no acknowledgement THEN it has no button, status says so and remind is refused', async () => {
    await harness(dialect);
    await linkEveryone();
    await announce('2002', { ack: '아니오' });
    const port = new FakePort();
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(['1001', '1002', '2002', '3001']);
    expect(cardButtons(sentTo(port, '1001').card)).toEqual([]);
    expect(textOf(await h.command('2002', 'announce', 'status', '1'))).toContain('확인: 확인을 요청하지 않은 서한');
    expect(errorOf(await h.command('2002', 'announce', 'remind', '1'))).toBe('announce.error.no_ack_to_remind');
    expect(errorOf(await h.press('1001', { actionId: 'announce.ack|1', label: '' }))).toBe('error.stale_action');
  });

  it('GIVEN Cancel on the preview THEN nothing is sent and Send no longer works; nobody else may press Send', async () => {
    await harness(dialect);
    const preview = await compose('2001');
    expect(errorOf(await h.press('5003', sendButton(preview)))).toBe('error.forbidden');
    expect(errorOf(await h.press('3001', sendButton(preview)))).toBe('error.forbidden');
    expect(errorOf(await h.press('1001', sendButton(preview)))).toBe('error.forbidden');
    expect(await outbox()).toEqual([]);
    const discarded = await h.press('2001', discardButton(preview));
    expect(textOf(discarded)).toContain('작성을 취소했습니다. 아무것도 보내지 않았습니다.');
    expect((await announcements())[0]!.status).toBe('cancelled');
    expect(textOf(await h.press('2001', sendButton(preview)))).toContain('이미 처리되었습니다');
    expect(await outbox()).toEqual([]);
    expect(errorOf(await h.press('2001', { actionId: 'announce.send|abc', label: '' }))).toBe('error.stale_action');
    expect(errorOf(await h.press('2001', { actionId: 'announce.send|999', label: '' }))).toBe('error.stale_action');
  });

  it('GIVEN messages sent THEN list shows the author their own and hr everyone’s, never drafts', async () => {
    await harness(dialect);
    await announce('2001', { title: '첫 번째' });
    await announce('5003', { title: '두 번째', audience: '복지국' });
    await compose('2001', { title: '초안' });
    const mine = textOf(await h.command('2001', 'announce', 'list'));
    expect(mine).toContain('#1 첫 번째 · 발송 · 2026-11-27 · 확인 0/6');
    expect(mine).not.toContain('두 번째');
    expect(mine).not.toContain('초안');
    const all = textOf(await h.command('3001', 'announce', 'list'));
    expect(all).toContain('#1 첫 번째');
    // Four people are below the minimum group size of 5: as in the statistics, the count is hidden.
    expect(all).toContain('#2 두 번째 · 발송 · 2026-11-27 · 확인 비공개 (4명)');
    expect(textOf(await h.command('2002', 'announce', 'list'))).toContain('보낸 서한이 없습니다.');
  });
});

describe.each(DIALECTS)('%s: scheduled sends', (dialect) => {
  it('GIVEN a time in working hours THEN the message is held until then, then delivered; remind waits for it', async () => {
    await harness(dialect);
    await linkEveryone();
    const preview = await compose('2001', { send: '2026-11-30 10:00' });
    expect(textOf(preview)).toContain('보내는 때: 2026-11-30 10:00');
    expect(sendButton(preview).label).toBe('예약하기');
    const scheduled = await h.press('2001', sendButton(preview));
    expect(textOf(scheduled)).toContain('🕘 서한 #1을 2026-11-30 10:00 에 6명에게 보내도록 예약했습니다. 취소: `/integrity announce cancel 1`');
    expect((await announcements())[0]).toMatchObject({ status: 'scheduled', send_at: '2026-11-30T01:00:00.000Z', day: '2026-11-30' });
    expect((await outbox()).map((d) => [d.employee_no, d.day, d.next_attempt_at])).toEqual(ADMIN_BUREAU.map((no) => [no, '2026-11-30', '2026-11-30T01:00:00.000Z']));
    expect(await audit('announce.send')).toMatchObject([{ details: { audienceSize: 6, sendAt: '2026-11-30T01:00:00.000Z' } }]);
    expect(errorOf(await h.command('2001', 'announce', 'remind', '1'))).toBe('announce.error.not_sent_yet');

    const port = new FakePort();
    await dispatcher(port).drainDue();
    h.clock.set(KST('2026-11-30', '09:59'));
    await dispatcher(port).drainDue();
    expect(port.sent).toEqual([]);
    h.clock.set(KST('2026-11-30', '10:00'));
    await dispatcher(port).drainDue();
    expect(recipientsOf(port)).toEqual(ADMIN_BUREAU);
    // Once its time has come it is a sent message: it can be followed and reminded, not cancelled.
    const status = textOf(await h.command('2001', 'announce', 'status', '1'));
    expect(status).toContain('상태: 발송');
    expect(status).toContain('6명 중 발송 6');
    expect(textOf(await h.command('2001', 'announce', 'list'))).toContain('#1 연말연시 청렴 당부 · 발송 · 2026-11-30');
    expect(errorOf(await h.command('2001', 'announce', 'cancel', '1'))).toBe('announce.error.cannot_cancel');
    expect(textOf(await h.command('2001', 'announce', 'remind', '1'))).toContain('6명에게');
  });

  it('GIVEN announce cancel before the time THEN nothing goes out, with an audit entry; cancelling twice or a sent message is refused', async () => {
    await harness(dialect);
    await linkEveryone();
    await announce('2001', { send: '2026-12-01 09:00' });
    await announce('2001', { title: '즉시 발송' });
    expect(textOf(await h.command('2001', 'announce', 'status', '1'))).toContain('상태: 예약');
    const cancelled = await h.command('2001', 'announce', 'cancel', '1');
    expect(textOf(cancelled)).toContain('예약된 서한 #1을 취소했습니다 (6건 발송 중지).');
    expect((await announcements())[0]!.status).toBe('cancelled');
    expect((await outbox('announcement', 'announcement:1')).map((d) => [d.status, d.error])).toEqual(ADMIN_BUREAU.map(() => ['skipped', 'cancelled']));
    expect(await audit('announce.cancel')).toMatchObject([{ actor: await idOf('2001'), details: { announcementId: 1, audienceSize: 6 } }]);

    const port = new FakePort();
    h.clock.set(KST('2026-12-01', '09:00'));
    await dispatcher(port).drainDue();
    // Only the message sent at once went out (it was still valid); the cancelled one did not.
    expect(port.sent.every((s) => s.message.card?.title === '📢 즉시 발송')).toBe(true);
    expect(port.sent).toHaveLength(6);
    expect(errorOf(await h.command('2001', 'announce', 'cancel', '1'))).toBe('announce.error.cannot_cancel');
    expect(errorOf(await h.command('2001', 'announce', 'cancel', '2'))).toBe('announce.error.cannot_cancel');
    expect(errorOf(await h.command('5003', 'announce', 'cancel', '2'))).toBe('error.forbidden');
    expect(await audit('announce.cancel')).toHaveLength(1);
  });

  it('GIVEN hr cancels a manager’s scheduled message THEN it is stopped and the audit names hr', async () => {
    await harness(dialect);
    await announce('2002', { send: '2026-11-30 14:30' });
    expect(textOf(await h.command('3001', 'announce', 'cancel', '1'))).toContain('4건 발송 중지');
    expect(await audit('announce.cancel')).toMatchObject([{ actor: await idOf('3001'), details: { audienceSize: 4 } }]);
  });

  it('GIVEN a preview to send now WHEN Send is pressed after working hours THEN it is refused until working hours', async () => {
    await harness(dialect, { start: KST('2026-11-27', '17:59') });
    const preview = await compose('2001');
    expect(errorOf(preview)).toBeUndefined();
    h.clock.set(KST('2026-11-27', '18:30'));
    expect(errorOf(await h.press('2001', sendButton(preview)))).toBe('announce.error.now_outside_hours');
    h.clock.set(KST('2026-11-28', '10:00'));
    expect(errorOf(await h.press('2001', sendButton(preview)))).toBe('announce.error.now_outside_hours');
    expect(await outbox()).toEqual([]);
    h.clock.set(KST('2026-11-30', '09:00'));
    expect(textOf(await h.press('2001', sendButton(preview)))).toContain('6명에게 보냅니다');
    expect((await outbox()).map((d) => d.day)).toEqual(ADMIN_BUREAU.map(() => '2026-11-30'));
  });

  it('GIVEN the scheduled time passes before Send is pressed THEN it is refused and nothing is planned', async () => {
    await harness(dialect);
    const preview = await compose('2001', { send: '2026-11-30 10:00' });
    h.clock.set(KST('2026-11-30', '10:01'));
    expect(errorOf(await h.press('2001', sendButton(preview)))).toBe('announce.error.time_passed');
    expect(await outbox()).toEqual([]);
    expect((await announcements())[0]!.status).toBe('draft');
  });
});

describe.each(DIALECTS)('%s: audiences over the department tree', (dialect) => {
  it('GIVEN hr THEN any department, several departments, or everyone; sub-departments included, a name prefix is not a subtree', async () => {
    await harness(dialect);
    await announce('3001', { audience: '복지국' });
    expect(who(await outbox('announcement', 'announcement:1'))).toEqual(['4001', '5001', '5002', '5003']);
    await announce('3001', { audience: '행정국/감사과, 복지국/노인복지과' });
    expect(who(await outbox('announcement', 'announcement:2'))).toEqual(['1001', '1002', '2002', '3001', '5002']);
    await announce('4001', { audience: '전체' });
    expect(who(await outbox('announcement', 'announcement:3'))).toEqual(EVERYONE);
    await announce('4001', { audience: '행정국' });
    expect(who(await outbox('announcement', 'announcement:4'))).toEqual(ADMIN_BUREAU);
    expect((await audit('announce.send')).map((a) => a.details['audienceSize'])).toEqual([4, 5, 11, 6]);
  });

  it('GIVEN a manager THEN their subtree only: sibling bureaus, a prefix look-alike and everyone are refused, with nothing written', async () => {
    await harness(dialect);
    const before = await rowCounts();
    const refusals: [string, Draft, string][] = [
      ['2001', { audience: '복지국' }, '소속 부서(행정국)와 그 하위 부서에만 보낼 수 있습니다.'],
      ['2001', { audience: 'all' }, '소속 부서(행정국)'],
      ['2001', { audience: '행정국지원단' }, '소속 부서(행정국)'],
      ['2001', { audience: '행정국/감사과, 복지국' }, '소속 부서(행정국)'],
      ['2002', { audience: '행정국' }, '소속 부서(행정국/감사과)'],
      ['2002', { audience: '행정국/총무과' }, '소속 부서(행정국/감사과)'],
      ['5003', { audience: '복지국, 행정국' }, '소속 부서(복지국)'],
    ];
    for (const [author, values, message] of refusals) {
      const reply = await compose(author, values);
      expect(errorOf(reply), `${author} ${values.audience}`).toBe('audience.error.out_of_scope');
      expect(textOf(reply)).toContain(message);
    }
    expect(await rowCounts()).toEqual(before);
    // Inside the subtree is fine, however narrow.
    await announce('2001', { audience: '행정국/총무과' });
    expect(who(await outbox('announcement', 'announcement:1'))).toEqual(['1003']);
    await announce('2002', { audience: '행정국/감사과' });
    expect(who(await outbox('announcement', 'announcement:2'))).toEqual(['1001', '1002', '2002', '3001']);
    await announce('5003', { audience: '복지국/노인복지과' });
    expect(who(await outbox('announcement', 'announcement:3'))).toEqual(['5002']);
  });

  it('GIVEN the manager of the single root department (the head) THEN they address everyone; a bureau manager still may not', async () => {
    const roster = [
      HEADER,
      '9001,시장,mayor@city.example,시청,manager,ko',
      '2001,박국장,park@city.example,시청/행정국,manager,ko',
      '1001,김청렴,kim@city.example,시청/행정국/감사과,employee,ko',
      '5001,한복지,han@city.example,시청/복지국,employee,ko',
    ].join('\n');
    await harness(dialect, { roster });
    expect(initialValues(formOf(await h.command('9001', 'announce')))['audience']).toBe('시청');
    await announce('9001', { audience: 'all' });
    expect(who(await outbox('announcement', 'announcement:1'))).toEqual(['1001', '2001', '5001', '9001']);
    expect(errorOf(await compose('2001', { audience: 'all' }))).toBe('audience.error.out_of_scope');
    // People not yet placed (the console's own unassigned person) do not make the head one of several roots.
    await h.engine.dispatch({ platform: 'console', actor: { platform: 'console', workspace: 'local', userId: 'local' }, conversation: { id: 'c', kind: 'dm' }, type: 'command', name: 'whoami', args: [] });
    expect(errorOf(await compose('9001', { audience: 'all' }))).toBeUndefined();
  });

  it('GIVEN the author moves department between preview and Send THEN the scope is checked again and nothing is sent', async () => {
    await harness(dialect);
    const preview = await compose('2001');
    const moved = ROSTER.replace('2001,박국장,park@city.example,행정국,manager,ko', '2001,박국장,park@city.example,복지국,manager,ko');
    await importRoster(h.services.db, moved, { sync: false, skipInvalid: false, today: '2026-11-27', nowIso: h.clock.now().toISOString(), actorLabel: 'test' });
    expect(errorOf(await h.press('2001', sendButton(preview)))).toBe('audience.error.out_of_scope');
    expect(await outbox()).toEqual([]);
    expect((await announcements())[0]!.status).toBe('draft');
  });
});

describe.each(DIALECTS)('%s: bad input changes nothing', (dialect) => {
  it('GIVEN one field checked as it is entered THEN its mistake comes back tied to it, a good value answers nothing, and nothing is stored', async () => {
    await harness(dialect);
    const form = formOf(await h.command('2001', 'announce'));
    const draft = { ...initialValues(form), title: '당부', body: '본문' };
    const before = await rowCounts();
    const check = async (field: string, value: string) => {
      const reply = await h.submit('2001', form.id, { ...draft, [field]: value }, field);
      return reply.kind === 'none' ? 'ok' : reply.kind === 'ephemeral' ? reply.error : reply.kind;
    };
    expect(await check('title', '당부')).toBe('ok');
    expect(await check('body', '가'.repeat(50_000))).toEqual({ code: 'announce.error.too_long', field: 'body' });
    expect(await check('audience', '복지국')).toEqual({ code: 'audience.error.out_of_scope', field: 'audience' });
    expect(await check('audience', '행정국/감사과')).toBe('ok');
    expect(await check('send', '2026-11-30 20:00')).toEqual({ code: 'announce.error.send_outside_hours', field: 'send' });
    expect(await check('send', '2026-11-30 10:00')).toBe('ok');
    // A department with nobody in service is a mistake in the audience field, not in the form at large.
    await h.services.db.updateTable('members').set({ left_on: '2026-11-27' }).where('employee_no', '=', '5002').execute();
    const hrForm = formOf(await h.command('3001', 'announce'));
    const empty = await h.submit('3001', hrForm.id, { ...initialValues(hrForm), title: '당부', body: '본문', audience: '복지국/노인복지과' });
    expect(empty.kind === 'ephemeral' && empty.error).toEqual({ code: 'announce.error.empty_audience', field: 'audience' });
    expect(await rowCounts()).toEqual(before);
  });

  it('GIVEN bad fields THEN a localised error for each, and no row in announcements, job runs or deliveries', async () => {
    await harness(dialect);
    const before = await rowCounts();
    const cases: [Draft, string, string][] = [
      [{ title: '' }, 'announce.error.empty', '제목을 입력해 주세요.'],
      [{ title: '   ' }, 'announce.error.empty', '제목'],
      [{ title: '가'.repeat(101) }, 'announce.error.too_long', '제목이 너무 깁니다: 101자 (최대 100자).'],
      [{ body: '' }, 'announce.error.empty', '본문을 입력해 주세요.'],
      [{ body: '나'.repeat(2801) }, 'announce.error.too_long', '본문이 너무 깁니다: 2801자 (최대 2800자).'],
      [{ title: '감사\u202E과사감' }, 'error.bidi_control_in', '제목에 글자 방향을 바꾸는 보이지 않는 제어 문자'],
      [{ body: '명절 선물은\u2066받지\u2069 않습니다' }, 'error.bidi_control_in', '본문에 글자 방향을 바꾸는'],
      [{ audience: '' }, 'audience.error.empty', '대상을 입력해 주세요'],
      [{ audience: '없는국' }, 'audience.error.unknown', '명부에 없는 부서입니다: "없는국"'],
      [{ audience: '행정국, 없는과' }, 'audience.error.unknown', '"없는과"'],
      [{ ack: 'maybe' }, 'announce.error.ack', '확인 요청은 "예" 또는 "아니오"로 적어 주세요: "maybe"'],
      [{ ack: '' }, 'announce.error.ack', '""'],
      [{ send: '2026-11-27 09:00' }, 'announce.error.send_past', '이미 지난 시각입니다: 2026-11-27 09:00'],
      [{ send: '2026-11-26 10:00' }, 'announce.error.send_past', '2026-11-26 10:00'],
      [{ send: '2026-11-27 20:00' }, 'announce.error.send_outside_hours', '근무일 근무시간(09:00~18:00)에만 보낼 수 있습니다: 2026-11-27 20:00'],
      [{ send: '2026-11-30 08:59' }, 'announce.error.send_outside_hours', '2026-11-30 08:59'],
      [{ send: '2026-11-30 18:00' }, 'announce.error.send_outside_hours', '2026-11-30 18:00'],
      [{ send: '2026-11-28 10:00' }, 'announce.error.send_outside_hours', '2026-11-28 10:00'],
      [{ send: '2026-12-25 10:00' }, 'announce.error.send_outside_hours', '2026-12-25 10:00'],
      [{ send: '2027-02-01 10:00' }, 'announce.error.send_far', '60일 이내로만 예약할 수 있습니다.'],
      [{ send: '내일 10시' }, 'announce.error.send_format', '"지금" 또는 "YYYY-MM-DD HH:MM" 형식으로 적어 주세요: "내일 10시"'],
      [{ send: '2026-11-30 25:00' }, 'announce.error.send_format', '"2026-11-30 25:00"'],
      [{ send: '2026-11-30 10:60' }, 'announce.error.send_format', '"2026-11-30 10:60"'],
      [{ send: '2026-02-30 10:00' }, 'announce.error.send_format', '"2026-02-30 10:00"'],
      [{ send: '2026/11/30 10:00' }, 'announce.error.send_format', '"2026/11/30 10:00"'],
      [{ send: '2026-11-30' }, 'announce.error.send_format', '"2026-11-30"'],
    ];
    for (const [values, code, message] of cases) {
      const reply = await compose('2001', values);
      const label = JSON.stringify(values).slice(0, 60);
      expect(errorOf(reply), label).toBe(code);
      expect(textOf(reply), label).toContain(message);
    }
    expect(await rowCounts()).toEqual(before);

    // The limits themselves are allowed; Korean is counted in characters, not bytes.
    expect(errorOf(await compose('2001', { title: '가'.repeat(100), body: '나'.repeat(2800) }))).toBeUndefined();
    expect(errorOf(await compose('2001', { send: '2026-11-30 09:00', ack: 'no' }))).toBeUndefined();
    expect(errorOf(await compose('2001', { send: '2026-11-30 17:59', ack: 'YES' }))).toBeUndefined();
    expect((await announcements()).map((a) => [a.status, [...a.title].length, a.ack_required])).toEqual([
      ['draft', 100, 1],
      ['draft', 10, 0],
      ['draft', 10, 1],
    ]);
  });

  it('GIVEN "now" outside working hours (evening, weekend) THEN it is refused with the hours', async () => {
    await harness(dialect, { start: KST('2026-11-27', '18:00') });
    const evening = await compose('2001');
    expect(errorOf(evening)).toBe('announce.error.now_outside_hours');
    expect(textOf(evening)).toContain('지금은 근무시간(09:00~18:00)이 아닙니다.');
    h.clock.set(KST('2026-11-28', '11:00'));
    expect(errorOf(await compose('2001', { send: '지금' }))).toBe('announce.error.now_outside_hours');
    h.clock.set(KST('2026-11-30', '08:59'));
    expect(errorOf(await compose('2001', { send: 'now' }))).toBe('announce.error.now_outside_hours');
    expect(await rowCounts()).toMatchObject({ announcements: 0, deliveries: 0 });
    h.clock.set(KST('2026-11-30', '09:00'));
    expect(errorOf(await compose('2001', { send: '' }))).toBeUndefined();
  });

  it('GIVEN PROBITY_WORKING_HOURS=08:00-17:00 THEN those are the hours', async () => {
    await harness(dialect, { env: { PROBITY_WORKING_HOURS: '08:00-17:00' } });
    expect(errorOf(await compose('2001', { send: '2026-11-30 08:00' }))).toBeUndefined();
    const late = await compose('2001', { send: '2026-11-30 17:30' });
    expect(errorOf(late)).toBe('announce.error.send_outside_hours');
    expect(textOf(late)).toContain('(08:00~17:00)');
  });

  it('GIVEN an English-speaking author THEN the errors are in English', async () => {
    await harness(dialect);
    await h.command('2001', 'lang', 'en');
    expect(textOf(await compose('2001', { title: 'x'.repeat(101) }))).toContain('The title is too long: 101 characters (at most 100).');
    expect(textOf(await compose('2001', { send: '2026-11-28 10:00' }))).toContain('Messages go out on working days in working hours (09:00–18:00): 2026-11-28 10:00');
    expect(textOf(await compose('2001', { audience: '복지국' }))).toContain('You can address only your department (행정국)');
    expect(textOf(await compose('2001', { ack: 'maybe' }))).toContain('Please answer "yes" or "no"');
    expect(await rowCounts()).toMatchObject({ announcements: 0 });
  });

  it('GIVEN unknown subcommands or ids THEN usage or unknown errors', async () => {
    await harness(dialect);
    expect(errorOf(await h.command('2001', 'announce', 'frobnicate'))).toBe('announce.error.usage');
    expect(errorOf(await h.command('2001', 'announce', 'remind', '7'))).toBe('announce.error.unknown');
    expect(errorOf(await h.command('2001', 'announce', 'cancel'))).toBe('announce.error.usage');
    const template = await h.command('2001', 'announce', 'template', 'birthday');
    expect(errorOf(template)).toBe('announce.error.unknown_template');
    expect(textOf(template)).toContain('서한 양식 "birthday" 이(가) 없습니다. 있는 양식: holiday');
    expect(errorOf(await h.command('2001', 'announce', 'template'))).toBe('announce.error.unknown_template');
  });
});

describe.each(DIALECTS)('%s: the holiday letter template', (dialect) => {
  it('GIVEN late November THEN the form is filled with the next 설날, its gift period, the limits, the reporting channels and the organisation', async () => {
    await harness(dialect, { env: { PROBITY_ORGANISATION_NAME: '세종특별자치시' } });
    const form = formOf(await h.command('2001', 'announce', 'template', 'holiday'));
    expect(decodeAction(form.id)).toEqual({ name: 'announce.form', args: ['holiday'] });
    const values = initialValues(form);
    expect(values['title']).toBe('설날 명절을 앞두고 드리는 청렴 서한');
    // 설날 2027 is Sunday 7 February; the gift period runs from 24 days before to 5 days after.
    expect(values['body']).toContain('다가오는 설날(2027-02-07)을 앞두고');
    expect(values['body']).toContain('명절 기간(2027-01-14~2027-02-12)에는 30만원까지');
    expect(values['body']).toContain('평소 15만원');
    expect(values['body']).toContain('선물은 5만원까지');
    expect(values['body']).toContain('☎1398(국민권익위원회) 또는 청렴포털(www.clean.go.kr)');
    expect(values['body']).toContain('시민이 믿는 세종특별자치시');
    expect(values['body']).not.toMatch(/[{}]/);
    // One to two weeks before: 09:00 on the first working day from two weeks before (Sun 24 Jan → Mon 25 Jan).
    expect(values['send']).toBe('2027-01-25 09:00');
    expect(values['audience']).toBe('행정국');

    // Submitted as filled in, it is scheduled for that time and remembers its template.
    const preview = await h.submit('2001', form.id, values);
    expect(errorOf(preview), textOf(preview)).toBeUndefined();
    await h.press('2001', sendButton(preview));
    expect((await announcements())[0]).toMatchObject({ template: 'holiday', status: 'scheduled', send_at: KST('2027-01-25', '09:00'), title: '설날 명절을 앞두고 드리는 청렴 서한' });
  });

  it('GIVEN early September THEN it is the 추석 letter; without an organisation name it says "우리 기관"; in English the names are English', async () => {
    await harness(dialect, { start: KST('2026-09-01', '10:00') });
    const values = initialValues(formOf(await h.command('3001', 'announce', 'template', 'holiday')));
    expect(values['title']).toBe('추석 명절을 앞두고 드리는 청렴 서한');
    expect(values['body']).toContain('다가오는 추석(2026-09-25)을');
    expect(values['body']).toContain('명절 기간(2026-09-01~2026-09-30)');
    expect(values['body']).toContain('시민이 믿는 우리 기관');
    expect(values['send']).toBe('2026-09-11 09:00');
    expect(values['audience']).toBe('all');
    await h.command('3001', 'lang', 'en');
    const english = initialValues(formOf(await h.command('3001', 'announce', 'template', 'holiday')));
    expect(english['title']).toBe('An integrity letter before Chuseok');
    expect(english['body']).toContain('as Chuseok (2026-09-25) approaches');
    expect(english['body']).toContain('during the holiday period (2026-09-01 to 2026-09-30)');
    expect(english['body']).toContain('keep our organisation worthy');
  });

  it('GIVEN less than two weeks before the holiday THEN the suggested time is now', async () => {
    await harness(dialect, { start: KST('2027-02-01', '10:00') });
    expect(initialValues(formOf(await h.command('2001', 'announce', 'template', 'holiday')))['send']).toBe('지금');
  });
});
