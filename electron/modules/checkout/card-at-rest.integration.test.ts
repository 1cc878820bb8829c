import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLuhnValid, TEST_CARDS } from '../../../shared/hq/payments';
import { startHq, type RunningHq } from '../../../e2e/support/hq-server';
import { createKassaCore, type KassaCore } from '../../core/kassa-core';
import { silentLogger } from '../../core/logger';
import { makeTempDir } from '../../test/factories';
import { waitFor } from '../../test/wait-for';

/*
 * The proof that no full card number stays at rest: a real register core against the real HQ takes one
 * card payment online and one offline (kept for later, sealed), uploads, HQ settles, both shut down, and
 * then every byte of every file either left behind (the register's database, its -wal and -shm, its logs;
 * HQ's database files) is searched for the card number.
 */

/** Luhn-valid, and no documented test card: nothing else in a data folder can hold these digits. */
const PAN = '4556019283746519';
const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;

let hq: RunningHq;
let core: KassaCore | null = null;
let registerDir: string;
let cleanup: () => void;

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const result = await core!.dispatch(channel, input, trusted);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The files under `dir` whose raw bytes hold `text` as ASCII. */
function holding(dir: string, text: string): string[] {
  return filesUnder(dir).filter((file) => fs.readFileSync(file).includes(Buffer.from(text, 'ascii')));
}

beforeAll(async () => {
  expect(isLuhnValid(PAN)).toBe(true);
  expect(Object.values(TEST_CARDS)).not.toContain(PAN);
  hq = await startHq();
  const data = makeTempDir();
  registerDir = data.dir;
  cleanup = data.cleanup;
  fs.writeFileSync(path.join(registerDir, 'settings.json'), JSON.stringify({ connectivity: FAST }));
  core = await createKassaCore({ config: { dataDir: registerDir, port: 0, hqUrl: hq.url, enrolmentCode: 'DEMO', locale: 'en' }, log: silentLogger() });
}, 60_000);

afterAll(async () => {
  core?.close();
  await hq?.stop();
  cleanup?.();
});

describe('no full card number at rest', () => {
  it('leaves the card number in no file of the register or of HQ after an online and a stored card payment are settled', async () => {
    await waitFor('enrolment', async () => (await call<{ enrolled: boolean }>('app.info')).enrolled);
    await waitFor('the catalog', () => core!.sync.status().lastSeq > 0);
    await call('session.login', { pin: '1234' });

    // Online: authorised by HQ now.
    await call('cart.scan', { code: 'SKU-000001' });
    let state = await call<{ saleId: string }>('checkout.state');
    expect(await call('checkout.addCard', { saleId: state.saleId, cardNumber: PAN })).toMatchObject({ payments: [{ tender: 'card', status: 'approved', last4: '6519' }] });
    await call('checkout.complete', { saleId: state.saleId });

    // Offline: kept for later (store-and-forward), sealed to HQ's card key.
    await call('connectivity.goOffline');
    await call('cart.scan', { code: 'SKU-000001' });
    state = await call<{ saleId: string }>('checkout.state');
    expect(await call('checkout.addCard', { saleId: state.saleId, cardNumber: PAN })).toMatchObject({ payments: [{ tender: 'card', status: 'stored', last4: '6519' }] });
    await call('checkout.complete', { saleId: state.saleId });
    expect(core!.sync.status().pending).toBeGreaterThan(0);

    // Upload, and HQ settles what was kept (a push that stores an offline payment starts settling).
    await call('connectivity.goOnline');
    await waitFor('the upload', () => core!.sync.status().pending === 0);
    const { deadLetters } = core!.sync.status();
    const hqDb = new Database(path.join(hq.dataDir, 'hq.db'), { readonly: true });
    // Searched below whatever came of it, so a number left on disk is what this test reports first.
    const settled = await waitFor('settlement on HQ', () => hqDb.prepare("SELECT count(*) FROM offline_card_payments WHERE status = 'settled' AND card_token IS NULL").pluck().get() === 1, 10_000)
      .catch(() => false)
      .finally(() => hqDb.close());

    core!.close();
    core = null;
    await hq.stop({ keepData: true });

    const registerFiles = filesUnder(registerDir).map((f) => path.relative(registerDir, f));
    expect(registerFiles).toEqual(expect.arrayContaining(['kassa.db']));
    expect(registerFiles.some((f) => f.startsWith('logs'))).toBe(true);
    expect(filesUnder(hq.dataDir).map((f) => path.basename(f))).toContain('hq.db');
    // The register did take this card, twice: its last four digits are on the receipt rows, the rest nowhere.
    expect(holding(registerDir, '6519').length).toBeGreaterThan(0);
    expect(holding(registerDir, PAN)).toEqual([]);
    expect(holding(hq.dataDir, PAN)).toEqual([]);
    expect(deadLetters).toBe(0);
    expect(settled).toBe(true);
  }, 90_000);
});
