import type { Kysely } from 'kysely';
import { OPT_IN_KINDS, type Change, type ChangesResponse, type OptInKind } from '../../../shared/hq/feed';
import type { HqSchema } from '../db/schema';
import type { Writer } from '../db/writer';

export interface FeedReader {
  storeId: string | null;
  registerId: string | null;
  /** The opt-in kinds (OPT_IN_KINDS) this reader asked for; absent: every kind (an admin). */
  optIn?: readonly OptInKind[];
}

export interface FeedRetention {
  /** Keep at most this many changes. */
  maxChanges: number;
  /** Drop changes older than this. The newest change is always kept. */
  maxAgeMs: number;
}

/** A change as stored: `data` still JSON text, with the store it belongs to and the register it came from. */
export interface FeedRow {
  seq: number;
  kind: Change['kind'];
  action: Change['action'];
  entityId: string;
  data: string;
  storeId: string | null;
  originRegisterId: string | null;
}

export interface FeedPage {
  rows: FeedRow[];
  nextSeq: number;
  hasMore: boolean;
  snapshotRequired: boolean;
  prunedThrough: number;
}

/**
 * Which changes a reader is sent, the one definition for the database read (FeedRepository.page) and the
 * in-memory fan-out (visibleTo): a register gets its own store's changes and those of no store, never the
 * operations it uploaded itself, and an opt-in kind only if it asked for it; an admin gets everything.
 */
export interface ReaderFilter {
  storeId: string | null;
  registerId: string | null;
  withheld: readonly Change['kind'][];
}

export function readerFilter(reader: FeedReader): ReaderFilter {
  const optIn = reader.optIn;
  return { storeId: reader.storeId, registerId: reader.registerId, withheld: optIn === undefined ? [] : OPT_IN_KINDS.filter((kind) => !optIn.includes(kind)) };
}

export function visibleTo(filter: ReaderFilter, row: Pick<FeedRow, 'kind' | 'storeId' | 'originRegisterId'>): boolean {
  if (filter.storeId !== null && row.storeId !== null && row.storeId !== filter.storeId) return false;
  if (filter.registerId !== null && row.originRegisterId !== null && row.originRegisterId === filter.registerId) return false;
  return !filter.withheld.includes(row.kind);
}

export function toChange(row: FeedRow): Change {
  return { seq: row.seq, kind: row.kind, action: row.action, entityId: row.entityId, data: JSON.parse(row.data) as unknown };
}

export const DEFAULT_RETENTION: FeedRetention = { maxChanges: 5_000_000, maxAgeMs: 90 * 24 * 3600 * 1000 };

export class FeedRepository {
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  async state(): Promise<{ headSeq: number; prunedThrough: number }> {
    const row = await this.read.selectFrom('feed_state').select(['head_seq', 'pruned_through']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { headSeq: row.head_seq, prunedThrough: row.pruned_through };
  }

  /**
   * The changes after `since` that this reader needs: registers skip their own operations and other
   * stores' orders. `nextSeq` moves past skipped changes too, so the next call starts after them.
   */
  async changes(since: number, limit: number, reader: FeedReader): Promise<ChangesResponse> {
    const { rows, nextSeq, hasMore, snapshotRequired } = await this.page(since, limit, reader);
    return { changes: rows.map(toChange), nextSeq, hasMore, snapshotRequired };
  }

  /**
   * `changes()` with each change's store, originating register and the history's pruning point: what the
   * realtime fan-out (feed-hub.ts) needs to read every reader's changes at once and filter them in memory.
   * Reads head_seq first and only changes up to it, so a change numbered after one still uncommitted is
   * never read before it.
   */
  async page(since: number, limit: number, reader: FeedReader): Promise<FeedPage> {
    const { headSeq, prunedThrough } = await this.state();
    const gap = { rows: [], nextSeq: since, hasMore: false, snapshotRequired: true, prunedThrough };
    if (since < prunedThrough || since > headSeq) return gap;
    const filter = readerFilter(reader);
    let query = this.read
      .selectFrom('changes')
      .select(['seq', 'kind', 'action', 'entity_id', 'data', 'store_id', 'origin_register_id'])
      .where('seq', '>', since)
      .where('seq', '<=', headSeq);
    if (filter.storeId !== null) {
      const storeId = filter.storeId;
      query = query.where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', storeId)]));
    }
    if (filter.registerId !== null) {
      const registerId = filter.registerId;
      query = query.where((eb) => eb.or([eb('origin_register_id', 'is', null), eb('origin_register_id', '<>', registerId)]));
    }
    if (filter.withheld.length > 0) query = query.where('kind', 'not in', filter.withheld);
    const found = await query.orderBy('seq').limit(limit + 1).execute();
    // History pruned while we read: what we have may have holes.
    const after = await this.state();
    if (after.prunedThrough > since) return { ...gap, prunedThrough: after.prunedThrough };
    const hasMore = found.length > limit;
    const rows: FeedRow[] = found.slice(0, limit).map((row) => ({
      seq: row.seq,
      kind: row.kind as Change['kind'],
      action: row.action,
      entityId: row.entity_id,
      data: row.data,
      storeId: row.store_id,
      originRegisterId: row.origin_register_id,
    }));
    return { rows, nextSeq: hasMore ? rows[rows.length - 1]!.seq : headSeq, hasMore, snapshotRequired: false, prunedThrough };
  }

  /** Drops history beyond the retention; a reader whose `since` falls before it gets `snapshotRequired`. */
  async prune(retention: FeedRetention, now = Date.now()): Promise<number> {
    return this.writer.transaction(async ({ trx }) => {
      const { head_seq: head, pruned_through: pruned } = await trx.selectFrom('feed_state').select(['head_seq', 'pruned_through']).where('id', '=', 1).executeTakeFirstOrThrow();
      const byCount = head - retention.maxChanges;
      const oldestKept = await trx
        .selectFrom('changes')
        .select((eb) => eb.fn.min('seq').as('seq'))
        .where('committed_at', '>=', now - retention.maxAgeMs)
        .executeTakeFirst();
      const byAge = oldestKept?.seq != null ? Number(oldestKept.seq) - 1 : head - 1;
      const through = Math.min(head - 1, Math.max(byCount, byAge));
      if (through <= pruned) return 0;
      const { numDeletedRows } = await trx.deleteFrom('changes').where('seq', '<=', through).executeTakeFirst();
      await trx.updateTable('feed_state').set({ pruned_through: through }).where('id', '=', 1).execute();
      return Number(numDeletedRows);
    });
  }
}
