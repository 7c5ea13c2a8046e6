import { describe, expect, it } from 'vitest';
import { backoffMs, RETRY_BASE_MS, RETRY_CAP_MS } from '../../src/delivery/retry.js';

const ATTEMPTS = Array.from({ length: 12 }, (_, i) => i + 1);
/** The documented ceiling: 250 ms, 500 ms, 1 s, … capped at 5 minutes. */
const ceiling = (attempt: number) => Math.min(5 * 60_000, 250 * 2 ** (attempt - 1));

describe('backoffMs: exponential backoff, half fixed and half jitter', () => {
  it('uses a 250 ms base and a 5 minute cap', () => {
    expect(RETRY_BASE_MS).toBe(250);
    expect(RETRY_CAP_MS).toBe(300_000);
  });

  it.each(ATTEMPTS)('GIVEN attempt %i THEN random()=0 waits half the ceiling and random()=1 the whole ceiling', (attempt) => {
    expect(backoffMs(attempt, () => 0)).toBe(ceiling(attempt) / 2);
    expect(backoffMs(attempt, () => 1)).toBe(ceiling(attempt));
  });

  it('GIVEN attempts 1 to 14 THEN the ceilings double from 250 ms and stay at 300000 ms from attempt 12', () => {
    expect([...ATTEMPTS, 13, 14].map((a) => backoffMs(a, () => 1))).toEqual([
      250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('GIVEN random()=0.5 THEN the wait is three quarters of the ceiling, rounded to a whole millisecond', () => {
    expect(backoffMs(1, () => 0.5)).toBe(188);
    expect(backoffMs(13, () => 0.5)).toBe(225_000);
    expect(Number.isInteger(backoffMs(3, () => 0.123456))).toBe(true);
  });

  it('GIVEN the default Math.random THEN every wait lies between half the ceiling and the ceiling', () => {
    for (const attempt of ATTEMPTS) {
      for (let i = 0; i < 50; i++) {
        const wait = backoffMs(attempt);
        expect(wait).toBeGreaterThanOrEqual(ceiling(attempt) / 2);
        expect(wait).toBeLessThanOrEqual(ceiling(attempt));
      }
    }
  });

  it('GIVEN attempt 0 or a negative attempt THEN it waits as for the first attempt', () => {
    expect(backoffMs(0, () => 1)).toBe(250);
    expect(backoffMs(-3, () => 0)).toBe(125);
  });
});
