import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { describeEachStorage, enrolInTwoStores, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeSale, makeSaleOp, push } from '../test/factories';

/** A register acts for its own store only: every id a route takes is checked against the caller's store. */
describeEachStorage('store scope of HQ routes', (kind) => {
  let hq: TestHq;
  let s01: TestRegister;
  let s02: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01, s02 } = await enrolInTwoStores(hq));
  });
  afterEach(() => hq.close());

  const authorize = (register: TestRegister, paymentId: string, orderId: string, amount: number) =>
    hq.app.inject({ method: 'POST', url: '/payments/authorize', headers: register.auth, payload: { paymentId, orderId, amount, currency: 'EUR', cardNumber: TEST_CARDS.approved } });
  const refund = (register: TestRegister, paymentId: string, amount: number) =>
    hq.app.inject({ method: 'POST', url: '/payments/refund', headers: register.auth, payload: { refundId: uuidv4(), paymentId, amount, currency: 'EUR' } });
  const netCharged = async () => {
    const rows = await hq.app.hq.database.read.selectFrom('acquirer_ledger').selectAll().execute();
    return rows.reduce((sum, r) => sum + (r.kind === 'charge' ? 1 : -1) * Number(r.amount), 0);
  };

  it("refuses a refund to the card of another store's payment as if HQ did not know it, and gives no money back", async () => {
    const paymentId = uuidv4();
    expect((await authorize(s01, paymentId, uuidv4(), 900)).json().status).toBe('approved');
    const stolen = await refund(s02, paymentId, 900);
    expect(stolen.statusCode).toBe(404);
    expect(stolen.json()).toMatchObject({ error: 'PAYMENT_NOT_FOUND', message: expect.stringContaining("this register's store") });
    expect(await netCharged()).toBe(900);
    // The store's own register still refunds it in full.
    expect((await refund(s01, paymentId, 900)).json().status).toBe('approved');
    expect(await netCharged()).toBe(0);
  });

  it("refuses to authorise a card payment for another store's order", async () => {
    const sale = makeSaleOp();
    await push(hq.app, s01, [sale]);
    const paymentId = uuidv4();
    const res = await authorize(s02, paymentId, sale.entityId, 258);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('ORDER_NOT_FOUND');
    expect(await hq.app.hq.database.read.selectFrom('card_authorizations').select('payment_id').where('payment_id', '=', paymentId).executeTakeFirst()).toBeUndefined();
    // A sale HQ has not received yet (the usual case) and the store's own order are authorised.
    expect((await authorize(s02, uuidv4(), uuidv4(), 100)).json().status).toBe('approved');
    expect((await authorize(s01, uuidv4(), sale.entityId, 258)).json().status).toBe('approved');
  });

  it("refuses another store's ids in the route layer, before any handler runs (the payments service checks again on its own)", async () => {
    const paymentId = uuidv4();
    expect((await authorize(s01, paymentId, uuidv4(), 900)).json().status).toBe('approved');
    const sale = makeSaleOp();
    await push(hq.app, s01, [sale]);
    const refunds = vi.spyOn(hq.app.hq.payments, 'refund');
    const authorisations = vi.spyOn(hq.app.hq.payments, 'authorize');
    const outcomes = vi.spyOn(hq.app.hq.payments, 'outcome');
    expect((await refund(s02, paymentId, 900)).json().error).toBe('PAYMENT_NOT_FOUND');
    expect((await authorize(s02, uuidv4(), sale.entityId, 258)).json().error).toBe('ORDER_NOT_FOUND');
    // What HQ knows of a payment: another store's reads as one HQ never received, and the service is not asked.
    const outcome = await hq.app.inject({ url: `/payments/${paymentId}`, headers: s02.auth });
    expect(outcome.statusCode).toBe(200);
    expect(outcome.json()).toMatchObject({ paymentId, status: 'unknown' });
    expect(refunds).not.toHaveBeenCalled();
    expect(authorisations).not.toHaveBeenCalled();
    expect(outcomes).not.toHaveBeenCalled();
    // The store's own register reaches the service.
    expect((await hq.app.inject({ url: `/payments/${paymentId}`, headers: s01.auth })).json().status).toBe('approved');
    expect(outcomes).toHaveBeenCalledTimes(1);
  });

  it("answers a register's order search with its own store's orders only; an admin sees every store", async () => {
    const first = makeSale({ number: 'S01-R01-1' });
    const second = makeSale({ number: 'S02-R01-1' });
    await push(hq.app, s01, [{ id: uuidv4(), entity: 'sale', entityId: first.id, type: 'completed', payload: first, createdAt: first.createdAt }]);
    await push(hq.app, s02, [{ id: uuidv4(), entity: 'sale', entityId: second.id, type: 'completed', payload: second, createdAt: second.createdAt }]);
    const search = async (query: string, headers: Record<string, string>) => (await hq.app.inject({ url: `/orders/search?${query}`, headers })).json<{ orders: { id: string }[] }>().orders.map((o) => o.id);
    expect(await search('', s02.auth)).toEqual([second.id]);
    expect(await search('number=S01-R01-1', s02.auth)).toEqual([]);
    expect(await search(`id=${first.id}`, s02.auth)).toEqual([]);
    expect(await search(`registerId=${s01.registerId}`, s02.auth)).toEqual([]);
    expect(await search('', s01.auth)).toEqual([first.id]);
    expect((await search('', hq.admin)).sort()).toEqual([first.id, second.id].sort());
  });
});
