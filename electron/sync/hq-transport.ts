import { ChangesResponseSchema, SnapshotSchema, type ChangesResponse, type Snapshot } from '../../shared/hq/feed';
import { PushResponseSchema, type Operation, type OpResult } from '../../shared/hq/ops';
import type { HqClient } from '../hq/hq-client';
import type { FeedTransport } from './change-feed';
import type { PushTransport } from './drainer';

/** A snapshot of a 100k-product catalog is about 12 MB; leave room for a larger chain. */
const SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024;

/** The sync engine's calls to HQ, through the register's one HQ client, with HQ's answers checked. */
export class HqSyncTransport implements PushTransport, FeedTransport {
  /** `onEpoch`: told HQ's epoch from every answer that carries it, before the answer is returned. */
  constructor(
    private readonly hq: HqClient,
    private readonly onEpoch: (epoch: string) => void = () => {},
  ) {}

  async push(registerId: string, ops: Operation[], signal?: AbortSignal): Promise<OpResult[]> {
    const answer = PushResponseSchema.parse(await this.hq.call<unknown>('POST', '/sync/push', { registerId, ops }, { timeoutMs: 30_000, signal }));
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
