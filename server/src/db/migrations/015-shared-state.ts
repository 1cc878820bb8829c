import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * State every HQ instance behind a load balancer must agree on, kept in the database they share:
 * - `hq_faults`: the faults an operator injected (HQ_FAULTS=1), one row per domain or route; every
 *   instance reads them into memory at least twice a second (qos/shared-faults.ts).
 * - `hq_qos_windows`: each instance's recent outcomes per domain (samples, failures, p90 latency), written
 *   about once a second while it has any, so /qos on one instance hears about failures on another.
 * - `hq_attempts`: guesses of a secret (enrolment codes, PINs, console passwords) per key, each row alive
 *   until `expires_at`, so a guesser gets the same number of tries whichever instance answers. On
 *   PostgreSQL `kassa_take_attempt` takes an attempt on every key in one round trip, serialised per key by
 *   an advisory lock, before the secret is checked (http/shared-failure-limiter.ts).
 */
export const sharedStateMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hq_faults')
      .addColumn('fault_key', 'text', (c) => c.primaryKey())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('hq_qos_windows')
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('samples', 'integer', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('p90_ms', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('hq_qos_windows_pk', ['instance_id', 'domain'])
      .execute();
    await db.schema
      .createTable('hq_attempts')
      .addColumn('attempt_id', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hq_attempts_by_key').on('hq_attempts').columns(['key', 'expires_at']).execute();
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    // Returns 0 when the attempt was taken on every key, else the milliseconds until one is free again
    // (nothing taken). Each statement of a PL/pgSQL function sees the rows committed before it, so the
    // counts are read after the locks are held.
    await sql`CREATE FUNCTION kassa_take_attempt(keys text[], attempt text, now_ms bigint, window_ms bigint, max_failures integer)
      RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        k text;
        oldest bigint;
        wait bigint := 0;
      BEGIN
        FOR k IN SELECT DISTINCT u FROM unnest(keys) AS u ORDER BY u LOOP
          PERFORM pg_advisory_xact_lock(hashtext('kassa_attempt:' || k));
        END LOOP;
        FOREACH k IN ARRAY keys LOOP
          SELECT a.expires_at INTO oldest FROM hq_attempts a WHERE a.key = k AND a.expires_at > now_ms
            ORDER BY a.expires_at DESC OFFSET max_failures - 1 LIMIT 1;
          IF FOUND THEN wait := GREATEST(wait, oldest - now_ms); END IF;
        END LOOP;
        IF wait > 0 THEN RETURN wait; END IF;
        INSERT INTO hq_attempts (attempt_id, key, expires_at)
          SELECT attempt || ':' || u, u, now_ms + window_ms FROM (SELECT DISTINCT unnest(keys) AS u) d;
        RETURN 0;
      END $$`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`DROP FUNCTION IF EXISTS kassa_take_attempt(text[], text, bigint, bigint, integer)`.execute(db);
    await db.schema.dropTable('hq_attempts').execute();
    await db.schema.dropTable('hq_qos_windows').execute();
    await db.schema.dropTable('hq_faults').execute();
  },
};
