import type { Migration } from './types';

export const outboxMigration: Migration = {
  version: 5,
  name: 'outbox of operations waiting to upload',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      ) STRICT;
      CREATE INDEX outbox_in_order ON outbox (created_at, id);
      CREATE INDEX outbox_by_entity ON outbox (entity, entity_id);
    `);
  },
};
