import { Migrator, sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { describeEachStorage, makeStorage, type TestStorage } from '../test/harness';
import { MigrationFailedError, openHqDatabase } from './database';
import { migrationProvider, migrations } from './migrations';

describeEachStorage('HQ database', (kind) => {
  let storage: TestStorage | null = null;
  afterEach(async () => {
    await storage?.cleanup();
    storage = null;
  });

  it('brings a new database to the latest migration, and reopening runs nothing and keeps the data', async () => {
    storage = makeStorage(kind);
    const first = await openHqDatabase(storage.storage);
    const applied = await first.db.selectFrom('kysely_migration' as never).select(sql<string>`name`.as('name')).execute();
    expect(applied.map((r) => (r as { name: string }).name)).toEqual(Object.keys(migrations));
    await first.db.insertInto('tax_classes').values({ code: 'standard', name: 'Standard', rate_bp: 2000 }).execute();
    expect((await first.db.selectFrom('feed_state').selectAll().executeTakeFirstOrThrow()).head_seq).toBe(0);
    await first.close();
    const again = await openHqDatabase(storage.storage);
    expect(await again.read.selectFrom('tax_classes').select('name').execute()).toEqual([{ name: 'Standard' }]);
    await again.close();
  });

  it('migrates an HQ of the first schema to the order indexes, keeping its orders', async () => {
    storage = makeStorage(kind);
    const first = await openHqDatabase(storage.storage);
    const schema = first.dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(first.db)).rows[0]!.s : undefined;
    const migrator = new Migrator({ db: first.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    expect((await migrator.migrateTo('001-initial')).error).toBeUndefined();
    const indexes = async (db: typeof first) =>
      db.dialect === 'postgres'
        ? (await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()`.execute(db.db)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index'`.execute(db.db)).rows.map((r) => r.name);
    expect(await indexes(first)).not.toContain('orders_by_original');
    await sql`INSERT INTO stores (id, code, name, currency, prices_include_tax, created_at) VALUES ('st', 'S9', 'Shop', 'EUR', 1, 0)`.execute(first.db);
    await first.close();
    const again = await openHqDatabase(storage.storage);
    expect(await indexes(again)).toEqual(expect.arrayContaining(['orders_by_original', 'orders_by_member']));
    expect(await again.read.selectFrom('stores').select('code').where('id', '=', 'st').execute()).toEqual([{ code: 'S9' }]);
    await again.close();
  });

  it('migrates an HQ of schema 005 to label prices: every product it had stays unmarked', async () => {
    storage = makeStorage(kind);
    const first = await openHqDatabase(storage.storage);
    const schema = first.dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(first.db)).rows[0]!.s : undefined;
    const migrator = new Migrator({ db: first.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    expect((await migrator.migrateTo('005-epoch')).error).toBeUndefined();
    await sql`INSERT INTO products (sku, name, price, tax_class, barcodes, updated_at) VALUES ('GIFT-50', 'Gift Card 50.00', 5000, 'zero', '["4006381333931"]', 0)`.execute(first.db);
    await first.close();
    const again = await openHqDatabase(storage.storage);
    expect(await again.read.selectFrom('products').select(['sku', 'price_by_label']).execute()).toEqual([{ sku: 'GIFT-50', price_by_label: 0 }]);
    await again.close();
  });

  it("migrates an HQ of schema 005 to enrolment codes: each store's code keeps enrolling any number of registers, and no register is revoked", async () => {
    storage = makeStorage(kind);
    const first = await openHqDatabase(storage.storage);
    const schema = first.dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(first.db)).rows[0]!.s : undefined;
    const migrator = new Migrator({ db: first.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    expect((await migrator.migrateTo('005-epoch')).error).toBeUndefined();
    await sql`INSERT INTO stores (id, code, name, currency, prices_include_tax, enrolment_code_hash, created_at) VALUES ('st', 'S9', 'Shop', 'EUR', 1, 'hash-of-code', 5)`.execute(first.db);
    await sql`INSERT INTO stores (id, code, name, currency, prices_include_tax, created_at) VALUES ('st2', 'S8', 'No code', 'EUR', 1, 6)`.execute(first.db);
    await sql`INSERT INTO registers (id, store_id, code, name, token_hash, enrolled_at) VALUES ('r1', 'st', 'R01', 'Till', 'token-hash', 7)`.execute(first.db);
    await first.close();
    const again = await openHqDatabase(storage.storage);
    const codes = await again.read.selectFrom('enrolment_codes').selectAll().execute();
    expect(codes.map((c) => ({ ...c, uses: Number(c.uses), created_at: Number(c.created_at) }))).toEqual([{ code_hash: 'hash-of-code', store_id: 'st', max_uses: null, uses: 0, expires_at: null, created_at: 5 }]);
    expect(await again.read.selectFrom('registers').select(['id', 'revoked_at']).execute()).toEqual([{ id: 'r1', revoked_at: null }]);
    await again.close();
  });

  it('migrates an HQ of schema 008 to cash: its orders stay, the drawer tables start empty and hold money beyond 32 bits', async () => {
    storage = makeStorage(kind);
    const first = await openHqDatabase(storage.storage);
    const schema = first.dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(first.db)).rows[0]!.s : undefined;
    const migrator = new Migrator({ db: first.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    expect((await migrator.migrateTo('008-order-returns')).error).toBeUndefined();
    await sql`INSERT INTO orders (id, kind, number, store_id, register_id, total, currency, created_at, lines, cashier_id, received_at) VALUES ('o1', 'sale', 'S01-R01-1', 'st', 'r1', 258, 'EUR', 0, '[]', 'c1', 0)`.execute(first.db);
    await first.close();
    const again = await openHqDatabase(storage.storage);
    expect(await again.read.selectFrom('orders').select('id').execute()).toEqual([{ id: 'o1' }]);
    expect(await again.read.selectFrom('cash_sessions').selectAll().execute()).toEqual([]);
    const big = 2 ** 40;
    await again.db
      .insertInto('cash_sessions')
      .values({ id: 's1', store_id: 'st', register_id: 'r1', currency: 'EUR', opened_at: Date.UTC(2025, 0, 1), opened_by: 'u1', float: big, opened_at_first_sale: 0, counted_at: null, counted_by: null, counted: null, expected: null, closed_at: null, closed_by: null, note: null, approved_by: null, reconciled: null, received_at: 0 })
      .execute();
    await again.db.insertInto('cash_movements').values({ id: 'm1', session_id: 's1', store_id: 'st', register_id: 'r1', kind: 'drop', amount: -big, order_id: null, reason: null, note: null, user_id: 'u1', approved_by: null, at: 0 }).execute();
    expect(await again.read.selectFrom('cash_sessions').select(['float', 'opened_at']).execute()).toEqual([{ float: big, opened_at: Date.UTC(2025, 0, 1) }]);
    expect(await again.read.selectFrom('cash_movements').select('amount').execute()).toEqual([{ amount: -big }]);
    await again.close();
  });

  it('migrates an HQ of schema 014 to shared state: empty fault, QoS and attempt tables, and back down', async () => {
    storage = makeStorage(kind);
    const first = await openHqDatabase(storage.storage);
    const schema = first.dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(first.db)).rows[0]!.s : undefined;
    const migrator = new Migrator({ db: first.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    expect((await migrator.migrateTo('014-takings-daily')).error).toBeUndefined();
    await first.close();
    const again = await openHqDatabase(storage.storage);
    expect(await again.read.selectFrom('hq_faults').selectAll().execute()).toEqual([]);
    expect(await again.read.selectFrom('hq_qos_windows').selectAll().execute()).toEqual([]);
    await again.db.insertInto('hq_attempts').values({ attempt_id: 'a1', key: 'login:register:r1', expires_at: 1 }).execute();
    if (again.dialect === 'postgres') {
      const taken = await sql<{ wait: number }>`SELECT kassa_take_attempt(ARRAY['login:register:r1'], 'a2', 0, 1000, 1) AS wait`.execute(again.db);
      expect(Number(taken.rows[0]!.wait)).toBe(1); // the attempt a1 holds the one slot until it expires at 1 ms
    }
    const down = new Migrator({ db: again.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    expect((await down.migrateTo('014-takings-daily')).error).toBeUndefined();
    await expect(again.read.selectFrom('hq_attempts').selectAll().execute()).rejects.toThrow();
    await again.close();
  });

  it('goes back from staged feed changes only once none waits for its number', async () => {
    storage = makeStorage(kind);
    const db = await openHqDatabase(storage.storage);
    const schema = db.dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(db.db)).rows[0]!.s : undefined;
    const migrator = new Migrator({ db: db.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    await db.db.insertInto('staged_changes').values({ kind: 'product', action: 'upsert', entity_id: 'SKU-1', data: '{}', store_id: null, origin_register_id: null, committed_at: 1 }).execute();
    expect(String((await migrator.migrateDown()).error)).toMatch(/start this HQ once/);
    expect(await db.read.selectFrom('staged_changes').select('entity_id').execute()).toEqual([{ entity_id: 'SKU-1' }]);
    await db.db.deleteFrom('staged_changes').execute();
    expect((await migrator.migrateDown()).error).toBeUndefined();
    await expect(db.read.selectFrom('staged_changes').selectAll().execute()).rejects.toThrow();
    await db.close();
  });

  it('refuses to start on a database migrated by a newer HQ, with a clear error', async () => {
    storage = makeStorage(kind);
    const current = await openHqDatabase(storage.storage);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('999-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(current.db);
    await current.close();
    await expect(openHqDatabase(storage.storage)).rejects.toThrow(MigrationFailedError);
    await expect(openHqDatabase(storage.storage)).rejects.toThrow(/could not bring its database up to date.*999-from-the-future/);
  });

  it('migrates its own schema while another schema of the same database already holds an HQ', async () => {
    storage = makeStorage(kind);
    const other = makeStorage(kind);
    try {
      const neighbour = await openHqDatabase(other.storage);
      const own = await openHqDatabase(storage.storage);
      const applied = await own.db.selectFrom('kysely_migration' as never).select(sql<string>`name`.as('name')).execute();
      expect(applied.map((r) => (r as { name: string }).name)).toEqual(Object.keys(migrations));
      await own.close();
      await neighbour.close();
    } finally {
      await other.cleanup();
    }
  });
});
