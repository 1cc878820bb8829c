import type { Migration } from './types';

export const membershipMigration: Migration = {
  version: 12,
  name: 'membership: the member cache and the append-only points ledger',
  up(db) {
    db.exec(`
      -- Members as HQ last told this register (identity fields are HQ's), plus members enrolled here that HQ
      -- has not confirmed yet (pending = 1, a local id until HQ answers with its own).
      CREATE TABLE members (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        phone TEXT NOT NULL,
        card TEXT,
        pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)),
        -- HQ's balance when it last gave one (live lookup or snapshot) and when; ledger entries with
        -- in_base = 0 come on top of it. base_at NULL: HQ never gave a balance for this member.
        base_balance INTEGER NOT NULL DEFAULT 0,
        base_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX members_phone ON members (phone);
      CREATE INDEX members_card ON members (card) WHERE card IS NOT NULL;

      -- Points: append-only. origin 'register': written here (its outbox operation may still be pending);
      -- 'hq': another register's entry from the change feed.
      CREATE TABLE point_ledger (
        id TEXT PRIMARY KEY,
        member_id TEXT NOT NULL,
        delta INTEGER NOT NULL CHECK (delta <> 0),
        reason TEXT NOT NULL CHECK (reason IN ('earn', 'redeem', 'adjust', 'refund')),
        order_id TEXT,
        origin TEXT NOT NULL CHECK (origin IN ('register', 'hq')),
        in_base INTEGER NOT NULL DEFAULT 0 CHECK (in_base IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX point_ledger_member ON point_ledger (member_id, in_base);
      CREATE TRIGGER point_ledger_no_delete BEFORE DELETE ON point_ledger
        BEGIN SELECT RAISE(ABORT, 'point ledger entries are append-only'); END;
      CREATE TRIGGER point_ledger_no_rewrite BEFORE UPDATE OF id, delta, reason, order_id, origin, created_at ON point_ledger
        BEGIN SELECT RAISE(ABORT, 'point ledger entries are append-only'); END;

      -- The change feed skipped members and points before this version: pull the feed again from the start
      -- (HQ answers with a snapshot when it no longer keeps that history).
      UPDATE sync_state SET value = '0' WHERE key = 'lastSeq';
    `);
  },
};
