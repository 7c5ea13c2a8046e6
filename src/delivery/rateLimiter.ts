import type { Clock } from '../time.js';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A token bucket per platform: `rate` messages a second with bursts up to `burst`. `pause` holds
 * every sender back until a time the platform named (a global Retry-After).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep = realSleep,
  ) {
    this.tokens = burst;
    this.updatedAt = clock.now().getTime();
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
  }

  /** Milliseconds until a token is free (0 when one is). */
  waitTime(): number {
    const now = this.clock.now().getTime();
    this.refill(now);
    const pause = Math.max(0, this.pausedUntil - now);
    const deficit = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.rate) * 1000;
    // Whole milliseconds: timers and clocks do not resolve less, and a sub-millisecond wait would spin.
    return Math.ceil(Math.max(pause, deficit));
  }

  async take(): Promise<void> {
    for (let wait = this.waitTime(); wait > 0; wait = this.waitTime()) await this.sleep(wait);
    this.tokens -= 1;
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now().getTime() + ms);
  }
}
