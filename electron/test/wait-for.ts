/**
 * Polls `probe` until it gives a truthy value, for tests against a real HQ or register. The limit is
 * measured on the monotonic clock, so a test that sets the wall clock (clock jumps) waits as long as asked.
 */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, limitMs = 20_000, everyMs = 50): Promise<NonNullable<T>> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (performance.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
