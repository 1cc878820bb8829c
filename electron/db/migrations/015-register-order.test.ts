import { describe, expect, it } from 'vitest';
import { migrateFrom } from './migrate-from.testing';

describe('migration 15: the register’s own order', () => {
  it('numbers the waiting operations in their old order, numbers new ones after them, and gives each day close the sale sequence it covered', () => {
    const db = migrateFrom(14, (old) => {
      const op = old.prepare("INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES (?, 'sale', ?, 'completed', '{}', ?)");
      op.run('o-b', 's2', 2000);
      op.run('o-a', 's1', 1000);
      op.run('o-c', 's3', 2000);
      old.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Ana', 'cashier', 'scrypt$x', 1)").run();
      const sale = old.prepare(
        "INSERT INTO sales (id, status, cashier_id, currency, created_at, sequence, number, completed_at, total) VALUES (?, 'completed', 'u1', 'EUR', ?, ?, ?, ?, 100)",
      );
      sale.run('s1', 1000, 1, 'R1-000001', 1000);
      sale.run('s2', 2000, 2, 'R1-000002', 2000);
      sale.run('s3', 3000, 3, 'R1-000003', 3000);
      old.prepare("INSERT INTO day_closes (id, closed_at, closed_by, unsynced_operations, manager_confirmed, report) VALUES ('d1', 2500, 'Max', 0, 0, '{}')").run();
    });
    expect(db.prepare('SELECT id FROM outbox ORDER BY seq').pluck().all()).toEqual(['o-a', 'o-b', 'o-c']);
    db.prepare("INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES ('o-d', 'sale', 's4', 'completed', '{}', 1)").run();
    expect(db.prepare("SELECT seq FROM outbox WHERE id = 'o-d'").pluck().get()).toBe(4);
    // One put back with its own number keeps it; a number is never given twice.
    db.prepare("INSERT INTO outbox (id, entity, entity_id, type, payload, created_at, seq) VALUES ('o-old', 'sale', 's0', 'completed', '{}', 1, 0)").run();
    expect(db.prepare('SELECT id FROM outbox ORDER BY seq').pluck().all()).toEqual(['o-old', 'o-a', 'o-b', 'o-c', 'o-d']);
    expect(() => db.prepare("INSERT INTO outbox (id, entity, entity_id, type, payload, created_at, seq) VALUES ('o-x', 'sale', 's9', 'completed', '{}', 1, 4)").run()).toThrow(/UNIQUE/);
    expect(db.prepare("SELECT last_sequence FROM day_closes WHERE id = 'd1'").pluck().get()).toBe(2);
    expect(() => db.prepare("UPDATE day_closes SET last_sequence = 3").run()).toThrow(/never changed/);
  });
});
