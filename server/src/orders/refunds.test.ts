import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Operation, RefundPayload, SalePayload } from '../../../shared/hq/ops';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { CardSimulator } from '../payments/card-simulator';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { sealCard } from '../test/card-seal';
import { makeOp, makeSale, push } from '../test/factories';

let refundSeq = 1000;
/** A refund of `quantity` units of line 0 (129 each) of `sale`. */
function refundOp(sale: SalePayload, quantity: number, overrides: Partial<RefundPayload> = {}): Operation {
  const line = sale.lines[0]!;
  const payload: RefundPayload = {
    id: uuidv7(),
    number: `S01-R09-${++refundSeq}`,
    cashierId: 'cashier-1',
    currency: 'EUR',
    lines: [{ ...line, quantity: -quantity, lineTotal: -quantity * line.unitPrice, originalLineIndex: 0 }],
    total: -quantity * line.unitPrice,
    originalOrderId: sale.id,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
  return makeOp('refund', 'completed', payload);
}
const paymentOp = (orderId: string, amount: number) => makeOp('payment', 'recorded', { id: uuidv7(), orderId, tender: 'cash', amount, status: 'approved', createdAt: new Date().toISOString() });

describeEachStorage('refunds on HQ', (kind) => {
  let hq: TestHq;
  let a: TestRegister;
  let b: TestRegister;
  let sale: SalePayload;
  beforeEach(async () => {
    hq = await makeHq(kind, { gatewayTimeoutMs: 150 });
    a = await enrolRegister(hq.app);
    b = await enrolRegister(hq.app);
    sale = makeSale();
    await push(hq.app, a, [makeOp('sale', 'completed', sale)]);
  });
  afterEach(() => hq.close());

  const refundsOnHq = async () => (await hq.app.inject({ url: `/orders/search?originalOrderId=${sale.id}`, headers: hq.admin })).json().orders as { number: string }[];

  it('rejects a refund pushed late that gives back more than remains of a line (REFUND_EXCEEDS), with its payment, and keeps rejecting it', async () => {
    const first = refundOp(sale, 2);
    expect((await push(hq.app, b, [first, paymentOp(first.entityId, -258)])).map((r) => r.status)).toEqual(['applied', 'applied']);
    const late = refundOp(sale, 1);
    const [result, payment] = await push(hq.app, a, [late, paymentOp(late.entityId, -129)]);
    expect(result).toMatchObject({ status: 'rejected', code: 'REFUND_EXCEEDS', message: expect.stringMatching(/2 sold, 2 already refunded/) });
    expect(payment).toMatchObject({ status: 'rejected', code: 'REFUND_EXCEEDS' });
    // Not claimed: a retry is checked again (and rejected again), never answered "duplicate".
    expect((await push(hq.app, a, [late]))[0]).toMatchObject({ status: 'rejected', code: 'REFUND_EXCEEDS' });
    expect(await refundsOnHq()).toHaveLength(1);
  });

  it('accepts partial refunds up to the quantity sold, in one batch with their sale, and a retry of an applied refund is a duplicate', async () => {
    const fresh = makeSale();
    const one = refundOp(fresh, 1);
    const two = refundOp(fresh, 1);
    const three = refundOp(fresh, 1);
    const results = await push(hq.app, a, [makeOp('sale', 'completed', fresh), one, two, three]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'rejected']);
    expect((await push(hq.app, a, [one]))[0]!.status).toBe('duplicate');
  });

  it('a refund of a refund, of a line never sold or above the money paid is rejected; one of an order HQ does not know yet is deferred, not applied', async () => {
    const refund = refundOp(sale, 1);
    await push(hq.app, a, [refund]);
    const ofRefund = refundOp(sale, 1, { originalOrderId: refund.entityId });
    expect((await push(hq.app, a, [ofRefund]))[0]).toMatchObject({ code: 'REFUND_EXCEEDS', message: expect.stringContaining('itself a refund') });
    const noLine = refundOp(sale, 1);
    (noLine.payload as RefundPayload).lines[0]!.originalLineIndex = 4;
    expect((await push(hq.app, a, [noLine]))[0]).toMatchObject({ code: 'REFUND_EXCEEDS', message: expect.stringContaining('no line 5') });
    const tooMuch = refundOp(sale, 1, { total: -500 });
    expect((await push(hq.app, a, [tooMuch]))[0]).toMatchObject({ code: 'REFUND_EXCEEDS', message: expect.stringContaining('above what it was paid') });
    const unknown = refundOp(makeSale(), 1);
    expect((await push(hq.app, a, [unknown]))[0]).toMatchObject({ status: 'deferred', code: 'ORIGINAL_UNKNOWN' });
  });

  it('two registers pushing refunds of the same order at the same moment: exactly one of them fits', async () => {
    const ops = [a, b, a, b].map(() => refundOp(sale, 2));
    const results = await Promise.all(ops.map((op, i) => push(hq.app, i % 2 === 0 ? a : b, [op])));
    const statuses = results.map((r) => r[0]!.status).sort();
    expect(statuses).toEqual(['applied', 'rejected', 'rejected', 'rejected']);
    expect(await refundsOnHq()).toHaveLength(1);
  });

  it('searches refunds by original order, id, kind, amount, tender and time', async () => {
    const refund = refundOp(sale, 1);
    await push(hq.app, a, [refund, paymentOp(refund.entityId, -129)]);
    const numbers = async (query: string) => ((await hq.app.inject({ url: `/orders/search?${query}`, headers: hq.admin })).json().orders as { number: string }[]).map((o) => o.number);
    const refundNumber = (refund.payload as RefundPayload).number;
    expect(await numbers(`originalOrderId=${sale.id}`)).toEqual([refundNumber]);
    expect(await numbers(`id=${sale.id}`)).toEqual([sale.number]);
    expect(await numbers('kind=refund')).toEqual([refundNumber]);
    expect(await numbers('amount=129&kind=refund')).toEqual([refundNumber]);
    expect(await numbers('tender=cash')).toEqual([refundNumber]);
    expect(await numbers(`from=${sale.createdAt}&to=${sale.createdAt}`)).toEqual([sale.number]);
    expect((await hq.app.inject({ url: '/orders/search?from=yesterday', headers: hq.admin })).statusCode).toBe(400);
  });
});

describeEachStorage('POST /payments/refund', (kind) => {
  let hq: TestHq;
  let register: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind, { gatewayTimeoutMs: 150 });
    register = await enrolRegister(hq.app);
  });
  afterEach(() => hq.close());

  const authorize = async (amount: number) => {
    const paymentId = uuidv4();
    const res = await hq.app.inject({ method: 'POST', url: '/payments/authorize', headers: register.auth, payload: { paymentId, amount, currency: 'EUR', cardNumber: TEST_CARDS.approved } });
    expect(res.json().status).toBe('approved');
    return paymentId;
  };
  const refund = (body: object) => hq.app.inject({ method: 'POST', url: '/payments/refund', headers: register.auth, payload: { refundId: uuidv4(), currency: 'EUR', ...body } });

  it('refunds to the card of an approved payment, idempotently, never more than it charged in all', async () => {
    const paymentId = await authorize(1000);
    const refundId = uuidv4();
    const first = await refund({ refundId, paymentId, amount: 600 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ refundId, status: 'approved', reference: expect.stringMatching(/^R[0-9A-F]{6}$/), last4: '4242' });
    expect((await refund({ refundId, paymentId, amount: 600 })).json()).toEqual(first.json());
    expect((await refund({ refundId, paymentId, amount: 500 })).statusCode).toBe(409);
    const over = await refund({ paymentId, amount: 401 });
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ error: 'REFUND_EXCEEDS', message: expect.stringContaining('at most 400') });
    expect((await refund({ paymentId, amount: 400 })).json().status).toBe('approved');
  });

  it('two refunds of the whole payment at once: the acquirer is asked once, one is approved, the other REFUND_EXCEEDS', async () => {
    await hq.close();
    let asked = 0;
    const gateway = new CardSimulator();
    const counting = Object.assign(Object.create(gateway) as CardSimulator, {
      refund: async (request: Parameters<CardSimulator['refund']>[0], signal: AbortSignal) => {
        asked++;
        await new Promise((resolve) => setTimeout(resolve, 30));
        return gateway.refund(request, signal);
      },
    });
    hq = await makeHq(kind, { gatewayTimeoutMs: 500, gateway: counting });
    register = await enrolRegister(hq.app);
    const paymentId = await authorize(1000);
    const answers = await Promise.all([refund({ paymentId, amount: 1000 }), refund({ paymentId, amount: 1000 })]);
    expect(answers.map((a) => a.json().status ?? a.json().error).sort()).toEqual(['REFUND_EXCEEDS', 'approved']);
    expect(asked).toBe(1);
    expect((await refund({ paymentId, amount: 1 })).json().error).toBe('REFUND_EXCEEDS');
  });

  it('refunds an offline card payment HQ stored, and answers 404 for a payment it does not know or that was declined', async () => {
    const sale = makeSale();
    const cardId = uuidv7();
    await push(hq.app, register, [
      makeOp('sale', 'completed', sale),
      makeOp('offlineCardPayment', 'captured', { id: cardId, orderId: sale.id, amount: 258, currency: 'EUR', cardToken: sealCard(hq.app, TEST_CARDS.approved), last4: '4242', capturedAt: new Date().toISOString() }),
    ]);
    expect((await refund({ paymentId: cardId, amount: 258 })).json()).toMatchObject({ status: 'approved', last4: '4242' });
    expect((await refund({ paymentId: uuidv4(), amount: 1 })).statusCode).toBe(404);
    const declined = uuidv4();
    await hq.app.inject({ method: 'POST', url: '/payments/authorize', headers: register.auth, payload: { paymentId: declined, amount: 100, currency: 'EUR', cardNumber: TEST_CARDS.declined } });
    expect((await refund({ paymentId: declined, amount: 100 })).json().error).toBe('PAYMENT_NOT_FOUND');
    expect((await hq.app.inject({ method: 'POST', url: '/payments/refund', payload: { refundId: uuidv4(), paymentId: declined, amount: 1, currency: 'EUR' } })).statusCode).toBe(401);
  });
});
