import type { Migration } from './types';

export const salesMigration: Migration = {
  version: 3,
  name: 'sales and sale lines',
  up(db) {
    db.exec(`
      CREATE TABLE sales (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('open', 'completed', 'voided')),
        cashier_id TEXT NOT NULL REFERENCES users (id),
        currency TEXT NOT NULL CHECK (length(currency) = 3),
        sequence INTEGER,
        number TEXT UNIQUE,
        total INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        completed_at INTEGER,
        CHECK ((status = 'completed') = (sequence IS NOT NULL AND number IS NOT NULL AND completed_at IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX sales_by_sequence ON sales (sequence) WHERE sequence IS NOT NULL;
      CREATE INDEX sales_open ON sales (status) WHERE status = 'open';
      CREATE TABLE sale_lines (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity <> 0),
        unit_price INTEGER NOT NULL,
        tax_class TEXT NOT NULL CHECK (tax_class IN ('standard', 'reduced', 'zero')),
        line_total INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (sale_id, position)
      ) STRICT;
    `);
  },
};
