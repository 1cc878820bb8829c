import type { Migration } from './types';

export const tendersMigration: Migration = {
  version: 8,
  name: 'tenders: cash received, change, offline card payments and their settlement',
  up(db) {
    db.exec(`
      ALTER TABLE payments ADD COLUMN tendered INTEGER;
      ALTER TABLE payments ADD COLUMN card_last4 TEXT CHECK (card_last4 IS NULL OR length(card_last4) = 4);
      -- A store-and-forward card payment must reach HQ before this time (ms UTC).
      ALTER TABLE payments ADD COLUMN upload_deadline INTEGER;
      ALTER TABLE payments ADD COLUMN settlement TEXT CHECK (settlement IS NULL OR settlement IN ('settled', 'declined'));
      ALTER TABLE payments ADD COLUMN settlement_reason TEXT;
      -- The card terminal's token for a stored card payment, only until the sale completes (then it lives in
      -- the outbox operation until HQ has it).
      ALTER TABLE payments ADD COLUMN card_token TEXT;
      ALTER TABLE sales ADD COLUMN change_due INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX payments_stored ON payments (upload_deadline) WHERE status = 'stored';
    `);
  },
};
