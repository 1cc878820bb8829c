import { describe, expect, it } from 'vitest';
import { migrateFrom } from './migrate-from.testing';

describe('migration 21: cash management', () => {
  it('adds drawer sessions (one open at a time, closed ones never change) and an append-only journal of signed movements', () => {
    const db = migrateFrom(20);
    const session = db.prepare(
      "INSERT INTO cash_sessions (id, currency, opened_at, opened_by, float_amount, opened_at_first_sale) VALUES (?, 'EUR', 1, 'u1', ?, 0)",
    );
    session.run('s1', 10_000);
    expect(() => session.run('s2', 0)).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO cash_movements (id, session_id, kind, amount, user_id, at) VALUES ('m0', 's1', 'paid-out', 500, 'u1', 2)").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO cash_movements (id, session_id, kind, amount, user_id, at) VALUES ('m1', 's1', 'paid-out', -500, 'u1', 2)").run();
    expect(() => db.prepare("UPDATE cash_movements SET amount = -1 WHERE id = 'm1'").run()).toThrow(/never changed/);
    expect(() => db.prepare("UPDATE cash_sessions SET closed_at = 3 WHERE id = 's1'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE cash_sessions SET counted_at = 3, counted_by = 'u1', counted_amount = 9500, expected_amount = 9500 WHERE id = 's1'").run();
    db.prepare("UPDATE cash_sessions SET closed_at = 4, closed_by = 'u1' WHERE id = 's1'").run();
    expect(() => db.prepare("UPDATE cash_sessions SET variance_note = 'x' WHERE id = 's1'").run()).toThrow(/never changed/);
    session.run('s2', 0);
  });
});
