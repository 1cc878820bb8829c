import type { Migration } from './types';

export const ordersMigration: Migration = {
  version: 11,
  name: 'orders: refunds as orders referencing the original, the member of a sale, day closes',
  up(db) {
    db.exec(`
      -- A refund is a completed row of sales (kind 'refund', negative total) under the register's next number.
      ALTER TABLE sales ADD COLUMN kind TEXT NOT NULL DEFAULT 'sale' CHECK (kind IN ('sale', 'refund'));
      -- The refunded order: a local sale or, online, another register's order known from HQ (so no foreign key).
      ALTER TABLE sales ADD COLUMN original_order_id TEXT CHECK (original_order_id IS NULL OR kind = 'refund');
      ALTER TABLE sales ADD COLUMN original_number TEXT;
      ALTER TABLE sales ADD COLUMN refund_reason TEXT CHECK (refund_reason IS NULL OR length(refund_reason) <= 200);
      ALTER TABLE sales ADD COLUMN approved_by TEXT;
      -- The member attached to the sale (written by the membership module).
      ALTER TABLE sales ADD COLUMN member_id TEXT;
      -- A refund line's 0-based index in the original order's lines.
      ALTER TABLE sale_lines ADD COLUMN original_line_index INTEGER CHECK (original_line_index IS NULL OR original_line_index >= 0);
      -- A refund payment's original payment (card refunds go back to it).
      ALTER TABLE payments ADD COLUMN refund_of TEXT;
      CREATE INDEX sales_completed ON sales (completed_at DESC) WHERE status = 'completed';
      CREATE INDEX sales_by_total ON sales (abs(total), completed_at) WHERE status = 'completed';
      CREATE INDEX sales_by_member ON sales (member_id) WHERE member_id IS NOT NULL;
      CREATE INDEX sales_by_original ON sales (original_order_id) WHERE original_order_id IS NOT NULL;
      CREATE TABLE day_closes (
        id TEXT PRIMARY KEY,
        closed_at INTEGER NOT NULL,
        closed_by TEXT NOT NULL,
        unsynced_operations INTEGER NOT NULL CHECK (unsynced_operations >= 0),
        manager_confirmed INTEGER NOT NULL CHECK (manager_confirmed IN (0, 1)),
        report TEXT NOT NULL CHECK (json_valid(report))
      ) STRICT;
      CREATE INDEX day_closes_latest ON day_closes (closed_at);
      CREATE TRIGGER day_closes_no_update BEFORE UPDATE ON day_closes BEGIN SELECT RAISE(ABORT, 'a day close is never changed'); END;
      CREATE TRIGGER day_closes_no_delete BEFORE DELETE ON day_closes BEGIN SELECT RAISE(ABORT, 'a day close is never deleted'); END;
    `);
  },
};
