import type { Migration } from './types';

export const connectivityUidMigration: Migration = {
  version: 22,
  name: 'connectivity log: each transition its own UUID, the id HQ keeps it under',
  up(db) {
    db.exec(`
      -- Set when the transition is logged (and its operation for HQ written in the same transaction): HQ's
      -- fleet timeline keeps each transition once by it. Rows logged before this version have none and
      -- were never sent.
      ALTER TABLE connectivity_log ADD COLUMN uid TEXT;
      CREATE UNIQUE INDEX connectivity_log_by_uid ON connectivity_log (uid) WHERE uid IS NOT NULL;
    `);
  },
};
