import type { Kysely, Migration } from 'kysely';

/**
 * The fleet's connectivity: every online/offline transition a register logged, as it uploads them through
 * its outbox (the register's own id for each, so a transition sent twice is kept once), and each register's
 * latest status report (the state now with its reasons, the app's version, the upload backlog and the age
 * of its oldest item, dead letters). Times in milliseconds.
 */
export const fleetMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('register_transitions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('from_state', 'text', (c) => c.notNull())
      .addColumn('to_state', 'text', (c) => c.notNull())
      // JSON array of reasons: 'manual', 'network', 'service:<domain>'.
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('register_transitions_by_register_time').on('register_transitions').columns(['register_id', 'at']).execute();
    await db.schema.createIndex('register_transitions_by_store_time').on('register_transitions').columns(['store_id', 'at']).execute();
    await db.schema
      .createTable('register_status')
      .addColumn('register_id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text')
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('backlog', 'integer', (c) => c.notNull())
      .addColumn('oldest_pending_at', 'bigint')
      .addColumn('dead_letters', 'integer', (c) => c.notNull())
      .addColumn('reported_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('register_status_by_store').on('register_status').column('store_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('register_status').execute();
    await db.schema.dropTable('register_transitions').execute();
  },
};
