import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import type { OrderWithPayments } from '../../../shared/hq/feed';
import type { Operation, SaleLine, SalePayload } from '../../../shared/hq/ops';
import { describeEachStorage, enrolInTwoStores, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeOp, makeSale, push } from '../test/factories';

/**
 * A sale that takes items of an earlier order back (an exchange): HQ checks the original is the register's
 * store's and still has them to give back, in the push's transaction; the items then count as refunded.
 */
describeEachStorage('exchange sales pushed to HQ', (kind) => {
  let hq: TestHq;
  let s01: TestRegister;
  let s02: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01, s02 } = await enrolInTwoStores(hq));
  });
  afterEach(() => hq.close());

  const saleOp = (sale: SalePayload) => makeOp('sale', 'completed', sale);
  const cash = (orderId: string, amount: number) => makeOp('payment', 'recorded', { id: uuidv4(), orderId, tender: 'cash', amount, status: 'approved', createdAt: new Date().toISOString() });
  /** Sells one milk (1.29, line 0 of `original`, which sold 2) back and one coffee (6.99): 5.70 to pay. */
  const exchangeOf = (original: SalePayload, quantity = 1): SalePayload =>
    makeSale({
      lines: [
        { sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: -quantity, unitPrice: 129, taxClass: 'reduced', lineTotal: -129 * quantity, returned: { reason: 'wrong one', orderId: original.id, orderNumber: original.number, originalLineIndex: 0 } },
        { sku: 'SKU-000006', name: 'Roastwell Classic Roast Ground Coffee 500 g', quantity: 1, unitPrice: 699, taxClass: 'reduced', lineTotal: 699 },
      ],
      total: 699 - 129 * quantity,
    });
  const refundOf = (sale: SalePayload, quantity: number) =>
    makeOp('refund', 'completed', {
      ...makeSale({ total: -129 * quantity, lines: [{ ...sale.lines[0]!, quantity: -quantity, lineTotal: -129 * quantity, originalLineIndex: 0 } as SaleLine] }),
      originalOrderId: sale.id,
    });
  const search = async (query: string, headers = hq.admin) => {
    const res = await hq.app.inject({ url: `/orders/search?${query}`, headers });
    expect(res.statusCode).toBe(200);
    return res.json<{ orders: OrderWithPayments[] }>().orders;
  };

  it("rejects an exchange of another store's order with its payment, and keeps nothing of it", async () => {
    const original = makeSale();
    await push(hq.app, s01, [saleOp(original)]);
    const exchange = exchangeOf(original);
    const ops = [saleOp(exchange), cash(exchange.id, exchange.total)];
    expect(await push(hq.app, s02, ops)).toMatchObject([
      { status: 'rejected', code: 'OTHER_STORE', message: expect.stringContaining("its own store's orders") },
      { status: 'rejected', code: 'OTHER_STORE' },
    ]);
    expect(await search(`id=${exchange.id}`)).toEqual([]);
    // The original's store can still refund all of it.
    expect(await push(hq.app, s01, [refundOf(original, 2)])).toMatchObject([{ status: 'applied' }]);
  });

  it('applies an exchange once, however often it is pushed; /orders/search shows it once with its return line and payments that add up to its total', async () => {
    const original = makeSale();
    await push(hq.app, s01, [saleOp(original)]);
    const exchange = exchangeOf(original);
    const ops: Operation[] = [saleOp(exchange), cash(exchange.id, exchange.total)];
    expect(await push(hq.app, s01, ops)).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
    expect(await push(hq.app, s01, ops)).toMatchObject([{ status: 'duplicate' }, { status: 'duplicate' }]);
    const found = (await search('limit=100')).filter((o) => o.id === exchange.id);
    expect(found).toHaveLength(1);
    expect(found[0]!.lines[0]).toMatchObject({ quantity: -1, lineTotal: -129, returned: { orderId: original.id, originalLineIndex: 0 } });
    expect(found[0]!.payments.reduce((sum, p) => sum + p.amount, 0)).toBe(found[0]!.total);
    // The original's refunds and exchanges, as a register asks for them.
    expect((await search(`originalOrderId=${original.id}`, s01.auth)).map((o) => o.id)).toEqual([exchange.id]);
  });

  it('a negative exchange is paid out in cash: the negative payment adds up to the negative total', async () => {
    const original = makeSale();
    await push(hq.app, s01, [saleOp(original)]);
    const exchange = makeSale({ lines: [{ ...exchangeOf(original, 2).lines[0]! }], total: -258 });
    expect(await push(hq.app, s01, [saleOp(exchange), cash(exchange.id, -258)])).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
    const [found] = await search(`id=${exchange.id}`);
    expect(found).toMatchObject({ kind: 'sale', total: -258, payments: [{ tender: 'cash', amount: -258 }] });
  });

  it('refuses a later refund of the items an exchange took back, and an exchange of more than remains', async () => {
    const original = makeSale(); // 2 × milk
    await push(hq.app, s01, [saleOp(original)]);
    expect(await push(hq.app, s01, [saleOp(exchangeOf(original))])).toMatchObject([{ status: 'applied' }]);
    expect(await push(hq.app, s01, [refundOf(original, 2)])).toMatchObject([{ status: 'rejected', code: 'REFUND_EXCEEDS' }]);
    expect(await push(hq.app, s01, [saleOp(exchangeOf(original, 2))])).toMatchObject([{ status: 'rejected', code: 'REFUND_EXCEEDS' }]);
    expect(await push(hq.app, s01, [refundOf(original, 1)])).toMatchObject([{ status: 'applied' }]);
  });

  it('the new item of an exchange is refundable in full, though the exchange sale took less money than it costs', async () => {
    const original = makeSale();
    const exchange = exchangeOf(original); // total 5.70: 6.99 coffee − 1.29 milk back
    expect(await push(hq.app, s01, [saleOp(original), saleOp(exchange)])).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
    const coffeeBack = makeOp('refund', 'completed', { ...makeSale({ total: -699, lines: [{ ...exchange.lines[1]!, quantity: -1, lineTotal: -699, originalLineIndex: 1 } as SaleLine] }), originalOrderId: exchange.id });
    const milkBack = makeOp('refund', 'completed', { ...makeSale({ total: -129, lines: [{ ...makeSale().lines[0]!, quantity: -1, lineTotal: -129, originalLineIndex: 0 } as SaleLine] }), originalOrderId: exchange.id });
    expect(await push(hq.app, s01, [coffeeBack, milkBack])).toMatchObject([{ status: 'applied' }, { status: 'rejected', code: 'REFUND_EXCEEDS' }]);
  });

  it('two exchanges of the same item in one push: the second is refused', async () => {
    const original = makeSale({ lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 1, unitPrice: 129, taxClass: 'reduced', lineTotal: 129 }], total: 129 });
    expect(await push(hq.app, s01, [saleOp(original), saleOp(exchangeOf(original)), saleOp(exchangeOf(original))])).toMatchObject([
      { status: 'applied' },
      { status: 'applied' },
      { status: 'rejected', code: 'REFUND_EXCEEDS' },
    ]);
  });

  describe('without a receipt', () => {
    it('a returned item naming no order is stored as it came', async () => {
      const sale = makeSale({ lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: -1, unitPrice: 129, taxClass: 'reduced', lineTotal: -129, returned: { reason: 'leaking' } }], total: -129 });
      expect(await push(hq.app, s02, [saleOp(sale), cash(sale.id, -129)])).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
    });
  });
});
