import { HqErrorSchema } from '../../shared/hq/common';
import { ChangesResponseSchema, EpochSchema, SnapshotSchema, type ChangesResponse, type Snapshot } from '../../shared/hq/feed';
import { PushResponseSchema, type Operation, type OpResult } from '../../shared/hq/ops';
import { HqStatusError, type HqClient } from '../hq/hq-client';
import type { FeedTransport } from './change-feed';
import type { PushTransport } from './drainer';

/** A snapshot of a 100k-product catalog is about 12 MB; leave room for a larger chain. */
const SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024;

/** HQ's epoch from a 409 EPOCH_CHANGED answer to a push, or null for any other failure. */
function epochChanged(error: unknown): string | null {
  if (!(error instanceof HqStatusError) || error.status !== 409) return null;
  try {
    const parsed = HqErrorSchema.parse(JSON.parse(error.body));
    const epoch = EpochSchema.safeParse((parsed.details as { epoch?: unknown } | undefined)?.epoch);
    return parsed.error === 'EPOCH_CHANGED' && epoch.success ? epoch.data : null;
  } catch {
    return null;
  }
}

/** The sync engine's calls to HQ, through the register's one HQ client, with HQ's answers checked. */
export class HqSyncTransport implements PushTransport, FeedTransport {
  /**
   * `onEpoch`: told HQ's epoch from every answer that carries it, before the answer is returned.
   * `knownEpoch`: the one the register last saw, sent with each push so a restored HQ refuses it (nothing
   * applied) until what HQ lost is back in the outbox, ahead of it.
   */
  constructor(
    private readonly hq: Pick<HqClient, 'call'>,
    private readonly onEpoch: (epoch: string) => void = () => {},
    private readonly knownEpoch: () => string | null = () => null,
  ) {}

  async push(registerId: string, ops: Operation[], signal?: AbortSignal): Promise<OpResult[]> {
    const known = this.knownEpoch();
    let body: unknown;
    try {
      body = await this.hq.call<unknown>('POST', `/sync/push${known ? `?epoch=${encodeURIComponent(known)}` : ''}`, { registerId, ops }, { timeoutMs: 30_000, signal });
    } catch (error) {
      const epoch = epochChanged(error);
      if (!epoch) throw error;
      this.onEpoch(epoch);
      throw new Error('HQ was restored from a backup: what it acknowledged lately goes again first, then the rest', { cause: error });
    }
    const answer = PushResponseSchema.parse(body);
    if (answer.epoch) this.onEpoch(answer.epoch);
    return answer.results;
  }

  async changes(since: number, limit: number): Promise<ChangesResponse> {
    const page = ChangesResponseSchema.parse(await this.hq.call<unknown>('GET', `/sync/changes?since=${since}&limit=${limit}`));
    if (page.epoch) this.onEpoch(page.epoch);
    return page;
  }

  async snapshot(): Promise<Snapshot> {
    const snapshot = SnapshotSchema.parse(await this.hq.call<unknown>('GET', '/sync/snapshot', undefined, { timeoutMs: 120_000, maxBytes: SNAPSHOT_MAX_BYTES }));
    if (snapshot.epoch) this.onEpoch(snapshot.epoch);
    return snapshot;
  }
}
