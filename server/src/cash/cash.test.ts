import { afterEach, beforeEach, expect, it } from 'vitest';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { CashResponse, CashSessionReport } from '../../../shared/hq/cash';
import type { Operation } from '../../../shared/hq/ops';
import { describeEachStorage, enrolInTwoStores, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeOp, makeSale, push } from '../test/factories';

const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function sessionOp(overrides: Record<string, unknown> = {}): Operation {
  return makeOp('cashSession', 'opened', { id: uuidv7(), currency: 'EUR', openedAt: at(0), openedBy: 'cashier-1', float: 10_000, openedAtFirstSale: false, ...overrides });
}
function movementOp(sessionId: string, kind: string, amount: number, overrides: Record<string, unknown> = {}): Operation {
  return makeOp('cashMovement', 'recorded', { id: uuidv7(), sessionId, kind, amount, userId: 'cashier-1', at: at(5), ...overrides });
}
function closeOp(sessionId: string, counted: number, expected: number, overrides: Record<string, unknown> = {}): Operation {
  return makeOp('cashClose', 'closed', { id: sessionId, countedAt: at(60), countedBy: 'cashier-1', counted, expected, closedAt: at(61), closedBy: 'manager-1', ...overrides });
}

/** The registers' cash on HQ: drawer sessions, their movements and closes, each applied once, and GET /admin/cash. */
describeEachStorage('cash drawer sessions on HQ', (kind) => {
  let hq: TestHq;
  let s01: TestRegister;
  let s02: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01, s02 } = await enrolInTwoStores(hq));
  });
  afterEach(() => hq.close());

  const cash = async (query = '') => {
    const res = await hq.app.inject({ url: `/admin/cash${query ? `?${query}` : ''}`, headers: hq.admin });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<CashResponse>().sessions;
  };
  const one = async (sessionId: string): Promise<CashSessionReport> => (await cash('movements=true')).find((s) => s.id === sessionId)!;
  const rowCounts = async () => ({
    sessions: (await hq.app.hq.database.read.selectFrom('cash_sessions').select('id').execute()).length,
    movements: (await hq.app.hq.database.read.selectFrom('cash_movements').select('id').execute()).length,
  });

  it('keeps a session pushed with its sale, movements and close: expected, counted and variance, and the movements add up to expected', async () => {
    const open = sessionOp();
    const sale = makeSale({ total: 1_250 });
    const ops = [
      open,
      makeOp('sale', 'completed', sale),
      movementOp(open.entityId, 'sale', 2_000, { orderId: sale.id }),
      movementOp(open.entityId, 'change', -750, { orderId: sale.id }),
      movementOp(open.entityId, 'paid-out', -300, { reason: 'supplier', approvedBy: 'Maria' }),
      movementOp(open.entityId, 'drop', -5_000),
      movementOp(open.entityId, 'no-sale', 0),
    ];
    expect(await push(hq.app, s01, ops)).toEqual(ops.map((o) => ({ id: o.id, status: 'applied' })));
    const running = await one(open.entityId);
    expect(running).toMatchObject({ registerId: s01.registerId, storeId: s01.storeId, float: 10_000, expected: 5_950, counted: null, variance: null, reconciled: null, closedAt: null, movementCount: 5 });

    const close = closeOp(open.entityId, 5_900, 5_950, { note: 'short by a coin roll', approvedBy: 'Maria' });
    expect(await push(hq.app, s01, [close])).toEqual([{ id: close.id, status: 'applied' }]);
    const closed = await one(open.entityId);
    expect(closed).toMatchObject({
      registerCode: s01.registerCode,
      openedAt: at(0),
      float: 10_000,
      totals: { sale: 2_000, change: -750, refund: 0, 'paid-in': 0, 'paid-out': -300, drop: -5_000, 'no-sale': 0 },
      expected: 5_950,
      fromMovements: 5_950,
      counted: 5_900,
      variance: -50,
      countedAt: at(60),
      closedAt: at(61),
      closedBy: 'manager-1',
      note: 'short by a coin roll',
      approvedBy: 'Maria',
      reconciled: true,
    });
    expect(closed.float + closed.movements!.reduce((sum, m) => sum + m.amount, 0)).toBe(closed.expected);
    expect(closed.movements!.map((m) => m.kind)).toEqual(['sale', 'change', 'paid-out', 'drop', 'no-sale']);
    expect(closed.movements![0]).toMatchObject({ orderId: sale.id, userId: 'cashier-1', at: at(5) });
    // Without movements=true the movements are not listed.
    expect((await cash())[0]).not.toHaveProperty('movements');
  });

  it('applies a replayed push once: duplicates, and nothing changes', async () => {
    const open = sessionOp();
    const ops = [open, movementOp(open.entityId, 'paid-in', 500, { reason: 'change-float' }), closeOp(open.entityId, 10_500, 10_500)];
    await push(hq.app, s01, ops);
    const before = await cash('movements=true');
    expect(await push(hq.app, s01, ops)).toEqual(ops.map((o) => ({ id: o.id, status: 'duplicate' })));
    expect(await cash('movements=true')).toEqual(before);
    expect(await rowCounts()).toEqual({ sessions: 1, movements: 1 });
    // The same operation id with another content is a conflict, and changes nothing either.
    const [changed] = await push(hq.app, s01, [{ ...ops[1]!, payload: { ...ops[1]!.payload, amount: 900 } }]);
    expect(changed).toMatchObject({ status: 'rejected', code: 'CONFLICT' });
    // The same movement under a new operation id (a register that wrote it twice) is kept once.
    expect(await push(hq.app, s01, [{ ...ops[1]!, id: uuidv4() }])).toMatchObject([{ status: 'applied' }]);
    expect(await cash('movements=true')).toEqual(before);
  });

  it("applies a movement or close of another register's session of the store (a till enrolled again), rejects another store's, and a session id another register has", async () => {
    const neighbour = await enrolRegister(hq.app);
    const open = sessionOp();
    await push(hq.app, s01, [open, movementOp(open.entityId, 'paid-in', 500, { reason: 'other' })]);
    const before = await cash('movements=true');
    const [reopened] = await push(hq.app, neighbour, [sessionOp({ id: open.entityId })]);
    expect(reopened).toMatchObject({ status: 'rejected', code: 'CONFLICT', message: expect.stringContaining('another register') });
    const [otherStore, closeOtherStore, taken] = await push(hq.app, s02, [movementOp(open.entityId, 'drop', -500), closeOp(open.entityId, 0, 9_500), sessionOp({ id: open.entityId })]);
    expect(otherStore).toMatchObject({ status: 'rejected', code: 'OTHER_STORE' });
    expect(closeOtherStore).toMatchObject({ status: 'rejected', code: 'OTHER_STORE' });
    expect(taken).toMatchObject({ status: 'rejected', code: 'OTHER_STORE' });
    expect(await cash('movements=true')).toEqual(before);
    // A movement of a session HQ rejected in the same batch is rejected with it.
    const [session, movement] = await push(hq.app, s02, [sessionOp({ id: open.entityId }), movementOp(open.entityId, 'paid-in', 100, { reason: 'other' })]);
    expect(session).toMatchObject({ status: 'rejected', code: 'OTHER_STORE' });
    expect(movement).toMatchObject({ status: 'rejected', code: 'OTHER_STORE', message: expect.stringContaining('another store') });
    expect(await rowCounts()).toEqual({ sessions: 1, movements: 1 });
    // The store's other register (the same till enrolled again, as HQ sees it) goes on with the drawer and closes it.
    const [paidOut, closed] = await push(hq.app, neighbour, [movementOp(open.entityId, 'paid-out', -200, { reason: 'other' }), closeOp(open.entityId, 10_300, 10_300)]);
    expect(paidOut).toMatchObject({ status: 'applied' });
    expect(closed).toMatchObject({ status: 'applied' });
    expect(await rowCounts()).toEqual({ sessions: 1, movements: 2 });
  });

  it("rejects a movement naming another store's order, and defers one whose order HQ has not received", async () => {
    const foreign = makeSale({ number: 'S02-R01-7' });
    await push(hq.app, s02, [makeOp('sale', 'completed', foreign)]);
    const open = sessionOp();
    const later = makeSale();
    const [, stolen, early] = await push(hq.app, s01, [open, movementOp(open.entityId, 'sale', 258, { orderId: foreign.id }), movementOp(open.entityId, 'sale', 258, { orderId: later.id })]);
    expect(stolen).toMatchObject({ status: 'rejected', code: 'OTHER_STORE' });
    expect(early).toMatchObject({ status: 'deferred', code: 'ORDER_UNKNOWN' });
    expect((await one(open.entityId)).movementCount).toBe(0);
  });

  it('defers a movement and a close whose session HQ has not received, and applies them once it comes', async () => {
    const open = sessionOp({ float: 0, openedAtFirstSale: true });
    const movement = movementOp(open.entityId, 'paid-in', 2_000, { reason: 'change-float' });
    const close = closeOp(open.entityId, 2_000, 2_000);
    expect(await push(hq.app, s01, [movement, close])).toMatchObject([
      { id: movement.id, status: 'deferred', code: 'SESSION_UNKNOWN' },
      { id: close.id, status: 'deferred', code: 'SESSION_UNKNOWN' },
    ]);
    expect(await rowCounts()).toEqual({ sessions: 0, movements: 0 });
    expect(await hq.app.hq.database.read.selectFrom('applied_ops').select('op_id').where('op_id', 'in', [movement.id, close.id]).execute()).toEqual([]);
    expect(await push(hq.app, s01, [open])).toMatchObject([{ status: 'applied' }]);
    expect(await push(hq.app, s01, [movement, close])).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
    expect(await one(open.entityId)).toMatchObject({ openedAtFirstSale: true, float: 0, expected: 2_000, counted: 2_000, variance: 0, reconciled: true });
  });

  it('defers a close with a movement of its session HQ deferred in the same batch, and takes both once the order is on HQ', async () => {
    const other = await enrolRegister(hq.app);
    const open = sessionOp();
    const original = makeSale();
    const refund = makeOp('refund', 'completed', {
      ...makeSale({ total: -258, lines: original.lines.map((l, i) => ({ ...l, quantity: -l.quantity, lineTotal: -l.lineTotal, originalLineIndex: i })) }),
      originalOrderId: original.id,
    });
    const refundCash = movementOp(open.entityId, 'refund', -258, { orderId: refund.entityId });
    const close = closeOp(open.entityId, 9_742, 9_742);
    expect(await push(hq.app, s01, [open, refund, refundCash, close])).toMatchObject([
      { status: 'applied' },
      { status: 'deferred', code: 'ORIGINAL_UNKNOWN' },
      { status: 'deferred', code: 'ORIGINAL_UNKNOWN' },
      { status: 'deferred', code: 'MOVEMENTS_PENDING' },
    ]);
    expect(await one(open.entityId)).toMatchObject({ closedAt: null, reconciled: null });
    await push(hq.app, other, [makeOp('sale', 'completed', original)]);
    expect(await push(hq.app, s01, [refund, refundCash, close])).toMatchObject([{ status: 'applied' }, { status: 'applied' }, { status: 'applied' }]);
    expect(await one(open.entityId)).toMatchObject({ expected: 9_742, fromMovements: 9_742, variance: 0, reconciled: true });
  });

  it('keeps a close whose movements do not add up, flagged; a movement that arrives later checks it again', async () => {
    const open = sessionOp();
    const missing = movementOp(open.entityId, 'paid-in', 400, { reason: 'correction' });
    await push(hq.app, s01, [open, movementOp(open.entityId, 'paid-out', -100, { reason: 'petty-cash' })]);
    // The register closed with 10_300 expected: it journalled a paid-in HQ has not received.
    expect(await push(hq.app, s01, [closeOp(open.entityId, 10_300, 10_300)])).toMatchObject([{ status: 'applied' }]);
    expect(await one(open.entityId)).toMatchObject({ expected: 10_300, fromMovements: 9_900, counted: 10_300, variance: 0, reconciled: false, closedAt: at(61) });
    expect(await push(hq.app, s01, [missing])).toMatchObject([{ status: 'applied' }]);
    expect(await one(open.entityId)).toMatchObject({ expected: 10_300, fromMovements: 10_300, reconciled: true });
    // A second, different close of a closed session is refused; the first is kept.
    expect(await push(hq.app, s01, [closeOp(open.entityId, 1, 10_300)])).toMatchObject([{ status: 'rejected', code: 'CONFLICT' }]);
    expect((await one(open.entityId)).counted).toBe(10_300);
  });

  it('applies a batch pushed several times at once exactly once: one session, its movements once, reconciled', async () => {
    const open = sessionOp();
    const ops = [open, ...[1, 2, 3].map((n) => movementOp(open.entityId, 'paid-in', n * 100, { reason: 'other' })), closeOp(open.entityId, 10_600, 10_600)];
    const answers = await Promise.all([1, 2, 3, 4].map(() => push(hq.app, s01, ops)));
    for (const [i] of ops.entries()) expect(answers.map((a) => a[i]!.status).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
    expect(await rowCounts()).toEqual({ sessions: 1, movements: 3 });
    expect(await one(open.entityId)).toMatchObject({ expected: 10_600, fromMovements: 10_600, counted: 10_600, reconciled: true });
  });

  it('answers sessions opened in [from, to), of a store or a register, for the admin token only', async () => {
    const early = sessionOp({ openedAt: at(0) });
    const late = sessionOp({ openedAt: at(120) });
    const elsewhere = sessionOp({ openedAt: at(30) });
    await push(hq.app, s01, [early, late]);
    await push(hq.app, s02, [elsewhere]);
    const ids = async (query: string) => (await cash(query)).map((s) => s.id);
    expect(await ids('')).toEqual([early.entityId, elsewhere.entityId, late.entityId]);
    expect(await ids(`storeId=${s01.storeId}`)).toEqual([early.entityId, late.entityId]);
    expect(await ids(`registerId=${s02.registerId}`)).toEqual([elsewhere.entityId]);
    expect(await ids(`from=${at(0)}&to=${at(120)}`)).toEqual([early.entityId, elsewhere.entityId]);
    expect(await ids(`storeId=${s01.storeId}&from=${at(1)}`)).toEqual([late.entityId]);
    expect((await hq.app.inject({ url: '/admin/cash', headers: s01.auth })).statusCode).toBe(401);
    expect((await hq.app.inject({ url: '/admin/cash?from=yesterday', headers: hq.admin })).statusCode).toBe(400);
  });
});
