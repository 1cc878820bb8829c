import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import demoCatalog from '../../../shared/demo/catalog.json' with { type: 'json' };
import { CatalogFileSchema } from '../../../shared/catalog';
import type { Change, ChangesResponse, Promotion, Snapshot } from '../../../shared/hq/feed';
import type { SalePayload } from '../../../shared/hq/ops';
import { silentLogger } from '../../core/logger';
import { ChangeFeed, type FeedTransport } from '../../sync/change-feed';
import { SyncState } from '../../sync/sync-state';
import { makeDatabase, makeFeedAppliers, makeProduct, makeSaleService } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { ReceiptRepository } from './receipt/receipt.repository';
import { CartPricing, type StorePricing } from './cart-pricing';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';

let setup: ReturnType<typeof makeDatabase>;
let store: StorePricing;
let carts: CartRepository;
let cart: CartService;
const milk = makeProduct({ price: 129, taxClass: 'reduced' });
const water = makeProduct({ price: 49, taxClass: 'standard' });
const demo = CatalogFileSchema.parse(demoCatalog).products.slice(0, 10);

function addPromotion(promotion: Promotion): void {
  setup.db.prepare('INSERT INTO promotions (id, data) VALUES (?, ?)').run(promotion.id, JSON.stringify(promotion));
}

beforeEach(() => {
  setup = makeDatabase();
  store = { pricesIncludeTax: true, cashRoundingMinor: 0 };
  new UsersRepository(setup.db).add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  const catalog = new CatalogRepository(setup.db);
  catalog.upsertMany([milk, water, ...demo]);
  carts = new CartRepository(setup.db, new CartPricing(setup.db, () => store));
  cart = new CartService(carts, catalog, 'EUR', { newId: uuidv7, managerByPin: async () => ({ id: 'max', name: 'Max', role: 'manager' }) });
});
afterEach(() => setup.close());

describe('the priced cart', () => {
  it('the first ten demo products with no rules from HQ cost the sum of their prices, tax extracted at the default rates', () => {
    for (const product of demo) cart.scan(product.sku, 'ana');
    const priced = cart.get();
    const sum = demo.reduce((s, p) => s + p.price, 0);
    expect(priced).toMatchObject({ total: sum, subtotal: sum, discountTotal: 0, saleDiscount: null, cashDue: sum, pricesIncludeTax: true });
    expect(priced.tax?.map((t) => [t.taxClass, t.rateBasisPoints])).toEqual([
      ['standard', 2000],
      ['reduced', 700],
    ]);
    expect(priced.lines.every((line) => line.promotion === undefined)).toBe(true);
  });

  it('a promotion HQ sent shows on its line with the saving: 2 × 1.29 at 10 % off is 2.32, saving 0.26', () => {
    addPromotion({ id: 'milk-10', name: 'Milk 10% off', kind: 'percentOff', percent: 10, skus: [milk.sku], active: true });
    cart.scan(milk.sku, 'ana');
    const priced = cart.scan(milk.sku, 'ana');
    expect(priced.lines[0]).toMatchObject({ quantity: 2, lineTotal: 232, promotion: { id: 'milk-10', name: 'Milk 10% off', saving: 26 } });
    expect(priced).toMatchObject({ subtotal: 258, discountTotal: 26, total: 232 });
  });

  it("a line a manager discounted keeps the manager's price, with no promotion on top: 2.58 − 0.50 is 2.08", async () => {
    addPromotion({ id: 'milk-10', name: 'Milk 10% off', kind: 'percentOff', percent: 10, skus: [milk.sku], active: true });
    cart.scan(milk.sku, 'ana');
    const lineId = cart.scan(milk.sku, 'ana').lines[0]!.id;
    const priced = await cart.discount(lineId, { amount: 50 }, '9999', 'ana');
    expect(priced.lines[0]).toMatchObject({ lineTotal: 208, discount: 50 });
    expect(priced.lines[0]!.promotion).toBeUndefined();
    expect(priced.total).toBe(208);
  });

  it("HQ's rates replace the defaults, and a store whose prices exclude tax adds it: 1.29 at 10 % is 1.42", () => {
    setup.db.prepare('INSERT INTO tax_classes (code, name, rate_basis_points) VALUES (?, ?, ?)').run('reduced', 'Reduced', 1000);
    store = { pricesIncludeTax: false, cashRoundingMinor: 0 };
    const priced = cart.scan(milk.sku, 'ana');
    expect(priced.tax).toEqual([{ taxClass: 'reduced', rateBasisPoints: 1000, net: 129, tax: 13, gross: 142 }]);
    expect(priced.total).toBe(142);
  });

  it('cash rounding to 0.05 makes 1.78 due 1.80 in cash', () => {
    store = { pricesIncludeTax: true, cashRoundingMinor: 5 };
    cart.scan(milk.sku, 'ana');
    const priced = cart.scan(water.sku, 'ana');
    expect(priced).toMatchObject({ total: 178, cashDue: 180 });
  });

  it('a promotion row the register cannot read is skipped, the cart still priced', () => {
    setup.db.prepare('INSERT INTO promotions (id, data) VALUES (?, ?)').run('future', JSON.stringify({ id: 'future', kind: 'mystery' }));
    expect(cart.scan(milk.sku, 'ana').total).toBe(129);
  });

  it('completing the sale records the priced total, each line after its promotion with the saving, the sale-wide discount and the tax', () => {
    addPromotion({ id: 'milk-3-for-2', name: '3 for 2', kind: 'multiBuy', quantity: 3, payFor: 2, skus: [milk.sku], active: true });
    addPromotion({ id: 'spend-2', name: 'Spend 2, save 0.08', kind: 'threshold', minSpend: 200, amountOff: 8, active: true });
    for (let i = 0; i < 3; i++) cart.scan(milk.sku, 'ana');
    const sales = makeSaleService(setup.db, { carts });
    const state = sales.state();
    expect(state.due).toBe(250);
    sales.addCash(state.saleId!, 300);
    expect(sales.complete(state.saleId!)).toMatchObject({ total: 250, change: 50 });
    expect(setup.db.prepare('SELECT line_total, promotion_id, promotion_name, promotion_saving FROM sale_lines').all()).toEqual([
      { line_total: 258, promotion_id: 'milk-3-for-2', promotion_name: '3 for 2', promotion_saving: 129 },
    ]);
    const recorded = setup.db.prepare<[], { total: number; sale_discount: number; sale_discount_name: string; taxes: string }>('SELECT total, sale_discount, sale_discount_name, taxes FROM sales').get()!;
    expect(recorded).toMatchObject({ total: 250, sale_discount: 8, sale_discount_name: 'Spend 2, save 0.08' });
    // 2.50 at 7 % included: 250 × 700 / 10700 = 16.36 → 0.16.
    expect(JSON.parse(recorded.taxes)).toEqual([{ taxClass: 'reduced', rateBasisPoints: 700, net: 234, tax: 16, gross: 250 }]);
    const sale = JSON.parse(setup.db.prepare<[], { payload: string }>("SELECT payload FROM outbox WHERE entity = 'sale'").get()!.payload) as SalePayload;
    expect(sale.total).toBe(250);
    expect(sale.lines.map((l) => [l.quantity, l.unitPrice, l.lineTotal])).toEqual([[3, 129, 258]]);
    const receipt = new ReceiptRepository(setup.db).find(state.saleId!, { storeName: 'Demo', storeCode: 'S01', registerCode: 'R01', pricesIncludeTax: true });
    expect(receipt?.lines[0]).toMatchObject({ lineTotal: 258, adjustments: [{ label: '3 for 2', amount: 129 }] });
  });
});

describe('returned items in the priced cart', () => {
  it('take no promotion and no share of a sale-wide discount; they come off the total with the tax they carried', async () => {
    addPromotion({ id: 'milk-10', name: 'Milk 10% off', kind: 'percentOff', percent: 10, skus: [milk.sku], active: true });
    addPromotion({ id: 'spend-2', name: 'Spend 2, save 0.08', kind: 'threshold', minSpend: 200, amountOff: 8, active: true });
    await cart.addReturnWithoutReceipt({ code: milk.sku, quantity: 2, reason: 'leaking', managerPin: '9999' }, 'ana');
    cart.scan(water.sku, 'ana');
    const priced = cart.get();
    expect(priced.lines[0]).toMatchObject({ quantity: -2, lineTotal: -258, returned: { reason: 'leaking' } });
    expect(priced.lines[0]!.promotion).toBeUndefined();
    // The water alone (0.49) is under the threshold: no sale-wide discount, though the cart's lines sum to less.
    expect(priced).toMatchObject({ total: 49 - 258, saleDiscount: null, discountTotal: 0, cashDue: 49 - 258 });
    const reduced = priced.tax!.find((t) => t.taxClass === 'reduced')!;
    expect(reduced).toMatchObject({ gross: -258, tax: -17 });
  });

  it('a returned line is never merged with a scan of the same product', async () => {
    await cart.addReturnWithoutReceipt({ code: milk.sku, quantity: 1, reason: 'leaking', managerPin: '9999' }, 'ana');
    const priced = cart.scan(milk.sku, 'ana');
    expect(priced.lines.map((l) => [l.quantity, l.lineTotal])).toEqual([
      [-1, -129],
      [1, 129],
    ]);
  });
});

describe('rules HQ changes through the feed', () => {
  function feedOf(db: ReturnType<typeof makeDatabase>['db'], pages: ChangesResponse[], snapshot?: Snapshot): ChangeFeed {
    const transport: FeedTransport = {
      changes: async (since) => pages.shift() ?? { changes: [], nextSeq: since, hasMore: false, snapshotRequired: false },
      snapshot: async () => snapshot!,
    };
    return new ChangeFeed(db, new SyncState(db), transport, silentLogger(), makeFeedAppliers(db));
  }
  const page = (...changes: Change[]): ChangesResponse => ({ changes, nextSeq: Math.max(...changes.map((c) => c.seq)), hasMore: false, snapshotRequired: false });
  const tenOff: Promotion = { id: 'milk-10', name: 'Milk 10% off', kind: 'percentOff', percent: 10, skus: [milk.sku], active: true };

  it('a promotion, a tax rate and a price the feed brings are what the next scan is priced with', async () => {
    const pricing = new CartPricing(setup.db, () => store);
    const fed = new CartService(new CartRepository(setup.db, pricing), new CatalogRepository(setup.db), 'EUR', { newId: uuidv7 });
    const feed = feedOf(setup.db, [
      page({ seq: 1, kind: 'promotion', action: 'upsert', entityId: tenOff.id, data: tenOff }),
      page({ seq: 2, kind: 'taxClass', action: 'upsert', entityId: 'reduced', data: { code: 'reduced', name: 'Reduced', rateBasisPoints: 1000 } }),
      page({ seq: 3, kind: 'product', action: 'upsert', entityId: milk.sku, data: { ...milk, price: 200 } }, { seq: 4, kind: 'promotion', action: 'delete', entityId: tenOff.id, data: { id: tenOff.id } }),
    ]);
    pricing.followFeed(feed);
    // Priced once with no rules from HQ: the default 7 % and no promotion (what a cache would keep).
    expect(fed.scan(milk.sku, 'ana')).toMatchObject({ total: 129, discountTotal: 0, tax: [{ taxClass: 'reduced', rateBasisPoints: 700 }] });

    await feed.pull();
    expect(fed.scan(milk.sku, 'ana')).toMatchObject({ total: 232, discountTotal: 26, lines: [{ quantity: 2, promotion: { id: 'milk-10', saving: 26 } }] });
    await feed.pull();
    // 3 × 1.29 less 10 % is 3.48; at HQ's 10 % (not the default 7 %) it includes 0.32 of tax.
    expect(fed.scan(milk.sku, 'ana').tax).toEqual([{ taxClass: 'reduced', rateBasisPoints: 1000, net: 316, tax: 32, gross: 348 }]);
    await feed.pull();
    const priced = fed.scan(milk.sku, 'ana');
    expect(priced.lines.map((l) => [l.quantity, l.unitPrice, l.lineTotal, l.promotion])).toEqual([
      [3, 129, 387, undefined],
      [1, 200, 200, undefined],
    ]);
    expect(priced).toMatchObject({ total: 587, discountTotal: 0 });
  });

  it('a scheduled promotion applies only from its start until its end, by the register clock, with no feed change between', async () => {
    let clock = Date.parse('2026-12-07T08:00:00Z');
    const pricing = new CartPricing(setup.db, () => store, () => clock);
    const fed = new CartService(new CartRepository(setup.db, pricing), new CatalogRepository(setup.db), 'EUR', { newId: uuidv7 });
    const scheduled: Promotion = { ...tenOff, startsAt: '2026-12-07T09:00:00.000Z', endsAt: '2026-12-07T17:00:00.000Z' };
    const feed = feedOf(setup.db, [page({ seq: 1, kind: 'promotion', action: 'upsert', entityId: tenOff.id, data: scheduled })]);
    pricing.followFeed(feed);
    await feed.pull();
    const saving = () => fed.scan(milk.sku, 'ana').discountTotal;
    // 1 × 1.29 before the start: no promotion.
    expect(saving()).toBe(0);
    expect(pricing.promotions()).toEqual([]);
    clock = Date.parse('2026-12-07T09:00:00Z');
    // 2 × 1.29 from the start on: 10 % off.
    expect(saving()).toBe(26);
    expect(pricing.promotions().map((p) => p.id)).toEqual(['milk-10']);
    clock = Date.parse('2026-12-07T16:59:59.999Z');
    expect(saving()).toBe(39);
    // At the end it stops (the end is not included).
    clock = Date.parse('2026-12-07T17:00:00Z');
    expect(saving()).toBe(0);
  });

  it('an ended promotion from the feed stops at once; an inactive one never applies inside its schedule', async () => {
    let clock = Date.parse('2026-12-07T10:00:00Z');
    const pricing = new CartPricing(setup.db, () => store, () => clock);
    const fed = new CartService(new CartRepository(setup.db, pricing), new CatalogRepository(setup.db), 'EUR', { newId: uuidv7 });
    const feed = feedOf(setup.db, [
      page({ seq: 1, kind: 'promotion', action: 'upsert', entityId: tenOff.id, data: { ...tenOff, startsAt: null, endsAt: null } }),
      page({ seq: 2, kind: 'promotion', action: 'upsert', entityId: tenOff.id, data: { ...tenOff, startsAt: null, endsAt: '2026-12-07T10:00:00.000Z' } }),
      page({ seq: 3, kind: 'promotion', action: 'upsert', entityId: tenOff.id, data: { ...tenOff, active: false, endsAt: null } }),
    ]);
    pricing.followFeed(feed);
    await feed.pull();
    expect(fed.scan(milk.sku, 'ana').discountTotal).toBe(13);
    await feed.pull();
    expect(fed.scan(milk.sku, 'ana').discountTotal).toBe(0);
    await feed.pull();
    clock += 60_000;
    expect(fed.scan(milk.sku, 'ana').discountTotal).toBe(0);
  });

  it('a snapshot replaces the rules the next scan is priced with', async () => {
    const pricing = new CartPricing(setup.db, () => store);
    const fed = new CartService(new CartRepository(setup.db, pricing), new CatalogRepository(setup.db), 'EUR', { newId: uuidv7 });
    addPromotion(tenOff);
    const feed = feedOf(setup.db, [{ changes: [], nextSeq: 0, hasMore: false, snapshotRequired: true }], {
      seq: 5,
      taxClasses: [{ code: 'reduced', name: 'Reduced', rateBasisPoints: 1000 }],
      promotions: [],
      members: [],
      products: [milk, water],
    });
    pricing.followFeed(feed);
    expect(fed.scan(milk.sku, 'ana')).toMatchObject({ total: 116, discountTotal: 13 });
    await feed.pull();
    expect(fed.scan(milk.sku, 'ana')).toMatchObject({ total: 258, discountTotal: 0, tax: [{ taxClass: 'reduced', rateBasisPoints: 1000 }] });
  });
});
