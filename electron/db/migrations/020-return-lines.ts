import type { Migration } from './types';

export const returnLinesMigration: Migration = {
  version: 20,
  name: 'return lines in a sale: an exchange or a return without a receipt',
  up(db) {
    db.exec(`
      -- A returned item in a sale (negative quantity and total): why it came back and, with a receipt, the
      -- order it came from (a local sale or another register's known from HQ, so no foreign key) and its
      -- line there (original_line_index). Its quantity counts against what that order can still refund.
      ALTER TABLE sale_lines ADD COLUMN return_reason TEXT CHECK (return_reason IS NULL OR length(return_reason) <= 200);
      ALTER TABLE sale_lines ADD COLUMN return_order_id TEXT CHECK (return_order_id IS NULL OR (return_reason IS NOT NULL AND original_line_index IS NOT NULL));
      ALTER TABLE sale_lines ADD COLUMN return_order_number TEXT;
      CREATE INDEX sale_lines_returned_from ON sale_lines (return_order_id) WHERE return_order_id IS NOT NULL;
    `);
  },
};
