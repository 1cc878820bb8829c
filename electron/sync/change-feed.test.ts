import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change, ChangesResponse, Snapshot } from '../../shared/hq/feed';
import { silentLogger } from '../core/logger';
import { CatalogRepository } from '../modules/catalog/catalog.repository';
import { makeDatabase, makeFeedAppliers, makeProduct } from '../test/factories';
import { ChangeFeed, type FeedTransport } from './change-feed';
import { CONFLICT_POLICY, hqMayOverwrite, mergeAppendOnly, resolve } from './conflict-policy';
import { SyncState } from './sync-state';

let setup: ReturnType<typeof makeDatabase>;
beforeEach(() => (setup = makeDatabase()));
afterEach(() => setup.close());

const productChange = (seq: number, overrides = {}): Change => {
  const p = makeProduct(overrides);
  return { seq, kind: 'product', action: 'upsert', entityId: p.sku, data: p };
};

function feed(pages: ChangesResponse[], snapshot?: Snapshot) {
  const asked: number[] = [];
  const transport: FeedTransport = {
    changes: async (since) => {
      asked.push(since);
      return pages.shift() ?? { changes: [], nextSeq: since, hasMore: false, snapshotRequired: false };
    },
    snapshot: async () => snapshot!,
  };
  return { feed: new ChangeFeed(setup.db, new SyncState(setup.db), transport, silentLogger(), makeFeedAppliers(setup.db)), asked };
}

describe('the change feed', () => {
  it('applies pages and stores lastSeq with them, asking from the last sequence', async () => {
    const { feed: f, asked } = feed([
      { changes: [productChange(1), productChange(2)], nextSeq: 2, hasMore: true, snapshotRequired: false },
      { changes: [productChange(5, { price: 999 })], nextSeq: 7, hasMore: false, snapshotRequired: false },
    ]);
    expect(await f.pull()).toEqual({ applied: 3, snapshot: false });
    expect(asked).toEqual([0, 2]);
    expect(f.lastSeq()).toBe(7);
    expect(new CatalogRepository(setup.db).activeCount()).toBe(3);
  });

  it('carries the label-price mark from HQ: a change marks a product, and a snapshot takes the mark back', async () => {
    const catalog = new CatalogRepository(setup.db);
    const { feed: f } = feed(
      [
        { changes: [productChange(1, { sku: 'PLU-1', priceByLabel: true }), productChange(2, { sku: 'GIFT-1' })], nextSeq: 2, hasMore: false, snapshotRequired: false },
        { changes: [], nextSeq: 2, hasMore: false, snapshotRequired: true },
      ],
      { seq: 9, taxClasses: [], promotions: [], members: [], products: [makeProduct({ sku: 'PLU-1' }), makeProduct({ sku: 'GIFT-1', priceByLabel: true })] },
    );
    await f.pull();
    expect([catalog.findBySku('PLU-1')?.priceByLabel, catalog.findBySku('GIFT-1')?.priceByLabel]).toEqual([true, false]);
    await f.pull();
    expect([catalog.findBySku('PLU-1')?.priceByLabel, catalog.findBySku('GIFT-1')?.priceByLabel]).toEqual([false, true]);
  });

  it('loads a snapshot when HQ no longer keeps the history, replacing the catalog at once', async () => {
    const catalog = new CatalogRepository(setup.db);
    catalog.upsertMany([makeProduct({ sku: 'OLD-1' })]);
    const fresh = Array.from({ length: 12_000 }, (_, i) => makeProduct({ sku: `NEW-${i}` }));
    const { feed: f } = feed([{ changes: [], nextSeq: 0, hasMore: false, snapshotRequired: true }], { seq: 40, taxClasses: [], promotions: [], members: [], products: fresh });
    expect(await f.pull()).toMatchObject({ snapshot: true });
    expect(f.lastSeq()).toBe(40);
    expect(catalog.activeCount()).toBe(12_000);
    expect(catalog.findBySku('OLD-1')).toBeUndefined();
    expect(catalog.findByBarcode(fresh[11_999]!.barcodes[0]!)?.sku).toBe('NEW-11999');
  });

  it('a snapshot of a catalog the register mostly has writes only the differences: changed prices, new and removed products, a barcode moved', async () => {
    const catalog = new CatalogRepository(setup.db);
    const kept = makeProduct({ sku: 'KEPT', price: 100, barcodes: ['4006381333931'] });
    const repriced = makeProduct({ sku: 'PRICE', price: 200 });
    const gone = makeProduct({ sku: 'GONE', barcodes: ['5901234123457'] });
    catalog.upsertMany([kept, repriced, gone]);
    const keptUpdatedAt = setup.db.prepare<[string], { u: number }>('SELECT updated_at AS u FROM products WHERE sku = ?');
    const before = keptUpdatedAt.get('KEPT')!.u;
    const added = { ...makeProduct({ sku: 'NEW' }), barcodes: ['5901234123457'] }; // GONE's barcode now on NEW
    const { feed: f } = feed([{ changes: [], nextSeq: 0, hasMore: false, snapshotRequired: true }], {
      seq: 9,
      taxClasses: [],
      promotions: [],
      members: [],
      products: [kept, { ...repriced, price: 250 }, added],
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await f.pull()).toMatchObject({ snapshot: true });
    expect(catalog.activeCount()).toBe(3);
    expect(catalog.findBySku('GONE')).toBeUndefined();
    expect(catalog.findBySku('PRICE')?.price).toBe(250);
    expect(catalog.findByBarcode('5901234123457')?.sku).toBe('NEW');
    expect(catalog.findByBarcode('4006381333931')?.sku).toBe('KEPT');
    // An unchanged product is not rewritten.
    expect(keptUpdatedAt.get('KEPT')!.u).toBe(before);
    expect(setup.db.prepare('SELECT count(*) FROM product_barcodes_staging').pluck().get()).toBe(0);
  });

  it('tells a realtime change that follows from one after a gap, and ignores one already applied', async () => {
    const { feed: f } = feed([{ changes: [productChange(3)], nextSeq: 3, hasMore: false, snapshotRequired: false }]);
    await f.pull();
    expect(f.applyFollowing(3, [productChange(4)], 4)).toBe(true);
    expect(f.lastSeq()).toBe(4);
    expect(f.applyFollowing(6, [productChange(7)], 7)).toBe(false); // 5 and 6 never arrived: pull
    expect(f.lastSeq()).toBe(4);
    expect(f.applyFollowing(2, [productChange(3)], 3)).toBe(true); // already applied: nothing to do
    expect(f.applyFollowing(4, [], 9)).toBe(true); // a position event moves past changes not for this register
    expect(f.lastSeq()).toBe(9);
  });
});

describe('the conflict policy', () => {
  it('lets HQ win the catalog and member identity, the register its sales and payments', () => {
    expect(resolve('product', 'price', 199, 249)).toBe(249);
    expect(resolve('member', 'phone', '+111', '+222')).toBe('+222');
    expect(resolve('sale', 'total', 500, 450)).toBe(500);
    expect(resolve('payment', 'status', 'stored', 'declined')).toBe('stored');
    expect(hqMayOverwrite('product')).toBe(true);
    expect(hqMayOverwrite('sale')).toBe(false);
  });

  it('never picks a side for the point ledger: entries from both sides are kept once each', () => {
    expect(() => resolve('pointLedger', 'entries', [], [])).toThrow(/append-only/);
    const a = { id: 'a', createdAt: '2026-01-01T10:00:00.000Z' };
    const b = { id: 'b', createdAt: '2026-01-01T11:00:00.000Z' };
    expect(mergeAppendOnly([a], [b, a])).toEqual([a, b]);
  });

  it('has a rule for every field it is asked about', () => {
    expect(() => resolve('product', 'colour', 1, 2)).toThrow(/No conflict policy for product.colour/);
    expect(Object.keys(CONFLICT_POLICY)).toEqual(expect.arrayContaining(['product', 'member', 'sale', 'payment', 'pointLedger']));
  });
});
