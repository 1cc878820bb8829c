import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KassaError } from '../../../shared/errors';
import { openDatabase } from '../../db/open';
import { makeDatabase, makeEan13, makeProduct } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';

let close: () => void;
let file: string;
let catalog: CatalogRepository;
let cart: CartService;
const milk = makeProduct({ name: 'Whole Milk 1 L', price: 129 });
const bread = makeProduct({ name: 'Sourdough 800 g', price: 349, barcodes: [makeEan13(), '0036000291452'] });

function service(db: ReturnType<typeof openDatabase>): CartService {
  catalog = new CatalogRepository(db);
  return new CartService(new CartRepository(db), catalog, 'EUR', { newId: uuidv7 });
}

beforeEach(() => {
  const made = makeDatabase();
  close = made.close;
  file = made.file;
  new UsersRepository(made.db).add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  cart = service(made.db);
  catalog.upsertMany([milk, bread]);
});
afterEach(() => close());

const codeOf = (error: unknown) => (error instanceof KassaError ? error.code : error);

describe('the cart', () => {
  it('adds scanned products as lines and totals them in minor units', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const after = cart.scan(bread.barcodes[0]!, 'ana');
    expect(after.lines.map((l) => [l.name, l.quantity, l.lineTotal])).toEqual([
      ['Whole Milk 1 L', 1, 129],
      ['Sourdough 800 g', 1, 349],
    ]);
    expect(after.total).toBe(478);
    expect(after.itemCount).toBe(2);
  });

  it('raises the quantity when the same product is scanned again', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const after = cart.scan(milk.sku, 'ana');
    expect(after.lines).toHaveLength(1);
    expect(after.lines[0]).toMatchObject({ quantity: 2, lineTotal: 258 });
  });

  it('finds a product by UPC-A as well as by its EAN-13', () => {
    expect(cart.lookup('036000291452').sku).toBe(bread.sku);
  });

  it('refuses an unknown barcode and leaves the cart unchanged', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    const before = cart.get();
    let error: unknown;
    try {
      cart.scan('4006381333931', 'ana');
    } catch (e) {
      error = e;
    }
    expect(codeOf(error)).toBe('UNKNOWN_BARCODE');
    expect((error as Error).message).toMatch(/No product with barcode "4006381333931".*cart is unchanged/);
    expect(cart.get()).toEqual(before);
  });

  it('refuses a misread barcode (wrong check digit) with its own message', () => {
    expect(() => cart.scan('4006381333932', 'ana')).toThrow(/did not read correctly \(its check digit is wrong\)/);
    expect(cart.get().lines).toHaveLength(0);
  });

  it('keeps the open cart across a restart (every scan is written at once)', () => {
    cart.scan(milk.barcodes[0]!, 'ana');
    cart.scan(bread.barcodes[0]!, 'ana');
    const reopened = openDatabase(file);
    try {
      expect(service(reopened).get()).toMatchObject({ total: 478, itemCount: 2 });
    } finally {
      reopened.close();
    }
  });
});
