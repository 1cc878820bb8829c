import type { Migration } from './types';

export const pricingMigration: Migration = {
  version: 10,
  name: 'pricing: the promotion and saving of each completed line, the sale-wide discount and the tax per class',
  up(db) {
    db.exec(`
      -- The promotion the register's pricing gave a line when the sale completed; line_total is after it.
      ALTER TABLE sale_lines ADD COLUMN promotion_id TEXT;
      ALTER TABLE sale_lines ADD COLUMN promotion_name TEXT;
      ALTER TABLE sale_lines ADD COLUMN promotion_saving INTEGER NOT NULL DEFAULT 0 CHECK (promotion_saving >= 0);
      -- A spend-threshold promotion on the whole sale (its amount is already out of sales.total).
      ALTER TABLE sales ADD COLUMN sale_discount_name TEXT;
      ALTER TABLE sales ADD COLUMN sale_discount INTEGER NOT NULL DEFAULT 0 CHECK (sale_discount >= 0);
      -- [{ taxClass, rateBasisPoints, net, tax, gross }] per class, as priced at completion.
      ALTER TABLE sales ADD COLUMN taxes TEXT CHECK (taxes IS NULL OR json_valid(taxes));
    `);
  },
};
