/**
 * Group commit: pushes that arrive while HQ is writing wait for the write under way, then go together in
 * one transaction (one commit, one feed append, and on PostgreSQL one sequencer pass after it) instead of
 * one each. On PostgreSQL a commit waits for its WAL flush, so committing fifty registers' sales at once
 * costs about what one costs. A group holds its slot until its changes are numbered: under load the next
 * group fills meanwhile, and fuller groups are what keeps a saturated HQ's latency down (bench:chain).
 *
 * - A request that arrives when a slot is free starts a group at the end of the event loop's current turn
 *   (setImmediate): the requests Node has already read in that turn join it, and a lone register waits for
 *   no one (SQLite's writes are synchronous, so without this turn no two requests would ever meet).
 *   Requests that arrive while groups run join the next group (bounded in requests and operations), which
 *   starts as soon as a slot is free.
 * - A group's requests run in a fixed order (their `order` key: register id, then operation ids), so
 *   two groups, here or on another HQ instance, take their locks in the same order.
 * - Each request is answered only after the transaction holding its rows committed. A group the writer
 *   retries (deadlock, serialization failure) runs every request again from the start, and each request
 *   resets its answers when it runs.
 * - A request that throws (not an operation HQ rejects: an unexpected error) fails the group's
 *   transaction, and a commit can fail too; then every request of the group runs again alone, each in a
 *   transaction of its own, so only the faulty one gets the error and no answer speaks of rows that did
 *   not commit.
 */
import type { WriteTx, Writer } from '../db/writer';

export interface GroupJob<W, T> {
  /** Sorts the group's requests so concurrent groups lock rows in the same order. */
  order: string;
  /** Operations in the request, to bound a group's size. */
  size: number;
  /** Before any request runs: tells `work` what this request needs done for the whole group at its start. */
  prepare?(work: W): void;
  /** Runs the request's writes in the group's transaction; `work` collects what the group writes once at its end. */
  run(tx: WriteTx, work: W): Promise<T>;
}

export interface GroupLimits {
  /** Requests in one group. */
  maxRequests: number;
  /** Operations in one group (a request larger than this runs alone). */
  maxOps: number;
  /** Groups in their transactions at once (each on its own database connection). */
  inFlight: number;
}

export const DEFAULT_GROUP_LIMITS: GroupLimits = { maxRequests: 64, maxOps: 2_000, inFlight: 2 };

export interface GroupWork<W> {
  /** Fresh, empty collected work for a transaction (and for each retry of it). */
  begin(): W;
  /** Writes what the requests' `prepare` asked for, once per transaction, before the first request runs. */
  start?(tx: WriteTx, work: W): Promise<void>;
  /** Writes what the group's requests collected, once per transaction, just before its commit. */
  finish(tx: WriteTx, work: W): Promise<void>;
}

interface Waiting<W> {
  job: GroupJob<W, unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Counts kept for tests and for HQ's figures. */
export interface GroupStats {
  groups: number;
  requests: number;
  largest: number;
  /** Groups that failed and ran their requests again one by one. */
  split: number;
}

export class GroupCommitter<W> {
  private readonly queue: Waiting<W>[] = [];
  private running = 0;
  private scheduled = false;
  readonly stats: GroupStats = { groups: 0, requests: 0, largest: 0, split: 0 };

  constructor(
    private readonly writer: Writer,
    private readonly work: GroupWork<W>,
    private readonly limits: GroupLimits = DEFAULT_GROUP_LIMITS,
  ) {}

  /** Requests waiting for a group to start. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Runs the job in the next group; resolves after its transaction committed. */
  submit<T>(job: GroupJob<W, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled || this.running >= this.limits.inFlight) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    });
  }

  private pump(): void {
    while (this.running < this.limits.inFlight && this.queue.length > 0) {
      const group: Waiting<W>[] = [this.queue.shift()!];
      let ops = group[0]!.job.size;
      while (this.queue.length > 0 && group.length < this.limits.maxRequests && ops + this.queue[0]!.job.size <= this.limits.maxOps) {
        const next = this.queue.shift()!;
        ops += next.job.size;
        group.push(next);
      }
      this.running++;
      void this.commit(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async commit(group: Waiting<W>[]): Promise<void> {
    const sorted = [...group].sort((a, b) => (a.job.order < b.job.order ? -1 : a.job.order > b.job.order ? 1 : 0));
    this.stats.groups++;
    this.stats.requests += sorted.length;
    this.stats.largest = Math.max(this.stats.largest, sorted.length);
    let results: unknown[];
    try {
      results = await this.transaction(sorted.map((w) => w.job));
    } catch (error) {
      if (sorted.length === 1) {
        sorted[0]!.reject(error);
        return;
      }
      // One request's fault (or a failed commit) must not fail the others: each runs again on its own.
      this.stats.split++;
      for (const waiting of sorted) {
        try {
          const [result] = await this.transaction([waiting.job]);
          waiting.resolve(result);
        } catch (alone) {
          waiting.reject(alone);
        }
      }
      return;
    }
    sorted.forEach((waiting, i) => waiting.resolve(results[i]));
  }

  private transaction(jobs: GroupJob<W, unknown>[]): Promise<unknown[]> {
    return this.writer.transaction(async (tx) => {
      const work = this.work.begin();
      for (const job of jobs) job.prepare?.(work);
      await this.work.start?.(tx, work);
      const results: unknown[] = [];
      for (const job of jobs) results.push(await job.run(tx, work));
      await this.work.finish(tx, work);
      return results;
    });
  }
}
