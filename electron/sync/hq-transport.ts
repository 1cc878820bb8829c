import { EpochSchema, OPT_IN_KINDS, type ChangesResponse, type Snapshot } from '../../shared/hq/feed';
import type { Operation, OpResult, PushResponse } from '../../shared/hq/ops';
import { HQ_ROUTES } from '../../shared/hq/routes';
import { HqStatusError, type HqCaller } from '../hq/hq-client';
import type { FeedTransport } from './change-feed';
import type { PushTransport } from './drainer';

/** A snapshot of a 100k-product catalog is about 12 MB; leave room for a larger chain. */
const SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024;

/** HQ's epoch from an EPOCH_CHANGED conflict answered to a push, or null for any other failure. */
function epochChanged(error: unknown): string | null {
  if (!(error instanceof HqStatusError) || error.kind !== 'conflict' || error.code !== 'EPOCH_CHANGED') return null;
  const epoch = EpochSchema.safeParse((error.details as { epoch?: unknown } | undefined)?.epoch);
  return epoch.success ? epoch.data : null;
}

/** The sync engine's calls to HQ, through the register's one HQ client, with HQ's answers checked. */
export class HqSyncTransport implements PushTransport, FeedTransport {
  /**
   * `onEpoch`: told HQ's epoch from every answer that carries it, before the answer is returned.
   * `knownEpoch`: the one the register last saw, sent with each push so a restored HQ refuses it (nothing
   * applied) until what HQ lost is back in the outbox, ahead of it.
   */
  constructor(
    private readonly hq: HqCaller,
    private readonly onEpoch: (epoch: string) => void = () => {},
    private readonly knownEpoch: () => string | null = () => null,
  ) {}

  async push(registerId: string, ops: Operation[], signal?: AbortSignal): Promise<OpResult[]> {
    const known = this.knownEpoch();
    let answer: PushResponse;
    try {
      answer = await this.hq.call(HQ_ROUTES.push, { query: { epoch: known ?? undefined }, body: { registerId, ops } }, { timeoutMs: 30_000, signal });
    } catch (error) {
      const epoch = epochChanged(error);
      if (!epoch) throw error;
      this.onEpoch(epoch);
      throw new Error('HQ was restored from a backup: what it acknowledged lately goes again first, then the rest', { cause: error });
    }
    if (answer.epoch) this.onEpoch(answer.epoch);
    return answer.results;
  }

  async changes(since: number, limit: number): Promise<ChangesResponse> {
    const page = await this.hq.call(HQ_ROUTES.changes, { query: { since, limit, kinds: OPT_IN_KINDS.join(',') } });
    if (page.epoch) this.onEpoch(page.epoch);
    return page;
  }

  async snapshot(): Promise<Snapshot> {
    const snapshot = await this.hq.call(HQ_ROUTES.snapshot, {}, { timeoutMs: 120_000, maxBytes: SNAPSHOT_MAX_BYTES });
    if (snapshot.epoch) this.onEpoch(snapshot.epoch);
    return snapshot;
  }
}
