/**
 * Exponential backoff with full jitter (AWS's "full jitter"): a random delay up to base × 2^attempt,
 * capped. Two lines of arithmetic, so no retry library: the drainer owns its own loop and timers.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 1000, capMs = 60_000): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt)));
}
