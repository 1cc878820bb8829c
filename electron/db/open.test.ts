import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDatabase, makeTempDir } from '../test/factories';
import { DatabaseFromFutureError, DatabaseUnreadableError } from './errors';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations';
import { draftTransaction, openDatabase } from './open';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

function tempFile(): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  return path.join(dir, 'kassa.db');
}

describe('openDatabase', () => {
  const mode = (file: string) => fs.statSync(file).mode & 0o777;

  it.skipIf(process.platform === 'win32')('creates the database, its -wal and -shm readable by this account only (0600)', () => {
    const file = tempFile();
    const db = openDatabase(file);
    db.exec('CREATE TABLE mode_probe (v INTEGER) STRICT; INSERT INTO mode_probe VALUES (1)');
    try {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
    } finally {
      db.close();
    }
  });

  it.skipIf(process.platform === 'win32')('makes a database an older version left readable to others (0644) 0600 again on open, -wal and -shm too', () => {
    const file = tempFile();
    const first = openDatabase(file);
    first.exec('CREATE TABLE mode_probe (v INTEGER) STRICT; INSERT INTO mode_probe VALUES (1)');
    // A second connection keeps -wal and -shm on disk while the files are widened and reopened.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.chmodSync(f, 0o644);
    const again = openDatabase(file);
    try {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
    } finally {
      again.close();
      first.close();
    }
  });

  it('sets WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const { db, close } = makeDatabase();
    cleanups.push(close);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('a draft (cart) write commits with synchronous=NORMAL and always leaves the connection FULL again, also when it fails', () => {
    const { db, close } = makeDatabase();
    cleanups.push(close);
    db.exec('CREATE TABLE draft_probe (v INTEGER) STRICT');
    const inside = draftTransaction(db, () => {
      db.prepare('INSERT INTO draft_probe (v) VALUES (1)').run();
      return db.pragma('synchronous', { simple: true });
    });
    expect(inside).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(() =>
      draftTransaction(db, () => {
        db.prepare('INSERT INTO draft_probe (v) VALUES (2)').run();
        throw new Error('the cart rule refused it');
      }),
    ).toThrow('the cart rule refused it');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.prepare('SELECT v FROM draft_probe').pluck().all()).toEqual([1]);
  });

  it('brings a new database to the latest schema version', () => {
    const { db, close } = makeDatabase();
    cleanups.push(close);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('zeroes deleted and overwritten rows in the file (secure_delete), so a removed card token leaves no bytes', () => {
    const { db, close } = makeDatabase();
    cleanups.push(close);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
  });

  it('is idempotent: reopening a current database runs nothing and keeps the data', () => {
    const file = tempFile();
    const first = openDatabase(file);
    first.prepare("INSERT INTO products (sku, name, price, tax_class, updated_at) VALUES ('A1', 'Apple', 50, 'reduced', 1)").run();
    first.close();
    const again = openDatabase(file);
    expect(again.prepare('SELECT name FROM products').pluck().get()).toBe('Apple');
    again.close();
  });

  it('refuses a database from a newer Kassa with a clear error and leaves the file untouched', () => {
    const file = tempFile();
    const future = new Database(file);
    future.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 3}`);
    future.exec('CREATE TABLE from_the_future (x INTEGER) STRICT');
    future.close();
    const before = fs.readFileSync(file);

    expect(() => openDatabase(file)).toThrow(DatabaseFromFutureError);
    expect(() => openDatabase(file)).toThrow(/newer version of Kassa \(schema \d+; this version knows up to \d+\).*not been changed/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a file that is not a database, without changing it', () => {
    const file = tempFile();
    fs.writeFileSync(file, 'this is a receipt, not a database'.repeat(200));
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(DatabaseUnreadableError);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('rolls back a migration that fails, leaving the previous version', () => {
    const file = tempFile();
    const broken = [...migrations.slice(0, 2), { version: 3, name: 'broken', up: (db: Database.Database) => db.exec('CREATE TABLE half (x INTEGER) STRICT; SELECT * FROM nowhere;') }];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(/nowhere/);
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });
});
