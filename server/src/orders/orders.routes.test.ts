import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeOp, makeSale, makeSaleOp, push } from '../test/factories';
import { sealCard } from '../test/card-seal';

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
      payments: [],
    });
    expect((await search('?number=S01-R02-1', b.auth)).json().orders.map((o: { registerId: string }) => o.registerId)).toEqual([b.registerId]);
    expect((await search('?number=S01-R02', a.auth)).json().orders).toEqual([]);
    expect((await search(`?registerId=${b.registerId}`)).json().orders).toHaveLength(1);
  });

  const paymentOp = (orderId: string, tender: 'cash' | 'card', amount: number, overrides: Record<string, unknown> = {}) =>
    makeOp('payment', 'recorded', { id: uuidv7(), orderId, tender, amount, status: 'approved', createdAt: new Date().toISOString(), ...overrides });
  const authorize = async (paymentId: string, amount: number) => {
    const res = await hq.app.inject({ method: 'POST', url: '/payments/authorize', headers: a.auth, payload: { paymentId, amount, currency: 'EUR', cardNumber: TEST_CARDS.approved } });
    expect(res.json(), res.body).toMatchObject({ status: 'approved' });
  };
  const paymentsOf = async (number: string) => (await search(`?number=${number}`)).json().orders[0].payments as { tender: string; amount: number; last4?: string; status: string }[];

  it('lists each order\'s payments in the order taken, a card with its last4, adding up to the total', async () => {
    const sale = makeSale({ total: 258 });
    const cardId = uuidv7();
    await authorize(cardId, 200);
    const cash = paymentOp(sale.id, 'cash', 58, { createdAt: '2025-05-01T10:00:00.000Z' });
    const card = paymentOp(sale.id, 'card', 200, { id: cardId, reference: 'A1B2C3', createdAt: '2025-05-01T10:00:01.000Z' });
    // Pushed card first: the order taken, not the order uploaded, decides.
    await push(hq.app, a, [makeOp('sale', 'completed', sale), card, cash]);
    const payments = await paymentsOf(sale.number);
    expect(payments).toEqual([
      { tender: 'cash', amount: 58, status: 'approved' },
      { tender: 'card', amount: 200, last4: '4242', status: 'approved' },
    ]);
    expect(payments.reduce((sum, p) => sum + p.amount, 0)).toBe(sale.total);
  });

  it('shows cards taken offline with their last4 and settlement status, not the status the register stored', async () => {
    const sale = makeSale({ total: 258 });
    const offline = (amount: number, cardNumber: string, createdAt: string) => {
      const id = uuidv7();
      return [
        paymentOp(sale.id, 'card', amount, { id, status: 'stored', createdAt }),
        makeOp('offlineCardPayment', 'captured', { id, orderId: sale.id, amount, currency: 'EUR', cardToken: sealCard(hq.app, cardNumber), last4: cardNumber.slice(-4), capturedAt: createdAt }),
      ];
    };
    await push(hq.app, a, [makeOp('sale', 'completed', sale), ...offline(200, TEST_CARDS.approved, '2025-05-01T10:00:00.000Z'), ...offline(58, TEST_CARDS.declined, '2025-05-01T10:00:01.000Z')]);
    await hq.app.hq.payments.settlePending();
    expect(await paymentsOf(sale.number)).toEqual([
      { tender: 'card', amount: 200, last4: '4242', status: 'settled' },
      { tender: 'card', amount: 58, last4: '0002', status: 'declined' },
    ]);
  });

  it('lists a refund order\'s payments as negative amounts, the card refund with its card\'s last4', async () => {
    const sale = makeSale({ total: 258 });
    const cardId = uuidv7();
    await authorize(cardId, 258);
    await push(hq.app, a, [makeOp('sale', 'completed', sale), paymentOp(sale.id, 'card', 258, { id: cardId })]);
    const refundId = uuidv7();
    const answer = await hq.app.inject({ method: 'POST', url: '/payments/refund', headers: a.auth, payload: { refundId, paymentId: cardId, amount: 200, currency: 'EUR' } });
    expect(answer.json()).toMatchObject({ status: 'approved' });
    const line = sale.lines[0]!;
    const refund = { id: uuidv7(), number: 'S01-R01-9100', cashierId: 'cashier-1', currency: 'EUR', lines: [{ ...line, quantity: -2, lineTotal: -258, originalLineIndex: 0 }], total: -258, originalOrderId: sale.id, createdAt: new Date().toISOString() };
    await push(hq.app, a, [
      makeOp('refund', 'completed', refund),
      paymentOp(refund.id, 'card', -200, { id: refundId, createdAt: '2025-05-01T10:00:00.000Z' }),
      paymentOp(refund.id, 'cash', -58, { createdAt: '2025-05-01T10:00:01.000Z' }),
    ]);
    const payments = await paymentsOf(refund.number);
    expect(payments).toEqual([
      { tender: 'card', amount: -200, last4: '4242', status: 'approved' },
      { tender: 'cash', amount: -58, status: 'approved' },
    ]);
    expect(payments.reduce((sum, p) => sum + p.amount, 0)).toBe(refund.total);
  });

  it('limits to 100 by default and at most 10000; more is a 400', async () => {
    await push(hq.app, a, Array.from({ length: 120 }, () => makeSaleOp()));
    expect((await search('')).json().orders).toHaveLength(100);
    const many = (await search('?limit=10000')).json().orders as { payments: unknown[] }[];
    expect(many).toHaveLength(120);
    expect(many.every((o) => Array.isArray(o.payments))).toBe(true);
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
