/** Exponential backoff with full jitter: attempt 1 waits up to 1 s, then 2, 4, … capped at 5 minutes. */
export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 5 * 60_000;

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: spreads retries without ever retrying at once.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
