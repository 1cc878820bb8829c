import http from 'node:http';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import type { OrderWithPayments } from '../../../shared/hq/feed';
import { HqClient, HqStatusError } from '../../hq/hq-client';
import { hqStandInCaller } from '../../hq/testing/hq-stand-in-caller';
import { Outbox } from '../../sync/outbox';
import { makeDatabase, makeProduct, makeSaleService } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { CartRepository } from '../checkout/cart.repository';
import { CartService } from '../checkout/cart.service';
import { LedgerRepository } from '../checkout/ledger.repository';
import { SaleService } from '../checkout/sale.service';
import { ReceiptRepository } from '../checkout/receipt/receipt.repository';
import { ReceiptService } from '../checkout/receipt/receipt.service';
import { formatMoney } from '../../../shared/money';
import { OrdersRepository } from './orders.repository';
import { renderZReport } from './z-report';
import { effectiveLineTotals, refundAmounts, refundChecks } from '../../../shared/refund';
import { CartPricing } from '../checkout/cart-pricing';
import { OrdersService, type OrdersHq, type OrdersServiceOptions } from './orders.service';

const ana: User = { id: 'ana', name: 'Ana', role: 'cashier' };
const bob: User = { id: 'bob', name: 'Bob', role: 'cashier' };
const milk = makeProduct({ price: 129 });
const wine = makeProduct({ price: 8999 });

let setup: ReturnType<typeof makeDatabase>;
let outbox: Outbox;
let cart: CartService;
let sales: SaleService;
let online: boolean;
let hqCalls: { method: string; path: string; body: unknown }[];
let hqAnswer: (method: string, path: string, body: unknown) => unknown;
let now: number;

function makeOrders(hq: OrdersHq | null = fakeHq, extra: Partial<OrdersServiceOptions> = {}) {
  return new OrdersService({
    orders: new OrdersRepository(setup.db),
    ledger: new LedgerRepository(setup.db),
    outbox,
    hq,
    online: () => online,
    registerId: () => 'reg-1',
    numberPrefix: () => 'S01-R01',
    currency: () => 'EUR',
    storeName: () => 'Test store',
    newId: uuidv7,
    settings: () => ({ refundManagerAbove: 5000, offlineRefundLimit: 3000 }),
    offlineCard: () => ({ perPaymentLimit: 500, totalLimit: 3000, uploadDeadlineHours: 24 }),
    approve: async (pin) => {
      if (pin !== '9999') throw new KassaError('NOT_A_MANAGER', 'That is not a manager’s PIN.');
      return { name: 'Max' };
    },
    pendingSync: () => outbox.pending().count,
    deadLetters: () => 0,
    hqTimeoutMs: 100,
    log: { info: () => {}, warn: () => {} },
    now: () => now,
    ...extra,
  });
}

const fakeHq: OrdersHq = hqStandInCaller(({ method, path, body }) => {
  hqCalls.push({ method, path, body });
  return hqAnswer(method, path, body);
});

/** Sells `items` (sku, quantity) for cash or card as `user`; returns the sale id and number. */
async function sell(items: [string, number][], tender: 'cash' | 'card' = 'cash', user = ana) {
  for (const [sku, quantity] of items) for (let i = 0; i < quantity; i++) cart.scan(sku, user.id);
  const state = sales.state();
  if (tender === 'cash') sales.addCash(state.saleId!, state.remaining);
  else await sales.addCard(state.saleId!, {});
  now += 1000;
  return sales.complete(state.saleId!);
}

const codeOf = async (fn: () => Promise<unknown> | unknown) => {
  try {
    await fn();
  } catch (error) {
    return error instanceof KassaError ? error.code : String(error);
  }
  return 'no error';
};

const ops = (entity: string) =>
  (setup.db.prepare('SELECT payload FROM outbox WHERE entity = ? ORDER BY created_at, id').all(entity) as { payload: string }[]).map((r) => JSON.parse(r.payload) as Record<string, unknown>);

beforeEach(() => {
  setup = makeDatabase();
  online = true;
  hqCalls = [];
  hqAnswer = () => ({ orders: [] });
  now = Date.UTC(2026, 10, 23, 9);
  const users = new UsersRepository(setup.db);
  users.add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  users.add({ id: 'bob', name: 'Bob', role: 'cashier', pinHash: 'scrypt$1$1$1$a$c' });
  const catalog = new CatalogRepository(setup.db);
  catalog.upsertMany([milk, wine]);
  outbox = new Outbox(setup.db);
  const carts = new CartRepository(setup.db);
  cart = new CartService(carts, catalog, 'EUR', { newId: uuidv7, now: () => now } as never);
  sales = makeSaleService(setup.db, { carts, outbox, now: () => now });
});
afterEach(() => setup.close());

describe('order search', () => {
  it('finds the day’s orders by number, sequence, amount, tender, member and the cashier’s shift, newest first', async () => {
    const a = await sell([[milk.sku, 2]]);
    const b = await sell([[wine.sku, 1]], 'card', bob);
    const c = await sell([[milk.sku, 1]]);
    setup.db.prepare("UPDATE sales SET member_id = 'M-7' WHERE id = ?").run(c.saleId);
    const orders = makeOrders(null);
    const numbers = async (input: Parameters<OrdersService['search']>[0], user = ana) => (await orders.search(input, user)).orders.map((o) => o.number);
    expect(await numbers({})).toEqual([c.number, b.number, a.number]);
    expect(await numbers({ number: b.number })).toEqual([b.number]);
    expect(await numbers({ number: '3' })).toEqual([c.number]);
    expect(await numbers({ amount: 258 })).toEqual([a.number]);
    expect(await numbers({ tender: 'card' })).toEqual([b.number]);
    expect(await numbers({ memberId: 'M-7' })).toEqual([c.number]);
    expect(await numbers({ scope: 'shift' }, bob)).toEqual([b.number]);
    expect(await numbers({ from: now - 500, to: now })).toEqual([c.number]);
    const first = (await orders.search({ number: a.number }, ana)).orders[0]!;
    expect(first).toMatchObject({ source: 'local', thisRegister: true, origin: 'S01-R01', tenders: ['cash'], cashier: 'Ana', total: 258 });
  });

  it('offline it searches this register only and says so; online it merges HQ’s orders after the local ones, marked by source', async () => {
    const a = await sell([[milk.sku, 1]]);
    online = false;
    const orders = makeOrders();
    expect(await orders.search({}, ana)).toMatchObject({ notice: 'offline', hqSearched: false, orders: [{ number: a.number }] });
    expect(hqCalls).toEqual([]);
    online = true;
    const remote: OrderWithPayments = { id: 'hq-1', number: 'S01-R02-9', registerId: 'reg-2', storeId: 'st', kind: 'sale', total: 500, currency: 'EUR', createdAt: new Date(now).toISOString(), lines: [], originalOrderId: null, payments: [] };
    hqAnswer = () => ({ orders: [{ ...remote, id: a.saleId, number: a.number, registerId: 'reg-1' }, remote] });
    const merged = await orders.search({}, ana);
    expect(merged.notice).toBeNull();
    expect(merged.orders.map((o) => [o.number, o.source, o.thisRegister])).toEqual([
      [a.number, 'local', true],
      ['S01-R02-9', 'hq', false],
    ]);
    expect(hqCalls[0]!.path).toMatch(/^\/orders\/search\?limit=100/);
  });

  it('an order of another register found at HQ says how it was paid, from HQ’s payments (a declined or voided card is not how it was paid)', async () => {
    online = true;
    const paid = (tender: 'cash' | 'card' | 'points', status: OrderWithPayments['payments'][number]['status']) => ({ tender, amount: 100, status });
    const remote: OrderWithPayments = {
      id: 'hq-2', number: 'S01-R02-10', registerId: 'reg-2', storeId: 'st', kind: 'sale', total: 500, currency: 'EUR', createdAt: new Date(now).toISOString(), lines: [], originalOrderId: null,
      payments: [paid('card', 'declined'), paid('points', 'approved'), paid('card', 'settled'), paid('cash', 'voided'), paid('card', 'stored')],
    };
    hqAnswer = () => ({ orders: [remote] });
    const [order] = (await makeOrders().search({}, ana)).orders;
    expect(order).toMatchObject({ source: 'hq', tenders: ['points', 'card'] });
  });

  it('falls back to local orders with a notice when HQ fails during the search', async () => {
    await sell([[milk.sku, 1]]);
    hqAnswer = () => {
      throw new HqStatusError(503, 'down');
    };
    const answer = await makeOrders().search({}, ana);
    expect(answer).toMatchObject({ notice: 'hq-failed', hqSearched: false });
    expect(answer.orders).toHaveLength(1);
  });
});

describe('refunds', () => {
  it('refunds part of a line as a new order referencing the original line, in cash, with its operations for HQ', async () => {
    const sale = await sell([[milk.sku, 3]]);
    const orders = makeOrders(null);
    const done = await orders.refund({ orderId: sale.saleId, lines: [{ index: 0, quantity: 2 }], tender: 'cash', reason: 'damaged' }, ana);
    expect(done.refund).toMatchObject({ kind: 'refund', total: -258, number: 'S01-R01-2', originalOrderId: sale.saleId });
    expect(done.payments).toEqual([expect.objectContaining({ tender: 'cash', amount: -258, status: 'approved' })]);
    const [refundOp] = ops('refund');
    expect(refundOp).toMatchObject({ originalOrderId: sale.saleId, total: -258, lines: [{ sku: milk.sku, quantity: -2, lineTotal: -258, originalLineIndex: 0 }], reason: 'damaged' });
    expect(ops('payment').at(-1)).toMatchObject({ orderId: done.refund.id, tender: 'cash', amount: -258 });
    const detail = await orders.detail(sale.saleId, 'local');
    expect(detail.lines[0]).toMatchObject({ quantity: 3, refunded: 2, refundable: 1 });
    expect(detail.refunds.map((r) => r.number)).toEqual(['S01-R01-2']);
  });

  it('prints a refund as a refund: its own number, the sale it refunds, the reason, negative amounts; in Chinese too', async () => {
    const sale = await sell([[milk.sku, 3]]);
    const done = await makeOrders(null).refund({ orderId: sale.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'damaged' }, ana);
    const issuer = { storeName: 'Test store', storeCode: 'S01', registerCode: 'R01', pricesIncludeTax: true };
    const text = (locale: string) =>
      new ReceiptService({ receipts: new ReceiptRepository(setup.db), issuer: () => issuer, locale, printer: null })
        .html(done.refund.id)
        .replace(/<style>[\s\S]*?<\/style>/, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
    const en = text('en');
    expect(en).toContain(`Refund ${done.refund.number}`);
    expect(en).toContain(`Refund of sale ${sale.number}`);
    expect(en).toContain('Reason damaged');
    expect(en).toContain(`TOTAL ${formatMoney(-129, 'EUR', 'en')}`);
    expect(en).not.toMatch(/\bSale S01/);
    const zh = text('zh-CN');
    expect(zh).toContain(`退款 ${done.refund.number}`);
    expect(zh).toContain(`原交易 ${sale.number}`);
    expect(zh).toContain(`合计 ${formatMoney(-129, 'EUR', 'zh-CN')}`);
    // The sale's own receipt still reads as a sale.
    expect(new ReceiptService({ receipts: new ReceiptRepository(setup.db), issuer: () => issuer, locale: 'en', printer: null }).html(sale.saleId)).toContain('<span>Sale</span>');
  });

  it("a member's order: the refund carries the member and membership's points entries in the same transaction", async () => {
    const sale = await sell([[milk.sku, 3]]);
    setup.db.prepare('UPDATE sales SET member_id = ? WHERE id = ?').run('member-1', sale.saleId);
    const asked: unknown[] = [];
    const orders = makeOrders(null, {
      refunding: (refund) => {
        asked.push(refund);
        return [{ entity: 'pointLedger', entityId: 'entry-1', type: 'appended', payload: { id: 'entry-1', memberId: refund.memberId, delta: -1, reason: 'refund', orderId: refund.refundId, createdAt: new Date(refund.now).toISOString() } }];
      },
    });
    const done = await orders.refund({ orderId: sale.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana);
    expect(asked).toEqual([expect.objectContaining({ refundId: done.refund.id, memberId: 'member-1', moneyRefunded: 129, currency: 'EUR' })]);
    expect(ops('refund').at(-1)).toMatchObject({ memberId: 'member-1' });
    expect(ops('pointLedger')).toEqual([expect.objectContaining({ id: 'entry-1', delta: -1, orderId: done.refund.id })]);
  });

  it('never refunds more than remains of a line, nor a line refunded in full, nor a refund', async () => {
    const sale = await sell([[milk.sku, 2]]);
    const orders = makeOrders(null);
    const refund = (quantity: number) => orders.refund({ orderId: sale.saleId, lines: [{ index: 0, quantity }], tender: 'cash', reason: 'r' }, ana);
    expect(await codeOf(() => refund(3))).toBe('LIMIT_EXCEEDED');
    const first = await refund(1);
    expect(await codeOf(() => refund(2))).toBe('LIMIT_EXCEEDED');
    await refund(1);
    expect(await codeOf(() => refund(1))).toBe('LIMIT_EXCEEDED');
    expect(await codeOf(() => orders.refund({ orderId: first.refund.id, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana))).toBe('NOT_ALLOWED');
    expect(await codeOf(() => orders.refund({ orderId: sale.saleId, lines: [{ index: 5, quantity: 1 }], tender: 'cash', reason: 'r' }, ana))).toBe('INVALID_INPUT');
    expect((await orders.detail(sale.saleId, 'local')).policy).toMatchObject({ allowed: false, reasonCode: 'nothing-left' });
    expect(ops('refund')).toHaveLength(2);
  });

  it('needs a manager’s PIN above the configured amount', async () => {
    const sale = await sell([[wine.sku, 1]]);
    const orders = makeOrders(null);
    const request = { orderId: sale.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash' as const, reason: 'changed mind' };
    expect(await codeOf(() => orders.refund(request, ana))).toBe('NOT_ALLOWED');
    expect(await codeOf(() => orders.refund({ ...request, managerPin: '1234' }, ana))).toBe('NOT_A_MANAGER');
    expect(ops('refund')).toHaveLength(0);
    await orders.refund({ ...request, managerPin: '9999' }, ana);
    expect(setup.db.prepare("SELECT approved_by FROM sales WHERE kind = 'refund'").pluck().get()).toBe('Max');
  });

  it('offline: refunds this register’s orders up to the offline limit; another register’s orders are refused with the reason', async () => {
    const small = await sell([[milk.sku, 2]]);
    const big = await sell([[wine.sku, 1]]);
    online = false;
    const orders = makeOrders();
    await orders.refund({ orderId: small.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana);
    expect(await codeOf(() => orders.refund({ orderId: big.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r', managerPin: '9999' }, ana))).toBe('LIMIT_EXCEEDED');
    expect((await orders.detail(big.saleId, 'local')).policy).toMatchObject({ allowed: true, online: false, offlineLimit: 3000 });
    const error = await orders.refund({ orderId: 'hq-1', source: 'hq', lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KassaError);
    expect((error as KassaError).code).toBe('NOT_ALLOWED');
    expect((error as KassaError).message).toMatch(/other registers can be refunded only online/);
    expect(hqCalls).toEqual([]);
  });

  it('online: refunds another register’s order in cash, counting the refunds HQ already has', async () => {
    const hqOrder: OrderWithPayments = {
      id: 'hq-1', number: 'S01-R02-4', registerId: 'reg-2', storeId: 'st', kind: 'sale', total: 387, currency: 'EUR', createdAt: new Date(now).toISOString(),
      lines: [{ sku: milk.sku, name: 'Milk', quantity: 3, unitPrice: 129, taxClass: 'reduced', lineTotal: 387 }], originalOrderId: null, payments: [],
    };
    const otherRefund = { ...hqOrder, id: 'hq-r', number: 'S01-R02-5', kind: 'refund' as const, total: -258, originalOrderId: 'hq-1', lines: [{ ...hqOrder.lines[0]!, quantity: -2, lineTotal: -258, originalLineIndex: 0 }] };
    hqAnswer = (_m, path) => ({ orders: path.includes('originalOrderId') ? [otherRefund] : [hqOrder] });
    const orders = makeOrders();
    const detail = await orders.detail('hq-1', 'hq');
    expect(detail.lines[0]).toMatchObject({ refunded: 2, refundable: 1 });
    expect(detail.policy).toMatchObject({ allowed: true, tenders: ['cash'] });
    expect(detail.order).toMatchObject({ source: 'hq', thisRegister: false, origin: 'S01-R02' });
    expect(await codeOf(() => orders.refund({ orderId: 'hq-1', source: 'hq', lines: [{ index: 0, quantity: 2 }], tender: 'cash', reason: 'r' }, ana))).toBe('LIMIT_EXCEEDED');
    const done = await orders.refund({ orderId: 'hq-1', source: 'hq', lines: [{ index: 0, quantity: 1 }], tender: 'original', reason: 'r' }, ana);
    expect(done.payments).toEqual([expect.objectContaining({ tender: 'cash', amount: -129 })]);
    expect(ops('refund')[0]).toMatchObject({ originalOrderId: 'hq-1', lines: [{ originalLineIndex: 0, quantity: -1 }] });
  });

  it('card refunds go back to the card through HQ online, are stored within the offline card limits offline, and are sent later', async () => {
    const sale = await sell([[milk.sku, 10]], 'card');
    const cardPayment = new LedgerRepository(setup.db).paymentsOf(sale.saleId)[0]!;
    hqAnswer = (_m, path, body) =>
      path === '/payments/refund' ? { refundId: (body as { refundId: string }).refundId, status: 'approved', reference: 'R1', reason: null, last4: '4242' } : { orders: [] };
    const orders = makeOrders();
    const request = (quantity: number) => ({ orderId: sale.saleId, lines: [{ index: 0, quantity }], tender: 'original' as const, reason: 'r' });
    const live = await orders.refund(request(1), ana);
    expect(live.payments).toEqual([expect.objectContaining({ tender: 'card', amount: -129, status: 'approved' })]);
    expect(hqCalls.at(-1)).toMatchObject({ path: '/payments/refund', body: { paymentId: cardPayment.id, amount: 129, currency: 'EUR' } });
    online = false;
    const stored = await orders.refund(request(2), ana);
    expect(stored.payments).toEqual([expect.objectContaining({ tender: 'card', amount: -258, status: 'stored' })]);
    // 5.00 per card refund at most offline.
    expect(await codeOf(() => orders.refund({ ...request(7), managerPin: '9999' }, ana))).toBe('LIMIT_EXCEEDED');
    const calls = hqCalls.length;
    online = true;
    await orders.forwardCardRefunds();
    expect(hqCalls.slice(calls)).toEqual([expect.objectContaining({ path: '/payments/refund', body: expect.objectContaining({ refundId: stored.payments[0]!.id, amount: 258 }) })]);
    expect(new OrdersRepository(setup.db).pendingCardRefunds()).toEqual([]);
  });

  it('three card refunds of one sale sent at once while HQ answers slowly: one card refund, one refund order, no more than the sale', async () => {
    const sale = await sell([[milk.sku, 1]], 'card');
    hqAnswer = async (_m, path, body) => {
      if (path !== '/payments/refund') return { orders: [] };
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { refundId: (body as { refundId: string }).refundId, status: 'approved', reference: 'R1', reason: null, last4: '4242' };
    };
    const orders = makeOrders();
    const request = { orderId: sale.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'original' as const, reason: 'r' };
    const results = await Promise.allSettled([orders.refund(request, ana), orders.refund(request, ana), orders.refund(request, ana)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as KassaError).code)).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED']);
    expect(hqCalls.filter((c) => c.path === '/payments/refund')).toHaveLength(1);
    const refunded = setup.db.prepare("SELECT coalesce(sum(-total), 0) FROM sales WHERE kind = 'refund'").pluck().get() as number;
    expect(refunded).toBe(129);
    expect(setup.db.prepare('SELECT count(*) FROM refund_reservations').pluck().get()).toBe(0);
  });

  it('splitting a refund does not avoid the manager: the limit applies to what the order gives back in all', async () => {
    const sale = await sell([[milk.sku, 40]]);
    const orders = makeOrders(null);
    const half = { orderId: sale.saleId, lines: [{ index: 0, quantity: 20 }], tender: 'cash' as const, reason: 'r' };
    // 20 × 1.29 = 25.80, under the 50.00 a cashier may refund alone; the second brings the order to 51.60.
    await orders.refund(half, ana);
    const error = await orders.refund(half, ana).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_ALLOWED', message: expect.stringMatching(/already refunded on this order/) });
    expect((await orders.detail(sale.saleId, 'local')).policy).toMatchObject({ refundedAmount: 2580, managerAbove: 5000 });
    await orders.refund({ ...half, managerPin: '9999' }, ana);
    expect(setup.db.prepare("SELECT approved_by FROM sales WHERE kind = 'refund' ORDER BY sequence").pluck().all()).toEqual([null, 'Max']);
  });

  it('offline, splitting a refund does not pass the offline limit either: it applies to what the order gives back in all', async () => {
    const sale = await sell([[milk.sku, 30]]);
    online = false;
    const orders = makeOrders();
    const half = { orderId: sale.saleId, lines: [{ index: 0, quantity: 15 }], tender: 'cash' as const, reason: 'r' };
    // 15 × 1.29 = 19.35 each, under the 30.00 offline limit; both together are 38.70.
    await orders.refund(half, ana);
    const error = await orders.refund({ ...half, managerPin: '9999' }, ana).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/already refunded on this order/) });
    expect(ops('refund')).toHaveLength(1);
  });

  it('the limits are "above": exactly the manager limit needs no manager and one cent more does; offline, exactly the offline limit is refunded and one cent more is not', async () => {
    const fifty = makeProduct({ price: 5000 });
    const thirty = makeProduct({ price: 3000 });
    const cent = makeProduct({ price: 1 });
    new CatalogRepository(setup.db).upsertMany([fifty, thirty, cent]);
    const orders = makeOrders(null);
    const online50 = await sell([[fifty.sku, 1], [cent.sku, 1]]);
    await orders.refund({ orderId: online50.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana);
    expect(await codeOf(() => orders.refund({ orderId: online50.saleId, lines: [{ index: 1, quantity: 1 }], tender: 'cash', reason: 'r' }, ana))).toBe('NOT_ALLOWED');

    const offline30 = await sell([[thirty.sku, 1], [cent.sku, 1]]);
    online = false;
    const offline = makeOrders();
    await offline.refund({ orderId: offline30.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana);
    expect(await codeOf(() => offline.refund({ orderId: offline30.saleId, lines: [{ index: 1, quantity: 1 }], tender: 'cash', reason: 'r', managerPin: '9999' }, ana))).toBe('LIMIT_EXCEEDED');
    expect(ops('refund').map((r) => r['total'])).toEqual([-5000, -3000]);
  });

  it('a card refund in flight when the register stops is finished after the restart with the same id: the card is refunded once', async () => {
    const sale = await sell([[milk.sku, 2]], 'card');
    const approved = (body: unknown) => ({ refundId: (body as { refundId: string }).refundId, status: 'approved', reference: 'R1', reason: null, last4: '4242' });
    // HQ refunds the card, but its answer never comes back before the register stops.
    hqAnswer = (_m, path) => (path === '/payments/refund' ? new Promise(() => {}) : { orders: [] });
    const request = { orderId: sale.saleId, lines: [{ index: 0, quantity: 2 }], tender: 'original' as const, reason: 'r' };
    void makeOrders().refund(request, ana);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(hqCalls.filter((c) => c.path === '/payments/refund')).toHaveLength(1);
    expect(setup.db.prepare('SELECT count(*) FROM refund_reservations').pluck().get()).toBe(1);

    // After the restart: the reserved lines are not refundable again; the refund is finished by the same id.
    hqAnswer = (_m, path, body) => (path === '/payments/refund' ? approved(body) : { orders: [] });
    const restarted = makeOrders();
    expect((await restarted.detail(sale.saleId, 'local')).lines[0]).toMatchObject({ refunded: 2, refundable: 0 });
    expect(await codeOf(() => restarted.refund({ ...request, lines: [{ index: 0, quantity: 1 }] }, ana))).toBe('LIMIT_EXCEEDED');
    const sent = hqCalls.filter((c) => c.path === '/payments/refund').map((c) => (c.body as { refundId: string }).refundId);
    expect(sent).toHaveLength(2);
    expect(new Set(sent).size).toBe(1);
    expect(setup.db.prepare("SELECT sum(-total) FROM sales WHERE kind = 'refund'").pluck().get()).toBe(258);
    expect(setup.db.prepare('SELECT count(*) FROM refund_reservations').pluck().get()).toBe(0);
  });

  it('a cash refund reserved when the register stopped never reached the drawer: it is released on start and the line can be refunded', async () => {
    const sale = await sell([[milk.sku, 1]]);
    const draft = { originalOrderId: sale.saleId, cashierId: 'ana', cashierName: 'Ana', reason: 'r', approvedBy: null, currency: 'EUR', amount: 129, cards: [], cash: 129,
      lines: [{ sku: milk.sku, name: 'Milk', quantity: -1, unitPrice: 129, taxClass: 'standard', lineTotal: -129, originalLineIndex: 0 }] };
    new OrdersRepository(setup.db).reserve({ id: 'stopped', original_order_id: sale.saleId, amount: 129, draft: JSON.stringify(draft), created_at: now });
    const orders = makeOrders(null);
    expect((await orders.detail(sale.saleId, 'local')).lines[0]).toMatchObject({ refundable: 1 });
    const done = await orders.refund({ orderId: sale.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana);
    expect(done.payments).toEqual([expect.objectContaining({ tender: 'cash', amount: -129 })]);
    expect(setup.db.prepare("SELECT count(*) FROM sales WHERE kind = 'refund'").pluck().get()).toBe(1);
    expect(setup.db.prepare('SELECT count(*) FROM refund_reservations').pluck().get()).toBe(0);
  });

  it('a declined card refund releases what it reserved: the line can be refunded in cash instead', async () => {
    const sale = await sell([[milk.sku, 1]], 'card');
    hqAnswer = (_m, path, body) =>
      path === '/payments/refund' ? { refundId: (body as { refundId: string }).refundId, status: 'declined', reference: null, reason: 'card closed', last4: '4242' } : { orders: [] };
    const orders = makeOrders();
    const request = { orderId: sale.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'original' as const, reason: 'r' };
    expect(await codeOf(() => orders.refund(request, ana))).toBe('PAYMENT_DECLINED');
    expect(setup.db.prepare('SELECT count(*) FROM refund_reservations').pluck().get()).toBe(0);
    const cash = await orders.refund({ ...request, tender: 'cash' }, ana);
    expect(cash.payments).toEqual([expect.objectContaining({ tender: 'cash', amount: -129 })]);
  });

  it('spreads a sale-wide discount over the lines so a full refund gives back exactly what was paid', () => {
    expect(effectiveLineTotals([{ lineTotal: 1000 }, { lineTotal: 500 }, { lineTotal: 501 }], 1801)).toEqual([900, 450, 451]);
    expect(effectiveLineTotals([{ lineTotal: 300 }], 300)).toEqual([300]);
  });

  it('a partial refund of a sale with a sale-wide discount gives back what the dialog previews from the order, and asks for a manager exactly when the preview does', async () => {
    setup.db
      .prepare('INSERT INTO promotions (id, data) VALUES (?, ?)')
      .run('spend-100', JSON.stringify({ id: 'spend-100', name: 'Spend 100, save 20', kind: 'threshold', minSpend: 10000, amountOff: 2000, active: true }));
    const carts = new CartRepository(setup.db, new CartPricing(setup.db, () => ({ pricesIncludeTax: true, cashRoundingMinor: 0 })));
    cart = new CartService(carts, new CatalogRepository(setup.db), 'EUR', { newId: uuidv7, now: () => now } as never);
    sales = makeSaleService(setup.db, { carts, outbox, now: () => now });
    // 2 × 89.99 + 1.29 = 181.27, less 20.00: the wine's share of 161.27 is 160.12, so one bottle gives back 80.06, not 89.99.
    const sale = await sell([[wine.sku, 2], [milk.sku, 1]]);
    const orders = makeOrders(null, { settings: () => ({ refundManagerAbove: 8500, offlineRefundLimit: 3000 }) });
    const preview = async (quantity: number) => {
      const detail = await orders.detail(sale.saleId, 'local');
      const { amount } = refundAmounts({ total: detail.order.total, lines: detail.lines }, (i) => detail.lines[i]!.refunded, [{ index: 0, quantity }]);
      return { amount, ...refundChecks(detail.policy.refundedAmount ?? 0, amount, detail.policy) };
    };
    const request = { orderId: sale.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash' as const, reason: 'r' };
    const first = await preview(1);
    expect(first).toMatchObject({ amount: 8006, managerNeeded: false });
    const refunded = await orders.refund(request, ana);
    expect(-refunded.refund.total).toBe(first.amount);
    const second = await preview(1);
    expect(second).toMatchObject({ amount: 8006, managerNeeded: true });
    expect(await codeOf(() => orders.refund(request, ana))).toBe('NOT_ALLOWED');
    expect(-(await orders.refund({ ...request, managerPin: '9999' }, ana)).refund.total).toBe(second.amount);
  });
});

describe('end of day', () => {
  it('the Z-report sums sales, refunds and each tender of the day, with outstanding offline cards and the pending count', async () => {
    const a = await sell([[milk.sku, 2]]);
    await sell([[wine.sku, 1]], 'card');
    const orders = makeOrders(null);
    await orders.refund({ orderId: a.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana);
    const report = orders.report();
    expect(report).toMatchObject({ salesCount: 2, salesTotal: 258 + 8999, refundsCount: 1, refundsTotal: -129, net: 258 + 8999 - 129, offlineCardOutstanding: 0, closed: null });
    expect(report.tenders).toEqual([
      { tender: 'card', in: 8999, out: 0, net: 8999 },
      { tender: 'cash', in: 258, out: -129, net: 129 },
    ]);
    expect(report.pendingSync).toBe(outbox.pending().count);
    expect(orders.reportHtml('en')).toContain('Refunds (1)');
  });

  it('refuses to close the day while operations are unsynced unless a manager confirms; closing keeps every operation', async () => {
    await sell([[milk.sku, 1]]);
    const orders = makeOrders(null);
    const pending = outbox.pending().count;
    expect(pending).toBeGreaterThan(0);
    expect(await codeOf(() => orders.close(undefined, ana))).toBe('NOT_ALLOWED');
    expect(await codeOf(() => orders.close('1234', ana))).toBe('NOT_A_MANAGER');
    now += 1000;
    const closed = await orders.close('9999', ana);
    expect(closed.closed).toEqual({ at: now, by: 'Max', unsyncedOperations: pending, managerConfirmed: true });
    expect(orders.reportHtml('en')).toContain('Day still open');
    const printed = (locale: string) => renderZReport(closed, { storeName: 'Test store', register: 'S01-R01', locale }).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(printed('en')).toContain(`Day closed by Max with ${pending} unsynced operations (manager confirmed; all kept)`);
    expect(printed('en')).toContain(`Sales (1) ${formatMoney(closed.salesTotal, 'EUR', 'en')}`);
    expect(printed('zh-CN')).toContain(`日结人：Max，尚有 ${pending} 个操作未上传`);
    expect(printed('zh-CN')).toContain(`销售（1 笔） ${formatMoney(closed.salesTotal, 'EUR', 'zh-CN')}`);
    expect(outbox.pending().count).toBe(pending);
    // A new day starts empty; the closed day's orders stay searchable under "all".
    expect(orders.report()).toMatchObject({ salesCount: 0, salesTotal: 0 });
    expect((await orders.search({}, ana)).orders).toEqual([]);
    expect((await orders.search({ scope: 'all' }, ana)).orders).toHaveLength(1);
    expect(setup.db.prepare('SELECT unsynced_operations, manager_confirmed, closed_by FROM day_closes').get()).toEqual({ unsynced_operations: pending, manager_confirmed: 1, closed_by: 'Max' });
  });

  it('counts each sale in exactly one day when the clock is set back an hour and forward a day around closes and a DST change', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
    try {
      // 2026-10-25 01:30 UTC is 02:30 CET, after the clocks went back from 03:00 CEST.
      now = Date.UTC(2026, 9, 25, 0, 50);
      const orders = makeOrders(null);
      const a = await sell([[milk.sku, 1]]);
      const b = await sell([[wine.sku, 1]], 'card');
      now += 40 * 60_000;
      setup.db.prepare('DELETE FROM outbox').run();
      const first = await orders.close(undefined, ana);
      expect(first).toMatchObject({ salesCount: 2, salesTotal: 129 + 8999 });
      // NTP sets the clock back an hour, before the close: the next sales are still the next day's.
      now -= 3_600_000;
      const c = await sell([[milk.sku, 2]]);
      await orders.refund({ orderId: a.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'r' }, ana);
      expect(orders.report()).toMatchObject({ salesCount: 1, salesTotal: 258, refundsCount: 1, refundsTotal: -129, net: 129 });
      expect((await orders.search({}, ana)).orders.map((o) => o.number)).toEqual(expect.arrayContaining([c.number]));
      expect((await orders.search({}, ana)).orders.map((o) => o.number)).not.toContain(b.number);
      // Then a day forward, and back again before the close.
      now += 86_400_000;
      const d = await sell([[wine.sku, 1]]);
      now -= 86_400_000 + 30 * 60_000;
      setup.db.prepare('DELETE FROM outbox').run();
      const second = await orders.close(undefined, ana);
      expect(second).toMatchObject({ salesCount: 2, salesTotal: 258 + 8999, refundsCount: 1, refundsTotal: -129 });
      expect(second.tenders).toEqual([{ tender: 'cash', in: 258 + 8999, out: -129, net: 258 + 8999 - 129 }]);
      // The new day starts empty even though its clock reads earlier than both closes.
      const e = await sell([[milk.sku, 1]]);
      expect(orders.report()).toMatchObject({ salesCount: 1, salesTotal: 129 });
      expect((await orders.search({}, ana)).orders.map((o) => o.number)).toEqual([e.number]);
      // Every sale is in exactly one closed or open day.
      const days = [first, second, orders.report()].reduce((n, r) => n + r.salesCount, 0);
      expect(days).toBe([a, b, c, d, e].length);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('closes a fully synced day without a manager', async () => {
    await sell([[milk.sku, 1]]);
    setup.db.prepare('DELETE FROM outbox').run();
    const closed = await makeOrders(null).close(undefined, ana);
    expect(closed.closed).toMatchObject({ by: 'Ana', unsyncedOperations: 0, managerConfirmed: false });
    expect(closed.salesCount).toBe(1);
  });
});

describe('order search against a real HQ client', () => {
  it('an HQ that does not answer in time: local orders with a notice, and the timeout reported as an orders service fault', async () => {
    const hanging = http.createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const faults: string[] = [];
    try {
      const { port } = hanging.address() as { port: number };
      const client = new HqClient({ baseUrl: `http://127.0.0.1:${port}`, deviceToken: () => 'token', onServiceFault: (domain) => faults.push(domain) });
      await sell([[milk.sku, 1]]);
      const answer = await makeOrders(client).search({}, ana);
      expect(answer).toMatchObject({ notice: 'hq-failed', hqSearched: false });
      expect(answer.orders).toHaveLength(1);
      expect(faults).toEqual(['orders']);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
