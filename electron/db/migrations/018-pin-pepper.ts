import type { Migration } from './types';

export const pinPepperMigration: Migration = {
  version: 18,
  name: "PIN pepper: which device secret the cached PIN hashes are wrapped with",
  up(db) {
    db.exec(`
      -- One row once the cached PIN hashes are wrapped with <dataDir>/device-secret (HMAC-SHA256). The
      -- fingerprint is an HMAC of a fixed text under the secret: it tells the same secret from a lost or
      -- replaced one, and says nothing about the secret itself. No row: the hashes are not wrapped yet.
      CREATE TABLE pin_pepper (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        fingerprint TEXT NOT NULL,
        wrapped_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
