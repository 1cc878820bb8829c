import { afterEach, beforeEach, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { TEST_CARDS } from '../../../shared/hq/payments';
import type { Operation, SalePayload } from '../../../shared/hq/ops';
import { sealCard } from '../test/card-seal';
import { describeEachStorage, enrolInTwoStores, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeMemberPayload, makeOp, makeSale, push } from '../test/factories';

/** Every reference a pushed operation makes is checked against the register's store, inside the push's transaction. */
describeEachStorage('store scope of pushed operations', (kind) => {
  let hq: TestHq;
  let s01: TestRegister;
  let s02: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01, s02 } = await enrolInTwoStores(hq));
  });
  afterEach(() => hq.close());

  const saleOp = (sale: SalePayload) => makeOp('sale', 'completed', sale);
  const refundOf = (sale: SalePayload, total = -sale.total) =>
    makeOp('refund', 'completed', { ...makeSale({ total, lines: sale.lines.map((l, i) => ({ ...l, quantity: -l.quantity, lineTotal: -l.lineTotal, originalLineIndex: i })) }), originalOrderId: sale.id });
  const paymentOf = (orderId: string, amount: number, tender: 'cash' | 'card' = 'cash', id = uuidv4()) =>
    makeOp('payment', 'recorded', { id, orderId, tender, amount, status: 'approved', createdAt: new Date().toISOString() });
  const orderIds = async () => (await hq.app.hq.database.read.selectFrom('orders').select('id').execute()).map((r) => r.id);
  const claimed = async (op: Operation) => (await hq.app.hq.database.read.selectFrom('applied_ops').select('op_id').where('op_id', '=', op.id).executeTakeFirst()) !== undefined;
  const balance = async (memberId: string) => (await hq.app.inject({ url: `/members/${memberId}/balance`, headers: hq.admin })).json<{ balance: number }>().balance;

  it("rejects a refund of another store's order, and its payment, leaving the order fully refundable by its own store", async () => {
    const sale = makeSale();
    await push(hq.app, s01, [saleOp(sale)]);
    const stolen = refundOf(sale);
    const answers = await push(hq.app, s02, [stolen, paymentOf(stolen.entityId, sale.total)]);
    expect(answers).toMatchObject([
      { status: 'rejected', code: 'OTHER_STORE', message: expect.stringContaining("its own store's orders") },
      { status: 'rejected', code: 'OTHER_STORE' },
    ]);
    expect(await orderIds()).toEqual([sale.id]);
    expect(await claimed(stolen)).toBe(false);
    expect(await push(hq.app, s01, [refundOf(sale)])).toMatchObject([{ status: 'applied' }]);
  });

  it('holds a refund of an order HQ has not received: deferred, nothing kept, then applied once the sale arrives from another register of the store', async () => {
    const other = await enrolRegister(hq.app);
    const sale = makeSale();
    const refund = refundOf(sale);
    const payment = paymentOf(refund.entityId, sale.total);
    expect(await push(hq.app, s01, [refund, payment])).toMatchObject([
      { id: refund.id, status: 'deferred', code: 'ORIGINAL_UNKNOWN' },
      { id: payment.id, status: 'deferred', code: 'ORIGINAL_UNKNOWN' },
    ]);
    expect(await orderIds()).toEqual([]);
    expect(await claimed(refund)).toBe(false);
    await push(hq.app, other, [saleOp(sale)]);
    expect(await push(hq.app, s01, [refund, payment])).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
    expect((await orderIds()).sort()).toEqual([sale.id, refund.entityId].sort());
  });

  it('applies a refund with its sale in one batch, and a refund of a sale pushed earlier', async () => {
    const together = makeSale();
    expect(await push(hq.app, s01, [saleOp(together), refundOf(together, -100)])).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
    const earlier = makeSale();
    await push(hq.app, s01, [saleOp(earlier)]);
    expect(await push(hq.app, s01, [refundOf(earlier)])).toMatchObject([{ status: 'applied' }]);
  });

  it('refuses points a register adjusts on its own, or earns on no sale or on another store\'s sale; an admin adjusts them', async () => {
    const member = makeMemberPayload();
    const sale = makeSale();
    await push(hq.app, s01, [makeOp('member', 'enrolled', member), saleOp(sale)]);
    const entry = (delta: number, reason: string, orderId?: string) => makeOp('pointLedger', 'appended', { id: uuidv4(), memberId: member.id, delta, reason, ...(orderId ? { orderId } : {}), createdAt: new Date().toISOString() });
    const answers = await push(hq.app, s02, [entry(1_000_000, 'adjust'), entry(1_000_000, 'earn'), entry(1_000_000, 'earn', sale.id), entry(500, 'redeem', sale.id)]);
    expect(answers).toMatchObject([
      { status: 'rejected', code: 'NOT_ALLOWED', message: expect.stringContaining('admin') },
      { status: 'rejected', code: 'INVALID_PAYLOAD' },
      { status: 'rejected', code: 'OTHER_STORE' },
      { status: 'rejected', code: 'INVALID_PAYLOAD' },
    ]);
    expect(await balance(member.id)).toBe(0);
    const own = makeSale();
    expect(await push(hq.app, s02, [saleOp(own), entry(25, 'earn', own.id), entry(-5, 'redeem', own.id)])).toMatchObject([{ status: 'applied' }, { status: 'applied' }, { status: 'applied' }]);
    const adjusted = await hq.app.inject({ method: 'POST', url: `/admin/members/${member.id}/points`, headers: hq.admin, payload: { id: uuidv4(), delta: 100, note: 'goodwill after a complaint' } });
    expect(adjusted.json()).toEqual({ memberId: member.id, balance: 120 });
    const byRegister = await hq.app.inject({ method: 'POST', url: `/admin/members/${member.id}/points`, headers: s01.auth, payload: { id: uuidv4(), delta: 100, note: 'x' } });
    expect(byRegister.statusCode).toBe(401);
    expect(await balance(member.id)).toBe(120);
  });

  it("refuses payments, offline card payments and card attempts that name another store's order or card payment; defers a payment of an order HQ has not seen", async () => {
    const sale = makeSale();
    const paymentId = uuidv4();
    const approved = await hq.app.inject({ method: 'POST', url: '/payments/authorize', headers: s01.auth, payload: { paymentId, orderId: sale.id, amount: sale.total, currency: 'EUR', cardNumber: TEST_CARDS.approved } });
    expect(approved.json().status).toBe('approved');
    await push(hq.app, s01, [saleOp(sale), paymentOf(sale.id, sale.total, 'card', paymentId)]);
    const own = makeSale();
    const unseen = uuidv4();
    const answers = await push(hq.app, s02, [
      paymentOf(sale.id, 1),
      makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: sale.id, amount: sale.total, currency: 'EUR', cardToken: sealCard(hq.app, TEST_CARDS.approved), last4: '4242', capturedAt: new Date().toISOString() }),
      makeOp('cardAttempt', 'abandoned', { id: uuidv4(), orderId: sale.id, amount: 100, currency: 'EUR', createdAt: new Date().toISOString() }),
      makeOp('cardAttempt', 'abandoned', { id: paymentId, orderId: uuidv4(), amount: sale.total, currency: 'EUR', createdAt: new Date().toISOString() }),
      saleOp(own),
      paymentOf(own.id, own.total, 'card', paymentId),
      paymentOf(unseen, 100),
    ]);
    expect(answers.map((a) => ('code' in a ? `${a.status} ${a.code}` : a.status))).toEqual([
      'rejected OTHER_STORE',
      'rejected OTHER_STORE',
      'rejected OTHER_STORE',
      'rejected OTHER_STORE',
      'applied',
      'rejected OTHER_STORE',
      'deferred ORDER_UNKNOWN',
    ]);
    const payments = await hq.app.hq.database.read.selectFrom('payments').select(['order_id', 'register_id']).execute();
    expect(payments).toEqual([{ order_id: sale.id, register_id: s01.registerId }]);
    expect(await hq.app.hq.database.read.selectFrom('offline_card_payments').select('id').execute()).toEqual([]);
  });
});
