import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cart, TenderState } from '../../../shared/api';
import type { OrderDetail } from '../../../shared/modules/orders.api';
import { createKassaCore, DATABASE_FILE, type KassaCore } from '../../core/kassa-core';
import { silentLogger } from '../../core/logger';
import { makeTempDir } from '../../test/factories';

/*
 * Returned items in the cart, through the register's real channels (demo mode): an exchange of an
 * earlier order's lines at what was paid for them, and a return without a receipt at today's price.
 */

type Result<T = unknown> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
const trusted = { host: 'web', trustedSender: true } as const;
let core: KassaCore;
let dataDir: string;
const cleanups: (() => void)[] = [];

const call = <T = unknown>(channel: string, input: unknown = {}) => core.dispatch(channel, input, trusted) as Promise<Result<T>>;
const ok = async <T>(channel: string, input: unknown = {}): Promise<T> => {
  const result = await call<T>(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
};
const errorOf = (result: Result) => (result.ok ? null : result.error.code);

const COFFEE = 'SKU-000006'; // 6.99
const MILK = 'SKU-000001'; // 1.29
const EXPENSIVE = 'SKU-001332'; // 21.49, above the 20.00 a cashier takes back without a receipt

/** A completed cash sale of these codes (each scan one unit). */
async function sell(...codes: string[]): Promise<{ saleId: string; total: number }> {
  for (const code of codes) await ok('cart.scan', { code });
  const sale = core.sales.completeWithCash(null);
  return { saleId: sale.saleId, total: sale.total };
}

const exchange = (orderId: string, quantity = 1, extra: Record<string, unknown> = {}) => ({ kind: 'receipt', orderId, lines: [{ index: 0, quantity }], reason: 'wrong size', ...extra });

async function clearCart() {
  const cart = await ok<Cart>('cart.get');
  for (const line of cart.lines) await ok('cart.voidLine', { lineId: line.id });
}

beforeAll(async () => {
  const data = makeTempDir();
  cleanups.push(data.cleanup);
  dataDir = data.dir;
  fs.writeFileSync(path.join(data.dir, 'settings.json'), JSON.stringify({ orders: { refundManagerAbove: 5000, noReceiptManagerAbove: 2000 } }));
  core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log: silentLogger() });
  expect((await call('session.login', { pin: '1234' })).ok).toBe(true);
});

beforeEach(clearCart);

afterAll(() => {
  core.close();
  cleanups.forEach((fn) => fn());
});

describe('an exchange: lines of an earlier order back in the cart', () => {
  it('enters at the price the customer paid (after the line discount), marked with the order and its line, as a negative line', async () => {
    await ok('cart.scan', { code: COFFEE });
    await ok('cart.scan', { code: COFFEE });
    const line = (await ok<Cart>('cart.get')).lines[0]!;
    await ok('cart.discount', { lineId: line.id, percent: 10, managerPin: '9999' }); // 13.98 − 1.40 = 12.58
    const sale = core.sales.completeWithCash(null);
    expect(sale.total).toBe(1258);

    const cart = await ok<Cart>('cart.addReturn', exchange(sale.saleId));
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({ sku: COFFEE, quantity: -1, lineTotal: -629, returned: { reason: 'wrong size', orderId: sale.saleId, orderLineIndex: 0 } });
    expect(cart.lines[0]!.returned!.orderNumber).toMatch(/-\d+$/);
    expect(cart.total).toBe(-629);
  });

  it('never gives back more than the order still has: a second return of the same line is refused', async () => {
    const sale = await sell(COFFEE, COFFEE);
    await ok('cart.addReturn', exchange(sale.saleId, 2));
    const again = await call('cart.addReturn', exchange(sale.saleId, 1));
    expect(errorOf(again)).toBe('LIMIT_EXCEEDED');
    expect((await ok<Cart>('cart.get')).lines).toHaveLength(1);
  });

  it('three attempts at once for the whole line: exactly one enters the cart', async () => {
    const sale = await sell(COFFEE, COFFEE);
    const results = await Promise.all([call('cart.addReturn', exchange(sale.saleId, 2)), call('cart.addReturn', exchange(sale.saleId, 2)), call('cart.addReturn', exchange(sale.saleId, 2))]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map(errorOf)).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED']);
    const cart = await ok<Cart>('cart.get');
    expect(cart.lines.map((l) => l.quantity)).toEqual([-2]);
  });

  it('a return line in a held cart counts: the same items cannot come back in another cart; voiding the line frees them', async () => {
    const sale = await sell(COFFEE);
    await ok('cart.addReturn', exchange(sale.saleId));
    await ok('cart.hold', { label: 'exchange' });
    expect(errorOf(await call('cart.addReturn', exchange(sale.saleId)))).toBe('LIMIT_EXCEEDED');
    const held = (await ok<{ carts: { id: string }[] }>('cart.held')).carts;
    await ok('cart.recall', { saleId: held.at(-1)!.id });
    const cart = await ok<Cart>('cart.get');
    await ok('cart.voidLine', { lineId: cart.lines[0]!.id });
    expect((await ok<Cart>('cart.addReturn', exchange(sale.saleId))).lines).toHaveLength(1);
  });

  it('above orders.refundManagerAbove (what the order gave back counts) a manager approves with their PIN', async () => {
    const sale = await sell(COFFEE, COFFEE, COFFEE, COFFEE, COFFEE, COFFEE, COFFEE, COFFEE); // 55.92
    await ok('orders.refund', { orderId: sale.saleId, lines: [{ index: 0, quantity: 4 }], tender: 'cash', reason: 'spoilt', managerPin: '9999' }); // 27.96 back
    const alone = await call('cart.addReturn', exchange(sale.saleId, 4)); // 27.96 more: 55.92 in all
    expect(errorOf(alone)).toBe('NOT_ALLOWED');
    expect(alone.ok ? '' : alone.error.message).toMatch(/already refunded/);
    expect(errorOf(await call('cart.addReturn', exchange(sale.saleId, 4, { managerPin: '1234' })))).toBe('NOT_A_MANAGER');
    const approved = await ok<Cart>('cart.addReturn', exchange(sale.saleId, 4, { managerPin: '9999' }));
    expect(approved.lines[0]).toMatchObject({ quantity: -4, lineTotal: -2796 });
  });

  it('returned lines keep their quantity and price: +/−, price and discount are refused; void removes them', async () => {
    const sale = await sell(COFFEE, COFFEE);
    const line = (await ok<Cart>('cart.addReturn', exchange(sale.saleId))).lines[0]!;
    expect(errorOf(await call('cart.setQuantity', { lineId: line.id, quantity: 2 }))).toBe('NOT_ALLOWED');
    expect(errorOf(await call('cart.overridePrice', { lineId: line.id, price: 1, managerPin: '9999' }))).toBe('NOT_ALLOWED');
    expect(errorOf(await call('cart.discount', { lineId: line.id, percent: 50, managerPin: '9999' }))).toBe('NOT_ALLOWED');
    expect((await ok<Cart>('cart.voidLine', { lineId: line.id })).lines).toHaveLength(0);
  });
});

describe('a return without a receipt', () => {
  it('enters at today\'s price × quantity as a negative line with its reason', async () => {
    const cart = await ok<Cart>('cart.addReturn', { kind: 'noReceipt', code: MILK, quantity: 3, reason: 'leaking' });
    expect(cart.lines[0]).toMatchObject({ sku: MILK, quantity: -3, unitPrice: 129, lineTotal: -387, returned: { reason: 'leaking' } });
    expect(cart.lines[0]!.returned!.orderId).toBeUndefined();
  });

  it('above orders.noReceiptManagerAbove needs a manager\'s PIN, checked as every approval is', async () => {
    const request = { kind: 'noReceipt', code: EXPENSIVE, quantity: 1, reason: 'faulty' };
    const alone = await call('cart.addReturn', request);
    expect(errorOf(alone)).toBe('NOT_ALLOWED');
    expect(alone.ok ? '' : alone.error.message).toMatch(/manager/);
    expect(errorOf(await call('cart.addReturn', { ...request, managerPin: '1234' }))).toBe('NOT_A_MANAGER');
    expect((await ok<Cart>('cart.get')).lines).toHaveLength(0);
    const cart = await ok<Cart>('cart.addReturn', { ...request, managerPin: '9999' });
    expect(cart.lines[0]).toMatchObject({ sku: EXPENSIVE, quantity: -1, lineTotal: -2149 });
  });

  it('an unknown code is refused with the cart unchanged', async () => {
    expect(errorOf(await call('cart.addReturn', { kind: 'noReceipt', code: 'SKU-999999', quantity: 1, reason: 'x' }))).toBe('UNKNOWN_BARCODE');
  });
});

describe('settling the sale', () => {
  it('a negative total is paid out in cash: the tender says what to give, completion records a negative cash payment, card is refused', async () => {
    const sale = await sell(COFFEE);
    await ok('cart.addReturn', exchange(sale.saleId));
    await ok('cart.scan', { code: MILK });
    const state = await ok<TenderState>('checkout.state');
    expect(state).toMatchObject({ due: -570, remaining: 0, payout: 570 });
    expect(errorOf(await call('checkout.addCard', { saleId: state.saleId }))).toBe('NOT_ALLOWED');
    const done = await ok<{ total: number; number: string }>('checkout.complete', { saleId: state.saleId });
    expect(done.total).toBe(-570);
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      expect(db.prepare('SELECT tender, amount FROM payments WHERE sale_id = ?').all(state.saleId)).toEqual([{ tender: 'cash', amount: -570 }]);
      const op = db.prepare("SELECT payload FROM outbox WHERE entity = 'sale' AND entity_id = ?").get(state.saleId) as { payload: string };
      const payload = JSON.parse(op.payload) as { total: number; lines: { quantity: number; lineTotal: number; returned?: { orderId?: string; originalLineIndex?: number } }[] };
      expect(payload.total).toBe(-570);
      expect(payload.lines[0]).toMatchObject({ quantity: -1, lineTotal: -699, returned: { orderId: sale.saleId, originalLineIndex: 0 } });
      expect(db.prepare("SELECT count(*) FROM outbox WHERE entity = 'sale' AND entity_id = ?").pluck().get(state.saleId)).toBe(1);
    } finally {
      db.close();
    }
  });

  it('a zero total completes with no payment', async () => {
    const sale = await sell(COFFEE);
    await ok('cart.addReturn', exchange(sale.saleId));
    await ok('cart.scan', { code: COFFEE });
    const state = await ok<TenderState>('checkout.state');
    expect(state).toMatchObject({ due: 0, remaining: 0 });
    expect(state.payout).toBeUndefined();
    const done = await ok<{ total: number }>('checkout.complete', { saleId: state.saleId });
    expect(done.total).toBe(0);
    expect((await ok<Cart>('cart.get')).lines).toHaveLength(0);
  });

  it('a positive net is paid as usual', async () => {
    const sale = await sell(MILK);
    await ok('cart.addReturn', exchange(sale.saleId));
    await ok('cart.scan', { code: COFFEE });
    const state = await ok<TenderState>('checkout.state');
    expect(state).toMatchObject({ due: 570, remaining: 570 });
    await ok('checkout.addCash', { saleId: state.saleId, tendered: 1000 });
    expect((await ok<{ change: number }>('checkout.complete', { saleId: state.saleId })).change).toBe(430);
  });

  it('completion records the return: the order\'s refundable quantity drops and a later refund of those items is refused', async () => {
    const sale = await sell(COFFEE, COFFEE);
    await ok('cart.addReturn', exchange(sale.saleId));
    const state = await ok<TenderState>('checkout.state');
    await ok('checkout.complete', { saleId: state.saleId });
    const detail = await ok<OrderDetail>('orders.detail', { orderId: sale.saleId });
    expect(detail.lines[0]).toMatchObject({ quantity: 2, refunded: 1, returned: 1, refundable: 1 });
    const refund = await call('orders.refund', { orderId: sale.saleId, lines: [{ index: 0, quantity: 2 }], tender: 'cash', reason: 'again' });
    expect(errorOf(refund)).toBe('LIMIT_EXCEEDED');
    expect((await call('orders.refund', { orderId: sale.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'the other one' })).ok).toBe(true);
    expect(errorOf(await call('cart.addReturn', exchange(sale.saleId)))).toBe('LIMIT_EXCEEDED');
  });

  it('the new item of an exchange can be refunded in full later; its returned item cannot', async () => {
    const sale = await sell(MILK);
    await ok('cart.addReturn', exchange(sale.saleId));
    await ok('cart.scan', { code: COFFEE });
    const state = await ok<TenderState>('checkout.state');
    await ok('checkout.addCash', { saleId: state.saleId, tendered: 570 });
    await ok('checkout.complete', { saleId: state.saleId });
    const back = await call('orders.refund', { orderId: state.saleId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'x' });
    expect(errorOf(back)).toBe('NOT_ALLOWED');
    const refund = await ok<{ refund: { total: number } }>('orders.refund', { orderId: state.saleId, lines: [{ index: 1, quantity: 1 }], tender: 'cash', reason: 'changed mind' });
    expect(refund.refund.total).toBe(-699);
  });

  it('the day report counts the exchange sale at its net', async () => {
    const before = await ok<{ salesTotal: number }>('day.report');
    const sale = await sell(COFFEE);
    await ok('cart.addReturn', exchange(sale.saleId));
    await ok('cart.scan', { code: MILK });
    const state = await ok<TenderState>('checkout.state');
    await ok('checkout.complete', { saleId: state.saleId });
    const after = await ok<{ salesTotal: number; tenders: { tender: string; out: number }[] }>('day.report');
    expect(after.salesTotal - before.salesTotal).toBe(699 - 570);
  });
});

describe('the receipt of an exchange', () => {
  it('marks each returned item with its reason and the sale it came from, and shows the cash given back', async () => {
    const sale = await sell(COFFEE);
    await ok('cart.addReturn', exchange(sale.saleId));
    const state = await ok<TenderState>('checkout.state');
    await ok('checkout.complete', { saleId: state.saleId });
    const receipt = await ok<{ printed: boolean; html?: string }>('sales.print', { saleId: state.saleId });
    const text = (receipt.html ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toMatch(/Returned: wrong size \(sale S\d+-R\d+-\d+\)/);
    expect(text).toContain('-€6.99');
  });
});
