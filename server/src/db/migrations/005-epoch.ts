import crypto from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * HQ's epoch (one row, id = 1): a random id made with the database and replaced when the database is
 * restored from a backup (`npm run hq:restored`). Registers compare it with the one they last saw: a new
 * epoch means HQ may have forgotten what they uploaded after the backup, so they send it again.
 */
export const epochMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hq_meta')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('epoch', 'text', (c) => c.notNull())
      .addColumn('epoch_since', 'bigint', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO hq_meta (id, epoch, epoch_since) VALUES (1, ${crypto.randomUUID()}, ${Date.now()})`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('hq_meta').execute();
  },
};
