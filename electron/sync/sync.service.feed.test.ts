import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ConnectivityState } from '../../shared/api';
import type { ChangesResponse, Snapshot } from '../../shared/hq/feed';
import { silentLogger } from '../core/logger';
import type { HqClient } from '../hq/hq-client';
import { IdentityStore } from '../hq/identity';
import { hqStandInCaller } from '../hq/testing/hq-stand-in-caller';
import { CatalogRepository } from '../modules/catalog';
import { makeDatabase, makeFeedAppliers, makeProduct } from '../test/factories';
import { Outbox } from './outbox';
import { SyncService } from './sync.service';

let setup: ReturnType<typeof makeDatabase>;
beforeEach(() => (setup = makeDatabase()));
afterEach(() => setup.close());

const offline: ConnectivityState = { state: 'offline', reasons: ['manual'], since: 0, manualBy: null, warning: null, hq: { configured: true, reachable: null, lastProbeAt: null, latencyMs: null, evidence: null, lastError: null } };

it('a snapshot reaches every module that registered for the feed: the catalog staged, then swapped in with the pricing rules', async () => {
  const catalog = new CatalogRepository(setup.db);
  catalog.upsertMany([makeProduct({ sku: 'GONE' })]);
  const products = [makeProduct({ sku: 'A' }), makeProduct({ sku: 'B' }), makeProduct({ sku: 'C' })];
  const snapshot: Snapshot = { seq: 7, taxClasses: [{ code: 'reduced', name: 'Reduced', rateBasisPoints: 500 }], promotions: [], members: [], products };
  let asked = 0;
  const caller = hqStandInCaller(({ path }) => {
    if (path.startsWith('/sync/snapshot')) return snapshot;
    return { changes: [], nextSeq: 7, hasMore: false, snapshotRequired: asked++ === 0 } satisfies ChangesResponse;
  });
  const hq = { call: caller.call, onRevoked: () => () => {}, url: (path: string) => `http://127.0.0.1:9/${path}` } as unknown as HqClient;
  const sync = new SyncService({
    db: setup.db,
    outbox: new Outbox(setup.db),
    hq,
    identity: new IdentityStore(setup.db),
    connectivity: { current: () => offline, subscribe: () => () => {} },
    log: silentLogger(),
    feedAppliers: () => makeFeedAppliers(setup.db),
  });
  expect(await sync.feed!.pull()).toEqual({ applied: 0, snapshot: true });
  expect(catalog.activeCount()).toBe(3);
  expect(catalog.findBySku('GONE')).toBeUndefined();
  expect(catalog.findBySku('B')?.name).toBe(products[1]!.name);
  expect(setup.db.prepare('SELECT code, rate_basis_points AS rate FROM tax_classes').all()).toEqual([{ code: 'reduced', rate: 500 }]);
  expect(sync.feed!.lastSeq()).toBe(7);
});
