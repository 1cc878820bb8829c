import { sql, type Kysely, type Migration } from 'kysely';

/**
 * HQ's key pair for sealed card numbers (one row, id = 1): registers seal a card taken offline to its
 * public key; only HQ opens it, to settle. Generated on first start (payments/card-key.ts), not here.
 */
export const cardKeyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('card_keys')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('card_keys').execute();
  },
};
