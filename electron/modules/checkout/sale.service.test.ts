import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KassaError } from '../../../shared/errors';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { HqStatusError } from '../../hq/hq-client';
import { HqRequestError } from '../../hq/http';
import { Outbox } from '../../sync/outbox';
import { makeDatabase, makeProduct, makeSaleService } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { SimulatedTerminal, type CardTerminal } from './card-terminal';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { LedgerRepository } from './ledger.repository';
import { SaleService } from './sale.service';

let setup: ReturnType<typeof makeDatabase>;
let cart: CartService;
let outbox: Outbox;
let online = true;
let terminal: Omit<CardTerminal, 'outcome'> & Partial<Pick<CardTerminal, 'outcome'>>;
const milk = makeProduct({ price: 129 });
const wine = makeProduct({ price: 8999 });

function service(): SaleService {
  return makeSaleService(setup.db, {
    outbox,
    terminal: { kind: 'simulated', authorize: (r) => terminal.authorize(r), outcome: async (id) => (terminal.outcome ? terminal.outcome(id) : null) },
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
  it('modules plugged in with onCompleting write their operations inside the completing sale, and the first member named is the sale’s', () => {
    cart.scan(milk.sku, 'ana');
    const sales = service();
    const heard: { saleId: string; payments: readonly { tender: string; amount: number }[] }[] = [];
    sales.onCompleting({
      completing: (saleId, payments, currency, now) => {
        heard.push({ saleId, payments });
        return {
          memberId: 'member-1',
          operations: [{ entity: 'pointLedger', entityId: uuidv7(), type: 'appended', payload: { id: uuidv7(), memberId: 'member-1', delta: 1, reason: 'earn', orderId: saleId, createdAt: new Date(now).toISOString(), currency } as never }],
        };
      },
    });
    sales.onCompleting({ completing: () => ({ memberId: 'member-2', operations: [] }) });
    const { saleId } = sales.state();
    sales.addCash(saleId!, 129);
    sales.complete(saleId!);
    expect(heard).toEqual([{ saleId, payments: [expect.objectContaining({ tender: 'cash', amount: 129 })] }]);
    expect(operations()).toEqual([
      { entity: 'sale', type: 'completed' },
      { entity: 'payment', type: 'recorded' },
      { entity: 'pointLedger', type: 'appended' },
    ]);
    const sale = JSON.parse(setup.db.prepare("SELECT payload FROM outbox WHERE entity = 'sale'").pluck().get() as string) as { memberId: string | null };
    expect(sale.memberId).toBe('member-1');
  });

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
    expect(await codeOf(sales.addCard(saleId, {}))).toBe('CARD_NO_ANSWER');
    const state = await sales.addCard(saleId, { storeAndForward: true });
    expect(state.payments[0]).toMatchObject({ tender: 'card', status: 'stored', last4: '4242' });
    // The stored payment keeps the id of the attempt that got no answer: HQ charges that id at most once.
    expect(state.payments[0]!.id).toBe(setup.db.prepare('SELECT id FROM card_attempts').pluck().get());
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
    expect(new LedgerRepository(setup.db).nearestCardDeadline()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
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

/**
 * A stand-in for HQ's card service with the acquirer's ledger behind it: idempotent by payment id, and
 * able to lose its answer after charging, or to be unreachable for the follow-up question.
 */
class LossyHq {
  readonly charges = new Map<string, number>();
  readonly voids = new Set<string>();
  readonly sent: string[] = [];
  loseAnswers = 0;
  reachable = true;
  terminal(): CardTerminal {
    return {
      kind: 'hq',
      authorize: async (r) => {
        this.sent.push(r.paymentId);
        if (r.cardNumber === TEST_CARDS.declined) return { status: 'declined', authCode: null, reason: 'Declined by its bank.', last4: r.cardNumber.slice(-4) };
        if (!this.voids.has(r.paymentId)) this.charges.set(r.paymentId, r.amount);
        if (this.loseAnswers > 0) {
          this.loseAnswers--;
          throw new HqRequestError('timeout', 'HQ did not answer within 15000 ms');
        }
        return { status: 'approved', authCode: 'A1', reason: null, last4: r.cardNumber.slice(-4) };
      },
      outcome: async (paymentId) => {
        if (!this.reachable) return null;
        const amount = this.charges.get(paymentId);
        return amount === undefined
          ? { paymentId, status: 'unknown', amount: null, authCode: null, reason: null, last4: null }
          : { paymentId, status: 'approved', amount, authCode: 'A1', reason: null, last4: '1111' };
      },
    };
  }
  /** What HQ does with the register's operations: abandoned attempts are voided. */
  applyAbandoned(): void {
    for (const row of setup.db.prepare<[], { entity_id: string }>("SELECT entity_id FROM outbox WHERE entity = 'cardAttempt'").all()) {
      this.voids.add(row.entity_id);
      this.charges.delete(row.entity_id);
    }
  }
  netCharged(): number {
    return [...this.charges.values()].reduce((a, b) => a + b, 0);
  }
}

describe('one card attempt, one payment id, one charge', () => {
  let hq: LossyHq;
  const card = '4111111111111111';
  const withHq = () => makeSaleService(setup.db, { outbox, terminal: hq.terminal(), cardOnline: () => (online ? { available: true, reason: null } : { available: false, reason: 'HQ is not reachable.' }) });
  const storedIds = () => setup.db.prepare("SELECT entity_id FROM outbox WHERE entity = 'offlineCardPayment'").pluck().all();
  beforeEach(() => (hq = new LossyHq()));
  /** A sale whose card payment got no answer, while HQ cannot be asked what became of it. */
  const unansweredCard = async () => {
    cart.scan(milk.sku, 'ana');
    const sales = withHq();
    const saleId = sales.state().saleId!;
    hq.loseAnswers = 1;
    hq.reachable = false;
    expect(await codeOf(sales.addCard(saleId, { cardNumber: card }))).toBe('CARD_NO_ANSWER');
    return { sales, saleId };
  };

  it('an approval whose answer was lost is found by asking HQ, and the sale goes on with it: charged once', async () => {
    cart.scan(milk.sku, 'ana');
    const sales = withHq();
    const saleId = sales.state().saleId!;
    hq.loseAnswers = 1;
    const state = await sales.addCard(saleId, { cardNumber: card });
    expect(state).toMatchObject({ remaining: 0, payments: [{ tender: 'card', status: 'approved', amount: 129 }] });
    expect(state.payments[0]!.id).toBe(hq.sent[0]);
    sales.complete(saleId);
    expect(operations()).not.toContainEqual({ entity: 'cardAttempt', type: 'abandoned' });
    expect(hq.netCharged()).toBe(129);
  });

  it('HQ out of reach after a lost answer: the cashier is told the outcome is unknown, and the stored payment keeps the attempt’s id', async () => {
    cart.scan(milk.sku, 'ana');
    const sales = withHq();
    const saleId = sales.state().saleId!;
    hq.loseAnswers = 1;
    hq.reachable = false;
    const failure = await sales.addCard(saleId, { cardNumber: card }).catch((error: KassaError) => error);
    expect(failure).toMatchObject({ code: 'CARD_NO_ANSWER' });
    expect((failure as KassaError).message).not.toMatch(/nothing was charged/i);
    online = false;
    const state = await sales.addCard(saleId, { cardNumber: card, storeAndForward: true });
    expect(state.payments[0]).toMatchObject({ status: 'stored', id: hq.sent[0] });
    sales.complete(saleId);
    expect(storedIds()).toEqual([hq.sent[0]]);
    expect(operations()).not.toContainEqual({ entity: 'cardAttempt', type: 'abandoned' });
  });

  it('a retry of the same card after a lost answer sends the same payment id, so it is charged once', async () => {
    const { sales, saleId } = await unansweredCard();
    const state = await sales.addCard(saleId, { cardNumber: card });
    expect(hq.sent).toEqual([hq.sent[0], hq.sent[0]]);
    expect(state.payments).toHaveLength(1);
    sales.complete(saleId);
    expect(hq.netCharged()).toBe(129);
  });

  it('a lost answer, then cash: the attempt is reported abandoned with the sale, and HQ voids the approval', async () => {
    const { sales, saleId } = await unansweredCard();
    sales.addCash(saleId, 200);
    sales.complete(saleId);
    expect(operations()).toContainEqual({ entity: 'cardAttempt', type: 'abandoned' });
    hq.applyAbandoned();
    expect(hq.netCharged()).toBe(0);
  });

  it('a lost answer, then another card: the first attempt is given up, the second charged, net one charge', async () => {
    const { sales, saleId } = await unansweredCard();
    await sales.addCard(saleId, { cardNumber: '5555555555554444' });
    sales.complete(saleId);
    hq.applyAbandoned();
    expect(hq.sent).toHaveLength(2);
    expect(hq.netCharged()).toBe(129);
  });

  it('HQ never received the attempt: the cashier may retry or store it, and is not told the card was declined', async () => {
    cart.scan(milk.sku, 'ana');
    const sales = withHq();
    const saleId = sales.state().saleId!;
    const terminal = hq.terminal();
    const lost = makeSaleService(setup.db, { outbox, terminal: { ...terminal, authorize: () => Promise.reject(new HqRequestError('reset', 'socket hang up')) } });
    const failure = await lost.addCard(saleId, { cardNumber: card }).catch((error: KassaError) => error);
    expect(failure).toMatchObject({ code: 'CARD_TIMEOUT', message: expect.stringContaining('did not receive') });
    expect((failure as KassaError).message).not.toMatch(/nothing was charged/i);
    expect((await sales.addCard(saleId, { cardNumber: card })).remaining).toBe(0);
    expect(hq.netCharged()).toBe(129);
  });

  it('the register restarts after HQ approved and before it heard: the next try finds the approval, not a second charge', async () => {
    cart.scan(milk.sku, 'ana');
    const saleId = withHq().state().saleId!;
    hq.loseAnswers = 1;
    hq.reachable = false;
    expect(await codeOf(withHq().addCard(saleId, { cardNumber: card }))).toBe('CARD_NO_ANSWER');
    hq.reachable = true;
    const restarted = withHq(); // a new service on the same database: nothing in memory survives
    const state = await restarted.addCard(saleId, { cardNumber: '5555555555554444' });
    expect(state.payments).toMatchObject([{ id: hq.sent[0], status: 'approved', amount: 129 }]);
    expect(hq.sent).toHaveLength(1);
  });

  it('a sale voided after an unanswered attempt reports it abandoned, so an approval behind it is voided', async () => {
    const { sales } = await unansweredCard();
    cart.voidSale('Customer left', 'ana');
    expect(sales.reportAbandonedAttempts()).toBe(1);
    expect(sales.reportAbandonedAttempts()).toBe(0);
    hq.applyAbandoned();
    expect(hq.netCharged()).toBe(0);
  });

  it('store-and-forward is refused while card payments are authorised online and none went unanswered', async () => {
    cart.scan(milk.sku, 'ana');
    const sales = withHq();
    expect(await codeOf(sales.addCard(sales.state().saleId!, { cardNumber: card, storeAndForward: true }))).toBe('NOT_ALLOWED');
  });

  it('a blank card number is refused when HQ authorises cards (only the demo terminal has a default card)', async () => {
    cart.scan(milk.sku, 'ana');
    const sales = withHq();
    expect(await codeOf(sales.addCard(sales.state().saleId!, {}))).toBe('INVALID_INPUT');
    expect(hq.sent).toEqual([]);
  });
});
