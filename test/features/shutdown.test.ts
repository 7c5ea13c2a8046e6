/** A clean stop (SIGTERM): the message in flight is finished, the rest of the claimed batch is returned. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composers, planners } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Recipient, SentRef } from '../../src/delivery/port.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { Message } from '../../src/ui/card.js';
import { DIALECTS } from '../support/databases.js';
import { FakePort, rateLimited } from '../support/fakePort.js';
import { createHarness, type Harness } from '../support/harness.js';

const QUIZ_AT_NINE = `schedules:
  - name: daily-quiz
    kind: quiz
    cron: "0 9 * * 1-5"
    audience: all
    delivery: dm
`;
const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const noSleep = async () => undefined;
/** A Retry-After long enough that only a stop that does not wait for it can finish the test. */
const LONG_RETRY_AFTER_MS = 10 * 60_000;

/** A port whose first send stays on the wire until the test lets it answer. */
class GatedPort extends FakePort {
  private release: (() => void) | undefined;
  private markInFlight: () => void = () => undefined;
  readonly inFlight = new Promise<void>((resolve) => (this.markInFlight = resolve));

  override async send(recipient: Recipient, message: Message): Promise<SentRef> {
    if (this.attempts === 0) {
      const answered = new Promise<void>((resolve) => (this.release = resolve));
      this.markInFlight();
      await answered;
    }
    return super.send(recipient, message);
  }

  answer(): void {
    this.release?.();
  }
}

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function deliveries() {
  return h.services.db.selectFrom('deliveries').select(['id', 'status', 'claimed_by', 'attempts']).orderBy('id').execute();
}

describe.each(DIALECTS)('%s: stopping the dispatcher', (dialect) => {
  async function planned() {
    h = await createHarness({ dialect, start: KST('2026-11-27', '08:00'), schedules: QUIZ_AT_NINE });
    for (const no of ['1001', '1002', '2001', '3001']) await h.command(no, 'whoami');
    h.clock.set(KST('2026-11-27', '09:00'));
    const scheduler = new Scheduler(h.services, planners);
    await scheduler.runDue();
    await scheduler.stop();
  }

  it('GIVEN a batch of four claimed and one message on the wire WHEN stopped THEN that message is recorded sent, the other three are pending and unclaimed, and a restart sends each once', async () => {
    await planned();
    const port = new GatedPort();
    const dispatcher = new Dispatcher(h.services, [port], { composers, sleep: noSleep });
    dispatcher.start();
    await port.inFlight;
    expect((await deliveries()).map((d) => d.status)).toEqual(['sending', 'sending', 'sending', 'sending']);

    const stopped = dispatcher.stop();
    port.answer();
    await stopped;

    const rows = await deliveries();
    expect(rows.map((d) => [d.status, d.claimed_by])).toEqual([
      ['sent', h.services.config.instanceId],
      ['pending', null],
      ['pending', null],
      ['pending', null],
    ]);
    expect(port.sent).toHaveLength(1);

    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    expect((await deliveries()).every((d) => d.status === 'sent')).toBe(true);
    const recipients = port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : ''));
    expect(recipients).toHaveLength(4);
    expect(new Set(recipients).size).toBe(4);
  });

  it('GIVEN the platform paused by a long global Retry-After WHEN stopped THEN the stop does not wait for it and the unsent rows are returned', async () => {
    await planned();
    const port = new FakePort();
    port.failNext = (_recipient, attempt) => {
      if (attempt === 1) throw rateLimited(LONG_RETRY_AFTER_MS, true);
    };
    // Real waiting: the bucket sleeps out the pause unless the stop interrupts it.
    const dispatcher = new Dispatcher(h.services, [port], { composers });
    dispatcher.start();
    await vi.waitFor(() => expect(port.attempts).toBe(1));
    await vi.waitFor(async () => expect((await deliveries()).filter((d) => d.status === 'pending')).toHaveLength(1));

    const started = performance.now();
    await dispatcher.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    const rows = await deliveries();
    expect(rows.filter((d) => d.status === 'sending')).toEqual([]);
    expect(rows.every((d) => d.status === 'pending' && d.claimed_by === null)).toBe(true);
    // The rate-limited row keeps its attempt; the three never tried have none.
    expect(rows.map((d) => d.attempts).sort()).toEqual([0, 0, 0, 1]);
  });
});
