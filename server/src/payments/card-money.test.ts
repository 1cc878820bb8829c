import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { TEST_CARDS } from '../../../shared/hq/payments';
import type { SalePayload } from '../../../shared/hq/ops';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { cardPaymentOps, makeOp, makeSale, push } from '../test/factories';
import { CardSimulator } from './card-simulator';
import { sealCard } from '../test/card-seal';

/**
 * Card money exactly once on HQ: one card attempt is one payment id, and whatever happens to its answer
 * the acquirer's ledger ends with the sale's card tender charged once, net.
 */
describeEachStorage('card money exactly once', (kind) => {
  let hq: TestHq;
  let register: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind, { gatewayTimeoutMs: 300 });
    register = await enrolRegister(hq.app);
  });
  afterEach(() => hq.close());

  const authorize = (paymentId: string, orderId: string, amount: number, cardNumber: string = TEST_CARDS.approved, headers = register.auth) =>
    hq.app.inject({ method: 'POST', url: '/payments/authorize', headers, payload: { paymentId, orderId, amount, currency: 'EUR', cardNumber } });
  const outcome = (paymentId: string, headers = register.auth) => hq.app.inject({ method: 'GET', url: `/payments/${paymentId}`, headers });
  /** The acquirer's net per reference: charges − refunds − voids. */
  const netCharged = async () => {
    const rows = await hq.app.hq.database.read.selectFrom('acquirer_ledger').selectAll().execute();
    return rows.reduce((sum, r) => sum + (r.kind === 'charge' ? 1 : -1) * Number(r.amount), 0);
  };
  const saleOf = (total: number): SalePayload =>
    makeSale({ total, lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 1, unitPrice: total, taxClass: 'reduced', lineTotal: total }] });
  const stored = (sale: SalePayload, id: string, amount = sale.total) =>
    makeOp('offlineCardPayment', 'captured', { id, orderId: sale.id, amount, currency: 'EUR', cardToken: sealCard(hq.app, TEST_CARDS.approved), last4: '4242', capturedAt: sale.createdAt });
  const abandoned = (id: string, orderId: string, amount: number) => makeOp('cardAttempt', 'abandoned', { id, orderId, amount, currency: 'EUR', createdAt: new Date().toISOString() });

  it('an approval whose answer was lost, then stored offline under the same id, is charged once', async () => {
    const sale = saleOf(1999);
    const paymentId = uuidv4();
    expect((await authorize(paymentId, sale.id, 1999)).json().status).toBe('approved'); // the register never heard this
    expect((await outcome(paymentId)).json()).toMatchObject({ status: 'approved', amount: 1999, last4: '4242' });
    const card = stored(sale, paymentId);
    await push(hq.app, register, [makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [card]), card]);
    await hq.app.hq.payments.settlePending();
    expect(await hq.app.hq.payments.offlinePayment(paymentId)).toMatchObject({ status: 'settled', card_token: null });
    expect(await netCharged()).toBe(1999);
  });

  it('an approval the register gave up is voided; the same id asked again later is refused, not charged', async () => {
    const orderId = uuidv4();
    const paymentId = uuidv4();
    expect((await authorize(paymentId, orderId, 500)).json().status).toBe('approved');
    expect(await push(hq.app, register, [abandoned(paymentId, orderId, 500)])).toMatchObject([{ status: 'applied' }]);
    await hq.app.hq.payments.settlePending();
    expect(await netCharged()).toBe(0);
    expect((await outcome(paymentId)).json().status).toBe('voided');
    expect((await authorize(paymentId, orderId, 500)).json()).toMatchObject({ status: 'declined' });
    expect(await netCharged()).toBe(0);
  });

  it('an attempt given up before it reached HQ is refused when it arrives late', async () => {
    const orderId = uuidv4();
    const paymentId = uuidv4();
    await push(hq.app, register, [abandoned(paymentId, orderId, 700)]);
    expect((await outcome(paymentId)).json().status).toBe('voided');
    expect((await authorize(paymentId, orderId, 700)).json()).toMatchObject({ status: 'declined', reason: expect.stringContaining('gave up') });
    await hq.app.hq.payments.settlePending();
    expect(await netCharged()).toBe(0);
  });

  it('an attempt the acquirer never answered is reversed; stored offline under the same id it is charged once, after the reversal', async () => {
    const sale = saleOf(850);
    const paymentId = uuidv4();
    expect((await authorize(paymentId, sale.id, 850, TEST_CARDS.timeout)).statusCode).toBe(504);
    const card = stored(sale, paymentId);
    await push(hq.app, register, [makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [card]), card]);
    await hq.app.hq.payments.settlePending();
    await hq.app.hq.payments.settlePending();
    expect(await hq.app.hq.payments.offlinePayment(paymentId)).toMatchObject({ status: 'settled' });
    expect(await netCharged()).toBe(850);
  });

  it('an attempt given up while HQ is still asking the acquirer is voided after the charge lands, never before it', async () => {
    await hq.close();
    const gateway = new CardSimulator({ latencyMs: 150 });
    hq = await makeHq(kind, { gatewayTimeoutMs: 1000, gateway });
    register = await enrolRegister(hq.app);
    const orderId = uuidv4();
    const paymentId = uuidv4();
    const asking = authorize(paymentId, orderId, 640);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await push(hq.app, register, [abandoned(paymentId, orderId, 640)]);
    await hq.app.hq.payments.settlePending(); // nothing to void yet: the charge has not landed
    expect((await asking).json().status).toBe('declined');
    await hq.app.hq.payments.settlePending();
    const moved = await gateway.movements();
    expect(moved.map((m) => m.kind)).toEqual(['charge', 'void']);
  });

  it("HQ's clock set forward a day while the acquirer is being asked does not void the authorisation under it", async () => {
    await hq.close();
    // HQ's wall clock is faked from its start (timers run as usual), so that it can be set forward.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      const gateway = new CardSimulator({ latencyMs: 150 });
      hq = await makeHq(kind, { gatewayTimeoutMs: 1000, gateway });
      register = await enrolRegister(hq.app);
      const paymentId = uuidv4();
      const asking = authorize(paymentId, uuidv4(), 720);
      await new Promise((resolve) => setTimeout(resolve, 40));
      vi.setSystemTime(Date.now() + 86_400_000);
      expect(await hq.app.hq.payments.sweepAbandoned()).toBe(0);
      await hq.app.hq.payments.settlePending();
      expect((await asking).json().status).toBe('approved');
      await hq.app.hq.payments.settlePending();
      expect((await gateway.movements()).map((m) => m.kind)).toEqual(['charge']);
      expect((await outcome(paymentId)).json().status).toBe('approved');
    } finally {
      vi.useRealTimers();
    }
  });

  it('the same attempt sent twice at once is charged once, and both callers get the one approval', async () => {
    const paymentId = uuidv4();
    const orderId = uuidv4();
    const answers = await Promise.all([authorize(paymentId, orderId, 1200), authorize(paymentId, orderId, 1200), authorize(paymentId, orderId, 1200)]);
    expect(answers.map((a) => a.json().status)).toEqual(['approved', 'approved', 'approved']);
    expect(new Set(answers.map((a) => a.json().authCode)).size).toBe(1);
    expect(await netCharged()).toBe(1200);
  });

  it('never charges a sale more than its card tender, even if the register stored more card payments than it recorded', async () => {
    const sale = saleOf(1000);
    const first = stored(sale, uuidv4());
    const second = stored(sale, uuidv4());
    // The sale records one card payment of 10.00; a second stored payment for it must not be charged.
    await push(hq.app, register, [makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [first]), first, second]);
    await hq.app.hq.payments.settlePending();
    expect(await netCharged()).toBe(1000);
    const statuses = [(await hq.app.hq.payments.offlinePayment(first.entityId))?.status, (await hq.app.hq.payments.offlinePayment(second.entityId))?.status];
    expect(statuses.sort()).toEqual(['declined', 'settled']);
  });

  it('voids an approval no uploaded sale uses once it is older than the abandonment timeout', async () => {
    await hq.close();
    hq = await makeHq(kind, { gatewayTimeoutMs: 300, cardVoidAfterMs: 50 });
    register = await enrolRegister(hq.app);
    const used = saleOf(300);
    const usedId = uuidv4();
    const leftover = uuidv4();
    expect((await authorize(usedId, used.id, 300)).json().status).toBe('approved');
    expect((await authorize(leftover, uuidv4(), 400)).json().status).toBe('approved');
    await push(hq.app, register, [makeOp('sale', 'completed', used), ...cardPaymentOps(used, [stored(used, usedId)], 'approved')]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await hq.app.hq.payments.sweepAbandoned()).toBe(1);
    expect((await outcome(leftover)).json().status).toBe('voided');
    expect((await outcome(usedId)).json().status).toBe('approved');
    expect(await netCharged()).toBe(300);
  });

  it("tells a register nothing about another store's card payment", async () => {
    await hq.app.inject({ method: 'POST', url: '/stores', headers: hq.admin, payload: { code: 'S02', name: 'Second', currency: 'EUR', enrolmentCode: 'SECOND' } });
    const other = await enrolRegister(hq.app, 'SECOND');
    const paymentId = uuidv4();
    expect((await authorize(paymentId, uuidv4(), 900)).json().status).toBe('approved');
    expect((await outcome(paymentId, other.auth)).json()).toMatchObject({ status: 'unknown', amount: null, last4: null });
    expect((await authorize(paymentId, uuidv4(), 900, TEST_CARDS.approved, other.auth)).statusCode).toBe(409);
    expect(await netCharged()).toBe(900);
  });

  it('answers unknown for an id HQ never saw, and 401 without a device token', async () => {
    expect((await outcome(uuidv4())).json()).toMatchObject({ status: 'unknown' });
    expect((await outcome(uuidv4(), {} as never)).statusCode).toBe(401);
  });
});
