import fs from 'node:fs';
import Database from 'better-sqlite3';
import { createPrivateFile, restrictToOwner } from '../fs/private-files';
import { DatabaseFromFutureError, DatabaseUnreadableError } from './errors';
import { migrations as allMigrations } from './migrations';
import type { Migration } from './migrations/types';

export type KassaDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** Path of a better_sqlite3.node built for the running host (Electron's ABI differs from Node's). */
  nativeBinding?: string;
  /** The migrations to run; tests pass a prefix to build a database of an older version. */
  migrations?: readonly Migration[];
}

/**
 * Opens the register database, sets the pragmas Kassa relies on and brings the schema up to date. The file
 * and its -wal and -shm are readable by this account only (0600), also when an older version left them wider.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): KassaDatabase {
  const migrations = options.migrations ?? allMigrations;
  const onDisk = path !== ':memory:' && path !== '';
  let db: KassaDatabase;
  try {
    // SQLite gives the -wal and -shm files the database file's mode: the file is made 0600 before SQLite opens it.
    if (onDisk) createPrivateFile(path);
    db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    // Reading the schema version is the first real read of the file: a damaged or foreign file fails here.
    db.pragma('user_version', { simple: true });
  } catch (error) {
    if (fs.existsSync(path) && isNotADatabase(error)) throw new DatabaseUnreadableError(path, error);
    throw error;
  }
  try {
    const version = schemaVersion(db);
    const known = migrations.length ? migrations[migrations.length - 1]!.version : 0;
    // Checked before any pragma that writes: a database from the future is never touched.
    if (version > known) throw new DatabaseFromFutureError(path, version, known);
    db.pragma('journal_mode = WAL');
    if (onDisk) restrictToOwner(`${path}-wal`, `${path}-shm`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Deleted and overwritten rows are zeroed in the file: a card number or token once removed leaves no bytes behind.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations, version);
    return db;
  } catch (error) {
    db.close();
    if (isNotADatabase(error)) throw new DatabaseUnreadableError(path, error);
    throw error;
  }
}

/** The database schema's version: the last migration it ran (`user_version`). */
export function schemaVersion(db: KassaDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: KassaDatabase, migrations: readonly Migration[], from: number): void {
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}

/**
 * Writes an open cart's change (a scan, a quantity) without waiting for the disk: in WAL mode with
 * `synchronous = NORMAL` the commit survives a crash or kill of the register (the operating system has it)
 * and is made durable by the next fully synchronous commit, such as the sale's completion. Only a power
 * cut in between can lose the last scans of a cart not yet paid; completed sales, payments and the outbox
 * always commit with `synchronous = FULL`, which is restored here whatever happens.
 */
export function draftTransaction<T>(db: KassaDatabase, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
