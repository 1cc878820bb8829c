import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { makeTempDir } from '../../test/factories';
import { openDatabase, type KassaDatabase } from '../open';
import { migrations } from './index';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

/**
 * For migration tests: opens a database at schema `version`, lets `seed` write into it, then migrates it
 * one step and checks `user_version` moved. The database and its folder go after the test.
 */
export function migrateFrom(version: number, seed: (db: KassaDatabase) => void = () => {}): KassaDatabase {
  const { dir, cleanup } = makeTempDir();
  const file = path.join(dir, 'kassa.db');
  const old = openDatabase(file, { migrations: migrations.slice(0, version) });
  seed(old);
  old.close();
  const db = openDatabase(file, { migrations: migrations.slice(0, version + 1) });
  cleanups.push(() => {
    db.close();
    cleanup();
  });
  expect(db.pragma('user_version', { simple: true })).toBe(version + 1);
  return db;
}
