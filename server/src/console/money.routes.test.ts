import { v4 as uuidv4 } from 'uuid';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { sealCard } from '../test/card-seal';
import { signedInConsoleUser } from '../test/console';
import { cardPaymentOps, makeOp, makeSale, push } from '../test/factories';
import { describeEachStorage, enrolInTwoStores, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { refreshTakings } from './takings-rollup';

const at = (iso: string) => Date.parse(iso);

describeEachStorage('console money reports', (kind) => {
  let hq: TestHq;
  let s01: TestRegister;
  let s02: TestRegister;
  let owner: Record<string, string>;
  let manager: Record<string, string>;

  const db = () => hq.app.hq.database.db;
  async function order(id: string, register: TestRegister, created: string, total: number, options: { kind?: 'sale' | 'refund'; cashier?: string; original?: string } = {}) {
    await db()
      .insertInto('orders')
      .values({ id, kind: options.kind ?? 'sale', number: `N-${id}`, store_id: register.storeId, register_id: register.registerId, total, currency: 'EUR', created_at: at(created), lines: '[]', original_order_id: options.original ?? null, member_id: null, cashier_id: options.cashier ?? 'cashier-1', received_at: at(created) })
      .execute();
  }
  async function payment(id: string, orderId: string, register: TestRegister, tender: 'cash' | 'card' | 'points', amount: number, status: 'approved' | 'stored' | 'declined' = 'approved') {
    await db().insertInto('payments').values({ id, order_id: orderId, register_id: register.registerId, tender, amount, status, reference: null, created_at: 0 }).execute();
  }
  async function authorization(paymentId: string, register: TestRegister, amount: number, status: 'approved' | 'declined' | 'voided') {
    await db().insertInto('card_authorizations').values({ payment_id: paymentId, register_id: register.registerId, order_id: null, amount, currency: 'EUR', last4: '4242', status, auth_code: null, reason: null, created_at: 0, void_requested_at: null, voided_at: null }).execute();
  }
  async function offlineCard(paymentId: string, orderId: string, register: TestRegister, amount: number, status: 'pending' | 'settled' | 'declined', captured: string, reason: string | null = null) {
    await db()
      .insertInto('offline_card_payments')
      .values({ id: paymentId, order_id: orderId, register_id: register.registerId, store_id: register.storeId, amount, currency: 'EUR', card_token: null, last4: '0005', status, reason, attempts: 1, captured_at: at(captured), upload_deadline: null, claimed_at: null, updated_at: 0 })
      .execute();
  }

  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01, s02 } = await enrolInTwoStores(hq));
    owner = (await signedInConsoleUser(hq.app, 'owner', [])).headers;
    manager = (await signedInConsoleUser(hq.app, 'store-manager', [s01.storeId])).headers;

    // S01, 1 May: a sale paid in cash and card, a sale whose card HQ declined, a card taken offline that
    // the acquirer declined at settlement, one it settled, a cash payment the register itself declined,
    // and a cash refund. 2 May: a cash sale at midnight. 3 May: outside the days asked for.
    await order('o1', s01, '2025-05-01T09:00:00.000Z', 1000);
    await payment('p1a', 'o1', s01, 'cash', 400);
    await payment('p1b', 'o1', s01, 'card', 600);
    await authorization('p1b', s01, 600, 'approved');
    await order('o2', s01, '2025-05-01T10:00:00.000Z', 500);
    await payment('p2', 'o2', s01, 'card', 500);
    await authorization('p2', s01, 500, 'declined');
    await order('o3', s01, '2025-05-01T11:00:00.000Z', 300, { cashier: '=HYPERLINK("http://x")' });
    await payment('p3', 'o3', s01, 'card', 300, 'stored');
    await offlineCard('p3', 'o3', s01, 300, 'declined', '2025-05-01T11:00:00.000Z', 'Insufficient funds, "card", blocked');
    await order('o4', s01, '2025-05-01T12:00:00.000Z', 200);
    await payment('p4', 'o4', s01, 'card', 200, 'stored');
    await offlineCard('p4', 'o4', s01, 200, 'settled', '2025-05-01T12:00:00.000Z');
    await order('o5', s01, '2025-05-01T13:00:00.000Z', 150);
    await payment('p5', 'o5', s01, 'cash', 150, 'declined');
    await order('r1', s01, '2025-05-01T23:59:59.999Z', -250, { kind: 'refund', original: 'o1' });
    await payment('pr1', 'r1', s01, 'cash', -250);
    await order('o6', s01, '2025-05-02T00:00:00.000Z', 700);
    await payment('p6', 'o6', s01, 'cash', 700);
    await order('o7', s01, '2025-05-03T00:00:00.000Z', 800);
    await payment('p7', 'o7', s01, 'cash', 800);
    // S02, the other store, on 1 May.
    await order('x1', s02, '2025-05-01T09:30:00.000Z', 999);
    await payment('px1', 'x1', s02, 'cash', 999);
    await order('xr1', s02, '2025-05-01T09:40:00.000Z', -99, { kind: 'refund', original: 'x1' });
    await payment('pxr1', 'xr1', s02, 'cash', -99);
    await order('x2', s02, '2025-05-01T09:50:00.000Z', 50);
    await payment('px2', 'x2', s02, 'card', 50, 'stored');
    await offlineCard('px2', 'x2', s02, 50, 'declined', '2025-05-01T09:50:00.000Z', 'Expired card');
    // Drawer sessions: S01 counted 30 short of its float and sales, S02 one exact.
    await db()
      .insertInto('cash_sessions')
      .values([
        { id: 'cs1', store_id: s01.storeId, register_id: s01.registerId, currency: 'EUR', opened_at: at('2025-05-01T08:00:00.000Z'), opened_by: 'u1', float: 1000, opened_at_first_sale: 0, counted_at: at('2025-05-01T20:00:00.000Z'), counted_by: 'u1', counted: 1120, expected: 1150, closed_at: at('2025-05-01T20:00:00.000Z'), closed_by: 'u1', note: '-short', approved_by: null, reconciled: 1, received_at: 0 },
        { id: 'cs2', store_id: s02.storeId, register_id: s02.registerId, currency: 'EUR', opened_at: at('2025-05-01T08:00:00.000Z'), opened_by: 'u2', float: 500, opened_at_first_sale: 0, counted_at: null, counted_by: null, counted: null, expected: null, closed_at: null, closed_by: null, note: null, approved_by: null, reconciled: null, received_at: 0 },
      ])
      .execute();
    await db()
      .insertInto('cash_movements')
      .values([
        { id: 'm1', session_id: 'cs1', store_id: s01.storeId, register_id: s01.registerId, kind: 'sale', amount: 400, order_id: 'o1', reason: null, note: null, user_id: 'u1', approved_by: null, at: at('2025-05-01T09:00:00.000Z') },
        { id: 'm2', session_id: 'cs1', store_id: s01.storeId, register_id: s01.registerId, kind: 'refund', amount: -250, order_id: 'r1', reason: null, note: null, user_id: 'u1', approved_by: null, at: at('2025-05-01T19:00:00.000Z') },
        { id: 'm3', session_id: 'cs2', store_id: s02.storeId, register_id: s02.registerId, kind: 'sale', amount: 999, order_id: 'x1', reason: null, note: null, user_id: 'u2', approved_by: null, at: at('2025-05-01T09:30:00.000Z') },
      ])
      .execute();
    // Written straight into the tables above, so their days' takings are rewritten as a push would.
    await refreshTakings(db(), hq.app.hq.database.dialect, ['o1', 'o2', 'o3', 'o4', 'o5', 'r1', 'o6', 'o7', 'x1', 'xr1', 'x2']);
  });
  afterEach(() => hq.close());

  const get = (url: string, headers: Record<string, string>) => hq.app.inject({ method: 'GET', url, headers });

  it('adds up takings per day, register and tender from the payments that moved money only', async () => {
    const res = await get(`/console/api/money/takings?from=2025-05-01&to=2025-05-02&storeId=${s01.storeId}`, owner);
    expect(res.statusCode, res.body).toBe(200);
    const base = { storeId: s01.storeId, registerId: s01.registerId, currency: 'EUR' };
    expect(res.json().rows).toEqual([
      // Card: o1's 600 and o4's settled offline 200; o2's declined authorisation and o3's declined settlement are not money.
      { ...base, day: '2025-05-01', tender: 'card', sales: 800, refunds: 0, net: 800, orders: 2 },
      // Cash: o1's 400 less the 250 refunded; o5's payment the register declined is not money.
      { ...base, day: '2025-05-01', tender: 'cash', sales: 400, refunds: 250, net: 150, orders: 2 },
      { ...base, day: '2025-05-02', tender: 'cash', sales: 700, refunds: 0, net: 700, orders: 1 },
    ]);
    const all = (await get('/console/api/money/takings?from=2025-05-01&to=2025-05-01', owner)).json().rows as { storeId: string; tender: string; net: number }[];
    expect(all.filter((r) => r.storeId === s02.storeId)).toEqual([expect.objectContaining({ tender: 'cash', sales: 999, refunds: 99, net: 900, orders: 2 })]);
    expect((await get(`/console/api/money/takings?from=2025-05-03&to=2025-05-03&registerId=${s01.registerId}`, owner)).json().rows).toEqual([expect.objectContaining({ day: '2025-05-03', net: 800 })]);
  });

  it('sums the registers of each store with by=store, for a chain-wide view, and keeps a register out of it', async () => {
    const second = await enrolRegister(hq.app);
    await order('o9', second, '2025-05-01T15:00:00.000Z', 300);
    await payment('p9', 'o9', second, 'cash', 300);
    await refreshTakings(db(), hq.app.hq.database.dialect, ['o9']);
    const byRegister = (await get(`/console/api/money/takings?from=2025-05-01&to=2025-05-01&storeId=${s01.storeId}`, owner)).json().rows;
    expect(byRegister.filter((r: { tender: string }) => r.tender === 'cash').map((r: { registerId: string; net: number }) => [r.registerId, r.net]).sort()).toEqual([[s01.registerId, 150], [second.registerId, 300]].sort());
    const byStore = await get('/console/api/money/takings?from=2025-05-01&to=2025-05-01&by=store', owner);
    expect(byStore.statusCode, byStore.body).toBe(200);
    expect(byStore.json().rows.filter((r: { storeId: string }) => r.storeId === s01.storeId)).toEqual([
      { day: '2025-05-01', storeId: s01.storeId, registerId: null, tender: 'card', currency: 'EUR', sales: 800, refunds: 0, net: 800, orders: 2 },
      { day: '2025-05-01', storeId: s01.storeId, registerId: null, tender: 'cash', currency: 'EUR', sales: 700, refunds: 250, net: 450, orders: 3 },
    ]);
    const mixed = await get(`/console/api/money/takings?from=2025-05-01&to=2025-05-01&by=store&registerId=${s01.registerId}`, owner);
    expect(mixed.statusCode).toBe(400);
    const scoped = (await get('/console/api/money/takings?from=2025-05-01&to=2025-05-01&by=store', manager)).json().rows;
    expect(scoped.map((r: { storeId: string }) => r.storeId)).not.toContain(s02.storeId);
  });

  it('takes a pushed sale into its day at once, and a card taken offline out of it when HQ declines it at settlement', async () => {
    const createdAt = '2025-05-04T10:00:00.000Z';
    const sale = makeSale({ total: 516, createdAt, lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 4, unitPrice: 129, taxClass: 'reduced', lineTotal: 516 }] });
    const card = (cardNumber: string) => makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: sale.id, amount: 200, currency: 'EUR', cardToken: sealCard(hq.app, cardNumber), last4: cardNumber.slice(-4), capturedAt: createdAt });
    const good = card(TEST_CARDS.approved);
    const bad = card(TEST_CARDS.declined);
    const cash = makeOp('payment', 'recorded', { id: uuidv4(), orderId: sale.id, tender: 'cash', amount: 116, status: 'approved', createdAt });
    const results = await push(hq.app, s01, [makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [good, bad]), good, bad, cash]);
    expect(results.every((r) => r.status === 'applied'), JSON.stringify(results)).toBe(true);
    const day = async () => (await get(`/console/api/money/takings?from=2025-05-04&to=2025-05-04&storeId=${s01.storeId}`, owner)).json().rows.map((r: { tender: string; sales: number; orders: number }) => [r.tender, r.sales, r.orders]);
    // The push counted both cards (pending settlement is money taken); HQ settles them once the push has
    // committed, so only the settlement's own rewrite of the day can take the declined one out.
    await hq.app.hq.payments.settlePending();
    expect(await hq.app.hq.payments.offlinePayment(bad.entityId)).toMatchObject({ status: 'declined' });
    expect(await day()).toEqual([
      ['card', 200, 1],
      ['cash', 116, 1],
    ]);
  });

  it('lists refunds newest first, offline card payments with their sale and cashier, and drawer sessions with their variance', async () => {
    const refunds = (await get('/console/api/money/refunds?from=2025-05-01&to=2025-05-02', owner)).json().refunds;
    expect(refunds.map((r: { id: string; total: number }) => [r.id, r.total])).toEqual([
      ['r1', 250],
      ['xr1', 99],
    ]);
    expect(refunds[0]).toMatchObject({ number: 'N-r1', originalOrderId: 'o1', registerId: s01.registerId, cashierId: 'cashier-1', createdAt: '2025-05-01T23:59:59.999Z' });

    const declined = (await get(`/console/api/money/offline-cards?from=2025-05-01&to=2025-05-01&status=declined&storeId=${s01.storeId}`, owner)).json().payments;
    expect(declined).toEqual([
      { id: 'p3', orderId: 'o3', orderNumber: 'N-o3', storeId: s01.storeId, registerId: s01.registerId, cashierId: '=HYPERLINK("http://x")', amount: 300, currency: 'EUR', last4: '0005', status: 'declined', reason: 'Insufficient funds, "card", blocked', capturedAt: '2025-05-01T11:00:00.000Z' },
    ]);
    const every = (await get('/console/api/money/offline-cards?from=2025-05-01&to=2025-05-01', owner)).json().payments;
    expect(every.map((p: { id: string }) => p.id)).toEqual(['p4', 'p3', 'px2']);

    const sessions = (await get('/console/api/money/cash-sessions?from=2025-05-01&to=2025-05-01', owner)).json().sessions;
    expect(sessions).toEqual([
      expect.objectContaining({ id: 'cs1', float: 1000, expected: 1150, counted: 1120, variance: -30, reconciled: true, closedAt: '2025-05-01T20:00:00.000Z' }),
      // Open: expected from the float and the movements HQ holds, nothing counted yet.
      expect.objectContaining({ id: 'cs2', float: 500, expected: 1499, counted: null, variance: null, reconciled: null, closedAt: null }),
    ]);
  });

  it("never shows a store manager another store's money, on any route, the export included", async () => {
    const days = 'from=2025-05-01&to=2025-05-02';
    for (const report of ['takings', 'refunds', 'offline-cards', 'cash-sessions']) {
      const res = await get(`/console/api/money/${report}?${days}`, manager);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toContain(s01.storeId);
      expect(res.body).not.toContain(s02.storeId);
      for (const other of [`storeId=${s02.storeId}`, `registerId=${s02.registerId}`]) {
        const refused = await get(`/console/api/money/${report}?${days}&${other}`, manager);
        expect(refused.statusCode, `${report} ${other}`).toBe(404);
        expect(refused.json().error).toMatch(/^(STORE|REGISTER)_NOT_FOUND$/);
      }
    }
    for (const report of ['takings', 'refunds', 'offline-cards', 'cash-sessions', 'fleet', 'audit']) {
      const res = await get(`/console/api/export/${report}?${days}`, manager);
      expect(res.statusCode, `${report}: ${res.body}`).toBe(200);
      expect(res.body).not.toContain(s02.storeId);
      expect(res.body).not.toContain(s02.registerId);
      expect((await get(`/console/api/export/${report}?${days}&storeId=${s02.storeId}`, manager)).statusCode).toBe(404);
      expect((await get(`/console/api/export/${report}?${days}&registerId=${s02.registerId}`, manager)).statusCode).toBe(404);
    }
    // The owner's export has both stores, so the manager's lacks them for their scope, not for want of data.
    expect((await get(`/console/api/export/takings?${days}`, owner)).body).toContain(s02.storeId);
    expect((await get(`/console/api/money/takings?${days}`, {})).statusCode).toBe(401);
  });

  it('exports CSV with a header row, RFC 4180 quoting and no formulas, as an attachment', async () => {
    const res = await get(`/console/api/export/offline-cards?from=2025-05-01&to=2025-05-01&status=declined&storeId=${s01.storeId}`, owner);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="kassa-offline-cards-2025-05-01-to-2025-05-01-${s01.storeId}.csv"`);
    expect(res.body).toBe(
      'id,orderId,orderNumber,storeId,registerId,cashierId,amount,currency,last4,status,reason,capturedAt\r\n' +
        `p3,o3,N-o3,${s01.storeId},${s01.registerId},"'=HYPERLINK(""http://x"")",300,EUR,0005,declined,"Insufficient funds, ""card"", blocked",2025-05-01T11:00:00.000Z\r\n`,
    );
    const takingsCsv = (await get(`/console/api/export/takings?from=2025-05-01&to=2025-05-02&storeId=${s01.storeId}`, owner)).body.split('\r\n');
    expect(takingsCsv[0]).toBe('day,storeId,registerId,tender,currency,sales,refunds,net,orders');
    expect(takingsCsv.slice(1)).toEqual([`2025-05-01,${s01.storeId},${s01.registerId},card,EUR,800,0,800,2`, `2025-05-01,${s01.storeId},${s01.registerId},cash,EUR,400,250,150,2`, `2025-05-02,${s01.storeId},${s01.registerId},cash,EUR,700,0,700,1`, '']);
    // A note starting with '-' is text, not a formula; a negative variance stays a number.
    const cash = (await get(`/console/api/export/cash-sessions?from=2025-05-01&to=2025-05-01&storeId=${s01.storeId}`, owner)).body;
    expect(cash).toContain(',1120,-30,\'-short,true\r\n');
  });

  it('refuses days in the wrong order or spans longer than a year, with a reason', async () => {
    const backwards = await get('/console/api/money/offline-cards?from=2025-05-02&to=2025-05-01', owner);
    expect(backwards.statusCode).toBe(400);
    const long = await get('/console/api/money/takings?from=2024-01-01&to=2025-05-01', owner);
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ error: 'RANGE_TOO_LONG' });
    expect((await get('/console/api/export/fleet?from=2025-01-01&to=2025-05-01', owner)).json()).toMatchObject({ error: 'RANGE_TOO_LONG' });
  });
});
