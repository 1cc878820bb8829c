import { afterEach, beforeEach, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { cardPaymentOps, makeOp, makeSale, push } from '../test/factories';

describeEachStorage('card payments', (kind) => {
  let hq: TestHq;
  let register: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind, { gatewayTimeoutMs: 150 });
    register = await enrolRegister(hq.app);
  });
  afterEach(() => hq.close());

  const outcome = (paymentId: string, headers = register.auth) => hq.app.inject({ method: 'GET', url: `/payments/${paymentId}`, headers });
  const movements = () => hq.app.hq.database.read.selectFrom('acquirer_ledger').selectAll().orderBy('at').execute();
  const authorize = (body: object, headers = register.auth) => hq.app.inject({ method: 'POST', url: '/payments/authorize', headers, payload: { paymentId: uuidv4(), amount: 1250, currency: 'EUR', ...body } });

  it('approves any Luhn-valid card and declines the documented test cards', async () => {
    const ok = await authorize({ cardNumber: TEST_CARDS.approved });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'approved', authCode: expect.stringMatching(/^[0-9A-F]{6}$/), reason: null, last4: '4242' });
    expect((await authorize({ cardNumber: '5555555555554444' })).json().status).toBe('approved');
    const declined = await authorize({ cardNumber: TEST_CARDS.declined });
    expect(declined.json()).toMatchObject({ status: 'declined', authCode: null, reason: expect.stringContaining('declined') });
    expect((await authorize({ cardNumber: TEST_CARDS.insufficientFunds })).json().reason).toContain('Insufficient');
  });

  it('answers 504 when the acquirer does not answer in time, reverses the attempt, and says so when asked about it', async () => {
    const paymentId = uuidv4();
    const res = await authorize({ paymentId, cardNumber: TEST_CARDS.timeout });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ error: 'GATEWAY_TIMEOUT', message: expect.stringContaining('not charged') });
    await hq.app.hq.payments.settlePending();
    expect((await outcome(paymentId)).json()).toMatchObject({ paymentId, status: 'voided', amount: 1250 });
    // A retry of the same attempt is not sent to the acquirer again.
    expect((await authorize({ paymentId, cardNumber: TEST_CARDS.timeout })).json()).toMatchObject({ status: 'declined', reason: expect.stringContaining('reversed') });
    expect(await movements()).toEqual([]);
  });

  it('is idempotent by paymentId: a retry returns the first answer; another amount is a 409', async () => {
    const paymentId = uuidv4();
    const first = await authorize({ paymentId, cardNumber: TEST_CARDS.approved });
    const again = await authorize({ paymentId, cardNumber: TEST_CARDS.approved });
    expect(again.json()).toEqual(first.json());
    expect((await authorize({ paymentId, cardNumber: TEST_CARDS.approved, amount: 99 })).statusCode).toBe(409);
  });

  it('refuses a card number failing the Luhn check, a zero amount and a call without a device token', async () => {
    expect((await authorize({ cardNumber: '4242424242424241' })).statusCode).toBe(400);
    expect((await authorize({ cardNumber: TEST_CARDS.approved, amount: 0 })).statusCode).toBe(400);
    expect((await authorize({ cardNumber: TEST_CARDS.approved }, hq.admin)).statusCode).toBe(401);
    expect((await authorize({ cardNumber: TEST_CARDS.approved }, {} as never)).statusCode).toBe(401);
  });

  it('settles offline card payments after upload and feeds each outcome, declines included, to the store', async () => {
    const sale = makeSale({ total: 516, lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 4, unitPrice: 129, taxClass: 'reduced', lineTotal: 516 }] });
    const payment = (cardToken: string) =>
      makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: sale.id, amount: 258, currency: 'EUR', cardToken, last4: cardToken.slice(-4), capturedAt: sale.createdAt });
    const good = payment(TEST_CARDS.approved);
    const bad = payment(TEST_CARDS.declined);
    const { headSeq } = await hq.app.hq.feed.state();
    expect(await push(hq.app, register, [makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [good, bad]), good, bad])).toMatchObject([
      { status: 'applied' },
      { status: 'applied' },
      { status: 'applied' },
      { status: 'applied' },
      { status: 'applied' },
    ]);
    await hq.app.hq.payments.settlePending();
    expect(await hq.app.hq.payments.offlinePayment(good.entityId)).toMatchObject({ status: 'settled', card_token: null });
    expect(await hq.app.hq.payments.offlinePayment(bad.entityId)).toMatchObject({ status: 'declined', reason: expect.stringContaining('declined') });
    const feed = await hq.app.inject({ url: `/sync/changes?since=${headSeq}`, headers: register.auth });
    const settlements = feed.json().changes.filter((c: { kind: string }) => c.kind === 'cardSettlement');
    expect(settlements.map((c: { data: { status: string } }) => c.data.status).sort()).toEqual(['declined', 'settled']);
  });

  it('keeps an offline payment pending while the acquirer times out, and settles it later', async () => {
    const sale = makeSale({ total: 100, lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 1, unitPrice: 100, taxClass: 'reduced', lineTotal: 100 }] });
    const op = makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: sale.id, amount: 100, currency: 'EUR', cardToken: TEST_CARDS.timeout, last4: '0119', capturedAt: new Date().toISOString() });
    await push(hq.app, register, [makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [op]), op]);
    await hq.app.hq.payments.settlePending();
    expect(await hq.app.hq.payments.offlinePayment(op.entityId)).toMatchObject({ status: 'pending', attempts: 1 });
  });
});
