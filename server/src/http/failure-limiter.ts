import { HqError } from './errors';

export interface FailureLimit {
  /** Failed attempts allowed per key within the window; the next one is refused until the oldest ages out. */
  failures: number;
  windowMs: number;
}

/** Twenty wrong PINs or enrolment codes in ten minutes: far more than a person mistyping, far fewer than a guesser needs. */
export const DEFAULT_FAILURE_LIMIT: FailureLimit = { failures: 20, windowMs: 10 * 60_000 };
const MAX_KEYS = 10_000;

/**
 * Slows down guessing of secrets HQ checks (enrolment codes per client address, PINs per register): only
 * failed attempts count, so a busy store signing in all day is never refused. After `failures` failures
 * within `windowMs`, further attempts answer 429 with Retry-After until the oldest failure ages out.
 * In memory per HQ instance: behind a load balancer each instance limits on its own, which still bounds
 * a guesser to (instances × failures) per window.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: FailureLimit = DEFAULT_FAILURE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 when `key` has used up its failures; call before checking the secret. */
  check(key: string, what: string): void {
    const wait = this.retryAfterMs(key);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new HqError(429, 'TOO_MANY_ATTEMPTS', `Too many wrong ${what} from here. Try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.delete(key); // re-insert: the map's order is least recently failed first
    this.failures.set(key, recent);
    if (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  retryAfterMs(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.limit.failures) return 0;
    return recent[recent.length - this.limit.failures]! + this.limit.windowMs - this.now();
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limit.windowMs;
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }
}
