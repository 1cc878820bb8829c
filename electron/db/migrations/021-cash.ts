import type { Migration } from './types';

export const cashMigration: Migration = {
  version: 21,
  name: 'cash management: drawer sessions and the journal of cash movements',
  up(db) {
    db.exec(`
      -- A drawer session: opened with a counted float (or by the first cash sale, with a float of 0), closed
      -- with a blind count. At most one is open on a register.
      CREATE TABLE cash_sessions (
        id TEXT PRIMARY KEY,
        currency TEXT NOT NULL,
        opened_at INTEGER NOT NULL,
        opened_by TEXT NOT NULL,
        float_amount INTEGER NOT NULL CHECK (float_amount >= 0),
        float_counts TEXT CHECK (float_counts IS NULL OR json_valid(float_counts)),
        opened_at_first_sale INTEGER NOT NULL CHECK (opened_at_first_sale IN (0, 1)),
        -- The blind count: what the drawer held, entered before the expected amount is shown.
        counted_at INTEGER,
        counted_by TEXT,
        counted_amount INTEGER CHECK (counted_amount IS NULL OR counted_amount >= 0),
        counted_counts TEXT CHECK (counted_counts IS NULL OR json_valid(counted_counts)),
        expected_amount INTEGER,
        closed_at INTEGER CHECK (closed_at IS NULL OR counted_at IS NOT NULL),
        closed_by TEXT,
        variance_note TEXT CHECK (variance_note IS NULL OR length(variance_note) <= 500),
        variance_approved_by TEXT
      ) STRICT;
      CREATE UNIQUE INDEX cash_sessions_one_open ON cash_sessions (closed_at IS NULL) WHERE closed_at IS NULL;
      CREATE INDEX cash_sessions_by_time ON cash_sessions (opened_at);
      CREATE TRIGGER cash_sessions_closed_stay_closed BEFORE UPDATE ON cash_sessions WHEN OLD.closed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a closed drawer session is never changed'); END;
      CREATE TRIGGER cash_sessions_no_delete BEFORE DELETE ON cash_sessions BEGIN SELECT RAISE(ABORT, 'a drawer session is never deleted'); END;

      -- Every movement of cash, signed (into the drawer positive), with who, when and why. Append-only.
      CREATE TABLE cash_movements (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES cash_sessions (id),
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'change', 'refund', 'paid-in', 'paid-out', 'drop', 'no-sale')),
        amount INTEGER NOT NULL CHECK (
          (kind IN ('sale', 'paid-in') AND amount > 0) OR
          (kind IN ('change', 'refund', 'paid-out', 'drop') AND amount < 0) OR
          (kind = 'no-sale' AND amount = 0)),
        sale_id TEXT,
        reason TEXT CHECK (reason IS NULL OR length(reason) <= 40),
        note TEXT CHECK (note IS NULL OR length(note) <= 500),
        user_id TEXT NOT NULL,
        approved_by TEXT,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX cash_movements_by_session ON cash_movements (session_id, at);
      CREATE TRIGGER cash_movements_no_update BEFORE UPDATE ON cash_movements BEGIN SELECT RAISE(ABORT, 'a cash movement is never changed'); END;
      CREATE TRIGGER cash_movements_no_delete BEFORE DELETE ON cash_movements BEGIN SELECT RAISE(ABORT, 'a cash movement is never deleted'); END;
    `);
  },
};
