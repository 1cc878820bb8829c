import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../shared/errors';
import { createKassaCore } from '../core/kassa-core';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { mayInstallUpdate } from './update-policy';

/*
 * The register core as the update wiring and the language switch see it: the activity the update policy
 * reads follows a real sale, and app.setLocale is kept across a restart on the same data folder.
 */
const trusted = { host: 'web', trustedSender: true } as const;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function register(dir = makeTempDir(), locale: 'en' | 'zh-CN' = 'en') {
  const core = await createKassaCore({ config: { dataDir: dir.dir, port: 0, hqUrl: null, enrolmentCode: null, locale }, log: silentLogger() });
  const call = async <T = Record<string, unknown>>(channel: string, input: unknown = {}): Promise<T> => {
    const result = (await core.dispatch(channel as never, input, trusted)) as ApiResult<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  return { core, call, dir };
}

const firstBarcode = () => (JSON.parse(fs.readFileSync('shared/demo/catalog.json', 'utf8')) as { products: { barcodes: string[] }[] }).products[0]!.barcodes[0]!;

describe('what the update policy sees of a register', () => {
  it('an update waits through a sale and installs after sign-out', async () => {
    const r = await register();
    cleanups.push(() => r.core.close());
    expect(r.core.activity()).toMatchObject({ cartLines: 0, salePayments: 0, signedIn: false, locked: false });
    expect(mayInstallUpdate(r.core.activity()).install).toBe(true);

    await r.call('session.login', { pin: '1234' });
    expect(mayInstallUpdate(r.core.activity())).toEqual({ install: false, reason: 'cashier-at-till' });
    await r.call('cart.scan', { code: firstBarcode() });
    expect(r.core.activity().cartLines).toBe(1);
    const tender = await r.call<{ saleId: string; remaining: number }>('checkout.state');
    await r.call('checkout.addCash', { saleId: tender.saleId, tendered: tender.remaining });
    // Paid but not yet completed: still an open sale.
    expect(mayInstallUpdate({ ...r.core.activity(), signedIn: false })).toEqual({ install: false, reason: 'open-sale' });
    await r.call('checkout.complete', { saleId: tender.saleId });
    expect(r.core.activity()).toMatchObject({ cartLines: 0, salePayments: 0 });

    await r.call('session.logout');
    // Demo mode has no HQ: its pending operations are never on their way, so they do not hold the update.
    expect(r.core.activity()).toMatchObject({ online: false, signedIn: false });
    expect(r.core.activity().pendingUploads).toBeGreaterThan(0);
    expect(mayInstallUpdate(r.core.activity())).toEqual({ install: true, reason: 'signed-out' });
  });
});

describe('the language chosen on screen', () => {
  it('is announced to every window and kept across a restart, over KASSA_LOCALE', async () => {
    const dir = makeTempDir();
    const first = await register(dir, 'en');
    const announced: unknown[] = [];
    first.core.events.subscribe((event) => event.name === 'app.changed' && announced.push(event.payload));
    expect(await first.call('app.setLocale', { locale: 'zh-CN' })).toMatchObject({ locale: 'zh-CN' });
    expect(announced).toEqual([expect.objectContaining({ locale: 'zh-CN' })]);
    first.core.close();

    const second = await register(dir, 'en');
    cleanups.push(() => second.core.close());
    expect(await second.call('app.info')).toMatchObject({ locale: 'zh-CN' });
    await expect(second.call('app.setLocale', { locale: 'fr' })).rejects.toThrow(/INVALID_INPUT/);
  });
});
