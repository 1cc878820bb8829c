import { describe, expect, it } from 'vitest';
import { migrateFrom } from './migrate-from.testing';

describe('migration 12: membership', () => {
  it('adds the member cache and an append-only STRICT points ledger, and makes the register pull the feed again for the members it skipped', () => {
    const db = migrateFrom(11, (old) => old.prepare("INSERT INTO sync_state (key, value) VALUES ('lastSeq', '4711')").run());
    expect(db.prepare("SELECT value FROM sync_state WHERE key = 'lastSeq'").get()).toEqual({ value: '0' });
    const strict = (db.pragma('table_list') as { name: string; strict: number }[]).filter((t) => ['members', 'point_ledger'].includes(t.name));
    expect(strict.map((t) => t.strict)).toEqual([1, 1]);
    db.prepare("INSERT INTO members (id, name, phone, created_at, updated_at) VALUES ('m1', 'Mia', '0611', 1, 1)").run();
    db.prepare("INSERT INTO point_ledger (id, member_id, delta, reason, origin, created_at) VALUES ('e1', 'm1', 10, 'earn', 'register', 1)").run();
    expect(() => db.prepare("INSERT INTO point_ledger (id, member_id, delta, reason, origin, created_at) VALUES ('e2', 'm1', 0, 'earn', 'register', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO point_ledger (id, member_id, delta, reason, origin, created_at) VALUES ('e3', 'm1', 5, 'gift', 'register', 1)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE point_ledger SET delta = 11 WHERE id = 'e1'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM point_ledger WHERE id = 'e1'").run()).toThrow(/append-only/);
    // A merge moves entries to HQ's member id; that is allowed.
    db.prepare("UPDATE point_ledger SET member_id = 'm2', in_base = 1 WHERE id = 'e1'").run();
  });

  it('leaves a register that never pulled at the start of the feed', () => {
    const db = migrateFrom(11, () => {});
    expect(db.prepare("SELECT value FROM sync_state WHERE key = 'lastSeq'").get()).toBeUndefined();
  });
});
