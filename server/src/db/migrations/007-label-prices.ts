import type { Kysely, Migration } from 'kysely';

/**
 * Products a scale label (in-store prefix, item code, price or weight) may price: 1 for produce, deli and
 * what is weighed in the store; 0 (every product there was) for the rest, so no label prices a gift card.
 */
export const labelPricesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('products').addColumn('price_by_label', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('products').dropColumn('price_by_label').execute();
  },
};
