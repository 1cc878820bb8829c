import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cart, DiskSpace, KassaEvent } from '../../shared/api';
import type { ApiResult } from '../../shared/errors';
import { skipReason } from '../../shared/testing/capabilities';
import demo from '../../shared/demo/catalog.json';
import { mountSmallFs, smallFsSupport, type SmallFs } from '../test/small-fs';
import { createKassaCore, DATABASE_FILE, type KassaCore } from './kassa-core';
import { silentLogger } from './logger';

/*
 * The register on a disk that fills up (a tmpfs of a few MiB): a scan or a sale that cannot be written
 * answers DISK_FULL, leaves the cart as it was and no sale half-written, the status warns, and selling
 * goes on once there is space again.
 */
const skip = skipReason('loopfs', smallFsSupport());
const trusted = { host: 'web' as const, trustedSender: true };
const MiB = 1024 * 1024;

describe.skipIf(skip !== null)('a register whose disk fills up', () => {
  let disk: SmallFs;
  let core: KassaCore;
  let dataDir: string;
  const events: KassaEvent[] = [];

  const dispatch = async <T,>(channel: string, input: unknown = {}) => (await core.dispatch(channel as never, input, trusted)) as ApiResult<T>;
  const call = async <T,>(channel: string, input: unknown = {}): Promise<T> => {
    const result = await dispatch<T>(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  const completedSales = () => {
    const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare("SELECT count(*) AS n FROM sales WHERE status = 'completed'").get() as { n: number };
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    disk = mountSmallFs(24);
    dataDir = path.join(disk.dir, 'register');
    fs.mkdirSync(dataDir);
    // Warn below 8 MiB free: the fresh register has more, the filled disk far less.
    fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ storage: { lowSpaceMiB: 8 } }));
    core = await createKassaCore({ config: { dataDir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log: silentLogger() });
    core.events.subscribe((event) => events.push(event));
    await call('session.login', { pin: '1234' });
  });

  afterAll(() => {
    core?.close();
    disk?.unmount();
  });

  it('warns, refuses the scan and the sale with DISK_FULL leaving both as they were, and sells again once space is back', async () => {
    const [first, second] = demo.products;
    const start = await call<DiskSpace>('storage.status');
    expect(start).toMatchObject({ path: dataDir, low: false, full: false, lowBytes: 8 * MiB });
    await call<Cart>('cart.scan', { code: first!.barcodes[0] });
    let cart = await call<Cart>('cart.scan', { code: second!.barcodes[0] });
    const salesBefore = completedSales().n;

    const filled = disk.fill();
    expect(filled).toBeGreaterThan(MiB);

    // Scans until one cannot be written (SQLite may still have room in pages it already holds).
    let refused: ApiResult<Cart> | null = null;
    for (let i = 0; i < 5000 && !refused; i++) {
      const result = await dispatch<Cart>('cart.scan', { code: first!.barcodes[0] });
      if (result.ok) cart = result.value;
      else refused = result;
    }
    expect(refused).not.toBeNull();
    expect(refused!.ok).toBe(false);
    if (refused!.ok) return;
    expect(refused!.error.code).toBe('DISK_FULL');
    expect(refused!.error.message).toMatch(new RegExp(`^The register's disk is full: this scan was not saved\\. Free space on ${dataDir} \\(\\d+\\.\\d MiB free\\) or call IT; the cart is as it was\\.$`));
    // The cart is exactly as it was before the refused scan.
    expect(await call<Cart>('cart.get')).toEqual(cart);
    // The status bar hears it at once: full, and low.
    const status = await call<DiskSpace>('storage.status');
    expect(status).toMatchObject({ full: true, low: true });
    expect(events.some((e) => e.name === 'storage.changed' && e.payload.full)).toBe(true);

    // Space comes back (the filler goes): the next scan is saved, and the status bar's warning clears.
    disk.free();
    cart = await call<Cart>('cart.scan', { code: second!.barcodes[0] });
    expect(cart.lines.find((line) => line.sku === second!.sku)?.quantity).toBe(2);
    expect(await call<DiskSpace>('storage.status')).toMatchObject({ full: false, low: false });

    // The sale is paid, then the disk fills again: completing it is refused, no sale is completed, and its payment is still there.
    const state = await call<{ saleId: string; remaining: number }>('checkout.state');
    const paid = await call<{ payments: unknown[]; remaining: number }>('checkout.addCash', { saleId: state.saleId, tendered: state.remaining });
    expect(paid.remaining).toBe(0);
    disk.fill();
    const completion = await dispatch('checkout.complete', { saleId: state.saleId });
    expect(completion.ok).toBe(false);
    if (completion.ok) return;
    expect(completion.error.code).toBe('DISK_FULL');
    expect(completion.error.message).toMatch(/^The register's disk is full: the sale was not saved\. .* it is still open with its payments, as it was\.$/);
    expect(completedSales().n).toBe(salesBefore);
    expect(await call<{ saleId: string; payments: unknown[] }>('checkout.state')).toMatchObject({ saleId: state.saleId, payments: paid.payments });
    expect((await call<Cart>('cart.get')).lines).toEqual(cart.lines);

    // Space again: the same sale completes, once.
    disk.free();
    const done = await call<{ number: string }>('checkout.complete', { saleId: state.saleId });
    expect(done.number).toMatch(/^S01-R01-\d+$/);
    expect(completedSales().n).toBe(salesBefore + 1);
  }, 120_000);
});
