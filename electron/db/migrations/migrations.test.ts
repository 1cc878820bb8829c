import { describe, expect, it } from 'vitest';
import type { KassaDatabase } from '../open';
import { migrateFrom } from './migrate-from.testing';

const columns = (db: KassaDatabase, table: string) => (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
const isStrict = (db: KassaDatabase, table: string) =>
  (db.pragma('table_list') as { name: string; strict: number }[]).find((t) => t.name === table)?.strict === 1;

const insertUser = (db: KassaDatabase) =>
  db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Ana', 'cashier', 'scrypt$1$1$1$a$b', 1)").run();
const insertSale = (db: KassaDatabase) =>
  db.prepare("INSERT INTO sales (id, status, cashier_id, currency, created_at) VALUES ('s1', 'open', 'u1', 'EUR', 1)").run();

describe('migration 1: products', () => {
  it('creates STRICT products and barcodes tables that reject bad rows', () => {
    const db = migrateFrom(0);
    expect(columns(db, 'products')).toEqual(['sku', 'name', 'price', 'tax_class', 'active', 'updated_at']);
    expect(isStrict(db, 'products') && isStrict(db, 'product_barcodes')).toBe(true);
    db.prepare("INSERT INTO products (sku, name, price, tax_class, updated_at) VALUES ('A', 'Apple', 50, 'reduced', 1)").run();
    db.prepare("INSERT INTO product_barcodes (barcode, sku) VALUES ('4000000000017', 'A')").run();
    expect(() => db.prepare("INSERT INTO products (sku, name, price, tax_class, updated_at) VALUES ('B', 'B', 1.5, 'reduced', 1)").run()).toThrow();
    expect(() => db.prepare("INSERT INTO products (sku, name, price, tax_class, updated_at) VALUES ('C', 'C', 1, 'luxury', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO product_barcodes (barcode, sku) VALUES ('4000000000024', 'nope')").run()).toThrow(/FOREIGN KEY/);
  });
});

describe('migration 2: users', () => {
  it('keeps the catalog and adds users that must carry a scrypt hash', () => {
    const db = migrateFrom(1, (old) => old.prepare("INSERT INTO products (sku, name, price, tax_class, updated_at) VALUES ('A', 'Apple', 50, 'reduced', 1)").run());
    expect(db.prepare('SELECT count(*) FROM products').pluck().get()).toBe(1);
    insertUser(db);
    expect(() => db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u2', 'Eve', 'cashier', '1234', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u3', 'Bob', 'owner', 'scrypt$x', 1)").run()).toThrow(/CHECK/);
  });
});

describe('migration 3: sales', () => {
  it('keeps users and adds sales whose completion needs a number and a sequence', () => {
    const db = migrateFrom(2, insertUser);
    expect(db.prepare('SELECT name FROM users').pluck().get()).toBe('Ana');
    insertSale(db);
    db.prepare("INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at) VALUES ('l1', 's1', 1, 'A', 'Apple', 2, 50, 'reduced', 100, 1)").run();
    expect(() => db.prepare("UPDATE sales SET status = 'completed' WHERE id = 's1'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE sales SET status = 'completed', sequence = 1, number = 'S01-R01-1', completed_at = 2 WHERE id = 's1'").run();
    expect(() => db.prepare("INSERT INTO sales (id, status, cashier_id, currency, created_at) VALUES ('s2', 'open', 'nobody', 'EUR', 1)").run()).toThrow(/FOREIGN KEY/);
  });
});

describe('migration 4: payments', () => {
  it('keeps sales and adds payments tied to a sale', () => {
    const db = migrateFrom(3, (old) => {
      insertUser(old);
      insertSale(old);
    });
    expect(db.prepare('SELECT id FROM sales').pluck().get()).toBe('s1');
    db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, created_at) VALUES ('p1', 's1', 'cash', 100, 'approved', 1)").run();
    expect(() => db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, created_at) VALUES ('p2', 's1', 'cheque', 100, 'approved', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, created_at) VALUES ('p3', 'nope', 'cash', 100, 'approved', 1)").run()).toThrow(/FOREIGN KEY/);
  });
});

describe('migration 5: outbox', () => {
  it('keeps payments and adds an outbox that only takes JSON payloads', () => {
    const db = migrateFrom(4, (old) => {
      insertUser(old);
      insertSale(old);
      old.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, created_at) VALUES ('p1', 's1', 'cash', 100, 'approved', 1)").run();
    });
    expect(db.prepare('SELECT amount FROM payments').pluck().get()).toBe(100);
    expect(columns(db, 'outbox')).toEqual(['id', 'entity', 'entity_id', 'type', 'payload', 'created_at', 'attempts', 'last_error']);
    db.prepare('INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)').run('o1', 'sale', 's1', 'sale.completed', '{"total":100}', 1);
    expect(() => db.prepare('INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)').run('o2', 'sale', 's1', 'x', 'not json', 1)).toThrow(/CHECK/);
  });
});

describe('migration 6: connectivity log', () => {
  it('keeps the outbox and adds an append-only log of transitions', () => {
    const db = migrateFrom(5, (old) => old.prepare('INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)').run('o1', 'sale', 's1', 'sale.completed', '{}', 1));
    expect(db.prepare('SELECT id FROM outbox').pluck().get()).toBe('o1');
    const insert = db.prepare('INSERT INTO connectivity_log (at, from_state, to_state, from_reasons, reasons, trigger, user) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insert.run(1, 'online', 'offline', '[]', '["manual"]', 'manual.goOffline', 'Ana');
    expect(() => insert.run(2, 'online', 'sideways', '[]', '[]', 'x', null)).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE connectivity_log SET user = NULL').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM connectivity_log').run()).toThrow(/append-only/);
  });
});

describe('migration 7: sync', () => {
  it('keeps users and adds enrolment, sync state, dead letters, the sale sequence and the staging tables', () => {
    const db = migrateFrom(6, insertUser);
    expect(db.prepare('SELECT name FROM users').pluck().get()).toBe('Ana');
    expect(columns(db, 'users')).toContain('last_online_login_at');
    expect(db.prepare('SELECT last FROM register_sequence').pluck().get()).toBe(0);
    expect(() => db.prepare('INSERT INTO register_sequence (singleton, last) VALUES (2, 0)').run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO dead_letters (id, entity, entity_id, type, payload, created_at, code, message, rejected_at) VALUES ('d', 'sale', 's', 'completed', 'nope', 1, 'CONFLICT', 'x', 1)").run()).toThrow(/CHECK/);
    for (const table of ['register_identity', 'sync_state', 'dead_letter_decisions', 'tax_classes', 'promotions', 'products_staging', 'product_barcodes_staging']) {
      expect(isStrict(db, table), table).toBe(true);
    }
  });
});

describe('migration 9: cart operations', () => {
  it('keeps an open sale and its lines, and adds held carts, void reasons, overrides, discounts, weights and the cart journal', () => {
    const db = migrateFrom(8, (old) => {
      insertUser(old);
      insertSale(old);
      old
        .prepare("INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at) VALUES ('l1', 's1', 1, 'A', 'Apple', 2, 50, 'reduced', 100, 1)")
        .run();
    });
    expect(db.prepare('SELECT held_at, void_reason FROM sales').get()).toEqual({ held_at: null, void_reason: null });
    expect(db.prepare('SELECT line_total, discount, original_price, weight_grams FROM sale_lines').get()).toEqual({ line_total: 100, discount: 0, original_price: null, weight_grams: null });
    expect(isStrict(db, 'cart_journal')).toBe(true);
    expect(() => db.prepare("UPDATE sale_lines SET discount = -1 WHERE id = 'l1'").run()).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO cart_journal (id, sale_id, action, detail, user_id, at) VALUES ('j1', 's1', 'teleport', '{}', 'u1', 1)").run(),
    ).toThrow(/CHECK/);
  });
});

describe('migration 10: pricing', () => {
  it('keeps completed lines as they were (no promotion) and adds the promotion, the sale-wide discount and the tax per class', () => {
    const db = migrateFrom(9, (old) => {
      insertUser(old);
      insertSale(old);
      old
        .prepare("INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at) VALUES ('l1', 's1', 1, 'A', 'Apple', 2, 50, 'reduced', 100, 1)")
        .run();
    });
    expect(db.prepare('SELECT line_total, promotion_id, promotion_name, promotion_saving FROM sale_lines').get()).toEqual({ line_total: 100, promotion_id: null, promotion_name: null, promotion_saving: 0 });
    expect(db.prepare('SELECT sale_discount, sale_discount_name, taxes FROM sales').get()).toEqual({ sale_discount: 0, sale_discount_name: null, taxes: null });
    expect(() => db.prepare("UPDATE sale_lines SET promotion_saving = -1 WHERE id = 'l1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE sales SET taxes = 'not json' WHERE id = 's1'").run()).toThrow(/CHECK/);
  });
});
