import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../server';
import { ADMIN_TOKEN, makeStorage, POSTGRES_SKIP_REASON } from '../test/harness';

/**
 * Behind PgBouncer in transaction mode a LISTEN cannot work, so HQ's one LISTEN connection goes to the
 * database server named by DATABASE_LISTEN_URL while its pool goes through DATABASE_URL.
 */
describe.skipIf(POSTGRES_SKIP_REASON !== null)(`the LISTEN connection [postgres${POSTGRES_SKIP_REASON ? `: ${POSTGRES_SKIP_REASON}` : ''}]`, () => {
  it('opens on the listen connection string when one is given, and only there', async () => {
    const storage = makeStorage('postgres');
    if (storage.storage.kind !== 'postgres') throw new Error('unreachable');
    const name = `kassa_listen_${process.pid}_${Date.now()}`;
    const url = new URL(storage.storage.connectionString);
    url.searchParams.set('application_name', name);
    const app = await buildServer({ storage: { ...storage.storage, listenConnectionString: url.toString() }, adminToken: ADMIN_TOKEN, pruneEveryMs: 0, settleEveryMs: 0 });
    const client = new pg.Client({ connectionString: storage.storage.connectionString });
    await client.connect();
    try {
      await app.ready();
      const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [name]);
      expect(rows.map((r) => r.pid)).toEqual([app.hq.listener!.pid]);
    } finally {
      await client.end();
      await app.close();
      await storage.cleanup();
    }
  });
});
