import { describe, expect, it } from 'vitest';
import { migrateFrom } from './migrate-from.testing';

describe('migration 11: orders', () => {
  it('keeps completed sales as sales, adds refunds referencing an original, the member of a sale and append-only day closes', () => {
    const db = migrateFrom(10, (old) => {
      old.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Ana', 'cashier', 'scrypt$1$1$1$a$b', 1)").run();
      old.prepare("INSERT INTO sales (id, status, cashier_id, currency, sequence, number, total, created_at, completed_at) VALUES ('s1', 'completed', 'u1', 'EUR', 1, 'S01-R01-1', 258, 1, 2)").run();
      old.prepare("INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at) VALUES ('l1', 's1', 0, 'A', 'Apple', 2, 129, 'reduced', 258, 1)").run();
    });
    expect(db.prepare('SELECT kind, member_id, original_order_id FROM sales').get()).toEqual({ kind: 'sale', member_id: null, original_order_id: null });
    expect(db.prepare('SELECT original_line_index FROM sale_lines').pluck().get()).toBeNull();
    db.prepare("UPDATE sales SET member_id = 'M-1' WHERE id = 's1'").run();
    db.prepare(
      "INSERT INTO sales (id, status, kind, cashier_id, currency, sequence, number, total, created_at, completed_at, original_order_id) VALUES ('r1', 'completed', 'refund', 'u1', 'EUR', 2, 'S01-R01-2', -129, 3, 3, 's1')",
    ).run();
    db.prepare("INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at, original_line_index) VALUES ('rl1', 'r1', 0, 'A', 'Apple', -1, 129, 'reduced', -129, 3, 0)").run();
    // Only a refund references an original; a kind is a sale or a refund.
    expect(() => db.prepare("UPDATE sales SET original_order_id = 'r1' WHERE id = 's1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE sales SET kind = 'return' WHERE id = 's1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE sale_lines SET original_line_index = -1 WHERE id = 'rl1'").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO day_closes (id, closed_at, closed_by, unsynced_operations, manager_confirmed, report) VALUES ('d1', 5, 'Max', 3, 1, '{}')").run();
    expect(() => db.prepare("UPDATE day_closes SET unsynced_operations = 0").run()).toThrow(/never changed/);
    expect(() => db.prepare('DELETE FROM day_closes').run()).toThrow(/never deleted/);
    expect(() => db.prepare("INSERT INTO day_closes (id, closed_at, closed_by, unsynced_operations, manager_confirmed, report) VALUES ('d2', 6, 'Max', 0, 0, 'not json')").run()).toThrow(/CHECK/);
  });
});
