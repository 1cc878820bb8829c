import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Enrolment codes with limits: each code belongs to a store and may expire (`expires_at`) or run out
 * (`max_uses`, counted in `uses`: the registers it enrolled). A store's own code (stores.enrolment_code_hash)
 * moves here as it was, reusable and never expiring, so registers being set up keep enrolling.
 * Registers gain `revoked_at`: an admin revoked the device token, which HQ then refuses.
 */
export const enrolmentCodesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('enrolment_codes')
      .addColumn('code_hash', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('enrolment_codes_uses', sql`uses >= 0 AND (max_uses IS NULL OR max_uses >= 1)`)
      .execute();
    await db.schema.createIndex('enrolment_codes_store').on('enrolment_codes').column('store_id').execute();
    await sql`INSERT INTO enrolment_codes (code_hash, store_id, max_uses, uses, expires_at, created_at)
      SELECT enrolment_code_hash, id, NULL, 0, NULL, created_at FROM stores WHERE enrolment_code_hash IS NOT NULL`.execute(db);
    await db.schema.alterTable('registers').addColumn('revoked_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('registers').dropColumn('revoked_at').execute();
    await db.schema.dropTable('enrolment_codes').execute();
  },
};
