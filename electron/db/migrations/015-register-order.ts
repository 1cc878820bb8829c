import type { Migration } from './types';

export const registerOrderMigration: Migration = {
  version: 15,
  name: "the register's own order: outbox operations numbered by a monotonic sequence, day closes by the sale sequence",
  up(db) {
    db.exec(`
      -- The outbox drains in this order, never by wall-clock time: a clock set back cannot put a refund before its sale.
      CREATE TABLE outbox_sequence (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        last INTEGER NOT NULL CHECK (last >= 0)
      ) STRICT;
      ALTER TABLE outbox ADD COLUMN seq INTEGER;
      UPDATE outbox SET seq = (SELECT n FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM outbox) o WHERE o.id = outbox.id);
      INSERT INTO outbox_sequence (singleton, last) VALUES (1, (SELECT coalesce(max(seq), 0) FROM outbox));
      CREATE UNIQUE INDEX outbox_by_seq ON outbox (seq);
      -- Every operation gets the next number as it is written, whoever writes it (a sale, a retried dead
      -- letter); one put back with its own number (re-sent after HQ was restored) keeps it.
      CREATE TRIGGER outbox_numbered AFTER INSERT ON outbox WHEN NEW.seq IS NULL BEGIN
        UPDATE outbox_sequence SET last = last + 1;
        UPDATE outbox SET seq = (SELECT last FROM outbox_sequence) WHERE id = NEW.id;
      END;
      DROP INDEX outbox_in_order;
      -- A day close covers the sales and refunds numbered up to last_sequence (the register's gap-free sale
      -- sequence), so a clock set back or forward cannot move a sale into the wrong day's Z-report.
      ALTER TABLE day_closes ADD COLUMN last_sequence INTEGER CHECK (last_sequence IS NULL OR last_sequence >= 0);
      -- Closes made before this version learn the sequence they covered, once (closes are otherwise never changed).
      DROP TRIGGER day_closes_no_update;
      UPDATE day_closes SET last_sequence = (SELECT coalesce(max(s.sequence), 0) FROM sales s WHERE s.status = 'completed' AND s.completed_at <= day_closes.closed_at);
      CREATE TRIGGER day_closes_no_update BEFORE UPDATE ON day_closes BEGIN SELECT RAISE(ABORT, 'a day close is never changed'); END;
    `);
  },
};
