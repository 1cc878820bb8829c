import { HqError } from './errors';

export interface FailureLimit {
  /** Failed attempts allowed per key within the window; the next one is refused until the oldest ages out. */
  failures: number;
  windowMs: number;
}

/** Twenty wrong PINs or enrolment codes in ten minutes: far more than a person mistyping, far fewer than a guesser needs. */
export const DEFAULT_FAILURE_LIMIT: FailureLimit = { failures: 20, windowMs: 10 * 60_000 };
const MAX_KEYS = 10_000;

/** An attempt taken on its keys; a right answer gives it back. */
export interface Attempt {
  giveBack(): Promise<void>;
}

/** What the routes use: the in-memory limiter below (one HQ) or the shared one (http/shared-failure-limiter.ts). */
export interface AttemptLimiter {
  /** Takes an attempt on every key before the secret is checked, or throws 429 TOO_MANY_ATTEMPTS taking nothing. */
  attempt(keys: readonly string[], what: string): Promise<Attempt>;
}

export function tooManyAttempts(waitMs: number, what: string): HqError {
  const seconds = Math.ceil(waitMs / 1000);
  return new HqError(429, 'TOO_MANY_ATTEMPTS', `Too many wrong ${what} from here. Try again in ${seconds} s.`, { retryAfterSeconds: seconds });
}

/**
 * Slows down guessing of secrets HQ checks (enrolment codes per client address, PINs per register and
 * per user). An attempt is taken, and counted as a failure, before the secret is checked, so attempts
 * running at the same time cannot all pass the limit while their checks are still being awaited; only
 * a right answer gives its own attempt back. A right answer never clears earlier wrong ones: they age
 * out with the window, so wrong guesses mixed with a right PIN still reach the limit. After `failures`
 * attempts within `windowMs`, further attempts answer 429 with Retry-After until the oldest ages out.
 * In memory, for one HQ on SQLite; HQ instances sharing PostgreSQL count in the database instead
 * (SharedFailureLimiter), so a guesser gets the same number of tries whichever instance answers.
 */
export class FailureLimiter implements AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: FailureLimit = DEFAULT_FAILURE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes an attempt on every key, before the secret is checked: throws 429 (taking nothing) when any
   * key has used up its attempts. Give it back with `giveBack` once the secret proved right.
   */
  take(keys: readonly string[], what: string): void {
    const wait = Math.max(0, ...keys.map((key) => this.retryAfterMs(key)));
    if (wait > 0) throw tooManyAttempts(wait, what);
    for (const key of keys) this.fail(key);
  }

  async attempt(keys: readonly string[], what: string): Promise<Attempt> {
    this.take(keys, what);
    return { giveBack: async () => this.giveBack(keys) };
  }

  /** The secret was right: the attempt taken for it no longer counts (earlier wrong ones still do). */
  giveBack(keys: readonly string[]): void {
    for (const key of keys) {
      const recent = this.recent(key);
      recent.pop();
      if (recent.length === 0) this.failures.delete(key);
      else this.failures.set(key, recent);
    }
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.delete(key); // re-insert: the map's order is least recently failed first
    this.failures.set(key, recent);
    if (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
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

/**
 * Runs work one at a time per key (a register, a user): a check waits for the earlier checks on any of
 * its keys. A task waits only on tasks queued before it, so keys taken together never deadlock.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const before = keys.map((key) => this.tails.get(key));
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    for (const key of keys) this.tails.set(key, done);
    try {
      await Promise.all(before);
      return await work();
    } finally {
      release();
      for (const key of keys) if (this.tails.get(key) === done) this.tails.delete(key);
    }
  }
}
