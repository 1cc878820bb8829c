import type { Kysely, Migration } from 'kysely';

/**
 * Cash management: each register's drawer sessions (float, blind count, close) and the journal of every
 * movement of cash in or out of a session's drawer, as the registers upload them. Money in integer minor
 * units, times in milliseconds. `reconciled` is set at the close: 1 when the float plus the movements HQ
 * holds equals the expected amount the register closed with, 0 when not (the close is kept and flagged).
 */
export const cashMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('cash_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'bigint', (c) => c.notNull())
      .addColumn('opened_by', 'text', (c) => c.notNull())
      .addColumn('float', 'bigint', (c) => c.notNull())
      .addColumn('opened_at_first_sale', 'integer', (c) => c.notNull())
      .addColumn('counted_at', 'bigint')
      .addColumn('counted_by', 'text')
      .addColumn('counted', 'bigint')
      .addColumn('expected', 'bigint')
      .addColumn('closed_at', 'bigint')
      .addColumn('closed_by', 'text')
      .addColumn('note', 'text')
      .addColumn('approved_by', 'text')
      .addColumn('reconciled', 'integer')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('cash_sessions_by_store_time').on('cash_sessions').columns(['store_id', 'opened_at']).execute();
    await db.schema.createIndex('cash_sessions_by_register_time').on('cash_sessions').columns(['register_id', 'opened_at']).execute();
    await db.schema
      .createTable('cash_movements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('order_id', 'text')
      .addColumn('reason', 'text')
      .addColumn('note', 'text')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('cash_movements_by_session').on('cash_movements').columns(['session_id', 'at']).execute();
    await db.schema.createIndex('cash_movements_by_order').on('cash_movements').column('order_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('cash_movements').execute();
    await db.schema.dropTable('cash_sessions').execute();
  },
};
