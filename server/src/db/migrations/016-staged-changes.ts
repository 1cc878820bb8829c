import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * `staged_changes`: on PostgreSQL a write puts its feed changes here, in its own transaction, without a
 * sequence number; the feed sequencer (db/feed-sequencer.ts) numbers committed ones into `changes` after
 * the commit. So no write holds the feed's one shared row (feed_state) from its append to its commit, and
 * instances no longer queue behind each other's commits. SQLite has one writer and numbers at append as
 * before; the table exists there too, empty, so both databases have one schema.
 */
export const stagedChangesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('staged_changes')
      .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text')
      .addColumn('origin_register_id', 'text')
      .addColumn('committed_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    const waiting = await sql<{ n: number | string }>`SELECT count(*) AS n FROM staged_changes`.execute(db);
    if (Number(waiting.rows[0]!.n) > 0) throw new Error('Feed changes still wait for their sequence numbers: start this HQ once (it numbers them), stop it, then go back.');
    await db.schema.dropTable('staged_changes').execute();
  },
};
