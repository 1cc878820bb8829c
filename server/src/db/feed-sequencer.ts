import { sql, type Kysely } from 'kysely';
import type { Logger } from '../logger';
import { FEED_CHANNEL, type FeedNotifier } from '../sync/feed-notifier';
import { PeriodicTask } from './periodic-task';
import type { HqSchema } from './schema';

/** Rows numbered per statement; a pass goes on until none are left. */
const BATCH = 5000;
/** How often each instance looks for changes a write committed but did not see numbered (it stopped first). */
export const SEQUENCER_SWEEP_MS = 1000;

/**
 * Numbers the feed's changes after their writes commit (PostgreSQL). A write stages its changes in
 * `staged_changes`, in its own transaction and without touching any shared row, then asks for a pass and
 * waits for it (Writer.transaction), so a write that returned has its changes in the feed. A pass, on
 * whichever instance, takes one advisory lock, moves every committed staged change into `changes` with
 * the next sequence numbers (in staging order), moves feed_state's head and sends NOTIFY `kassa_feed`,
 * all in one short transaction. So:
 * - sequence numbers become visible in order, as before: a reader never sees seq 7 while 6 is missing;
 * - writes of different instances never wait for each other's commit (a write used to hold the feed_state
 *   row from its append to its commit, fsync included, and every other write of the chain queued behind it);
 * - one pass serves every write committed before it started: passes batch by themselves under load.
 * A change keeps the order of its write's changes; two writes that touch the same row commit one after the
 * other and their changes are numbered in that order (the second stages after the first committed). A
 * snapshot is cut only where no committed change waits for its number (sync/snapshot.ts).
 */
export class FeedSequencer {
  private requested = 0;
  private done = 0;
  private draining: Promise<void> | null = null;
  private readonly waiters: { ticket: number; resolve: () => void }[] = [];
  private failing = false;
  private readonly sweep: PeriodicTask;
  /** Passes run and changes numbered (GET /metrics). */
  readonly stats = { passes: 0, numbered: 0, largest: 0 };

  constructor(
    private readonly db: Kysely<HqSchema>,
    private readonly notifier: FeedNotifier,
    private readonly log: Pick<Logger, 'warn'>,
  ) {
    this.sweep = new PeriodicTask(async () => {
      if (await this.anyStaged()) await this.flush();
    }, log, 'looking for feed changes waiting for their numbers failed; trying again');
  }

  /**
   * Resolves once a pass that started after this call has ended: every change committed before the call
   * is then numbered. A failed pass is logged and resolves too (the write it serves has committed; the
   * sweep numbers its changes later).
   */
  flush(): Promise<void> {
    const ticket = ++this.requested;
    const done = new Promise<void>((resolve) => this.waiters.push({ ticket, resolve }));
    this.draining ??= this.drain();
    return done;
  }

  /** Numbers what an instance that stopped between a commit and its pass left, now and every SEQUENCER_SWEEP_MS. */
  start(everyMs = SEQUENCER_SWEEP_MS): void {
    this.sweep.start(everyMs);
    void this.sweep.run();
  }

  async stop(): Promise<void> {
    this.sweep.stop();
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.done < this.requested) {
        const upTo = this.requested;
        try {
          await this.pass();
          this.failing = false;
        } catch (error) {
          if (!this.failing) this.log.warn({ err: error }, 'numbering feed changes failed; registers hear of them after the next pass');
          this.failing = true;
        }
        this.done = upTo;
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          if (this.waiters[i]!.ticket <= upTo) this.waiters.splice(i, 1)[0]!.resolve();
        }
      }
    } finally {
      this.draining = null;
    }
  }

  private async anyStaged(): Promise<boolean> {
    return (await this.db.selectFrom('staged_changes').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  /** One transaction: lock, number every committed staged change, move the head, notify. Returns the new head (0: nothing staged). */
  private async pass(): Promise<number> {
    const head = await this.db.transaction().execute(async (trx) => {
      // Passes take turns on a lock of their own; the feed's row below would order them too (and still
      // orders them against a writer of an earlier HQ numbering at append, during a rolling upgrade), but
      // with passes waiting on it, bench:chain's pushes on 2 instances were 1.9× slower at p50 and 2.7× at
      // p99 (one run each).
      await sql`SELECT pg_advisory_xact_lock(hashtext('kassa_feed_sequencer:' || current_schema()))`.execute(trx);
      const state = await trx.selectFrom('feed_state').select('head_seq').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
      const first = Number(state.head_seq);
      let last = first;
      for (;;) {
        const { rows } = await sql<{ n: string | number }>`
          WITH moved AS (
            DELETE FROM staged_changes WHERE id IN (SELECT id FROM staged_changes ORDER BY id LIMIT ${BATCH}) RETURNING *
          ), numbered AS (
            INSERT INTO changes (seq, kind, action, entity_id, data, store_id, origin_register_id, committed_at)
            SELECT ${last}::bigint + row_number() OVER (ORDER BY id), kind, action, entity_id, data, store_id, origin_register_id, committed_at FROM moved
            RETURNING 1
          )
          SELECT count(*) AS n FROM numbered`.execute(trx);
        const n = Number(rows[0]!.n);
        last += n;
        if (n < BATCH) break;
      }
      if (last === first) return 0;
      await trx.updateTable('feed_state').set({ head_seq: last }).where('id', '=', 1).execute();
      await sql`SELECT pg_notify(${FEED_CHANNEL}, ${String(last)})`.execute(trx);
      this.stats.numbered += last - first;
      this.stats.largest = Math.max(this.stats.largest, last - first);
      return last;
    });
    this.stats.passes++;
    if (head > 0) this.notifier.advanced(head);
    return head;
  }
}
