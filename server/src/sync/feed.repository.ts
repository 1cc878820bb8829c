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
    const { headSeq, prunedThrough } = await this.state();
    const gap = { changes: [], nextSeq: since, hasMore: false, snapshotRequired: true };
    if (since < prunedThrough || since > headSeq) return gap;
    let query = this.read
      .selectFrom('changes')
      .select(['seq', 'kind', 'action', 'entity_id', 'data'])
      .where('seq', '>', since)
      .where('seq', '<=', headSeq);
    if (reader.storeId !== null) {
      const storeId = reader.storeId;
      query = query.where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', storeId)]));
    }
    if (reader.registerId !== null) {
      const registerId = reader.registerId;
      query = query.where((eb) => eb.or([eb('origin_register_id', 'is', null), eb('origin_register_id', '<>', registerId)]));
    }
    if (reader.optIn !== undefined) {
      const withheld = OPT_IN_KINDS.filter((kind) => !reader.optIn!.includes(kind));
      if (withheld.length > 0) query = query.where('kind', 'not in', withheld);
    }
    const rows = await query.orderBy('seq').limit(limit + 1).execute();
    // History pruned while we read: what we have may have holes.
    if ((await this.state()).prunedThrough > since) return gap;
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    const changes: Change[] = page.map((row) => ({
      seq: row.seq,
      kind: row.kind as Change['kind'],
      action: row.action,
      entityId: row.entity_id,
      data: JSON.parse(row.data) as unknown,
    }));
    return { changes, nextSeq: hasMore ? page[page.length - 1]!.seq : headSeq, hasMore, snapshotRequired: false };
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
