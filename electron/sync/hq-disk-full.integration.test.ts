import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from '../../shared/testing/capabilities';
import { startHq, type RunningHq } from '../../e2e/support/hq-server';
import { createKassaCore, type KassaCore } from '../core/kassa-core';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { mountSmallFs, smallFsSupport, type SmallFs } from '../test/small-fs';
import { waitFor } from '../test/wait-for';

/*
 * HQ (the real server, on SQLite) whose own disk fills up: it answers the register's uploads 507, the
 * register keeps every operation in its outbox (none becomes a dead letter) and uploads them, once each,
 * when HQ has space again.
 */
const skip = skipReason('loopfs', smallFsSupport());
const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;

describe.skipIf(skip !== null)('a register whose HQ runs out of disk', () => {
  let disk: SmallFs;
  let hq: RunningHq;
  let core: KassaCore;
  let cleanup: () => void;
  const call = async <T,>(channel: string, input: unknown = {}): Promise<T> => {
    const result = await core.dispatch(channel, input, trusted);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  };

  beforeAll(async () => {
    disk = mountSmallFs(64);
    hq = await startHq({ dataDir: path.join(disk.dir, 'hq') });
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
    disk?.unmount();
  });

  it('keeps the sales HQ answered 507 in the outbox and uploads them once HQ has space again', async () => {
    await call('cart.scan', { code: 'SKU-000001' });
    const first = core.sales.completeWithCash(null).number;
    await waitFor('the first upload', () => core.sync.status().pending === 0);

    disk.fill();
    // HQ's SQLite may still have room in pages it holds: sell until an upload is refused.
    const refused: string[] = [];
    await waitFor(
      'an upload HQ refuses for want of disk',
      async () => {
        await call('cart.scan', { code: 'SKU-000002' });
        refused.push(core.sales.completeWithCash(null).number);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return core.sync.status().lastError?.message.match(/\b507\b/);
      },
      30_000,
    );
    const status = core.sync.status();
    expect(status.pending).toBeGreaterThan(0);
    expect(status.deadLetters).toBe(0);
    expect(status.lastError?.message).toMatch(/\b507\b/);

    disk.free();
    await waitFor('the uploads after HQ has space again', () => core.sync.status().pending === 0, 90_000);
    expect(core.sync.status().deadLetters).toBe(0);
    const { orders } = await hq.admin<{ orders: { number: string }[] }>('GET', '/orders/search?limit=1000');
    for (const number of [first, ...refused]) expect(orders.filter((o) => o.number === number), number).toHaveLength(1);
  }, 180_000);
});
