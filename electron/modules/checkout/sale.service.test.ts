import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KassaError } from '../../../shared/errors';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { HqStatusError } from '../../hq/hq-client';
import { Outbox } from '../../sync/outbox';
import { makeDatabase, makeProduct, makeSaleService } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { SimulatedTerminal, type CardTerminal } from './card-terminal';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { SaleRepository } from './sale.repository';
import { SaleService } from './sale.service';

let setup: ReturnType<typeof makeDatabase>;
let cart: CartService;
let outbox: Outbox;
let online = true;
let terminal: CardTerminal;
const milk = makeProduct({ price: 129 });
const wine = makeProduct({ price: 8999 });

function service(): SaleService {
  return makeSaleService(setup.db, {
    outbox,
    terminal: { kind: 'simulated', authorize: (r) => terminal.authorize(r) },
    cardOnline: () => (online ? { available: true, reason: null } : { available: false, reason: 'The till is switched offline.' }),
    managerByPin: async (pin) => {
      if (pin !== '9999') throw new KassaError('NOT_A_MANAGER', 'That is not a manager’s PIN.');
      return { name: 'Max' };
    },
  });
}

beforeEach(() => {
  setup = makeDatabase();
  online = true;
  terminal = new SimulatedTerminal();
  new UsersRepository(setup.db).add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  const catalog = new CatalogRepository(setup.db);
  catalog.upsertMany([milk, wine]);
  cart = new CartService(new CartRepository(setup.db), catalog, 'EUR', { newId: uuidv7 });
  outbox = new Outbox(setup.db);
});
afterEach(() => setup.close());

const codeOf = async (promise: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error instanceof KassaError ? error.code : String(error);
  }
  return 'no error';
};
const operations = () => setup.db.prepare('SELECT entity, type FROM outbox ORDER BY created_at, id').all();

describe('the tender step and completion', () => {
  it('a cash sale of 2 × 1.29 paid with 5.00 gives 2.42 change and numbers the sale S01-R01-1', () => {
    cart.scan(milk.sku, 'ana');
    cart.scan(milk.sku, 'ana');
    const sales = service();
    const state = sales.state();
    expect(state).toMatchObject({ due: 258, paid: 0, remaining: 258 });
    sales.addCash(state.saleId!, 500);
    const done = sales.complete(state.saleId!);
    expect(done).toMatchObject({ number: 'S01-R01-1', total: 258, change: 242 });
    // HQ hears of the 2.58 the sale kept, not the 5.00 handed over.
    const payment = setup.db.prepare("SELECT payload FROM outbox WHERE entity = 'payment'").pluck().get() as string;
    expect(JSON.parse(payment)).toMatchObject({ tender: 'cash', amount: 258 });
    expect(operations()).toEqual([
      { entity: 'sale', type: 'completed' },
      { entity: 'payment', type: 'recorded' },
    ]);
  });

  it('numbers sales without gaps, and a second Complete (a double click) changes nothing', () => {
    const sales = service();
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      cart.scan(milk.sku, 'ana');
      const saleId = sales.state().saleId!;
      sales.addCash(saleId, 129);
      numbers.push(sales.complete(saleId).number);
      expect(sales.complete(saleId).number).toBe(numbers.at(-1));
    }
    expect(numbers).toEqual(['S01-R01-1', 'S01-R01-2', 'S01-R01-3']);
    expect(operations()).toHaveLength(6);
  });

  it('refuses to complete while money is still due, and keeps the cart', async () => {
    cart.scan(milk.sku, 'ana');
    const sales = service();
    const saleId = sales.state().saleId!;
    sales.addCash(saleId, 100);
    expect(await codeOf(() => sales.complete(saleId))).toBe('INVALID_INPUT');
    expect(sales.state()).toMatchObject({ paid: 100, remaining: 29 });
  });

  it('splits a sale between cash and an approved card', async () => {
    cart.scan(wine.sku, 'ana');
    const sales = service();
    const saleId = sales.state().saleId!;
    sales.addCash(saleId, 2000);
    const state = await sales.addCard(saleId, { cardNumber: TEST_CARDS.approved });
    expect(state.payments.map((p) => [p.tender, p.amount, p.status])).toEqual([
      ['cash', 2000, 'approved'],
      ['card', 6999, 'approved'],
    ]);
    expect(sales.complete(saleId)).toMatchObject({ total: 8999, change: 0 });
  });

  it('shows a declined card clearly and records nothing', async () => {
    cart.scan(milk.sku, 'ana');
    const sales = service();
    const saleId = sales.state().saleId!;
    expect(await codeOf(sales.addCard(saleId, { cardNumber: TEST_CARDS.declined }))).toBe('PAYMENT_DECLINED');
    expect(sales.state()).toMatchObject({ paid: 0, remaining: 129 });
  });

  it('offers store-and-forward when the card authorisation times out', async () => {
    cart.scan(milk.sku, 'ana');
    terminal = { kind: 'hq', authorize: async () => Promise.reject(new HqStatusError(504, '{}')) };
    const sales = service();
    const saleId = sales.state().saleId!;
    expect(await codeOf(sales.addCard(saleId, {}))).toBe('CARD_TIMEOUT');
    const state = await sales.addCard(saleId, { storeAndForward: true });
    expect(state.payments[0]).toMatchObject({ tender: 'card', status: 'stored', last4: '4242' });
  });

  it('offline, stores a card payment with an upload deadline and sends it to HQ with the sale', async () => {
    online = false;
    cart.scan(milk.sku, 'ana');
    const sales = service();
    const saleId = sales.state().saleId!;
    await sales.addCard(saleId, { cardNumber: '4111111111111111' });
    expect(sales.options().card).toMatchObject({ mode: 'store-and-forward', reason: 'The till is switched offline.', outstanding: 129 });
    sales.complete(saleId);
    expect(operations()).toEqual([
      { entity: 'sale', type: 'completed' },
      { entity: 'payment', type: 'recorded' },
      { entity: 'offlineCardPayment', type: 'captured' },
    ]);
    expect(new SaleRepository(setup.db).nearestCardDeadline()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    // The card token leaves the payments table once the sale is complete; it travels in the outbox only.
    expect(setup.db.prepare('SELECT count(*) FROM payments WHERE card_token IS NOT NULL').pluck().get()).toBe(0);
  });

  it('needs a manager’s PIN for an offline card payment above the limit', async () => {
    online = false;
    cart.scan(wine.sku, 'ana');
    const sales = service();
    const saleId = sales.state().saleId!;
    expect(await codeOf(sales.addCard(saleId, {}))).toBe('LIMIT_EXCEEDED');
    expect(await codeOf(sales.addCard(saleId, { managerPin: '1234' }))).toBe('NOT_A_MANAGER');
    expect((await sales.addCard(saleId, { managerPin: '9999' })).remaining).toBe(0);
  });

  it('refuses bad amounts: zero cash, a card above what remains, a sale with nothing in it', async () => {
    const sales = service();
    expect(await codeOf(() => sales.completeWithCash(null))).toBe('NOTHING_TO_PAY');
    cart.scan(milk.sku, 'ana');
    const saleId = sales.state().saleId!;
    expect(await codeOf(() => sales.addCash(saleId, 0))).toBe('INVALID_INPUT');
    expect(await codeOf(sales.addCard(saleId, { amount: 500 }))).toBe('INVALID_INPUT');
    expect(await codeOf(sales.addCard(saleId, { cardNumber: '1234567890123' }))).toBe('INVALID_INPUT');
    expect(await codeOf(() => sales.addCash('another-sale', 100))).toBe('NOT_FOUND');
  });

  it('freezes the lines once a payment is taken, so a card can never come back as cash change', async () => {
    cart.scan(wine.sku, 'ana');
    cart.scan(milk.sku, 'ana');
    const sales = service();
    const saleId = sales.state().saleId!;
    await sales.addCard(saleId, {});
    const wineLine = cart.get().lines.find((l) => l.sku === wine.sku)!;
    expect(await codeOf(() => cart.voidLine(wineLine.id, 'ana'))).toBe('NOT_ALLOWED');
    expect(await codeOf(() => cart.setQuantity(wineLine.id, 1, 'ana'))).toBe('NOT_ALLOWED');
    expect(sales.complete(saleId)).toMatchObject({ total: 9128, change: 0 });
  });

  it('takes one card authorisation at a time: a double click, cash or Complete meanwhile are refused', async () => {
    cart.scan(milk.sku, 'ana');
    let release: () => void = () => {};
    terminal = { kind: 'hq', authorize: (r) => new Promise((resolve) => (release = () => resolve({ status: 'approved', authCode: 'A1', reason: null, last4: r.cardNumber.slice(-4) }))) };
    const sales = service();
    const saleId = sales.state().saleId!;
    const first = sales.addCard(saleId, {});
    expect(await codeOf(sales.addCard(saleId, {}))).toBe('INVALID_INPUT');
    expect(await codeOf(() => sales.addCash(saleId, 129))).toBe('INVALID_INPUT');
    expect(await codeOf(() => sales.complete(saleId))).toBe('INVALID_INPUT');
    release();
    expect((await first).payments).toHaveLength(1);
    expect(sales.complete(saleId)).toMatchObject({ change: 0 });
  });
});
