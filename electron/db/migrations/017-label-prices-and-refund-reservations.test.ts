import { describe, expect, it } from 'vitest';
import { migrateFrom } from './migrate-from.testing';

describe('migration 17: label prices and refund reservations', () => {
  it('leaves every product it finds unmarked for label prices, and keeps refund reservations with a readable draft', () => {
    const db = migrateFrom(16, (old) => {
      old.prepare("INSERT INTO products (sku, name, price, tax_class, active, updated_at) VALUES ('GIFT-50', 'Gift Card 50.00', 5000, 'zero', 1, 1)").run();
    });
    expect(db.prepare("SELECT price_by_label FROM products WHERE sku = 'GIFT-50'").pluck().get()).toBe(0);
    expect(() => db.prepare("UPDATE products SET price_by_label = 2 WHERE sku = 'GIFT-50'").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO refund_reservations (id, original_order_id, amount, draft, created_at) VALUES ('r1', 's1', 129, '{}', 1)").run();
    expect(() => db.prepare("INSERT INTO refund_reservations (id, original_order_id, amount, draft, created_at) VALUES ('r2', 's1', 129, 'not json', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO refund_reservations (id, original_order_id, amount, draft, created_at) VALUES ('r3', 's1', -1, '{}', 1)").run()).toThrow(/CHECK/);
  });
});
