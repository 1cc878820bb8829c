import type { Migration } from './types';

export const cardKeyMigration: Migration = {
  version: 14,
  name: "card key: HQ's public key, to which card numbers kept for later are sealed",
  up(db) {
    db.exec(`
      -- HQ's X25519 public key (base64 SPKI DER); NULL until HQ gave it (at enrolment, or GET /payments/card-key).
      ALTER TABLE register_identity ADD COLUMN card_key TEXT;
    `);
  },
};
