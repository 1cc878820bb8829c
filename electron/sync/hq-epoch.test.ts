import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectivityState } from '../../shared/api';
import type { ChangesResponse, Snapshot } from '../../shared/hq/feed';
import type { Operation, OpResult } from '../../shared/hq/ops';
import { silentLogger } from '../core/logger';
import { makeDatabase, makeFeedAppliers, makeProduct } from '../test/factories';
import { ChangeFeed, type FeedTransport } from './change-feed';
import { DeadLetters } from './dead-letters';
import { Drainer, type PushTransport } from './drainer';
import { HqStatusError } from '../hq/hq-client';
import { hqStandInCaller } from '../hq/testing/hq-stand-in-caller';
import { HqEpochWatch, RESYNC_DUE_KEY } from './hq-epoch';
import { HqSyncTransport } from './hq-transport';
import { Outbox } from './outbox';
import { SyncState } from './sync-state';

const online = { state: 'online', reasons: [] } as unknown as ConnectivityState;
const DAY = 86_400_000;

let setup: ReturnType<typeof makeDatabase>;
let outbox: Outbox;
let state: SyncState;
let epochs: HqEpochWatch;
beforeEach(() => {
  setup = makeDatabase();
  outbox = new Outbox(setup.db);
  state = new SyncState(setup.db);
  epochs = new HqEpochWatch(setup.db, state, outbox, silentLogger());
});
afterEach(() => setup.close());

function addSale(key: string, at: number) {
  outbox.write(() => ({ result: null, operations: [{ entity: 'sale', entityId: key, type: 'completed', payload: { key } as never }] }), at);
}

/** HQ as a test double: answers by the sale's key, tells its epoch with every answer (as HqSyncTransport does). */
function hq(epoch: () => string, answer: (key: string) => OpResult['status'] = () => 'applied') {
  const sent: string[] = [];
  const transport: PushTransport = {
    push: async (_registerId, ops: Operation[]) => {
      sent.push(...ops.map((op) => String(op.payload.key)));
      epochs.observe(epoch());
      return ops.map((op): OpResult => {
        const status = answer(String(op.payload.key));
        return status === 'rejected' ? { id: op.id, status, code: 'CONFLICT', message: 'no' } : status === 'deferred' ? { id: op.id, status, code: 'ORDER_UNKNOWN', message: 'not yet' } : { id: op.id, status };
      });
    },
  };
  return { transport, sent };
}

function drainer(transport: PushTransport, now: () => number, retentionDays = 14) {
  return new Drainer({
    db: setup.db,
    outbox,
    deadLetters: new DeadLetters(setup.db),
    state,
    transport,
    connectivity: { current: () => online, subscribe: () => () => {} },
    registerId: () => 'register-1',
    log: silentLogger(),
    now,
    archiveRetentionMs: () => retentionDays * DAY,
  });
}

describe("HqSyncTransport and HQ's epoch", () => {
  it('names the epoch it knows with each push; a refusal for a changed epoch tells the new one and fails the push', async () => {
    const calls: string[] = [];
    let epoch = 'e1';
    const client = hqStandInCaller(({ path }) => {
      calls.push(path);
      const asked = new URL(path, 'http://hq/').searchParams.get('epoch');
      if (asked && asked !== epoch) throw new HqStatusError(409, JSON.stringify({ error: 'EPOCH_CHANGED', message: 'restored', details: { epoch } }));
      return { results: [], epoch };
    });
    const transport = new HqSyncTransport(client, (e) => epochs.observe(e), () => epochs.current());
    await transport.push('register-1', []);
    expect(epochs.current()).toBe('e1');
    addSale('kept', 1000);
    outbox.archive(outbox.batch(10, 1e6).map((op) => op.id), 2000);
    outbox.acknowledge(outbox.batch(10, 1e6).map((op) => op.id));

    epoch = 'e2';
    await expect(transport.push('register-1', [])).rejects.toThrow(/restored from a backup/);
    expect(calls).toEqual(['/sync/push', '/sync/push?epoch=e1']);
    expect(epochs.current()).toBe('e2');
    expect(outbox.pending().count).toBe(1);
    await transport.push('register-1', []);
    expect(calls[2]).toBe('/sync/push?epoch=e2');
  });
});

describe('the outbox archive', () => {
  it('keeps what HQ acknowledged (not what it rejected) for the retention, then forgets it', async () => {
    let now = 1_000_000;
    const { transport } = hq(() => 'e1', (key) => (key === 'bad' ? 'rejected' : key === 'again' ? 'duplicate' : 'applied'));
    for (const key of ['a', 'again', 'bad']) addSale(key, now);
    await drainer(transport, () => now).drain();
    expect(outbox.pending().count).toBe(0);
    expect(outbox.archived()).toBe(2);
    expect(new DeadLetters(setup.db).count()).toBe(1);

    now += 15 * DAY;
    addSale('b', now);
    await drainer(transport, () => now).drain();
    // a and again were acknowledged 15 days ago: gone; b stays.
    expect(outbox.archived()).toBe(1);
  });
});

describe("HQ's epoch", () => {
  it('remembers the first epoch; a new one sends again everything acknowledged, before newer operations, in the order first written', async () => {
    let epoch = 'e1';
    const { transport, sent } = hq(() => epoch);
    let now = 1_000_000;
    for (const key of ['s1', 's2', 's3']) addSale(key, now++);
    await drainer(transport, () => now).drain();
    expect(epochs.current()).toBe('e1');
    expect(epochs.resyncDue()).toBe(false);
    expect(sent).toEqual(['s1', 's2', 's3']);

    // HQ restored from a backup and its epoch renewed; the register sold on meanwhile.
    epoch = 'e2';
    sent.length = 0;
    addSale('s4', now++);
    addSale('s5', now++);
    const outcome = await drainer(transport, () => now).drain();
    // This double answers the first push with the new epoch (as HQ does for a push naming no epoch: its
    // batch is applied already); then the archive follows in its own order, and HQ answers a duplicate for
    // what it had kept. HqSyncTransport names the epoch it knows, so HQ refuses that first push instead
    // (below) and the archive goes first.
    expect(sent).toEqual(['s4', 's5', 's1', 's2', 's3']);
    expect(outcome).toMatchObject({ remaining: 0 });
    expect(epochs.current()).toBe('e2');
    expect(epochs.resyncDue()).toBe(true);
    expect(outbox.archived()).toBe(5);

    // Seen again: nothing more happens.
    expect(epochs.observe('e2')).toBe(false);
    expect(outbox.pending().count).toBe(0);
  });

  it('puts re-sent operations before pending ones when the epoch is noticed before a push, by the outbox order, whatever the clock said', async () => {
    const { transport, sent } = hq(() => 'e1');
    addSale('old', 1000);
    await drainer(transport, () => 2000).drain();
    // Written after the clock was set back: earlier by the wall clock, later in the register's order.
    addSale('new', 500);
    expect(epochs.observe('e2')).toBe(true);
    expect(sent).toEqual(['old']);
    const after = hq(() => 'e2');
    await drainer(after.transport, () => 4000).drain();
    expect(after.sent).toEqual(['old', 'new']);
    expect(outbox.pending().count).toBe(0);
    expect(outbox.archived()).toBe(2);
  });

  it('makes the change feed load a snapshot even where HQ would go on from lastSeq, and clears that once loaded', async () => {
    let epoch = 'e1';
    const snapshot = (seq: number): Snapshot => ({ seq, epoch, taxClasses: [], promotions: [], members: [], products: [makeProduct({ sku: `P${seq}` })] });
    const asked: string[] = [];
    const transport: FeedTransport = {
      changes: async (since) => {
        asked.push(`changes ${since}`);
        epochs.observe(epoch);
        return { changes: [], nextSeq: Math.max(since, 40), hasMore: false, snapshotRequired: false, epoch } satisfies ChangesResponse;
      },
      snapshot: async () => {
        asked.push('snapshot');
        epochs.observe(epoch);
        return snapshot(30);
      },
    };
    const feed = new ChangeFeed(setup.db, state, transport, silentLogger(), makeFeedAppliers(setup.db));
    expect(await feed.pull()).toEqual({ applied: 0, snapshot: false });
    expect(feed.lastSeq()).toBe(40);

    epoch = 'e2';
    expect(await feed.pull()).toEqual({ applied: 0, snapshot: true });
    expect(asked).toEqual(['changes 0', 'changes 40', 'snapshot', 'changes 30']);
    expect(feed.lastSeq()).toBe(40);
    expect(state.get(RESYNC_DUE_KEY)).toBeNull();
    // A realtime event is refused (a gap, closed by a pull) while a resync is due.
    state.set(RESYNC_DUE_KEY, true);
    expect(feed.applyFollowing(40, [], 41)).toBe(false);
  });
});
