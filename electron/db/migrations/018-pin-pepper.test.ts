import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/factories';
import { openDatabase } from '../open';
import { migrations } from './index';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

describe('migration 18: PIN pepper', () => {
  it('keeps the cached users as they were and adds an empty pin_pepper record (the start-up step wraps the hashes)', () => {
    const { dir, cleanup } = makeTempDir();
    const file = path.join(dir, 'kassa.db');
    const before = openDatabase(file, { migrations: migrations.filter((m) => m.version < 18) });
    before.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Ana', 'cashier', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', 1)").run();
    before.close();
    const db = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 18) });
    cleanups.push(() => {
      db.close();
      cleanup();
    });
    expect(db.pragma('user_version', { simple: true })).toBe(18);
    expect(db.prepare('SELECT pin_hash FROM users').pluck().get()).toBe('scrypt$16384$8$1$c2FsdA==$aGFzaA==');
    expect(db.prepare('SELECT count(*) FROM pin_pepper').pluck().get()).toBe(0);
    db.prepare("INSERT INTO pin_pepper (singleton, fingerprint, wrapped_at) VALUES (1, 'fp', 2)").run();
    expect(() => db.prepare("INSERT INTO pin_pepper (singleton, fingerprint, wrapped_at) VALUES (2, 'fp', 2)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO pin_pepper (singleton, fingerprint, wrapped_at) VALUES (1, 'again', 2)").run()).toThrow(/UNIQUE|PRIMARY/);
  });
});
