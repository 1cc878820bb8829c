import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeSaleOp, push } from '../test/factories';

describeEachStorage('GET /orders/search', (kind) => {
  let hq: TestHq;
  let a: TestRegister;
  let b: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind);
    a = await enrolRegister(hq.app);
    b = await enrolRegister(hq.app);
  });
  afterEach(() => hq.close());

  const search = (query: string, headers: Record<string, string> = hq.admin) => hq.app.inject({ url: `/orders/search${query}`, headers });

  it('finds orders across registers, newest createdAt first, by exact number or by register', async () => {
    await push(hq.app, a, [makeSaleOp({ number: 'S01-R01-1', createdAt: '2025-05-01T10:00:00.000Z' }), makeSaleOp({ number: 'S01-R01-2', createdAt: '2025-05-01T12:00:00.000Z' })]);
    await push(hq.app, b, [makeSaleOp({ number: 'S01-R02-1', createdAt: '2025-05-01T11:00:00.000Z' })]);
    const all = await search('?limit=3');
    expect(all.statusCode).toBe(200);
    expect(all.json().orders.map((o: { number: string }) => o.number)).toEqual(['S01-R01-2', 'S01-R02-1', 'S01-R01-1']);
    expect(all.json().orders[0]).toEqual({
      id: expect.any(String),
      number: 'S01-R01-2',
      registerId: a.registerId,
      storeId: a.storeId,
      kind: 'sale',
      total: 258,
      currency: 'EUR',
      createdAt: '2025-05-01T12:00:00.000Z',
      lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 2, unitPrice: 129, taxClass: 'reduced', lineTotal: 258 }],
      originalOrderId: null,
    });
    expect((await search('?number=S01-R02-1', b.auth)).json().orders.map((o: { registerId: string }) => o.registerId)).toEqual([b.registerId]);
    expect((await search('?number=S01-R02', a.auth)).json().orders).toEqual([]);
    expect((await search(`?registerId=${b.registerId}`)).json().orders).toHaveLength(1);
  });

  it('limits to 100 by default and at most 10000; more is a 400', async () => {
    await push(hq.app, a, Array.from({ length: 120 }, () => makeSaleOp()));
    expect((await search('')).json().orders).toHaveLength(100);
    expect((await search('?limit=10000')).json().orders).toHaveLength(120);
    for (const bad of ['10001', '0', '-5', 'ten', '1.5']) {
      const res = await search(`?limit=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error).toBe('INVALID_INPUT');
    }
  });

  it('answers 401 without a token or with an unknown one', async () => {
    expect((await hq.app.inject({ url: '/orders/search' })).statusCode).toBe(401);
    expect((await search('', { authorization: 'Bearer wrong' })).statusCode).toBe(401);
    expect((await search('', { authorization: 'Basic abc' })).statusCode).toBe(401);
  });
});
