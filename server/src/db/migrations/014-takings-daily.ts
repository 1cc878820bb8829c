import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The console's takings, kept per store, UTC day (days since the epoch), register, tender and currency:
 * a chain's week is thousands of these rows instead of hundreds of thousands of orders, each with its
 * payments and card outcomes. HQ rewrites a register's day in the transaction that changes its money (a push
 * of payments, a card settled or declined, an authorisation declined or voided), from the orders and
 * payments themselves (console/takings-rollup.ts). Filled here from the orders HQ already holds.
 */
export const takingsDailyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('takings_daily')
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('day', 'bigint', (c) => c.notNull())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('tender', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('sales', 'bigint', (c) => c.notNull())
      .addColumn('refunds', 'bigint', (c) => c.notNull())
      .addColumn('orders', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('takings_daily_pk', ['store_id', 'day', 'register_id', 'tender', 'currency'])
      .execute();
    await db.schema.createIndex('takings_daily_by_day').on('takings_daily').column('day').execute();
    await sql`INSERT INTO takings_daily (store_id, day, register_id, tender, currency, sales, refunds, orders)
      SELECT o.store_id, o.created_at / 86400000, o.register_id, p.tender, o.currency,
             SUM(CASE WHEN o.kind = 'sale' THEN p.amount ELSE 0 END), SUM(CASE WHEN o.kind = 'refund' THEN -p.amount ELSE 0 END), COUNT(DISTINCT o.id)
      FROM orders o JOIN payments p ON p.order_id = o.id
      LEFT JOIN card_authorizations ca ON ca.payment_id = p.id
      LEFT JOIN offline_card_payments oc ON oc.id = p.id
      WHERE p.status IN ('approved', 'stored')
        AND (ca.status IS NULL OR (ca.status NOT IN ('declined', 'voided') AND ca.void_requested_at IS NULL))
        AND (oc.status IS NULL OR oc.status <> 'declined')
      GROUP BY o.store_id, o.created_at / 86400000, o.register_id, p.tender, o.currency`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('takings_daily').execute();
  },
};
