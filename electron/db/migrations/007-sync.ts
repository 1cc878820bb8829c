import type { Migration } from './types';

export const syncMigration: Migration = {
  version: 7,
  name: 'register identity, sync state, dead letters, sale sequence, synced catalog extras',
  up(db) {
    db.exec(`
      -- This register's enrolment with HQ: one row at most. The device token never leaves this file.
      CREATE TABLE register_identity (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        hq_url TEXT NOT NULL,
        register_id TEXT NOT NULL,
        register_code TEXT NOT NULL,
        store_id TEXT NOT NULL,
        store_code TEXT NOT NULL,
        store_name TEXT NOT NULL,
        currency TEXT NOT NULL,
        prices_include_tax INTEGER NOT NULL CHECK (prices_include_tax IN (0, 1)),
        device_token TEXT NOT NULL,
        enrolled_at INTEGER NOT NULL
      ) STRICT;
      -- Small named values the sync engine keeps: lastSeq, lastSyncAt, lastError, the drain lease.
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      -- Operations HQ rejected, kept with its reason until a manager retries or discards them.
      CREATE TABLE dead_letters (
        id TEXT PRIMARY KEY,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at INTEGER NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        rejected_at INTEGER NOT NULL
      ) STRICT;
      -- Who discarded which rejected operation, and why: never deleted.
      CREATE TABLE dead_letter_decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        operation_id TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('retry', 'discard')),
        manager TEXT NOT NULL,
        payload TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      -- The gap-free sale sequence of this register.
      CREATE TABLE register_sequence (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        last INTEGER NOT NULL CHECK (last >= 0)
      ) STRICT;
      INSERT INTO register_sequence (singleton, last) VALUES (1, 0);
      -- HQ's tax classes and promotions, kept as HQ sends them.
      CREATE TABLE tax_classes (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        rate_basis_points INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE promotions (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL CHECK (json_valid(data))
      ) STRICT;
      -- A snapshot from HQ is loaded here first, then swapped into products in one short transaction.
      CREATE TABLE products_staging (
        sku TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        price INTEGER NOT NULL CHECK (price >= 0),
        tax_class TEXT NOT NULL CHECK (tax_class IN ('standard', 'reduced', 'zero')),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE product_barcodes_staging (
        barcode TEXT PRIMARY KEY,
        sku TEXT NOT NULL
      ) STRICT;
      -- Users HQ verified on this register, for offline login.
      ALTER TABLE users ADD COLUMN last_online_login_at INTEGER;
    `);
  },
};
