import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHq, type RunningHq } from '../../e2e/support/hq-server';
import { createKassaCore, type KassaCore } from '../core/kassa-core';
import { silentLogger } from '../core/logger';
import { makeEan13, makeTempDir } from '../test/factories';
import { waitFor as waitUntil } from '../test/wait-for';

/*
 * The register against the real HQ server on 127.0.0.1: enrolment, the catalog arriving through the
 * change feed, PIN login by HQ, sales uploaded exactly once, nothing sent while switched offline, and an
 * HQ catalog change reaching the register through the realtime stream.
 */

const waitFor = <T,>(what: string, probe: () => T | Promise<T>, limitMs = 15_000) => waitUntil(what, probe, limitMs);

const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;
let hq: RunningHq;
let core: KassaCore;
let cleanup: () => void;

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const result = await core.dispatch(channel, input, trusted);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

beforeAll(async () => {
  hq = await startHq();
  const data = makeTempDir();
  cleanup = data.cleanup;
  fs.writeFileSync(`${data.dir}/settings.json`, JSON.stringify({ connectivity: FAST }));
  core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: hq.url, enrolmentCode: 'DEMO', locale: 'en' }, log: silentLogger() });
}, 60_000);

afterAll(async () => {
  core?.close();
  await hq?.stop();
  cleanup?.();
});

describe('a register with HQ', () => {
  it('enrols with the store code and pulls HQ’s catalog', async () => {
    await waitFor('enrolment', async () => (await call<{ enrolled: boolean }>('app.info')).enrolled);
    await waitFor('the catalog', () => core.sync.status().lastSeq > 0 && core.sync.status().realtime);
    const demo = JSON.parse(fs.readFileSync('shared/demo/catalog.json', 'utf8')) as { products: { barcodes: string[]; name: string }[] };
    await call('session.login', { pin: '1234' });
    const product = await call<{ product: { name: string } }>('catalog.lookup', { code: demo.products[0]!.barcodes[0] });
    expect(product.product.name).toBe(demo.products[0]!.name);
  });

  it('uploads completed sales exactly once, and keeps them while switched offline', async () => {
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      await call('cart.scan', { code: 'SKU-000001' });
      numbers.push(core.sales.completeWithCash(null).number);
    }
    await waitFor('the upload', () => core.sync.status().pending === 0);

    await call('connectivity.goOffline');
    await call('cart.scan', { code: 'SKU-000002' });
    const offline = core.sales.completeWithCash(null).number;
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(core.sync.status().pending).toBe(3); // the sale, its payment and the cash it put in the drawer wait
    await call('connectivity.goOnline');
    await waitFor('the upload after going online', () => core.sync.status().pending === 0);

    const { orders } = await hq.admin<{ orders: { number: string }[] }>('GET', '/orders/search?limit=100');
    for (const number of [...numbers, offline]) expect(orders.filter((o) => o.number === number), number).toHaveLength(1);
    expect(numbers[0]).toMatch(/^[A-Za-z0-9]+-R\d+-1$/);
  });

  it('sees a product imported on HQ within 5 s (realtime) and can sell it', async () => {
    const barcode = makeEan13();
    const started = Date.now();
    await hq.admin('POST', '/catalog/import', { products: [{ sku: 'SKU-NEW-1', barcodes: [barcode], name: 'Harbour Light Sparkling Water 1 L', price: 129, taxClass: 'standard' }] });
    await waitFor('the new product', async () => (await core.dispatch('catalog.lookup', { code: barcode }, trusted)).ok, 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    const cart = await call<{ lines: { name: string }[] }>('cart.scan', { code: barcode });
    expect(cart.lines.map((l) => l.name)).toContain('Harbour Light Sparkling Water 1 L');
  });

  it("signs in offline with the PIN of anyone HQ sent through the change feed, and refuses a PIN nobody at the store has", async () => {
    await call('connectivity.goOffline');
    try {
      expect(await call<{ user: { name: string } }>('session.login', { pin: '1234' })).toMatchObject({ user: { role: 'cashier' } });
      // Max never signed in on this register: HQ's feed brought him with his PIN.
      expect(await call<{ user: { name: string } }>('session.login', { pin: '9999' })).toMatchObject({ user: { role: 'manager' } });
      const nobody = await core.dispatch('session.login', { pin: '7777' }, trusted);
      expect(nobody).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    } finally {
      await call('connectivity.goOnline');
    }
  });
});
