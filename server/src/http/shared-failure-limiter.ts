import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { HqContext } from '../context';
import type { HqDatabase } from '../db/database';
import type { HqSchema } from '../db/schema';
import { DEFAULT_FAILURE_LIMIT, FailureLimiter, KeyedQueue, tooManyAttempts, type Attempt, type AttemptLimiter, type FailureLimit } from './failure-limiter';

const PRUNE_EVERY_MS = 60_000;

/**
 * The guessing limit of HQ instances sharing one PostgreSQL database: every attempt is a row of
 * `hq_attempts` (migration 015), so N instances behind a load balancer allow the same number of guesses as
 * one. `kassa_take_attempt` takes the attempt on every key in one round trip, before the secret is
 * checked, holding an advisory lock per key while it counts and inserts: two attempts on two instances at
 * once are counted one after the other, never both against the same free slot. Only a right answer gives
 * its own attempt back (one DELETE of its rows); wrong ones expire with the window.
 */
export class SharedFailureLimiter implements AttemptLimiter {
  private lastPrune = 0;

  constructor(
    private readonly db: Kysely<HqSchema>,
    /** Keeps this limiter's keys apart from the other limiters' in the one table. */
    private readonly name: string,
    private readonly limit: FailureLimit,
    private readonly now: () => number = Date.now,
  ) {}

  async attempt(keys: readonly string[], what: string): Promise<Attempt> {
    const now = this.now();
    const id = crypto.randomUUID();
    const scoped = keys.map((key) => `${this.name}:${key}`);
    const { rows } = await sql<{ wait: number }>`SELECT kassa_take_attempt(${scoped}::text[], ${id}, ${now}, ${this.limit.windowMs}, ${this.limit.failures}) AS wait`.execute(this.db);
    const wait = Number(rows[0]!.wait);
    if (wait > 0) throw tooManyAttempts(wait, what);
    this.pruneNowAndThen(now);
    return {
      giveBack: async () => {
        await this.db.deleteFrom('hq_attempts').where('attempt_id', 'in', [...new Set(scoped)].map((key) => `${id}:${key}`)).execute();
      },
    };
  }

  /** Keys nobody tries again keep their expired rows until some instance sweeps them, about once a minute. */
  private pruneNowAndThen(now: number): void {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    void this.db.deleteFrom('hq_attempts').where('expires_at', '<=', now).execute().catch(() => {});
  }
}

/** The guessing limits of one HQ: shared through the database on PostgreSQL (several instances), in memory on SQLite (one). */
export function makeGuessLimits(database: HqDatabase, limit: FailureLimit | undefined, consoleLimit: FailureLimit): HqContext['limits'] {
  const make = (name: string, l: FailureLimit): AttemptLimiter => (database.dialect === 'postgres' ? new SharedFailureLimiter(database.db, name, l) : new FailureLimiter(l));
  return { enrol: make('enrol', limit ?? DEFAULT_FAILURE_LIMIT), login: make('login', limit ?? DEFAULT_FAILURE_LIMIT), pinChecks: new KeyedQueue(), consoleSignIn: make('console', consoleLimit) };
}
