import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/delivery/rateLimiter.js';
import { ManualClock } from '../../src/time.js';

const START = '2026-11-27T00:00:00.000Z';

/** A bucket on a manual clock whose sleep moves the clock forward and records how long it slept. */
function bucket(rate: number, burst: number) {
  const clock = new ManualClock(START);
  const sleeps: number[] = [];
  const limiter = new TokenBucket(rate, burst, clock, async (ms) => {
    sleeps.push(ms);
    clock.advance(ms);
  });
  const elapsed = () => clock.now().getTime() - Date.parse(START);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return { clock, limiter, sleeps, elapsed, slept: () => sum(sleeps) };
}

describe('TokenBucket: bursts and steady rate', () => {
  it('GIVEN a full bucket THEN `burst` takes go through at once without sleeping', async () => {
    const { limiter, sleeps, elapsed } = bucket(2, 3);
    for (let i = 0; i < 3; i++) await limiter.take();
    expect(sleeps).toEqual([]);
    expect(elapsed()).toBe(0);
  });

  it('GIVEN the burst is spent THEN each further take waits 1/rate seconds', async () => {
    const { limiter, elapsed } = bucket(2, 3);
    for (let i = 0; i < 3; i++) await limiter.take();
    const finished: number[] = [];
    for (let i = 0; i < 4; i++) {
      await limiter.take();
      finished.push(elapsed());
    }
    expect(finished).toEqual([500, 1_000, 1_500, 2_000]);
  });

  it('GIVEN a long idle time THEN the bucket refills only up to `burst`', async () => {
    const { clock, limiter, elapsed } = bucket(4, 2);
    await limiter.take();
    await limiter.take();
    clock.advance(60_000);
    await limiter.take();
    await limiter.take();
    expect(elapsed()).toBe(60_000);
    await limiter.take();
    expect(elapsed()).toBe(60_250);
  });

  it('GIVEN part of the interval has passed THEN a take waits only for the rest', async () => {
    const { clock, limiter, sleeps } = bucket(1, 1);
    await limiter.take();
    clock.advance(400);
    await limiter.take();
    expect(sleeps).toEqual([600]);
  });

  it('GIVEN several takes at once THEN no more than burst + rate × elapsed tokens are ever handed out', async () => {
    const { limiter, elapsed } = bucket(2, 2);
    const finished: number[] = [];
    await Promise.all(Array.from({ length: 8 }, () => limiter.take().then(() => finished.push(elapsed()))));
    finished.sort((a, b) => a - b);
    finished.forEach((t, i) => expect(i + 1).toBeLessThanOrEqual(2 + (2 * t) / 1_000));
    expect(finished.at(-1)).toBe(3_000);
  });
});

describe('TokenBucket: waitTime', () => {
  it('GIVEN a token is free THEN waitTime is 0', () => {
    expect(bucket(2, 3).limiter.waitTime()).toBe(0);
  });

  it('GIVEN the bucket is empty THEN waitTime is the time to the next token, and shrinks as time passes', async () => {
    const { clock, limiter } = bucket(2, 1);
    await limiter.take();
    expect(limiter.waitTime()).toBe(500);
    clock.advance(200);
    expect(limiter.waitTime()).toBe(300);
    clock.advance(300);
    expect(limiter.waitTime()).toBe(0);
  });
});

describe('TokenBucket: pause (a platform-wide Retry-After)', () => {
  it('GIVEN pause(2000) with tokens in the bucket THEN takes are held back until the pause ends', async () => {
    const { limiter, elapsed } = bucket(2, 3);
    limiter.pause(2_000);
    expect(limiter.waitTime()).toBe(2_000);
    await limiter.take();
    expect(elapsed()).toBe(2_000);
  });

  it('GIVEN the pause has ended THEN takes are free again', async () => {
    const { clock, limiter, sleeps } = bucket(2, 3);
    limiter.pause(1_000);
    clock.advance(1_000);
    expect(limiter.waitTime()).toBe(0);
    await limiter.take();
    expect(sleeps).toEqual([]);
  });

  it('GIVEN a shorter pause after a longer one THEN the longer one still holds', () => {
    const { limiter } = bucket(2, 3);
    limiter.pause(5_000);
    limiter.pause(1_000);
    expect(limiter.waitTime()).toBe(5_000);
  });

  it('GIVEN an empty bucket and a pause shorter than the next token THEN the take waits for the token', async () => {
    const { limiter, elapsed } = bucket(1, 1);
    await limiter.take();
    limiter.pause(200);
    expect(limiter.waitTime()).toBe(1_000);
    await limiter.take();
    expect(elapsed()).toBe(1_000);
  });
});
