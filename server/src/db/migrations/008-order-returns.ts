import type { Kysely, Migration } from 'kysely';

/**
 * Items a sale took back from an earlier order (an exchange): one row per returned line, with the original
 * order and its line. A refund of that order, and a later exchange of it, count them as given back.
 */
export const orderReturnsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('order_returns')
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('original_order_id', 'text', (c) => c.notNull())
      .addColumn('original_line_index', 'integer', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('order_returns_pk', ['order_id', 'position'])
      .execute();
    await db.schema.createIndex('order_returns_by_original').on('order_returns').column('original_order_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('order_returns').execute();
  },
};
