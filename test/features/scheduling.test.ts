/** Scheduled delivery end to end: slot ledger, catch-up, working days, outbox and dispatcher. */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsoleAdapter } from '../../adapters/console/console.js';
import { composers, planners } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { DIALECTS } from '../support/databases.js';
import { FakePort, dmClosed, rateLimited, serverError } from '../support/fakePort.js';
import { createHarness, SHIPPED_CONTENT, type Harness } from '../support/harness.js';

const QUIZ_AT_NINE = `schedules:
  - name: daily-quiz
    kind: quiz
    cron: "0 9 * * 1-5"
    audience: all
    delivery: dm
`;
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const noSleep = async () => undefined;

let h: Harness;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
});

async function deliveries() {
  return h.services.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
}
async function jobRuns() {
  return h.services.db.selectFrom('job_runs').select(['slot', 'day', 'status', 'reason', 'planned']).orderBy('slot').execute();
}
async function linkEveryone() {
  for (const no of ['1001', '1002', '2001', '3001']) await h.command(no, 'whoami');
}

const ONE_PERSON = 'employee_no,name,email,department,roles,locale\n1001,김청렴,kim@city.example,행정국/감사과,employee,ko';

describe.each(DIALECTS)('%s: catch-up after downtime (console)', (dialect) => {
  async function consoleRun(startedAt: string) {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    // The console acts as a roster member: its own local administrator is not staff, so no audience holds it.
    const console = new ConsoleAdapter(h.engine, { input: new PassThrough(), output, locale: 'ko', interactive: false, as: '1001' });
    h.clock.set(startedAt);
    await console.enrol();
    const dispatcher = new Dispatcher(h.services, [console], { composers, sleep: noSleep });
    const scheduler = new Scheduler(h.services, planners);
    await scheduler.runDue();
    await dispatcher.drainDue();
    await scheduler.stop();
    return () => printed;
  }

  it('GIVEN a shutdown at 08:55 on a working day WHEN the console starts again at 09:05 THEN the 09:00 quiz is delivered once', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:50'), schedules: QUIZ_AT_NINE, roster: ONE_PERSON, contentDirs: [SHIPPED_CONTENT] });
    const first = await consoleRun(KST('2026-11-27', '08:55'));
    expect(first()).not.toContain('오늘의 청렴 퀴즈');
    const second = await consoleRun(KST('2026-11-27', '09:05'));
    expect(second().match(/■ 오늘의 청렴 퀴즈/g)).toHaveLength(1);
    expect(second()).toContain('📨 1001 님에게 도착한 메시지');
    const third = await consoleRun(KST('2026-11-27', '09:06'));
    expect(third()).not.toContain('오늘의 청렴 퀴즈');
    expect(await jobRuns()).toEqual([{ slot: KST('2026-11-27', '09:00'), day: '2026-11-27', status: 'planned', reason: null, planned: 1 }]);
    expect((await deliveries()).map((d) => d.status)).toEqual(['sent']);
  });

  it('GIVEN the same on a public holiday (기독탄신일, Fri 25 Dec 2026) THEN nothing is delivered and the slot is recorded as skipped', async () => {
    h = await createHarness({ dialect, start: KST('2026-12-25', '08:50'), schedules: QUIZ_AT_NINE, roster: ONE_PERSON });
    await consoleRun(KST('2026-12-25', '08:55'));
    const second = await consoleRun(KST('2026-12-25', '09:05'));
    expect(second()).not.toContain('오늘의 청렴 퀴즈');
    expect(await jobRuns()).toEqual([{ slot: KST('2026-12-25', '09:00'), day: '2026-12-25', status: 'skipped', reason: 'holiday', planned: 0 }]);
    expect(await deliveries()).toEqual([]);
  });
});

describe.each(DIALECTS)('%s: the slot ledger', (dialect) => {
  it('GIVEN two schedulers on one database WHEN both run the same minute THEN the slot fires once', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules: QUIZ_AT_NINE });
    h.clock.set(KST('2026-11-27', '09:00'));
    const [a, b] = [new Scheduler(h.services, planners), new Scheduler(h.services, planners)];
    const outcomes = await Promise.all([a.runDue(), b.runDue(), a.runDue()]);
    expect(outcomes.flat().filter((o) => o.status === 'planned')).toHaveLength(1);
    expect(await deliveries()).toHaveLength(4);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('GIVEN downtime past the 18:00 cut-off THEN the morning slot is recorded as missed and never sent', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules: QUIZ_AT_NINE });
    h.clock.set(KST('2026-11-27', '18:30'));
    const scheduler = new Scheduler(h.services, planners);
    expect(await scheduler.runDue()).toEqual([{ schedule: 'daily-quiz', slot: KST('2026-11-27', '09:00'), status: 'missed', reason: 'downtime', planned: 0 }]);
    expect(await deliveries()).toEqual([]);
    await scheduler.stop();
  });

  it('GIVEN downtime over a weekend THEN Friday is missed, the weekend is skipped, and Monday fires on time', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules: QUIZ_AT_NINE.replace('1-5', '*') });
    h.clock.set(KST('2026-11-30', '09:00'));
    const scheduler = new Scheduler(h.services, planners);
    const outcomes = await scheduler.runDue();
    expect(outcomes.map((o) => [o.slot.slice(0, 10), o.status, o.reason])).toEqual([
      ['2026-11-27', 'missed', 'downtime'],
      ['2026-11-28', 'skipped', 'weekend'],
      ['2026-11-29', 'skipped', 'weekend'],
      ['2026-11-30', 'planned', null],
    ]);
    await scheduler.stop();
  });

  it('GIVEN a paused schedule THEN its slots are recorded as skipped until it is resumed', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-26', '08:00'), schedules: QUIZ_AT_NINE });
    expect((await h.command('1001', 'schedule', 'pause', 'daily-quiz')).kind === 'ephemeral').toBe(true);
    expect(await h.services.db.selectFrom('schedules').select('paused').executeTakeFirst()).toEqual({ paused: 0 });
    await h.command('3001', 'schedule', 'pause', 'daily-quiz');
    h.clock.set(KST('2026-11-26', '09:00'));
    const scheduler = new Scheduler(h.services, planners);
    expect((await scheduler.runDue()).map((o) => o.reason)).toEqual(['paused']);
    await h.command('3001', 'schedule', 'resume', 'daily-quiz');
    h.clock.set(KST('2026-11-27', '09:00'));
    expect((await scheduler.runDue()).map((o) => o.status)).toEqual(['planned']);
    const audit = await h.services.db.selectFrom('audit_log').select('action').where('action', 'like', 'schedule.%').execute();
    expect(audit.map((a) => a.action)).toEqual(['schedule.pause', 'schedule.resume']);
    await scheduler.stop();
  });

});

describe.each(DIALECTS)('%s: nudges', (dialect) => {
  it('GIVEN the 설날 gift period THEN the weekly nudge is a gift-season one, sent in each member’s language with its basis', async () => {
    const weekly = 'schedules:\n  - name: weekly-nudge\n    kind: nudge\n    cron: "0 14 * * 3"\n';
    h = await createHarness({ dialect, start: KST('2027-01-27', '09:00'), schedules: weekly, contentDirs: [SHIPPED_CONTENT] });
    await linkEveryone();
    h.clock.set(KST('2027-01-27', '14:00'));
    const [outcome] = await new Scheduler(h.services, planners).runDue();
    expect(outcome).toMatchObject({ status: 'planned', planned: 4 });
    const run = await h.services.db.selectFrom('job_runs').select('payload').executeTakeFirstOrThrow();
    const chosen = (JSON.parse(run.payload) as { nudge: string }).nudge;
    const nudge = h.services.content.nudges.find((n) => `${n.pack}/${n.slug}` === chosen)!;
    expect(nudge.seasons).toContain('gift-season');
    const port = new FakePort();
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    const lee = port.sent.find((s) => s.recipient.kind === 'user' && s.recipient.userId === '1002')!;
    expect(lee.message.card?.title).toBe('Integrity tip');
    const kim = port.sent.find((s) => s.recipient.kind === 'user' && s.recipient.userId === '1001')!;
    expect(JSON.stringify(kim.message.card)).toContain(nudge.text.ko);
    expect(JSON.stringify(kim.message.card)).toContain('근거');
    // The next week's nudge is a different one: no repeats until every nudge has gone out.
    h.clock.set(KST('2027-02-03', '14:00'));
    await new Scheduler(h.services, planners).runDue();
    const payloads = (await h.services.db.selectFrom('job_runs').select('payload').orderBy('slot').execute()).map((r) => r.payload);
    expect(new Set(payloads).size).toBe(2);
  });
});

describe.each(DIALECTS)('%s: operators', (dialect) => {
  it('/integrity status warns when the holiday data runs out within 60 days, and refuses employees', async () => {
    h = await createHarness({ dialect, start: '2027-11-15T00:00:00Z' });
    const status = await h.command('3001', 'status');
    expect(JSON.stringify(status)).toContain('공휴일 자료가 2028-01-14 까지 없습니다');
    const refused = await h.command('1001', 'status');
    expect(refused.kind === 'ephemeral' && refused.error?.code).toBe('error.forbidden');
  });
});

describe.each(DIALECTS)('%s: first start and stale deliveries', (dialect) => {
  it('GIVEN a fresh install started at 09:05 THEN the 09:00 quiz still goes out today', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-27', '09:05'), schedules: QUIZ_AT_NINE });
    const scheduler = new Scheduler(h.services, planners);
    expect((await scheduler.runDue()).map((o) => [o.slot, o.status])).toEqual([[KST('2026-11-27', '09:00'), 'planned']]);
    await scheduler.stop();
  });

  it('GIVEN rows planned yesterday and never sent THEN they expire instead of arriving the next morning', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-26', '08:00'), schedules: QUIZ_AT_NINE });
    await linkEveryone();
    h.clock.set(KST('2026-11-26', '09:00'));
    await new Scheduler(h.services, planners).runDue();
    h.clock.set(KST('2026-11-27', '08:30'));
    const port = new FakePort();
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    expect(port.sent).toEqual([]);
    expect((await deliveries()).map((d) => [d.status, d.error])).toEqual(Array.from({ length: 4 }, () => ['skipped', 'expired']));
  });
});

describe.each(DIALECTS)('%s: the outbox dispatcher', (dialect) => {
  async function planned(schedules = QUIZ_AT_NINE) {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules });
    await linkEveryone();
    h.clock.set(KST('2026-11-27', '09:00'));
    const scheduler = new Scheduler(h.services, planners);
    await scheduler.runDue();
    await scheduler.stop();
  }

  it('sends one quiz to each member of the audience, in their language', async () => {
    await planned();
    const port = new FakePort();
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    expect(port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : '')).sort()).toEqual(['1001', '1002', '2001', '3001']);
    const english = port.sent.find((s) => s.recipient.kind === 'user' && s.recipient.userId === '1002')!;
    expect(english.message.card?.title).toBe("Today's integrity quiz");
    expect((await deliveries()).every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });

  it('a member who already answered today gets no quiz message', async () => {
    await planned();
    const card = await h.command('1001', 'quiz');
    if (card.kind !== 'ephemeral') throw new Error('expected a card');
    const button = card.message.card!.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []))[0]!;
    await h.press('1001', button);
    const port = new FakePort();
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    expect(port.sent).toHaveLength(3);
    const skipped = (await deliveries()).filter((d) => d.status === 'skipped');
    expect(skipped).toHaveLength(1);
  });

  it('honours Retry-After: the row waits exactly that long, and a global limit pauses the platform', async () => {
    await planned();
    const port = new FakePort();
    port.failNext = (_r, attempt) => {
      if (attempt === 1) throw rateLimited(30_000);
    };
    const dispatcher = new Dispatcher(h.services, [port], { composers, sleep: noSleep });
    await dispatcher.drainDue();
    const waiting = (await deliveries()).filter((d) => d.status === 'pending');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.next_attempt_at).toBe(new Date(Date.parse(KST('2026-11-27', '09:00')) + 30_000).toISOString());
    expect(waiting[0]!.error).toBe('rate_limited');
    h.clock.advance(30_000);
    await dispatcher.drainDue();
    expect((await deliveries()).every((d) => d.status === 'sent')).toBe(true);
    expect(port.sent).toHaveLength(4);
  });

  it('retries 5xx with growing backoff and gives up after the maximum attempts with the reason', async () => {
    await planned();
    const port = new FakePort();
    port.failNext = (recipient) => {
      if (recipient.kind === 'user' && recipient.userId === '2001') throw serverError();
    };
    const dispatcher = new Dispatcher(h.services, [port], { composers, sleep: noSleep, random: () => 0.5 });
    const waits: number[] = [];
    for (let round = 0; round < 20; round++) {
      await dispatcher.drainDue();
      const row = (await deliveries()).find((d) => d.error === 'http_503')!;
      if (row.status === 'failed') break;
      const wait = Date.parse(row.next_attempt_at) - h.clock.now().getTime();
      waits.push(wait);
      h.clock.advance(wait);
    }
    expect(waits).toEqual([188, 375, 750, 1500, 3000, 6000, 12000, 24000, 48000]);
    const failed = (await deliveries()).filter((d) => d.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 10, error: 'http_503' });
  });

  it('a closed DM fails at once with its reason, and members without a chat account are recorded as such', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules: QUIZ_AT_NINE });
    await h.command('1001', 'whoami');
    await h.command('1002', 'whoami');
    h.clock.set(KST('2026-11-27', '09:00'));
    await new Scheduler(h.services, planners).runDue();
    const port = new FakePort();
    port.failNext = (recipient) => {
      if (recipient.kind === 'user' && recipient.userId === '1002') throw dmClosed();
    };
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    const byError = Object.fromEntries((await deliveries()).map((d) => [d.member_id, [d.status, d.error, d.attempts]]));
    expect(Object.values(byError).sort()).toEqual([
      ['failed', 'dm_closed', 1],
      ['failed', 'no_account', 1],
      ['failed', 'no_account', 1],
      ['sent', null, 1],
    ]);
    const status = await h.command('3001', 'status');
    expect(status.kind === 'ephemeral' && JSON.stringify(status.message.card)).toContain('no_account 2');
  });

  it('after a crash, rows the dead instance had claimed resume: nobody is skipped, nobody gets two', async () => {
    await planned();
    const port = new FakePort();
    // The first instance claims a batch, sends one message, and dies while the second is in flight
    // (accepted by the platform, never recorded).
    port.hangOnAttempt = 2;
    const crashing = new Dispatcher(h.services, [port], { composers, sleep: noSleep, batchSize: 4 });
    void crashing.drainOnce();
    await vi.waitFor(() => expect(port.attempts).toBe(2));
    expect((await deliveries()).map((d) => d.status).sort()).toEqual(['sending', 'sending', 'sending', 'sent']);
    const restarted = new Dispatcher(h.services, [port], { composers, sleep: noSleep });
    await restarted.drainDue();
    const recipients = port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : ''));
    expect(new Set(recipients).size).toBe(4);
    expect(recipients.length - new Set(recipients).size).toBeLessThanOrEqual(1);
    expect((await deliveries()).every((d) => d.status === 'sent')).toBe(true);
  });

  it('the token bucket paces sends at the configured rate', async () => {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules: QUIZ_AT_NINE, env: { PROBITY_RATE_LIMITS: 'console=2' } });
    await linkEveryone();
    h.clock.set(KST('2026-11-27', '09:00'));
    await new Scheduler(h.services, planners).runDue();
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      h.clock.advance(ms);
    };
    await new Dispatcher(h.services, [new FakePort()], { composers, sleep }).drainDue();
    // Burst of 1, then 2 a second: three waits of 500 ms for four messages.
    expect(slept.reduce((a, b) => a + b, 0)).toBeCloseTo(1500, -1);
  });
});

describe.each(DIALECTS)('%s: audiences', (dialect) => {
  it('a department audience includes its sub-departments; roles narrow it', async () => {
    const schedules = `schedules:
  - name: audit-office
    kind: quiz
    cron: "0 9 * * 1-5"
    audience: { departments: [행정국/감사과] }
  - name: admin-managers
    kind: quiz
    cron: "0 9 * * 1-5"
    audience: { departments: [행정국], roles: [manager] }
  - name: whole-bureau
    kind: quiz
    cron: "0 9 * * 1-5"
    audience: { departments: [행정국] }
`;
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules });
    h.clock.set(KST('2026-11-27', '09:00'));
    const outcomes = await new Scheduler(h.services, planners).runDue();
    expect(Object.fromEntries(outcomes.map((o) => [o.schedule, o.planned]))).toEqual({ 'audit-office': 3, 'admin-managers': 1, 'whole-bureau': 4 });
  });

  it('an unknown department is rejected at start with the schedule name', async () => {
    await expect(
      createHarness({ dialect, schedules: 'schedules:\n  - name: ghost\n    kind: quiz\n    cron: "0 9 * * *"\n    audience: { departments: [없는부서] }\n' }),
    ).rejects.toThrow(/ghost.*schedule\.error\.department/);
  });
});

// Fake timers drive node-cron here; the database is SQLite, whose calls do not wait on timers.
describe('cron ticks', () => {
  it('node-cron ticks the scheduler at 09:00 in the schedule time zone (fake timers)', async () => {
    h = await createHarness({ start: KST('2026-11-27', '08:58'), schedules: QUIZ_AT_NINE });
    vi.useFakeTimers({ now: new Date(KST('2026-11-27', '08:58')), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const fired: string[] = [];
    // The scheduler reads the (faked) system time, as in production.
    const scheduler = new Scheduler({ ...h.services, clock: { now: () => new Date() } }, planners, () => fired.push(new Date().toISOString()));
    scheduler.start();
    for (let i = 0; i < 4 * 60; i++) await vi.advanceTimersByTimeAsync(1_000);
    await scheduler.stop();
    expect(fired).toHaveLength(1);
    expect(Date.parse(fired[0]!)).toBeGreaterThanOrEqual(Date.parse(KST('2026-11-27', '09:00')));
    expect(Date.parse(fired[0]!)).toBeLessThan(Date.parse(KST('2026-11-27', '09:01')));
  });
});
