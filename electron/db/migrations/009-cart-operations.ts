import type { Migration } from './types';

export const cartOperationsMigration: Migration = {
  version: 9,
  name: 'cart operations: held carts, sale voids with a reason, price overrides, line discounts, weighed lines, cart journal',
  up(db) {
    db.exec(`
      -- A held cart stays an open sale with a time and a label; the cart in front of the cashier is the open sale not held.
      ALTER TABLE sales ADD COLUMN held_at INTEGER;
      ALTER TABLE sales ADD COLUMN held_label TEXT CHECK (held_label IS NULL OR length(held_label) <= 40);
      ALTER TABLE sales ADD COLUMN void_reason TEXT CHECK (void_reason IS NULL OR length(void_reason) <= 200);
      ALTER TABLE sales ADD COLUMN voided_by TEXT;
      ALTER TABLE sales ADD COLUMN voided_at INTEGER;
      CREATE INDEX sales_held ON sales (held_at) WHERE held_at IS NOT NULL;
      -- The catalog price when a manager overrode the line's price (null: not overridden).
      ALTER TABLE sale_lines ADD COLUMN original_price INTEGER;
      -- Minor units off the line total, and the percentage it came from when given as one.
      ALTER TABLE sale_lines ADD COLUMN discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0);
      ALTER TABLE sale_lines ADD COLUMN discount_percent INTEGER CHECK (discount_percent IS NULL OR discount_percent BETWEEN 1 AND 100);
      ALTER TABLE sale_lines ADD COLUMN approved_by TEXT;
      -- Set on a line read from a weight-embedded barcode: the unit price is then per kilogram.
      ALTER TABLE sale_lines ADD COLUMN weight_grams INTEGER CHECK (weight_grams IS NULL OR weight_grams > 0);
      -- Who changed a cart and how, kept after a line or a sale is voided.
      CREATE TABLE cart_journal (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
        line_id TEXT,
        action TEXT NOT NULL CHECK (action IN ('quantity', 'void-line', 'void-sale', 'price-override', 'discount', 'hold', 'recall')),
        detail TEXT NOT NULL,
        user_id TEXT NOT NULL,
        manager_id TEXT,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX cart_journal_by_sale ON cart_journal (sale_id, at);
    `);
  },
};
