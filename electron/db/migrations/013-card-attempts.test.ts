import { describe, expect, it } from 'vitest';
import { migrateFrom } from './migrate-from.testing';

describe('migration 13: card attempts', () => {
  it('adds a STRICT card_attempts table that holds four digits of a card, never more, and only known states', () => {
    const db = migrateFrom(12, (old) => {
      old.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Ana', 'cashier', 'scrypt$x', 1)").run();
      old.prepare("INSERT INTO sales (id, status, cashier_id, currency, created_at) VALUES ('s1', 'open', 'u1', 'EUR', 1)").run();
    });
    const table = (db.pragma('table_list') as { name: string; strict: number }[]).find((t) => t.name === 'card_attempts');
    expect(table?.strict).toBe(1);
    db.prepare("INSERT INTO card_attempts (id, sale_id, amount, currency, card_last4, status, created_at, updated_at) VALUES ('p1', 's1', 500, 'EUR', '4242', 'sent', 1, 1)").run();
    expect(() =>
      db.prepare("INSERT INTO card_attempts (id, sale_id, amount, currency, card_last4, status, created_at, updated_at) VALUES ('p2', 's1', 500, 'EUR', '4242424242424242', 'sent', 1, 1)").run(),
    ).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO card_attempts (id, sale_id, amount, currency, card_last4, status, created_at, updated_at) VALUES ('p3', 's1', 500, 'EUR', '4242', 'maybe', 1, 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO card_attempts (id, sale_id, amount, currency, card_last4, status, created_at, updated_at) VALUES ('p4', 'nope', 500, 'EUR', '4242', 'sent', 1, 1)").run()).toThrow(/FOREIGN KEY/);
  });
});
