import { sql, type Kysely, type Migration } from 'kysely';

/** The first schema. Written with Kysely's schema builder so the same file runs on SQLite and PostgreSQL. */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('stores')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('prices_include_tax', 'integer', (c) => c.notNull())
      .addColumn('enrolment_code_hash', 'text', (c) => c.unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('registers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint')
      .addUniqueConstraint('registers_store_code', ['store_id', 'code'])
      .execute();
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.references('stores.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('cashier', 'manager')`))
      .addColumn('pin_hash', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('tax_classes')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('rate_bp', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('products')
      .addColumn('sku', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('price', 'bigint', (c) => c.notNull())
      .addColumn('tax_class', 'text', (c) => c.notNull())
      .addColumn('barcodes', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('product_barcodes')
      .addColumn('barcode', 'text', (c) => c.primaryKey())
      .addColumn('sku', 'text', (c) => c.notNull().references('products.sku'))
      .execute();
    await db.schema.createIndex('product_barcodes_by_sku').on('product_barcodes').column('sku').execute();
    await db.schema
      .createTable('promotions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('members')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull().unique())
      .addColumn('card', 'text', (c) => c.unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('member_aliases')
      .addColumn('alias_id', 'text', (c) => c.primaryKey())
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .execute();
    await db.schema
      .createTable('point_ledger')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('delta', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text')
      .addColumn('register_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('point_ledger_by_member').on('point_ledger').column('member_id').execute();
    await db.schema
      .createTable('orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('sale', 'refund')`))
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('total', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('lines', 'text', (c) => c.notNull())
      .addColumn('original_order_id', 'text')
      .addColumn('member_id', 'text')
      .addColumn('cashier_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('orders_newest_first').on('orders').columns(['created_at desc', 'id desc']).execute();
    await db.schema.createIndex('orders_by_number').on('orders').column('number').execute();
    await db.schema.createIndex('orders_by_register').on('orders').columns(['register_id', 'created_at desc']).execute();
    await db.schema
      .createTable('payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('tender', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reference', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('payments_by_order').on('payments').column('order_id').execute();
    await db.schema
      .createTable('card_authorizations')
      .addColumn('payment_id', 'text', (c) => c.primaryKey())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text')
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('last4', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('auth_code', 'text')
      .addColumn('reason', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('offline_card_payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('card_token', 'text')
      .addColumn('last4', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('captured_at', 'bigint', (c) => c.notNull())
      .addColumn('upload_deadline', 'bigint')
      .addColumn('claimed_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('offline_card_payments_by_status').on('offline_card_payments').column('status').execute();
    await db.schema
      .createTable('applied_ops')
      .addColumn('op_id', 'text', (c) => c.primaryKey())
      .addColumn('register_id', 'text', (c) => c.notNull())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload_hash', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('changes')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('store_id', 'text')
      .addColumn('origin_register_id', 'text')
      .addColumn('committed_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('feed_state')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('head_seq', 'bigint', (c) => c.notNull())
      .addColumn('pruned_through', 'bigint', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO feed_state (id, head_seq, pruned_through) VALUES (1, 0, 0)`.execute(db);
  },
  async down() {
    throw new Error('HQ migrations only go forward; restore a backup to go back.');
  },
};
