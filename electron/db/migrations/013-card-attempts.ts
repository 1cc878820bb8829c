import type { Migration } from './types';

export const cardAttemptsMigration: Migration = {
  version: 13,
  name: 'card attempts: one payment id per card attempt, written before HQ is asked',
  up(db) {
    db.exec(`
      -- Every card payment the register asks HQ to authorise, recorded before the request leaves: an
      -- answer that never arrives is looked up by this id, a retry or a store-and-forward reuses it, and
      -- an attempt no completed sale uses is reported to HQ, which voids it if it was approved.
      -- sent: HQ may have it, outcome unknown here; declined: HQ or the acquirer said no; used: it is a
      -- payment of its sale (approved live, or stored for later); abandoned: reported to HQ for a void.
      -- No card number: only its last four digits.
      CREATE TABLE card_attempts (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL REFERENCES sales (id),
        amount INTEGER NOT NULL CHECK (amount > 0),
        currency TEXT NOT NULL,
        card_last4 TEXT NOT NULL CHECK (length(card_last4) = 4),
        status TEXT NOT NULL CHECK (status IN ('sent', 'declined', 'used', 'abandoned')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX card_attempts_open ON card_attempts (sale_id) WHERE status = 'sent';
    `);
  },
};
