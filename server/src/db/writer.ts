import { sql, type Transaction } from 'kysely';
import type { ChangeKind } from '../../../shared/hq/feed';
import type { Logger } from '../logger';
import { FEED_CHANNEL, type FeedNotifier } from '../sync/feed-notifier';
import type { HqDatabase } from './database';
import { FeedSequencer } from './feed-sequencer';
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
  /** Adds changes to the feed; they have their sequence numbers when the transaction returns. */
  append(changes: NewChange[]): Promise<void>;
  now: number;
}

const CHANGE_ROWS_PER_INSERT = 500;

/** Deadlock, serialization failure or a unique key a concurrent PostgreSQL transaction took first: run it again, it rereads. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === '23505';
}

/**
 * Runs every write of HQ in one transaction and gives its feed changes their sequence numbers, which become
 * visible in the order they were handed out: a reader never sees seq 7 while seq 6 is still uncommitted.
 * - PostgreSQL (several instances): the changes are staged in the write's transaction and numbered right
 *   after its commit by the feed sequencer (db/feed-sequencer.ts); the write returns once they are. No
 *   write holds a row every other write needs while it commits.
 * - SQLite (one writer) and `HQ_FEED_SEQUENCING=append`: numbered at append from the single feed_state
 *   row, whose row lock is held until commit. Take it last in a transaction (call `append` at the end).
 */
export class Writer {
  /** PostgreSQL unless `sequencing: 'append'`: numbers staged changes after commit. */
  readonly sequencer: FeedSequencer | null;

  constructor(
    private readonly hqDb: HqDatabase,
    private readonly notifier: FeedNotifier,
    private readonly now: () => number = Date.now,
    options: { sequencing?: 'staged' | 'append'; log?: Pick<Logger, 'warn'> } = {},
  ) {
    this.sequencer = hqDb.dialect === 'postgres' && options.sequencing !== 'append' ? new FeedSequencer(hqDb.db, notifier, options.log ?? console) : null;
  }

  /** Resolves once every change committed before the call has its sequence number. */
  async settle(): Promise<void> {
    await this.sequencer?.flush();
  }

  /** SQLite (one writer: transactions already run one at a time) or PostgreSQL (lock rows to serialise). */
  get dialect(): HqDatabase['dialect'] {
    return this.hqDb.dialect;
  }

  async transaction<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let lastSeq = 0;
      let staged = false;
      try {
        const result = await this.hqDb.db.transaction().execute(async (trx) => {
          const now = this.now();
          const tx: WriteTx = {
            trx,
            now,
            append: async (changes) => {
              if (changes.length === 0) return;
              if (this.sequencer) {
                await stageChanges(trx, changes, now);
                staged = true;
              } else {
                lastSeq = await appendChanges(trx, changes, now);
                if (this.hqDb.dialect === 'postgres') await sql`SELECT pg_notify(${FEED_CHANNEL}, ${String(lastSeq)})`.execute(trx);
              }
            },
          };
          return fn(tx);
        });
        if (staged) await this.sequencer!.flush();
        if (lastSeq) this.notifier.advanced(lastSeq);
        return result;
      } catch (error) {
        if (!isRetryable(error) || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }
}

function rowsOf(changes: NewChange[], now: number) {
  return changes.map((change) => ({
    kind: change.kind,
    action: change.action ?? 'upsert',
    entity_id: change.entityId,
    data: JSON.stringify(change.data),
    store_id: change.storeId ?? null,
    origin_register_id: change.originRegisterId ?? null,
    committed_at: now,
  }));
}

async function stageChanges(trx: Transaction<HqSchema>, changes: NewChange[], now: number): Promise<void> {
  for (let i = 0; i < changes.length; i += CHANGE_ROWS_PER_INSERT) {
    await trx.insertInto('staged_changes').values(rowsOf(changes.slice(i, i + CHANGE_ROWS_PER_INSERT), now)).execute();
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
    const rows = rowsOf(changes.slice(i, i + CHANGE_ROWS_PER_INSERT), now).map((row, j) => ({ seq: first + i + j, ...row }));
    await trx.insertInto('changes').values(rows).execute();
  }
  return last;
}
