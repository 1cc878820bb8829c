import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../../shared/api';
import { makeEmbeddedBarcode, readEmbeddedBarcode } from '../../../shared/barcode';
import { KassaError } from '../../../shared/errors';
import { openDatabase } from '../../db/open';
import { makeDatabase, makeProduct } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';

const manager: User = { id: 'max', name: 'Max', role: 'manager' };
const managerByPin = async (pin: string) => {
  if (pin === '9999') return manager;
  throw new KassaError('NOT_A_MANAGER', 'That is not a manager’s PIN. Ask a manager to enter theirs.');
};
let rule: { prefix: string; value: 'price' | 'weight' } = { prefix: '2', value: 'price' };

let close: () => void;
let file: string;
let db: ReturnType<typeof openDatabase>;
let cart: CartService;
const milk = makeProduct({ name: 'Whole Milk 1 L', price: 129 });
const bread = makeProduct({ name: 'Sourdough 800 g', price: 349 });
const bananas = makeProduct({ sku: 'SKU-000003', name: 'Bananas per kg', price: 159, priceByLabel: true });
const cheese = makeProduct({ sku: 'DELI-7', name: 'Deli Gouda per kg', price: 1890, barcodes: [makeEmbeddedBarcode('2', '123456', 0)], priceByLabel: true });
const giftCard = makeProduct({ sku: 'GIFT-001981', name: 'Gift Card 50.00', price: 5000, taxClass: 'zero' });

function service(on: ReturnType<typeof openDatabase>): CartService {
  const catalog = new CatalogRepository(on);
  return new CartService(new CartRepository(on), catalog, 'EUR', { newId: uuidv7, managerByPin, embeddedBarcode: () => rule });
}

beforeEach(() => {
  const made = makeDatabase();
  ({ close, file, db } = made);
  new UsersRepository(db).add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  new CatalogRepository(db).upsertMany([milk, bread, bananas, cheese, giftCard]);
  rule = { prefix: '2', value: 'price' };
  cart = service(db);
});
afterEach(() => close());

async function failure(run: () => unknown): Promise<KassaError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof KassaError) return error;
    throw error;
  }
  throw new Error('expected a KassaError');
}

const lineOf = (sku: string) => cart.get().lines.find((l) => l.sku === sku)!;
const journal = () => db.prepare('SELECT action, manager_id AS managerId FROM cart_journal ORDER BY at, rowid').all();

describe('quantity', () => {
  it('typing 3 for milk at 1.29 makes the line 3.87', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const after = cart.setQuantity(lineOf(milk.sku).id, 3, 'ana');
    expect(after.lines[0]).toMatchObject({ quantity: 3, lineTotal: 387 });
    expect(after).toMatchObject({ total: 387, itemCount: 3 });
    expect(journal()).toEqual([{ action: 'quantity', managerId: null }]);
  });

  it('refuses 0 and points to Void line, leaving the cart as it was', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const before = cart.get();
    const error = await failure(() => cart.setQuantity(before.lines[0]!.id, 0, 'ana'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/at least 1.*Void line/);
    expect(cart.get()).toEqual(before);
  });

  it('refuses 10,000 (more than 9,999) with a clear message', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const error = await failure(() => cart.setQuantity(lineOf(milk.sku).id, 10_000, 'ana'));
    expect(error.message).toMatch(/above 9,999 is not accepted/);
    expect(lineOf(milk.sku).quantity).toBe(1);
    expect(cart.setQuantity(lineOf(milk.sku).id, 9_999, 'ana').lines[0]!.quantity).toBe(9_999);
  });

  it('refuses a negative quantity', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    expect((await failure(() => cart.setQuantity(lineOf(milk.sku).id, -2, 'ana'))).code).toBe('INVALID_INPUT');
  });

  it('says so when the line is not in the cart', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    expect((await failure(() => cart.setQuantity('no-such-line', 2, 'ana'))).code).toBe('NOT_FOUND');
  });
});

describe('line void', () => {
  it('takes the line off and the total down, and journals it', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    cart.scan(bread.barcodes[0]!, 'ana');
    const after = cart.voidLine(lineOf(milk.sku).id, 'ana');
    expect(after.lines.map((l) => l.sku)).toEqual([bread.sku]);
    expect(after.total).toBe(349);
    expect(journal()).toEqual([{ action: 'void-line', managerId: null }]);
  });

  it('refuses to void a line that is not in the cart (NOT_FOUND), cart unchanged', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const before = cart.get();
    const error = await failure(() => cart.voidLine('not-a-line', 'ana'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(/not in the cart/);
    expect(cart.get()).toEqual(before);
  });

  it('refuses to void the same line twice', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const id = lineOf(milk.sku).id;
    cart.voidLine(id, 'ana');
    expect((await failure(() => cart.voidLine(id, 'ana'))).code).toBe('NOT_FOUND');
  });
});

describe('whole-cart void', () => {
  it('voids the sale with its reason and leaves an empty cart; the sale is kept for the record', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const id = cart.get().id!;
    const after = cart.voidSale('Customer left without paying', 'ana');
    expect(after).toMatchObject({ id: null, lines: [], total: 0 });
    expect(db.prepare('SELECT status, void_reason AS reason, voided_by AS by FROM sales WHERE id = ?').get(id)).toEqual({
      status: 'voided',
      reason: 'Customer left without paying',
      by: 'ana',
    });
  });

  it('refuses to void or hold a sale a payment was already taken for', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const id = cart.get().id!;
    db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, created_at) VALUES ('p1', ?, 'cash', 100, 'approved', 1)").run(id);
    expect((await failure(() => cart.voidSale('Customer left', 'ana'))).message).toMatch(/payment was already taken/);
    expect((await failure(() => cart.hold('Later', 'ana'))).code).toBe('NOT_ALLOWED');
    expect(cart.get().id).toBe(id);
  });

  it('needs a reason of at least 3 characters', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    expect((await failure(() => cart.voidSale('  ', 'ana'))).code).toBe('INVALID_INPUT');
    expect(cart.get().lines).toHaveLength(1);
  });

  it('says there is nothing to void on an empty cart', async () => {
    expect((await failure(() => cart.voidSale('mistake', 'ana'))).code).toBe('NOT_FOUND');
  });
});

describe('price override by a manager', () => {
  it('manager PIN 9999 sets bread to 2.00: the line shows 2.00 and remembers 3.49', async () => {
    cart.scan(bread.barcodes[0]!, 'ana');
    cart.scan(bread.barcodes[0]!, 'ana');
    const after = await cart.overridePrice(lineOf(bread.sku).id, 200, '9999', 'ana');
    expect(after.lines[0]).toMatchObject({ unitPrice: 200, originalPrice: 349, quantity: 2, lineTotal: 400 });
    expect(journal()).toEqual([{ action: 'price-override', managerId: 'max' }]);
  });

  it('refuses a wrong manager PIN and changes nothing', async () => {
    cart.scan(bread.barcodes[0]!, 'ana');
    const before = cart.get();
    const error = await failure(() => cart.overridePrice(before.lines[0]!.id, 200, '1234', 'ana'));
    expect(error.code).toBe('NOT_A_MANAGER');
    expect(cart.get()).toEqual(before);
    expect(journal()).toEqual([]);
  });

  it('refuses a negative price before asking for the PIN', async () => {
    cart.scan(bread.barcodes[0]!, 'ana');
    const error = await failure(() => cart.overridePrice(lineOf(bread.sku).id, -1, '9999', 'ana'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/cannot be negative/);
    expect(lineOf(bread.sku).unitPrice).toBe(349);
  });

  it('a scan of the same product after an override starts its own line at the catalog price', async () => {
    cart.scan(bread.barcodes[0]!, 'ana');
    await cart.overridePrice(lineOf(bread.sku).id, 200, '9999', 'ana');
    const after = cart.scan(bread.barcodes[0]!, 'ana');
    expect(after.lines.map((l) => [l.quantity, l.unitPrice])).toEqual([
      [1, 200],
      [1, 349],
    ]);
  });
});

describe('line discount by a manager', () => {
  it('10 % off 3 × 3.49 (10.47) takes 1.05 off: the line is 9.42', async () => {
    cart.scan(bread.barcodes[0]!, 'ana');
    cart.setQuantity(lineOf(bread.sku).id, 3, 'ana');
    const after = await cart.discount(lineOf(bread.sku).id, { percent: 10 }, '9999', 'ana');
    expect(after.lines[0]).toMatchObject({ discount: 105, discountPercent: 10, lineTotal: 942 });
  });

  it('a percentage discount follows a later quantity change: 10 % of 2 × 3.49 is 0.70', async () => {
    cart.scan(bread.barcodes[0]!, 'ana');
    await cart.discount(lineOf(bread.sku).id, { percent: 10 }, '9999', 'ana');
    const after = cart.setQuantity(lineOf(bread.sku).id, 2, 'ana');
    expect(after.lines[0]).toMatchObject({ discount: 70, lineTotal: 628 });
  });

  it('an amount off: 0.50 off milk at 1.29 leaves 0.79', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    expect((await cart.discount(lineOf(milk.sku).id, { amount: 50 }, '9999', 'ana')).total).toBe(79);
  });

  it('refuses more than the line costs, a negative amount, 0 % or 101 %, and a wrong PIN', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const id = lineOf(milk.sku).id;
    expect((await failure(() => cart.discount(id, { amount: 130 }, '9999', 'ana'))).message).toMatch(/more than the line costs/);
    expect((await failure(() => cart.discount(id, { amount: -5 }, '9999', 'ana'))).message).toMatch(/cannot be negative/);
    expect((await failure(() => cart.discount(id, { percent: 0 }, '9999', 'ana'))).code).toBe('INVALID_INPUT');
    expect((await failure(() => cart.discount(id, { percent: 101 }, '9999', 'ana'))).code).toBe('INVALID_INPUT');
    expect((await failure(() => cart.discount(id, { percent: 10 }, '0000', 'ana'))).code).toBe('NOT_A_MANAGER');
    expect(cart.get().total).toBe(129);
  });
});

describe('hold and recall', () => {
  it('holds two carts with their labels, then recalls the first with its lines', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const first = cart.get().id;
    expect(cart.hold('Blue coat', 'ana')).toMatchObject({ id: null, lines: [] });
    cart.scan(bread.barcodes[0]!, 'ana');
    cart.scan(bread.barcodes[0]!, 'ana');
    cart.hold(undefined, 'ana');
    const held = cart.held();
    expect(held.map((h) => [h.label, h.total, h.itemCount])).toEqual([
      ['Blue coat', 129, 1],
      [expect.stringMatching(/^Sale held at \d\d:\d\d$/), 698, 2],
    ]);
    const recalled = cart.recall(first!, 'ana');
    expect(recalled).toMatchObject({ id: first, total: 129 });
    expect(cart.held()).toHaveLength(1);
  });

  it('refuses to recall a cart that is not held', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const open = cart.get().id!;
    const error = await failure(() => cart.recall(open, 'ana'));
    expect(error.code).toBe('CART_NOT_EMPTY');
    cart.voidLine(lineOf(milk.sku).id, 'ana');
    expect((await failure(() => cart.recall(open, 'ana'))).code).toBe('NOT_FOUND');
    expect((await failure(() => cart.recall('never-held', 'ana'))).code).toBe('NOT_FOUND');
  });

  it('refuses to recall over a cart in progress, and to hold an empty cart', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const held = cart.hold('A', 'ana').id;
    expect(held).toBeNull();
    cart.scan(bread.barcodes[0]!, 'ana');
    expect((await failure(() => cart.recall(cart.held()[0]!.id, 'ana'))).code).toBe('CART_NOT_EMPTY');
    cart.voidSale('mistake', 'ana');
    expect((await failure(() => cart.hold('B', 'ana'))).code).toBe('NOT_FOUND');
  });

  it('held carts survive a restart', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    cart.hold('Blue coat', 'ana');
    cart.scan(bread.barcodes[0]!, 'ana');
    const reopened = openDatabase(file);
    try {
      const again = service(reopened);
      expect(again.get()).toMatchObject({ total: 349 });
      expect(again.held().map((h) => h.label)).toEqual(['Blue coat']);
    } finally {
      reopened.close();
    }
  });
});

describe('scale labels (prefix 2: 2 IIIIII VVVVV C)', () => {
  it('reads the layout: item code, zeroed barcode and value', () => {
    expect(readEmbeddedBarcode('2000003012343', { prefix: '2', value: 'price' })).toEqual({
      itemCode: '000003',
      zeroed: makeEmbeddedBarcode('2', '000003', 0),
      value: 'price',
      amount: 1234,
    });
    expect(readEmbeddedBarcode('4000003012343', { prefix: '2', value: 'price' })).toBeNull();
  });

  it('price mode: a label for bananas with 2.37 embedded adds a line of 2.37, never merged', () => {
    cart.scan(makeEmbeddedBarcode('2', '000003', 237), 'ana');
    const after = cart.scan(makeEmbeddedBarcode('2', '000003', 237), 'ana');
    expect(after.lines.map((l) => [l.name, l.quantity, l.lineTotal])).toEqual([
      ['Bananas per kg', 1, 237],
      ['Bananas per kg', 1, 237],
    ]);
  });

  it('weight mode: 0.850 kg of Gouda at 18.90/kg is 16.07 (rounded half up)', () => {
    rule = { prefix: '2', value: 'weight' };
    const after = cart.scan(makeEmbeddedBarcode('2', '123456', 850), 'ana');
    expect(after.lines[0]).toMatchObject({ sku: 'DELI-7', weightGrams: 850, unitPrice: 1890, lineTotal: 1607 });
  });

  it('a weighed line cannot change quantity', async () => {
    rule = { prefix: '2', value: 'weight' };
    cart.scan(makeEmbeddedBarcode('2', '000003', 1200), 'ana');
    expect((await failure(() => cart.setQuantity(lineOf('SKU-000003').id, 2, 'ana'))).code).toBe('NOT_ALLOWED');
  });

  it('an unknown item code and an empty label are refused, the cart unchanged', async () => {
    expect((await failure(() => cart.scan(makeEmbeddedBarcode('2', '999999', 100), 'ana'))).code).toBe('UNKNOWN_BARCODE');
    expect((await failure(() => cart.scan(makeEmbeddedBarcode('2', '000003', 0), 'ana'))).code).toBe('INVALID_BARCODE');
    expect((await failure(() => cart.scan('2000003012344', 'ana'))).code).toBe('INVALID_BARCODE');
    expect(cart.get().lines).toHaveLength(0);
  });
});

describe('label prices only for products marked for them', () => {
  it('a price label naming the gift card’s item code is refused with LABEL_PRICE_NOT_ALLOWED; the cart is unchanged', async () => {
    const error = await failure(() => cart.scan(makeEmbeddedBarcode('2', '001981', 1), 'ana'));
    expect(error.code).toBe('LABEL_PRICE_NOT_ALLOWED');
    expect(error.message).toMatch(/Gift Card 50\.00 is not sold by scale label/);
    expect(cart.get().lines).toHaveLength(0);
    rule = { prefix: '2', value: 'weight' };
    expect((await failure(() => cart.scan(makeEmbeddedBarcode('2', '001981', 1), 'ana'))).code).toBe('LABEL_PRICE_NOT_ALLOWED');
    expect(cart.get().lines).toHaveLength(0);
  });

  it('a produce label still prices; the gift card scanned by its own barcode sells at its price', () => {
    cart.scan(makeEmbeddedBarcode('2', '000003', 318), 'ana');
    const after = cart.scan(giftCard.barcodes[0]!, 'ana');
    expect(after.lines.map((l) => [l.sku, l.lineTotal])).toEqual([
      ['SKU-000003', 318],
      ['GIFT-001981', 5000],
    ]);
  });

  it('the item code must be the SKU or its whole number: a SKU that merely ends in it is not named', async () => {
    new CatalogRepository(db).upsertMany([makeProduct({ sku: 'PLU-1000003', name: 'Bulk Nuts per kg', price: 1200, priceByLabel: true })]);
    const after = cart.scan(makeEmbeddedBarcode('2', '000003', 200), 'ana');
    expect(after.lines.map((l) => l.sku)).toEqual(['SKU-000003']);
    expect((await failure(() => cart.scan(makeEmbeddedBarcode('2', '100003', 200), 'ana'))).code).toBe('UNKNOWN_BARCODE');
  });

  it('an item code two marked products share is refused rather than guessed', async () => {
    new CatalogRepository(db).upsertMany([makeProduct({ sku: 'DELI-000003', name: 'Olives per kg', price: 1500, priceByLabel: true })]);
    const error = await failure(() => cart.scan(makeEmbeddedBarcode('2', '000003', 200), 'ana'));
    expect(error.code).toBe('INVALID_BARCODE');
    expect(error.message).toMatch(/more than one product/);
    expect(cart.get().lines).toHaveLength(0);
  });

  it('the mark follows the catalog: a product no longer marked cannot be label-priced', async () => {
    new CatalogRepository(db).upsertMany([{ ...bananas, priceByLabel: false }]);
    expect((await failure(() => cart.scan(makeEmbeddedBarcode('2', '000003', 200), 'ana'))).code).toBe('LABEL_PRICE_NOT_ALLOWED');
  });
});

describe('search', () => {
  it('finds by part of the name or the SKU, name matches first', () => {
    expect(cart.search('milk').map((p) => p.sku)).toEqual([milk.sku]);
    expect(cart.search('sour 800').map((p) => p.sku)).toEqual([bread.sku]);
    expect(cart.search('deli-7').map((p) => p.sku)).toEqual([cheese.sku]);
    expect(cart.search('100%_')).toEqual([]);
  });
});

describe('undo of a line void', () => {
  it('brings the line back as it was: same id, place, price override and approver', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    cart.scan(bread.barcodes[0]!, 'ana');
    cart.scan(giftCard.barcodes[0]!, 'ana');
    const breadLine = lineOf(bread.sku);
    await cart.overridePrice(breadLine.id, 299, '9999', 'ana');
    const before = cart.get();
    cart.voidLine(breadLine.id, 'ana');
    expect(cart.get().total).toBe(before.total - 299);
    const after = cart.restoreLine(breadLine.id, 'ana');
    expect(after).toEqual(before);
    expect(after.lines.map((l) => l.sku)).toEqual([milk.sku, bread.sku, giftCard.sku]);
    expect(db.prepare('SELECT approved_by AS approvedBy FROM sale_lines WHERE id = ?').get(breadLine.id)).toEqual({ approvedBy: 'max' });
    expect(journal().map((e) => (e as { action: string }).action)).toEqual(['price-override', 'void-line', 'restore-line']);
  });

  it('brings a line back once: a second undo, or an undo of a line never voided, is refused and the cart is unchanged', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const id = lineOf(milk.sku).id;
    expect((await failure(() => cart.restoreLine(id, 'ana'))).code).toBe('NOT_FOUND');
    cart.voidLine(id, 'ana');
    cart.restoreLine(id, 'ana');
    const once = cart.get();
    expect((await failure(() => cart.restoreLine(id, 'ana'))).code).toBe('NOT_FOUND');
    expect(cart.get()).toEqual(once);
    expect(once.lines).toHaveLength(1);
  });

  it('does not bring a line into another sale: after the sale is voided or held the undo is refused', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    cart.scan(bread.barcodes[0]!, 'ana');
    const id = lineOf(milk.sku).id;
    cart.voidLine(id, 'ana');
    cart.hold('later', 'ana');
    cart.scan(giftCard.barcodes[0]!, 'ana');
    expect((await failure(() => cart.restoreLine(id, 'ana'))).code).toBe('NOT_FOUND');
    expect(cart.get().lines.map((l) => l.sku)).toEqual([giftCard.sku]);
  });

  it('is refused once a payment was taken on the sale', async () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    cart.scan(bread.barcodes[0]!, 'ana');
    const id = lineOf(milk.sku).id;
    cart.voidLine(id, 'ana');
    const saleId = cart.get().id!;
    db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, created_at) VALUES ('p1', ?, 'cash', 349, 'approved', 1)").run(saleId);
    expect((await failure(() => cart.restoreLine(id, 'ana'))).code).toBe('NOT_FOUND');
    expect(cart.get().total).toBe(349);
  });
});

describe('quantity of the next scan ("n *")', () => {
  it('adds n of the scanned item in one line, and n more on a line already there', () => {
    cart.scan(milk.barcodes[0]!, 'ana', 3);
    expect(lineOf(milk.sku)).toMatchObject({ quantity: 3, lineTotal: 387 });
    cart.scan(milk.barcodes[0]!, 'ana', 2);
    expect(lineOf(milk.sku)).toMatchObject({ quantity: 5, lineTotal: 645 });
    expect(cart.get().lines).toHaveLength(1);
  });

  it('refuses a quantity below 1 and a quantity on a scale label, cart unchanged', async () => {
    expect((await failure(() => cart.scan(milk.barcodes[0]!, 'ana', 0))).code).toBe('INVALID_INPUT');
    expect((await failure(() => cart.scan(makeEmbeddedBarcode('2', '123456', 250), 'ana', 2))).code).toBe('NOT_ALLOWED');
    expect(cart.get().lines).toHaveLength(0);
  });
});
