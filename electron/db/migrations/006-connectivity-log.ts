import type { Migration } from './types';

export const connectivityLogMigration: Migration = {
  version: 6,
  name: 'append-only log of connectivity transitions',
  up(db) {
    db.exec(`
      CREATE TABLE connectivity_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        from_state TEXT NOT NULL CHECK (from_state IN ('online', 'offline', 'starting')),
        to_state TEXT NOT NULL CHECK (to_state IN ('online', 'offline')),
        from_reasons TEXT NOT NULL CHECK (json_valid(from_reasons)),
        reasons TEXT NOT NULL CHECK (json_valid(reasons)),
        trigger TEXT NOT NULL,
        user TEXT,
        detail TEXT
      ) STRICT;
      CREATE TRIGGER connectivity_log_no_update BEFORE UPDATE ON connectivity_log
        BEGIN SELECT RAISE(ABORT, 'the connectivity log is append-only'); END;
      CREATE TRIGGER connectivity_log_no_delete BEFORE DELETE ON connectivity_log
        BEGIN SELECT RAISE(ABORT, 'the connectivity log is append-only'); END;
    `);
  },
};
