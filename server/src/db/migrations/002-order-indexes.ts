import type { Kysely, Migration } from 'kysely';

/**
 * Refunds are checked against the refunds already made of the same order at every push, and orders are
 * searched by member: both read through an index instead of scanning every order.
 */
export const orderIndexesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('orders_by_original').on('orders').column('original_order_id').execute();
    await db.schema.createIndex('orders_by_member').on('orders').columns(['member_id', 'created_at desc']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('orders_by_member').execute();
    await db.schema.dropIndex('orders_by_original').execute();
  },
};
