/** Polls until `probe` returns something truthy (or a promise of it), or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false | null | Promise<T | undefined | false | null>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: nothing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
