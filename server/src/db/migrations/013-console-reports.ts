import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The console's money reports read a store's orders by day (takings, refunds) and its offline card
 * payments by capture time; at a chain's scale (millions of orders) each needs an index that starts
 * with the store and the time, or every report reads every order. Refunds are a small share of orders,
 * so their indexes are partial: the refunds list reads only refunds, for one store or for the chain.
 * The fleet view reads the transitions of the last days across every store.
 */
export const consoleReportsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('orders_by_store_time').on('orders').columns(['store_id', 'created_at']).execute();
    await db.schema.createIndex('orders_refunds_by_store_time').on('orders').columns(['store_id', 'created_at']).where(sql.ref('kind'), '=', 'refund').execute();
    await db.schema.createIndex('orders_refunds_by_time').on('orders').column('created_at').where(sql.ref('kind'), '=', 'refund').execute();
    await db.schema.createIndex('offline_card_payments_by_store_time').on('offline_card_payments').columns(['store_id', 'captured_at']).execute();
    // An owner's fleet view reads every register's transitions of the last days, whichever store.
    await db.schema.createIndex('register_transitions_by_time').on('register_transitions').column('at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('register_transitions_by_time').execute();
    await db.schema.dropIndex('offline_card_payments_by_store_time').execute();
    await db.schema.dropIndex('orders_refunds_by_time').execute();
    await db.schema.dropIndex('orders_refunds_by_store_time').execute();
    await db.schema.dropIndex('orders_by_store_time').execute();
  },
};
