import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SalePayload } from '../../../shared/hq/ops';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeOp, makeSale, push } from '../test/factories';
import { CardSimulator } from './card-simulator';

describeEachStorage('GET /admin/charges', (kind) => {
  let hq: TestHq;
  let register: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind);
    register = await enrolRegister(hq.app);
  });
  afterEach(() => hq.close());

  const charges = async (query = '', headers: Record<string, string> = hq.admin) => {
    const res = await hq.app.inject({ url: `/admin/charges${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ charges: { kind: string; amount: number; last4: string; orderNumber: string | null; at: string }[] }>().charges;
  };
  const authorize = async (paymentId: string, amount: number, cardNumber: string = TEST_CARDS.approved) => {
    const res = await hq.app.inject({ method: 'POST', url: '/payments/authorize', headers: register.auth, payload: { paymentId, amount, currency: 'EUR', cardNumber } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ status: string }>();
  };
  /** A sale paid by card online: authorised at HQ, then uploaded with its payment. */
  const cardSale = async (cardNumber: string = TEST_CARDS.approved, overrides: Partial<SalePayload> = {}) => {
    const sale = makeSale(overrides);
    const paymentId = uuidv7();
    await authorize(paymentId, sale.total, cardNumber);
    await push(hq.app, register, [makeOp('sale', 'completed', sale), makeOp('payment', 'recorded', { id: paymentId, orderId: sale.id, tender: 'card', amount: sale.total, status: 'approved', createdAt: sale.createdAt })]);
    return { sale, paymentId };
  };

  it('lists an online card sale as one charge with its order number, and filters by last4 and by order number', async () => {
    const before = Date.now();
    const { sale } = await cardSale();
    const other = await cardSale('5555555555554444');
    const all = await charges();
    expect(all).toEqual([
      { kind: 'charge', amount: 258, last4: '4242', orderNumber: sale.number, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) },
      { kind: 'charge', amount: 258, last4: '4444', orderNumber: other.sale.number, at: expect.any(String) },
    ]);
    expect(Date.parse(all[0]!.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(await charges('?last4=4444')).toEqual([all[1]]);
    expect(await charges(`?orderNumber=${sale.number}`)).toEqual([all[0]]);
    expect(await charges(`?orderNumber=${sale.number}&last4=4444`)).toEqual([]);
    expect(await charges('?orderNumber=S01-R99-404')).toEqual([]);
  });

  it('shows an approval no uploaded sale uses yet with orderNumber null, and lists no declined attempt', async () => {
    await authorize(uuidv7(), 990);
    expect((await authorize(uuidv7(), 500, TEST_CARDS.declined)).status).toBe('declined');
    expect(await charges()).toEqual([{ kind: 'charge', amount: 990, last4: '4242', orderNumber: null, at: expect.any(String) }]);
  });

  it('shows a card refund as kind refund, under the number of the refund order once it is uploaded', async () => {
    const { sale, paymentId } = await cardSale();
    const refundId = uuidv7();
    const answer = await hq.app.inject({ method: 'POST', url: '/payments/refund', headers: register.auth, payload: { refundId, paymentId, amount: 129, currency: 'EUR' } });
    expect(answer.json()).toMatchObject({ status: 'approved' });
    expect((await charges()).map((c) => [c.kind, c.amount, c.last4, c.orderNumber])).toEqual([
      ['charge', 258, '4242', sale.number],
      ['refund', 129, '4242', null],
    ]);
    const line = sale.lines[0]!;
    const refund = { id: uuidv7(), number: 'S01-R01-9001', cashierId: 'cashier-1', currency: 'EUR', lines: [{ ...line, quantity: -1, lineTotal: -129, originalLineIndex: 0 }], total: -129, originalOrderId: sale.id, createdAt: new Date().toISOString() };
    await push(hq.app, register, [makeOp('refund', 'completed', refund), makeOp('payment', 'recorded', { id: refundId, orderId: refund.id, tender: 'card', amount: -129, status: 'approved', createdAt: refund.createdAt })]);
    expect(await charges('?orderNumber=S01-R01-9001')).toEqual([{ kind: 'refund', amount: 129, last4: '4242', orderNumber: 'S01-R01-9001', at: expect.any(String) }]);
  });

  it('answers 401 without the admin token or with a register token, and 400 for a bad last4 or an unknown parameter', async () => {
    expect((await hq.app.inject({ url: '/admin/charges' })).statusCode).toBe(401);
    expect((await hq.app.inject({ url: '/admin/charges', headers: register.auth })).statusCode).toBe(401);
    for (const query of ['?last4=424', '?last4=42424', '?last4=abcd', '?last4=', '?orderNumber=', '?card=4242']) {
      const res = await hq.app.inject({ url: `/admin/charges${query}`, headers: hq.admin });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error, query).toBe('INVALID_INPUT');
    }
  });
});

describeEachStorage('GET /admin/charges with a gateway of its own', (kind) => {
  let hq: TestHq;
  afterEach(() => hq.close());

  it('reads the gateway HQ pays through: an approval voided there shows as its charge then its void, neither with an order', async () => {
    const gateway = new CardSimulator();
    hq = await makeHq(kind, { gateway });
    const register = await enrolRegister(hq.app);
    const paymentId = uuidv7();
    await hq.app.inject({ method: 'POST', url: '/payments/authorize', headers: register.auth, payload: { paymentId, amount: 700, currency: 'EUR', cardNumber: TEST_CARDS.approved } });
    await gateway.void({ reference: paymentId }, new AbortController().signal);
    const res = await hq.app.inject({ url: '/admin/charges', headers: hq.admin });
    expect(res.json().charges.map((c: { kind: string; amount: number; orderNumber: string | null }) => [c.kind, c.amount, c.orderNumber])).toEqual([
      ['charge', 700, null],
      ['void', 700, null],
    ]);
    // Nothing of it went to HQ's own ledger table: the report is the gateway's, not a copy.
    expect(await hq.app.hq.database.read.selectFrom('acquirer_ledger').selectAll().execute()).toEqual([]);
  });
});
