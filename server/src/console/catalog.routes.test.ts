import { afterEach, beforeEach, expect, it } from 'vitest';
import { PRODUCT_SEARCH_TOTAL_CAP, type ConsoleRole } from '../../../shared/hq/console';
import type { ChangesResponse, Promotion } from '../../../shared/hq/feed';
import { makeProduct } from '../test/factories';
import { describeEachStorage, enrolInTwoStores, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { consoleSession } from '../test/console';

/** A signed-in console user: the cookie and the CSRF token, sent with every call. */
interface Session {
  headers: Record<string, string>;
}

const as = async (app: TestHq['app'], role: ConsoleRole, storeIds: string[] = []): Promise<Session> => ({ headers: (await consoleSession(app, role, storeIds)).write });

interface Page {
  products: { sku: string; name: string; price: number; taxClass: string; barcodes: string[] }[];
  total: number;
  next: string | null;
}

describeEachStorage('console catalog and promotions', (kind) => {
  let hq: TestHq;
  let owner: Session;
  let manager: Session;
  let s01: TestRegister;

  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01 } = await enrolInTwoStores(hq));
    owner = await as(hq.app, 'owner');
    manager = await as(hq.app, 'store-manager', [s01.storeId]);
  });
  afterEach(() => hq.close());

  const search = async (session: Session, query: string) => (await hq.app.inject({ url: `/console/api/products?${query}`, headers: session.headers })).json<Page>();
  const feedSince = async (since: number) => (await hq.app.inject({ url: `/sync/changes?since=${since}`, headers: s01.auth })).json<ChangesResponse>().changes;
  const auditActions = async () => (await hq.app.inject({ url: '/console/api/audit', headers: owner.headers })).json<{ entries: { action: string; target: string | null; detail: Record<string, unknown> }[] }>().entries;

  it('searches by SKU prefix, name (ignoring case, % taken literally) and exact barcode, a page at a time by SKU', async () => {
    const a = makeProduct({ sku: 'ZZ-100', name: 'Quixo Drink 1 L' });
    const b = makeProduct({ sku: 'ZZ-200', name: 'quixo Biscuits 100% whole' });
    const c = makeProduct({ sku: 'ZZ-300', name: 'Rye Bread' });
    await hq.app.inject({ method: 'POST', url: '/catalog/import', headers: hq.admin, payload: { products: [a, b, c] } });

    expect((await search(manager, 'q=zz-')).products.map((p) => p.sku)).toEqual(['ZZ-100', 'ZZ-200', 'ZZ-300']);
    expect((await search(manager, 'q=QUIXO')).products.map((p) => p.sku)).toEqual(['ZZ-100', 'ZZ-200']);
    expect((await search(manager, `q=${encodeURIComponent('100%')}`)).products.map((p) => p.sku)).toEqual(['ZZ-200']);
    expect((await search(manager, `q=${c.barcodes[0]}`)).products.map((p) => p.sku)).toEqual(['ZZ-300']);
    // Part of a barcode is not a barcode.
    expect((await search(manager, `q=${c.barcodes[0]!.slice(0, 6)}zz`)).products).toEqual([]);

    const first = await search(manager, 'q=zz-&limit=2');
    expect(first).toMatchObject({ total: 3, next: 'ZZ-200' });
    const second = await search(manager, `q=zz-&limit=2&after=${first.next}`);
    expect(second.products.map((p) => p.sku)).toEqual(['ZZ-300']);
    expect(second.next).toBeNull();
  });

  it('counts matches up to the cap: beyond it, total is the cap and the pages go on', async () => {
    const many = Array.from({ length: PRODUCT_SEARCH_TOTAL_CAP + 5 }, (_, i) => makeProduct({ sku: `CAP-${String(i).padStart(6, '0')}`, name: `Capped ${i}` }));
    expect((await hq.app.inject({ method: 'POST', url: '/catalog/import', headers: hq.admin, payload: { products: many } })).json()).toMatchObject({ imported: many.length });
    const first = await search(manager, 'q=cap-&limit=200');
    expect(first).toMatchObject({ total: PRODUCT_SEARCH_TOTAL_CAP, next: 'CAP-000199' });
    const last = await search(manager, `q=cap-&limit=200&after=CAP-${String(PRODUCT_SEARCH_TOTAL_CAP - 1).padStart(6, '0')}`);
    expect(last.products.map((p) => p.sku)).toEqual(many.slice(PRODUCT_SEARCH_TOTAL_CAP).map((p) => p.sku));
    expect(last.next).toBeNull();
  }, 60_000);

  it('changes a price and a tax class for owners and area managers only: audited, fed to registers', async () => {
    const product = makeProduct({ sku: 'PRICE-1', price: 199, taxClass: 'standard' });
    await hq.app.inject({ method: 'POST', url: '/catalog/import', headers: hq.admin, payload: { products: [product] } });
    const { headSeq } = await hq.app.hq.feed.state();

    const refused = await hq.app.inject({ method: 'POST', url: '/console/api/products/PRICE-1', headers: manager.headers, payload: { price: 1 } });
    expect(refused.statusCode).toBe(403);
    const changed = await hq.app.inject({ method: 'POST', url: '/console/api/products/PRICE-1', headers: owner.headers, payload: { price: 249, taxClass: 'reduced' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ sku: 'PRICE-1', price: 249, taxClass: 'reduced' });
    expect(await hq.app.hq.catalog.product('PRICE-1')).toMatchObject({ price: 249, taxClass: 'reduced' });

    const fed = (await feedSince(headSeq)).filter((c) => c.kind === 'product');
    expect(fed.map((c) => c.data)).toEqual([{ ...product, price: 249, taxClass: 'reduced' }]);
    expect((await auditActions()).find((e) => e.action === 'product.change')).toMatchObject({ target: 'PRICE-1', detail: { price: { from: 199, to: 249 }, taxClass: { from: 'standard', to: 'reduced' } } });

    const unknownClass = await hq.app.inject({ method: 'POST', url: '/console/api/products/PRICE-1', headers: owner.headers, payload: { taxClass: 'luxury' } });
    expect(unknownClass.json()).toMatchObject({ error: 'UNKNOWN_TAX_CLASS' });
    expect((await hq.app.inject({ method: 'POST', url: '/console/api/products/NOPE', headers: owner.headers, payload: { price: 5 } })).statusCode).toBe(404);
  });

  it('lists tax classes for every role, and imports CSV with the row report, audited with its counts', async () => {
    const classes = (await hq.app.inject({ url: '/console/api/tax-classes', headers: manager.headers })).json<{ taxClasses: { code: string; rateBp: number }[] }>();
    expect(classes.taxClasses.map((t) => t.code)).toEqual(['reduced', 'standard', 'zero']);

    const p = makeProduct();
    const csv = `sku,barcodes,name,price,taxClass\n${p.sku},${p.barcodes[0]},${p.name},120,reduced\nBAD-1,,Bread,abc,reduced\n`;
    expect((await hq.app.inject({ method: 'POST', url: '/console/api/catalog/import', headers: { ...manager.headers, 'content-type': 'text/csv' }, payload: csv })).statusCode).toBe(403);
    const res = await hq.app.inject({ method: 'POST', url: '/console/api/catalog/import', headers: { ...owner.headers, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ imported: 1, rejected: [{ row: 1, reason: expect.stringContaining('price') }] });
    expect((await auditActions()).find((e) => e.action === 'catalog.import')).toMatchObject({ detail: { rows: 2, imported: 1, rejected: 1 } });
    const json = await hq.app.inject({ method: 'POST', url: '/console/api/catalog/import', headers: owner.headers, payload: { products: [{ ...p, price: 130 }] } });
    expect(json.json()).toEqual({ imported: 1, rejected: [] });
    expect((await hq.app.hq.catalog.product(p.sku))!.price).toBe(130);
  });

  it("counts an import once when HQ's writer runs its write again (a conflict on PostgreSQL)", async () => {
    const good = makeProduct();
    const taken = { ...makeProduct(), barcodes: ['8707682801940'] };
    let attempts = 0;
    const seen: { imported: number; rejected: number }[] = [];
    const report = await hq.app.hq.catalog.importProducts([good, {}, taken], async (_tx, counts) => {
      seen.push({ imported: counts.imported, rejected: counts.rejected.length });
      if (++attempts === 1) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    });
    expect(attempts).toBe(2);
    expect(seen).toEqual([
      { imported: 1, rejected: 2 },
      { imported: 1, rejected: 2 },
    ]);
    expect(report).toEqual({ imported: 1, rejected: [{ row: 1, reason: expect.any(String) }, { row: 2, reason: 'barcode 8707682801940 belongs to sku SKU-000001' }] });
  });

  it('creates a scheduled promotion, lists it, ends it now: each audited and fed with its schedule', async () => {
    const promotion: Promotion = { id: 'winter-10', name: 'Winter 10%', kind: 'percentOff', percent: 10, skus: ['SKU-000001'], active: true };
    const { headSeq } = await hq.app.hq.feed.state();
    const body = { promotion, startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-02-01T00:00:00Z' };
    expect((await hq.app.inject({ method: 'POST', url: '/console/api/promotions', headers: manager.headers, payload: body })).statusCode).toBe(403);
    const backwards = await hq.app.inject({ method: 'POST', url: '/console/api/promotions', headers: owner.headers, payload: { ...body, endsAt: '2029-12-31T00:00:00Z' } });
    expect(backwards.json()).toMatchObject({ error: 'INVALID_SCHEDULE' });

    const saved = await hq.app.inject({ method: 'POST', url: '/console/api/promotions', headers: owner.headers, payload: body });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ startsAt: '2030-01-01T00:00:00.000Z', endsAt: '2030-02-01T00:00:00.000Z', promotion: { id: 'winter-10' } });
    const listed = (await hq.app.inject({ url: '/console/api/promotions', headers: manager.headers })).json<{ promotions: { promotion: Promotion; startsAt: string | null }[] }>();
    expect(listed.promotions.find((p) => p.promotion.id === 'winter-10')!.startsAt).toBe('2030-01-01T00:00:00.000Z');

    const before = Date.now();
    const ended = await hq.app.inject({ method: 'POST', url: '/console/api/promotions/winter-10/end', headers: owner.headers });
    expect(ended.statusCode).toBe(200);
    const endsAt = Date.parse(ended.json<{ endsAt: string }>().endsAt);
    expect(endsAt).toBeGreaterThanOrEqual(before - 1000);
    expect(endsAt).toBeLessThanOrEqual(Date.now());
    expect((await hq.app.inject({ method: 'POST', url: '/console/api/promotions/nope/end', headers: owner.headers })).json()).toMatchObject({ error: 'PROMOTION_NOT_FOUND' });

    const fed = (await feedSince(headSeq)).filter((c) => c.kind === 'promotion').map((c) => c.data as Promotion);
    expect(fed.map((p) => [p.startsAt, p.endsAt])).toEqual([
      ['2030-01-01T00:00:00.000Z', '2030-02-01T00:00:00.000Z'],
      ['2030-01-01T00:00:00.000Z', new Date(endsAt).toISOString()],
    ]);
    const snapshot = (await hq.app.inject({ url: '/sync/snapshot', headers: s01.auth })).json<{ promotions: Promotion[] }>();
    expect(snapshot.promotions.find((p) => p.id === 'winter-10')!.endsAt).toBe(new Date(endsAt).toISOString());
    expect((await auditActions()).filter((e) => e.target === 'winter-10').map((e) => e.action)).toEqual(['promotion.end', 'promotion.create']);
  });
});
