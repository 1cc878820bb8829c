import crypto from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { sealCard, sealCardTo } from '../test/card-seal';
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
    const payment = (cardNumber: string) =>
      makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: sale.id, amount: 258, currency: 'EUR', cardToken: sealCard(hq.app, cardNumber), last4: cardNumber.slice(-4), capturedAt: sale.createdAt });
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
    const op = makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: sale.id, amount: 100, currency: 'EUR', cardToken: sealCard(hq.app, TEST_CARDS.timeout), last4: '0119', capturedAt: new Date().toISOString() });
    await push(hq.app, register, [makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [op]), op]);
    await hq.app.hq.payments.settlePending();
    expect(await hq.app.hq.payments.offlinePayment(op.entityId)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('gives registers its card key at enrolment and on GET /payments/card-key, to registers only', async () => {
    const enrol = await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: 'DEMO' } });
    const cardKey = enrol.json<{ cardKey: string }>().cardKey;
    expect(cardKey).toBe(hq.app.hq.cardKey.publicKey);
    expect(crypto.createPublicKey({ key: Buffer.from(cardKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType).toBe('x25519');
    const fetched = await hq.app.inject({ url: '/payments/card-key', headers: register.auth });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json()).toEqual({ cardKey });
    expect((await hq.app.inject({ url: '/payments/card-key' })).statusCode).toBe(401);
  });

  it('refuses a plain card number in an offline payment at the boundary, so it never reaches the database', async () => {
    const op = makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: uuidv4(), amount: 100, currency: 'EUR', cardToken: TEST_CARDS.approved, last4: '4242', capturedAt: new Date().toISOString() });
    expect(await push(hq.app, register, [op])).toMatchObject([{ status: 'rejected', code: 'INVALID_PAYLOAD', message: expect.stringContaining('sealed') }]);
    expect(await hq.app.hq.payments.offlinePayment(op.entityId)).toBeUndefined();
  });

  it('declines an offline payment whose sealed card does not open, with the reason, and goes on settling the others', async () => {
    const foreign = crypto.generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const sale = makeSale({ total: 300, lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 3, unitPrice: 100, taxClass: 'reduced', lineTotal: 300 }] });
    const capture = (cardToken: string) => makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: sale.id, amount: 100, currency: 'EUR', cardToken, last4: '4242', capturedAt: new Date().toISOString() });
    const wrongKey = capture(sealCardTo(foreign, TEST_CARDS.approved));
    const garbled = capture('v1.AAAA.BBBB.CCCC');
    const good = capture(sealCard(hq.app, TEST_CARDS.approved));
    await push(hq.app, register, [makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [wrongKey, garbled, good]), wrongKey, garbled, good]);
    await hq.app.hq.payments.settlePending();
    expect(await hq.app.hq.payments.offlinePayment(wrongKey.entityId)).toMatchObject({ status: 'declined', reason: expect.stringContaining('sealed to another key'), card_token: null });
    expect(await hq.app.hq.payments.offlinePayment(garbled.entityId)).toMatchObject({ status: 'declined', reason: expect.stringContaining('truncated'), card_token: null });
    expect(await hq.app.hq.payments.offlinePayment(good.entityId)).toMatchObject({ status: 'settled', card_token: null });
  });
});
