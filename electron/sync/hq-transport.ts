import { ChangesResponseSchema, SnapshotSchema, type ChangesResponse, type Snapshot } from '../../shared/hq/feed';
import { PushResponseSchema, type Operation, type OpResult } from '../../shared/hq/ops';
import type { HqClient } from '../hq/hq-client';
import type { FeedTransport } from './change-feed';
import type { PushTransport } from './drainer';

/** A snapshot of a 100k-product catalog is about 12 MB; leave room for a larger chain. */
const SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024;

/** The sync engine's calls to HQ, through the register's one HQ client, with HQ's answers checked. */
export class HqSyncTransport implements PushTransport, FeedTransport {
  constructor(private readonly hq: HqClient) {}

  async push(registerId: string, ops: Operation[], signal?: AbortSignal): Promise<OpResult[]> {
    const answer = await this.hq.call<unknown>('POST', '/sync/push', { registerId, ops }, { timeoutMs: 30_000, signal });
    return PushResponseSchema.parse(answer).results;
  }

  async changes(since: number, limit: number): Promise<ChangesResponse> {
    return ChangesResponseSchema.parse(await this.hq.call<unknown>('GET', `/sync/changes?since=${since}&limit=${limit}`));
  }

  async snapshot(): Promise<Snapshot> {
    return SnapshotSchema.parse(await this.hq.call<unknown>('GET', '/sync/snapshot', undefined, { timeoutMs: 120_000, maxBytes: SNAPSHOT_MAX_BYTES }));
  }
}
