import type { Migration } from './types';

export const productsMigration: Migration = {
  version: 1,
  name: 'products and their barcodes',
  up(db) {
    db.exec(`
      CREATE TABLE products (
        sku TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        price INTEGER NOT NULL CHECK (price >= 0),
        tax_class TEXT NOT NULL CHECK (tax_class IN ('standard', 'reduced', 'zero')),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE product_barcodes (
        barcode TEXT PRIMARY KEY,
        sku TEXT NOT NULL REFERENCES products (sku) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX product_barcodes_by_sku ON product_barcodes (sku);
      CREATE INDEX products_by_name ON products (name COLLATE NOCASE);
    `);
  },
};
