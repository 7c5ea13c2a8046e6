/**
 * Cron expressions evaluated in a time zone by node-cron's own matcher. node-cron ticks but does not
 * catch up, so the scheduler asks this module which minutes in a range were fire times and lets the
 * slot ledger decide what fires.
 */
import { createTask, validate, type ScheduledTask } from 'node-cron';
import { localClock } from '../time.js';

const MINUTE_MS = 60_000;

export class CronMatcher {
  private readonly task: ScheduledTask;
  constructor(
    readonly expression: string,
    readonly timezone: string,
  ) {
    // A task that is never started: only its time matcher is used.
    this.task = createTask(expression, () => undefined, { timezone });
  }

  matches(instant: Date): boolean {
    return this.task.match(floorToMinute(instant));
  }

  /** Fire times t with from < t ≤ to, oldest first. */
  fireTimesBetween(from: Date, to: Date): Date[] {
    const out: Date[] = [];
    for (let t = floorToMinute(from).getTime() + MINUTE_MS; t <= to.getTime(); t += MINUTE_MS) {
      const instant = new Date(t);
      if (this.task.match(instant)) out.push(instant);
    }
    return out;
  }

  dispose(): void {
    void this.task.destroy();
  }
}

export function floorToMinute(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / MINUTE_MS) * MINUTE_MS);
}

/**
 * Five fields: minute hour day-of-month month day-of-week. Slots are whole minutes, so node-cron's
 * optional sixth (seconds) field is refused rather than accepted and never matched.
 */
export function isValidCron(expression: string): boolean {
  return expression.trim().split(/\s+/).length === 5 && validate(expression);
}

/** Minutes after local midnight of `instant` in `timeZone`. */
export function localMinutes(instant: Date, timeZone: string): number {
  const { hour, minute } = localClock(instant, timeZone);
  return hour * 60 + minute;
}
