import { sql, type Transaction } from 'kysely';
import type { ChangeKind } from '../../../shared/hq/feed';
import { FEED_CHANNEL, type FeedNotifier } from '../sync/feed-notifier';
import type { HqDatabase } from './database';
import type { HqSchema } from './schema';

export interface NewChange {
  kind: ChangeKind;
  action?: 'upsert' | 'delete';
  entityId: string;
  data: unknown;
  storeId?: string | null;
  originRegisterId?: string | null;
}

export interface WriteTx {
  trx: Transaction<HqSchema>;
  /** Adds changes to the feed with the next sequence numbers; returns the last one. */
  append(changes: NewChange[]): Promise<number>;
  now: number;
}

const CHANGE_ROWS_PER_INSERT = 500;

/** Deadlock, serialization failure or a unique key a concurrent PostgreSQL transaction took first: run it again, it rereads. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === '23505';
}

/**
 * Runs every write of HQ in one transaction and numbers its feed changes. The sequence is taken from
 * the single feed_state row, whose row lock is held until commit, so sequence numbers become visible in
 * the order they were handed out: a reader never sees seq 7 while seq 6 is still uncommitted. Take it
 * last in a transaction (call `append` at the end) to hold the lock briefly.
 */
export class Writer {
  constructor(
    private readonly hqDb: HqDatabase,
    private readonly notifier: FeedNotifier,
    private readonly now: () => number = Date.now,
  ) {}

  /** SQLite (one writer: transactions already run one at a time) or PostgreSQL (lock rows to serialise). */
  get dialect(): HqDatabase['dialect'] {
    return this.hqDb.dialect;
  }

  async transaction<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let lastSeq = 0;
      try {
        const result = await this.hqDb.db.transaction().execute(async (trx) => {
          const now = this.now();
          const tx: WriteTx = {
            trx,
            now,
            append: async (changes) => {
              if (changes.length === 0) return lastSeq;
              lastSeq = await appendChanges(trx, changes, now);
              if (this.hqDb.dialect === 'postgres') await sql`SELECT pg_notify(${FEED_CHANNEL}, ${String(lastSeq)})`.execute(trx);
              return lastSeq;
            },
          };
          return fn(tx);
        });
        if (lastSeq) this.notifier.advanced(lastSeq);
        return result;
      } catch (error) {
        if (!isRetryable(error) || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }
}

async function appendChanges(trx: Transaction<HqSchema>, changes: NewChange[], now: number): Promise<number> {
  const { head_seq: last } = await trx
    .updateTable('feed_state')
    .set((eb) => ({ head_seq: eb('head_seq', '+', changes.length) }))
    .where('id', '=', 1)
    .returning('head_seq')
    .executeTakeFirstOrThrow();
  const first = last - changes.length + 1;
  for (let i = 0; i < changes.length; i += CHANGE_ROWS_PER_INSERT) {
    const rows = changes.slice(i, i + CHANGE_ROWS_PER_INSERT).map((change, j) => ({
      seq: first + i + j,
      kind: change.kind,
      action: change.action ?? 'upsert',
      entity_id: change.entityId,
      data: JSON.stringify(change.data),
      store_id: change.storeId ?? null,
      origin_register_id: change.originRegisterId ?? null,
      committed_at: now,
    }));
    await trx.insertInto('changes').values(rows).execute();
  }
  return last;
}
