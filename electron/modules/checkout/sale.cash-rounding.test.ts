import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KassaError } from '../../../shared/errors';
import { SalePayloadSchema } from '../../../shared/hq/ops';
import { Outbox } from '../../sync/outbox';
import { makeDatabase, makeProduct, makeSaleService } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import type { CashRoundingStep } from './pricing/rounding';
import { ReceiptRepository } from './receipt/receipt.repository';
import { renderReceiptHtml } from './receipt/receipt';
import { cashRoundingOf, SaleService } from './sale.service';

let setup: ReturnType<typeof makeDatabase>;
let catalog: CatalogRepository;
let outbox: Outbox;

function service(step: CashRoundingStep): SaleService {
  return makeSaleService(setup.db, { outbox, cashRounding: () => step });
}

/** An open sale of one product at `price`; returns its id. */
function openSale(price: number): string {
  const product = makeProduct({ price });
  catalog.upsertMany([product]);
  const cart = new CartService(new CartRepository(setup.db), catalog, 'EUR', { newId: uuidv7 });
  return cart.scan(product.barcodes[0]!, 'ana').id!;
}

const salePayload = () => {
  const op = outbox.batch(100, 1_000_000).find((o) => o.entity === 'sale');
  return SalePayloadSchema.parse(JSON.parse(op!.payload));
};
const receiptOf = (saleId: string) =>
  new ReceiptRepository(setup.db).find(saleId, { storeName: 'Demo', storeCode: 'S01', registerCode: 'R01', pricesIncludeTax: true })!;

beforeEach(() => {
  setup = makeDatabase();
  new UsersRepository(setup.db).add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  catalog = new CatalogRepository(setup.db);
  outbox = new Outbox(setup.db);
});
afterEach(() => setup.close());

describe('cash rounding at the tender step (store.cashRoundingMinor)', () => {
  it('rounding 5: 9.97 due in cash is 9.95; 20.00 handed over gives 10.05 change and a -0.02 rounding recorded with the sale', () => {
    const sales = service(5);
    const saleId = openSale(997);
    expect(sales.state()).toMatchObject({ due: 997, remaining: 997, cashDue: 995, cashRounding: 0 });
    expect(sales.addCash(saleId, 2000)).toMatchObject({ paid: 995, remaining: 0, cashRounding: -2 });
    expect(sales.complete(saleId)).toMatchObject({ total: 997, change: 1005 });
    expect(salePayload()).toMatchObject({ total: 997, cashRounding: -2 });
  });

  it('rounding 5: 9.98 due in cash is 10.00 (+0.02), and exact cash of 10.00 gives no change', () => {
    const sales = service(5);
    const saleId = openSale(998);
    expect(sales.state().cashDue).toBe(1000);
    expect(sales.addCash(saleId, 1000)).toMatchObject({ paid: 1000, remaining: 0, cashRounding: 2 });
    expect(sales.complete(saleId)).toMatchObject({ total: 998, change: 0 });
    expect(salePayload().cashRounding).toBe(2);
  });

  it('rounding 10: 9.95 due in cash is 10.00 (half rounds up), 9.94 is 9.90', async () => {
    const sales = service(10);
    const first = openSale(995);
    expect(sales.state().cashDue).toBe(1000);
    await sales.addCard(first, {});
    sales.complete(first);
    openSale(994);
    expect(sales.state().cashDue).toBe(990);
  });

  it('refuses cash between the unrounded and the rounded amount (9.98 due, 9.99 handed over) and takes nothing', async () => {
    const sales = service(5);
    const saleId = openSale(998);
    expect(() => sales.addCash(saleId, 999)).toThrow(KassaError);
    expect(() => sales.addCash(saleId, 999)).toThrow(/cash due is €10\.00 after cash rounding/);
    expect(sales.state()).toMatchObject({ paid: 0, remaining: 998 });
  });

  it('a part payment in cash is never rounded: 5.00 of 9.97 leaves 4.97 (cash due 4.95)', () => {
    const sales = service(5);
    const saleId = openSale(997);
    expect(sales.addCash(saleId, 500)).toMatchObject({ paid: 500, remaining: 497, cashDue: 495, cashRounding: 0 });
  });

  it('split tender card 5.00 + cash: only the final cash remainder is rounded (4.97 → 4.95), the card keeps its exact amount', async () => {
    const sales = service(5);
    const saleId = openSale(997);
    const afterCard = await sales.addCard(saleId, { amount: 500 });
    expect(afterCard).toMatchObject({ paid: 500, remaining: 497, cashDue: 495 });
    expect(sales.addCash(saleId, 495)).toMatchObject({ paid: 995, remaining: 0, cashRounding: -2 });
    const done = sales.complete(saleId);
    expect(done.total).toBe(997);
    const receipt = receiptOf(saleId);
    expect(receipt.cashRounding).toBe(-2);
    expect(receipt.payments.map((p) => [p.tender, p.amount])).toEqual([
      ['card', 500],
      ['cash', 495],
    ]);
    // The receipt reconciles: total + rounding = what the payments kept.
    expect(receipt.total + receipt.cashRounding!).toBe(receipt.payments.reduce((s, p) => s + p.amount, 0));
    expect(renderReceiptHtml(receipt)).toMatch(/Cash rounding<\/span><span>-€0\.02/);
  });

  it('a card paying the whole amount is never rounded (9.97 by card: no rounding, no rounding line)', async () => {
    const sales = service(5);
    const saleId = openSale(997);
    expect(await sales.addCard(saleId, {})).toMatchObject({ paid: 997, remaining: 0, cashRounding: 0 });
    sales.complete(saleId);
    expect(salePayload().cashRounding).toBeUndefined();
    expect(renderReceiptHtml(receiptOf(saleId))).not.toContain('Cash rounding');
  });

  it('without a rounding step the cash due is the amount due and nothing is rounded', () => {
    const sales = service(0);
    const saleId = openSale(997);
    expect(sales.state()).toMatchObject({ cashDue: 997, cashRounding: 0 });
    expect(sales.addCash(saleId, 1000)).toMatchObject({ paid: 997, remaining: 0 });
    expect(sales.complete(saleId).change).toBe(3);
  });
});

describe('cashRoundingOf', () => {
  it('finds the rounding in the payment that settled the rest, and none in part payments or card payments', () => {
    expect(cashRoundingOf(997, [{ tender: 'cash', amount: 995 }], 5)).toBe(-2);
    expect(cashRoundingOf(997, [{ tender: 'card', amount: 995 }], 5)).toBe(0);
    expect(cashRoundingOf(997, [{ tender: 'cash', amount: 500 }], 5)).toBe(0);
    expect(cashRoundingOf(997, [{ tender: 'card', amount: 500 }, { tender: 'cash', amount: 495 }], 5)).toBe(-2);
    expect(cashRoundingOf(997, [{ tender: 'cash', amount: 997 }], 5)).toBe(0);
    expect(cashRoundingOf(997, [{ tender: 'cash', amount: 995 }], 0)).toBe(0);
  });
});

describe('cash rounding, for any sale', () => {
  it('rounding 5: 1.00 due, 0.98 by card leaves 0.02, which rounds to no cash at all: the sale completes with a -0.02 rounding', async () => {
    const sales = service(5);
    const saleId = openSale(100);
    await sales.addCard(saleId, { amount: 98 });
    expect(sales.state()).toMatchObject({ remaining: 2, cashDue: 0 });
    sales.addCash(saleId, 0);
    const done = sales.complete(saleId);
    expect(done).toMatchObject({ total: 100, change: 0 });
    expect(salePayload().cashRounding).toBe(-2);
  });

  it('a card part then cash: the card is never rounded, the rounding is at most half a step, and payments = total + rounding', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 0, max: 100 }), fc.constantFrom<CashRoundingStep>(5, 10), fc.integer({ min: 0, max: 5000 }), async (price, cardPercent, step, extra) => {
        setup.close();
        setup = makeDatabase();
        new UsersRepository(setup.db).add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
        catalog = new CatalogRepository(setup.db);
        outbox = new Outbox(setup.db);
        const sales = service(step);
        const saleId = openSale(price);
        const card = Math.floor((price * cardPercent) / 100);
        if (card > 0 && card < price) {
          const afterCard = await sales.addCard(saleId, { amount: card });
          expect(afterCard.payments[0]!.amount).toBe(card);
        }
        const state = sales.state();
        if (state.remaining > 0) sales.addCash(saleId, state.cashDue! + extra);
        const done = sales.complete(saleId);
        const settled = sales.state();
        expect(settled.saleId).toBeNull();
        const payload = salePayload();
        const rounding = payload.cashRounding ?? 0;
        expect(Math.abs(rounding)).toBeLessThanOrEqual(step / 2);
        const receipt = receiptOf(saleId);
        expect(receipt.payments.reduce((sum, p) => sum + p.amount, 0)).toBe(done.total + rounding);
        expect(receipt.payments.filter((p) => p.tender === 'card').every((p) => p.amount === card)).toBe(true);
        expect(done.change).toBe(state.remaining > 0 ? extra : 0);
      }),
      { numRuns: 25 },
    );
  });
});
