import type { Migration } from './types';

export const paymentsMigration: Migration = {
  version: 4,
  name: 'payments',
  up(db) {
    db.exec(`
      CREATE TABLE payments (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id),
        tender TEXT NOT NULL CHECK (tender IN ('cash', 'card', 'points')),
        amount INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('approved', 'stored', 'declined')),
        reference TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX payments_by_sale ON payments (sale_id);
    `);
  },
};
