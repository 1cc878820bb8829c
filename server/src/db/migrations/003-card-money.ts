import type { Kysely, Migration } from 'kysely';

/**
 * Card money exactly once. The card simulator's ledger of every movement of money (one per reference and
 * kind), and on card_authorizations what HQ needs to void an approval no sale uses: when a void was asked
 * for and when it was done. An authorisation is now recorded as `pending` before the acquirer is asked.
 */
export const cardMoneyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('acquirer_ledger')
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('original_reference', 'text')
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('last4', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('acquirer_ledger_pk', ['reference', 'kind'])
      .execute();
    await db.schema.createIndex('acquirer_ledger_by_last4').on('acquirer_ledger').column('last4').execute();
    await db.schema.createIndex('acquirer_ledger_by_time').on('acquirer_ledger').column('at').execute();
    await db.schema.alterTable('card_authorizations').addColumn('void_requested_at', 'bigint').execute();
    await db.schema.alterTable('card_authorizations').addColumn('voided_at', 'bigint').execute();
    await db.schema.createIndex('card_authorizations_by_order').on('card_authorizations').column('order_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('card_authorizations_by_order').execute();
    await db.schema.alterTable('card_authorizations').dropColumn('voided_at').execute();
    await db.schema.alterTable('card_authorizations').dropColumn('void_requested_at').execute();
    await db.schema.dropTable('acquirer_ledger').execute();
  },
};
