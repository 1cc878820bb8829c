import type { Migration } from './types';

export const labelPricesAndRefundReservationsMigration: Migration = {
  version: 17,
  name: 'label prices only for products marked for them; refunds reserved while their card refund is in flight',
  up(db) {
    db.exec(`
      -- 1: a scale label (in-store prefix, item code, price or weight) may price this product; 0: never.
      ALTER TABLE products ADD COLUMN price_by_label INTEGER NOT NULL DEFAULT 0 CHECK (price_by_label IN (0, 1));
      ALTER TABLE products_staging ADD COLUMN price_by_label INTEGER NOT NULL DEFAULT 0 CHECK (price_by_label IN (0, 1));

      -- A refund being made: written in the transaction that checks what remains refundable, before any
      -- money leaves through the card acquirer, and removed in the transaction that writes the refund (or
      -- when nothing was paid out). While it exists its lines and amount count as refunded, so no second
      -- refund can take them; one left by a stopped register is finished with the same card refund ids
      -- (HQ refunds once per id).
      CREATE TABLE refund_reservations (
        id TEXT PRIMARY KEY,
        original_order_id TEXT NOT NULL,
        amount INTEGER NOT NULL CHECK (amount >= 0),
        draft TEXT NOT NULL CHECK (json_valid(draft)),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX refund_reservations_by_order ON refund_reservations (original_order_id);
    `);
  },
};
