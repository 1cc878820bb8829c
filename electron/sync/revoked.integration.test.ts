import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHq, type RunningHq } from '../../e2e/support/hq-server';
import type { AppInfo } from '../../shared/api';
import { createKassaCore, type KassaCore } from '../core/kassa-core';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { waitFor } from '../test/wait-for';
import { REVOKED_MESSAGE } from '../hq/hq-client';

/*
 * HQ (the real server) revokes a register's device token: the register stops uploading and pulling
 * (no retries against HQ), keeps every sale in its outbox, says so, and uploads them once it is
 * enrolled again with a new code.
 */
const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;

describe('a register HQ revokes', () => {
  let hq: RunningHq;
  let core: KassaCore;
  let cleanup: () => void;
  const call = async <T,>(channel: string, input: unknown = {}): Promise<T> => {
    const result = await core.dispatch(channel, input, trusted);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  };
  const sell = async (code: string) => {
    await call('cart.scan', { code });
    return core.sales.completeWithCash(null).number;
  };

  beforeAll(async () => {
    hq = await startHq();
    const data = makeTempDir();
    cleanup = data.cleanup;
    fs.writeFileSync(path.join(data.dir, 'settings.json'), JSON.stringify({ connectivity: FAST }));
    core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: hq.url, enrolmentCode: 'DEMO', locale: 'en' }, log: silentLogger() });
    await waitFor('enrolment and the catalog', () => core.sync.status().lastSeq > 0);
    await call('session.login', { pin: '1234' });
  }, 60_000);

  afterAll(async () => {
    core?.close();
    await hq?.stop();
    cleanup?.();
  });

  it('stops syncing, keeps its sales and says it must be enrolled again; enrolled again, it uploads them', async () => {
    const first = await sell('SKU-000001');
    await waitFor('the first upload', () => core.sync.status().pending === 0);
    const { registers } = await hq.admin<{ registers: { id: string; storeId: string }[] }>('GET', '/registers');
    expect(registers).toHaveLength(1);
    await hq.admin('DELETE', `/registers/${registers[0]!.id}`);

    const kept = [await sell('SKU-000002'), await sell('SKU-000003')];
    await waitFor('the register to learn it was revoked', () => core.sync.status().revokedAt != null, 30_000);
    const status = core.sync.status();
    expect(status).toMatchObject({ deadLetters: 0, realtime: false, lastError: { message: REVOKED_MESSAGE } });
    expect(status.pending).toBeGreaterThanOrEqual(kept.length);
    expect((await call<AppInfo>('app.info')).enrolled).toBe(false);
    // Nothing more goes to HQ: a drain sends nothing, however often it is asked.
    for (let i = 0; i < 3; i++) expect(await core.sync.drainer.drain()).toMatchObject({ sent: 0, skipped: 'not-enrolled' });
    expect(core.sync.status().pending).toBe(status.pending);

    const { code } = await hq.admin<{ code: string }>('POST', `/stores/${registers[0]!.storeId}/enrolment-codes`, {});
    expect((await call<AppInfo>('register.enrol', { code })).enrolled).toBe(true);
    await waitFor('the kept sales to upload after enrolling again', () => core.sync.status().pending === 0, 30_000);
    expect(core.sync.status()).toMatchObject({ revokedAt: null, deadLetters: 0, lastError: null });
    const { orders } = await hq.admin<{ orders: { number: string }[] }>('GET', '/orders/search?limit=1000');
    for (const number of [first, ...kept]) expect(orders.filter((o) => o.number === number), number).toHaveLength(1);
  }, 120_000);
});
