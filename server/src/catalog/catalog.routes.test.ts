import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ChangesResponse } from '../../../shared/hq/feed';
import { describeEachStorage, enrolRegister, makeHq, type TestHq } from '../test/harness';
import { makeEan13, makeProduct } from '../test/factories';

describeEachStorage('POST /catalog/import', (kind) => {
  let hq: TestHq;
  beforeEach(async () => {
    hq = await makeHq(kind);
  });
  afterEach(() => hq.close());

  const importJson = (body: unknown, headers: Record<string, string> = hq.admin) => hq.app.inject({ method: 'POST', url: '/catalog/import', headers, payload: body as object });
  const importCsv = (csv: string) => hq.app.inject({ method: 'POST', url: '/catalog/import', headers: { ...hq.admin, 'content-type': 'text/csv' }, payload: csv });

  it('upserts by sku and reports each rejected row with its 0-based index and a reason', async () => {
    const fresh = makeProduct();
    const changedDemo = { sku: 'SKU-000002', barcodes: ['8396563305150'], name: 'Sunmill Bakery White Sandwich Loaf 800 g', price: 199, taxClass: 'reduced' };
    const res = await importJson({ products: [fresh, {}, changedDemo, { ...makeProduct(), barcodes: ['1234567890123'] }, { ...makeProduct(), price: 1.5 }] });
    expect(res.statusCode).toBe(200);
    const report = res.json<{ imported: number; rejected: { row: number; reason: string }[] }>();
    expect(report.imported).toBe(2);
    expect(report.rejected.map((r) => r.row)).toEqual([1, 3, 4]);
    expect(report.rejected[1]!.reason).toContain('barcodes.0');
    expect(report.rejected[2]!.reason).toContain('price');
    expect(await hq.app.hq.catalog.product(fresh.sku)).toEqual(fresh);
    expect((await hq.app.hq.catalog.product('SKU-000002'))!.price).toBe(199);
  });

  it('rejects a row repeating a sku or barcode of an earlier row, or a barcode another product owns', async () => {
    const a = makeProduct();
    const res = await importJson({ products: [a, { ...makeProduct(), sku: a.sku }, { ...makeProduct(), barcodes: a.barcodes }, { ...makeProduct(), barcodes: ['8707682801940'] }] });
    const { imported, rejected } = res.json<{ imported: number; rejected: { row: number; reason: string }[] }>();
    expect(imported).toBe(1);
    expect(rejected).toEqual([
      { row: 1, reason: expect.stringContaining('already appears in row 0') },
      { row: 2, reason: expect.stringContaining('used twice') },
      { row: 3, reason: 'barcode 8707682801940 belongs to sku SKU-000001' },
    ]);
  });

  it('feeds changed products to registers; re-importing the same product adds nothing', async () => {
    const register = await enrolRegister(hq.app);
    const { headSeq } = await hq.app.hq.feed.state();
    const product = makeProduct();
    await importJson({ products: [product] });
    await importJson({ products: [product] });
    await importJson({ products: [{ ...product, price: 250 }] });
    const feed = await hq.app.inject({ url: `/sync/changes?since=${headSeq}`, headers: register.auth });
    expect(feed.json<ChangesResponse>().changes.map((c) => (c.data as { price: number }).price)).toEqual([199, 250]);
  });

  it('reads CSV with a header row, barcodes separated by |', async () => {
    const a = makeProduct();
    const b1 = makeEan13();
    const b2 = makeEan13();
    const csv = `sku,barcodes,name,price,taxClass\n${a.sku},${a.barcodes[0]},"Apples, red",120,reduced\nCSV-2,${b1}|${b2},Bread,abc,reduced\nCSV-3,${makeEan13()},Salt,99,zero\n`;
    const res = await importCsv(csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ imported: 2, rejected: [{ row: 1, reason: expect.stringContaining('price') }] });
    expect(await hq.app.hq.catalog.product(a.sku)).toMatchObject({ name: 'Apples, red', price: 120 });
    const noHeader = await importCsv('sku;name\nA;B\n');
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().message).toContain('header');
  });

  it('takes the label-price mark from JSON and CSV, feeds it to registers, and refuses a mark that is not yes or no', async () => {
    const register = await enrolRegister(hq.app);
    const { headSeq } = await hq.app.hq.feed.state();
    const produce = makeProduct({ priceByLabel: true });
    const gift = makeProduct({ taxClass: 'zero' });
    const json = await importJson({ products: [produce, gift, { ...makeProduct(), priceByLabel: 'yes' }] });
    expect(json.json()).toEqual({ imported: 2, rejected: [{ row: 2, reason: expect.stringContaining('priceByLabel') }] });
    expect(await hq.app.hq.catalog.product(produce.sku)).toEqual(produce);
    expect(await hq.app.hq.catalog.product(gift.sku)).toEqual(gift);

    const deli = makeEan13();
    const csv = `sku,barcodes,name,price,taxClass,priceByLabel\nCSV-DELI,${deli},Olives per kg,1500,reduced,yes\n${gift.sku},${gift.barcodes[0]},${gift.name},${gift.price},zero,\nCSV-BAD,${makeEan13()},Odd,100,zero,perhaps\n`;
    const fromCsv = await importCsv(csv);
    expect(fromCsv.json()).toEqual({ imported: 2, rejected: [{ row: 2, reason: expect.stringContaining('priceByLabel') }] });
    expect(await hq.app.hq.catalog.product('CSV-DELI')).toMatchObject({ priceByLabel: true });

    // Marking a product already imported is a change registers get; the same mark again is none.
    await importJson({ products: [{ ...gift, priceByLabel: false }] });
    await importJson({ products: [{ ...produce, priceByLabel: false }] });
    const feed = await hq.app.inject({ url: `/sync/changes?since=${headSeq}`, headers: register.auth });
    const marks = feed.json<ChangesResponse>().changes.map((c) => [c.entityId, (c.data as { priceByLabel?: boolean }).priceByLabel ?? false]);
    expect(marks).toEqual([
      [produce.sku, true],
      [gift.sku, false],
      ['CSV-DELI', true],
      [produce.sku, false],
    ]);
  });

  it('is an admin call; malformed JSON, a body without products or another media type is a 4xx that imports nothing', async () => {
    const register = await enrolRegister(hq.app);
    const before = await hq.app.hq.catalog.productCount();
    expect((await importJson({ products: [makeProduct()] }, {})).statusCode).toBe(401);
    expect((await importJson({ products: [makeProduct()] }, register.auth)).statusCode).toBe(401);
    const malformed = await hq.app.inject({ method: 'POST', url: '/catalog/import', headers: { ...hq.admin, 'content-type': 'application/json' }, payload: '{"products": [' });
    expect(malformed.statusCode).toBe(400);
    expect((await importJson({ items: [] })).statusCode).toBe(400);
    expect((await hq.app.inject({ method: 'POST', url: '/catalog/import', headers: { ...hq.admin, 'content-type': 'application/xml' }, payload: '<x/>' })).statusCode).toBe(415);
    expect(await hq.app.hq.catalog.productCount()).toBe(before);
  });

  it('saves promotions and feeds them', async () => {
    const promotion = { id: 'summer', name: 'Summer', kind: 'percentOff', percent: 15, skus: ['SKU-000100'], active: true };
    const res = await hq.app.inject({ method: 'POST', url: '/catalog/promotions', headers: hq.admin, payload: { promotions: [promotion] } });
    expect(res.json()).toEqual({ saved: 1 });
    const { headSeq } = await hq.app.hq.feed.state();
    const last = await hq.app.inject({ url: `/sync/changes?since=${headSeq - 1}`, headers: hq.admin });
    expect(last.json().changes).toMatchObject([{ kind: 'promotion', data: promotion }]);
    const bad = await hq.app.inject({ method: 'POST', url: '/catalog/promotions', headers: hq.admin, payload: { promotions: [{ ...promotion, percent: 150 }] } });
    expect(bad.statusCode).toBe(400);
  });

  it('saves fixed-amount and spend-threshold promotions as sent, and refuses a threshold that takes nothing off', async () => {
    const fixed = { id: 'pasta-30', name: '0.30 off pasta', kind: 'fixedOff', amountOff: 30, skus: ['SKU-000009'], active: true };
    const spend = { id: 'spend-50', name: 'Spend 50, save 5', kind: 'threshold', minSpend: 5000, amountOff: 500, active: true };
    const res = await hq.app.inject({ method: 'POST', url: '/catalog/promotions', headers: hq.admin, payload: { promotions: [fixed, spend] } });
    expect(res.json()).toEqual({ saved: 2 });
    const { headSeq } = await hq.app.hq.feed.state();
    const last = await hq.app.inject({ url: `/sync/changes?since=${headSeq - 2}`, headers: hq.admin });
    expect(last.json().changes).toMatchObject([{ kind: 'promotion', data: fixed }, { kind: 'promotion', data: spend }]);
    const bad = await hq.app.inject({ method: 'POST', url: '/catalog/promotions', headers: hq.admin, payload: { promotions: [{ ...spend, amountOff: 0 }] } });
    expect(bad.statusCode).toBe(400);
  });
});
