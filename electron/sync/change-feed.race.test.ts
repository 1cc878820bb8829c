import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Change, ChangesResponse } from '../../shared/hq/feed';
import { silentLogger } from '../core/logger';
import { makeDatabase, makeFeedAppliers, makeProduct } from '../test/factories';
import { ChangeFeed, type FeedTransport } from './change-feed';
import { SyncState } from './sync-state';

let setup: ReturnType<typeof makeDatabase>;
beforeEach(() => (setup = makeDatabase()));
afterEach(() => setup.close());

it('keeps the newer value when the realtime stream got ahead of a pull whose page was on its way', async () => {
  const product = makeProduct({ price: 100 });
  const change = (seq: number, price: number): Change => ({ seq, kind: 'product', action: 'upsert', entityId: product.sku, data: { ...product, price } });
  let answer: (page: ChangesResponse) => void = () => {};
  const transport: FeedTransport = {
    changes: () => new Promise((resolve) => (answer = resolve)),
    snapshot: () => Promise.reject(new Error('no snapshot here')),
  };
  const feed = new ChangeFeed(setup.db, new SyncState(setup.db), transport, silentLogger(), makeFeedAppliers(setup.db));

  // A periodic pull asks from 0; HQ answers with the one change it has (seq 1, price 100) …
  const pulling = feed.pull();
  // … and before that answer is read, the stream brings seq 1 and a new price at seq 2.
  expect(feed.applyFollowing(0, [change(1, 100)], 1)).toBe(true);
  expect(feed.applyFollowing(1, [change(2, 250)], 2)).toBe(true);
  answer({ changes: [change(1, 100)], nextSeq: 1, hasMore: false, snapshotRequired: false });
  await pulling;

  expect(feed.lastSeq()).toBe(2);
  expect(setup.db.prepare<[string], { price: number }>('SELECT price FROM products WHERE sku = ?').get(product.sku)).toEqual({ price: 250 });
});
