/**
 * Exponential backoff with jitter for 5xx and network failures: the first retry waits 125–250 ms, then
 * the ceiling doubles (250 ms, 500 ms, 1 s, …) up to 5 minutes. A short first step keeps a passing
 * error from holding a 09:00 fan-out back; with the default 10 attempts, a row keeps trying for about
 * two minutes before it is recorded as failed.
 */
export const RETRY_BASE_MS = 250;
export const RETRY_CAP_MS = 5 * 60_000;

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: spreads retries without ever retrying at once.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
