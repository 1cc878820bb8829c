import type { Migration } from './types';

export const usersMigration: Migration = {
  version: 2,
  name: 'users with scrypt PIN hashes',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
        pin_hash TEXT NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
