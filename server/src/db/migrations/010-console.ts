import type { Kysely, Migration } from 'kysely';

/**
 * The back-office console: its users (owner, area manager, store manager; passwords hashed with scrypt),
 * their sign-in sessions (only a hash of the cookie's secret is kept), the one-time setup link of the first
 * owner, and the audit log of every change made in the console (who, what, when, from where). The users
 * table of the registers gains `updated_at`, so a changed PIN or a deactivation reaches registers in order.
 */
export const consoleMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      // JSON array of store ids an area or store manager works for; '[]' for an owner (every store).
      .addColumn('store_ids', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('csrf', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_by_user').on('console_sessions').column('user_id').execute();
    await db.schema
      .createTable('console_setup')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('user_email', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('store_id', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_by_time').on('audit_log').column('at').execute();
    await db.schema.createIndex('audit_log_by_store_time').on('audit_log').columns(['store_id', 'at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['audit_log', 'console_setup', 'console_sessions', 'console_users']) await db.schema.dropTable(table).execute();
  },
};
