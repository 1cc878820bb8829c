import type { Migration } from './types';

export const outboxArchiveMigration: Migration = {
  version: 16,
  name: 'outbox archive: operations HQ acknowledged, kept to send again after HQ is restored from a backup',
  up(db) {
    db.exec(`
      -- An operation leaves the outbox for here when HQ acknowledges it (applied or duplicate; rejected ones
      -- go to dead_letters), in the same transaction. When HQ's epoch changes (its database was restored
      -- from a backup), every row goes back into the outbox with the same id and payload: HQ applies again
      -- what it lost and answers duplicate for the rest. Pruned after sync.ackRetentionDays. Payloads are
      -- the outbox's: no card number (offline card payments hold it sealed to HQ's key).
      CREATE TABLE outbox_archive (
        id TEXT PRIMARY KEY,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at INTEGER NOT NULL,
        -- Its number in the outbox's order (migration 15): sent again, it keeps it, so it goes before
        -- everything written since and in the order first written.
        seq INTEGER NOT NULL,
        acked_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX outbox_archive_by_ack ON outbox_archive (acked_at);
    `);
  },
};
