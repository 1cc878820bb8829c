import type { Migration } from './types';

export const lineRestoreMigration: Migration = {
  version: 19,
  name: 'cart journal: a voided line brought back (Undo) and return lines',
  up(db) {
    // SQLite cannot change a CHECK constraint in place: the journal is copied into a table that allows the new actions.
    db.exec(`
      CREATE TABLE cart_journal_next (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
        line_id TEXT,
        action TEXT NOT NULL CHECK (action IN ('quantity', 'void-line', 'void-sale', 'price-override', 'discount', 'hold', 'recall', 'restore-line', 'return-line')),
        detail TEXT NOT NULL,
        user_id TEXT NOT NULL,
        manager_id TEXT,
        at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO cart_journal_next SELECT id, sale_id, line_id, action, detail, user_id, manager_id, at FROM cart_journal;
      DROP TABLE cart_journal;
      ALTER TABLE cart_journal_next RENAME TO cart_journal;
      CREATE INDEX cart_journal_by_sale ON cart_journal (sale_id, at);
    `);
  },
};
