import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ZReport } from '../../shared/modules/orders.api';
import { TEST_CARDS } from '../../shared/hq/payments';
import { startHq, type RunningHq } from '../../e2e/support/hq-server';
import { createKassaCore, type KassaCore } from '../core/kassa-core';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { reconcileMoney } from './testing/money';
import { seeded } from './testing/harness';
import { waitFor } from '../test/wait-for';

/*
 * The register's clock is corrected in the middle of a shift: set back an hour and forward a day, across
 * the night the clocks change in its time zone (Europe/Berlin, 2026-03-29 02:00 → 03:00). Only the
 * register's wall clock moves (Date is faked; timers and the monotonic clock run as they do); HQ keeps its
 * own time. Sales, a refund of a sale made before the jump and a card sale are taken online and offline,
 * the day is closed in between and at the end. Nothing may be reordered, lost or counted twice: every
 * sale is on HQ once with its money, nothing is rejected, and the two Z-reports add up to what was sold.
 */

/** CLOCK_PROOF=full: 40 random jumps in the second test instead of 6. CLOCK_PROOF_SEED replays one. */
const FULL = process.env.CLOCK_PROOF === 'full';
const SEED = Number(process.env.CLOCK_PROOF_SEED ?? Date.now() % 1_000_000);
const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;
const HOUR = 3_600_000;
let hq: RunningHq;
let core: KassaCore;
let cleanup: () => void;
const zone = process.env.TZ;

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const result = await core.dispatch(channel, input, trusted);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

/** Sets the register's wall clock (it keeps running from there). */
const setClock = (at: number) => vi.setSystemTime(at);

async function sell(codes: string[], tender: 'cash' | 'card' = 'cash'): Promise<{ id: string; number: string; total: number }> {
  for (const code of codes) await call('cart.scan', { code });
  const state = await call<{ saleId: string; remaining: number; due: number }>('checkout.state');
  if (tender === 'cash') await call('checkout.addCash', { saleId: state.saleId, tendered: state.remaining });
  else await call('checkout.addCard', { saleId: state.saleId, cardNumber: TEST_CARDS.approved });
  const done = await call<{ number: string }>('checkout.complete', { saleId: state.saleId });
  return { id: state.saleId, number: done.number, total: state.due };
}

beforeAll(async () => {
  process.env.TZ = 'Europe/Berlin';
  hq = await startHq();
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  setClock(Date.UTC(2026, 2, 29, 0, 40)); // 01:40 CET, twenty minutes before the clocks go forward
  const data = makeTempDir();
  cleanup = data.cleanup;
  fs.writeFileSync(`${data.dir}/settings.json`, JSON.stringify({ connectivity: FAST }));
  core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: hq.url, enrolmentCode: 'DEMO', locale: 'en' }, log: silentLogger() });
  await waitFor('enrolment', async () => (await call<{ enrolled: boolean }>('app.info')).enrolled);
  await waitFor('the catalog', () => core.sync.status().lastSeq > 0);
  // The manager signs in once online, so this register knows the PIN for approvals.
  await call('session.login', { pin: '9999' });
  await call('session.logout');
  await call('session.login', { pin: '1234' });
}, 90_000);

afterAll(async () => {
  core?.close();
  vi.useRealTimers();
  await hq?.stop();
  cleanup?.();
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('the register’s clock set back an hour and forward a day in the middle of a shift, across a DST change', () => {
  it('reorders, loses and double-counts nothing: every sale on HQ once with its money, and the Z-reports add up', async () => {
    const sold: { id: string; number: string; total: number }[] = [];
    const refunds: number[] = [];
    sold.push(await sell(['SKU-000001', 'SKU-000002']));
    await call('connectivity.goOffline');
    sold.push(await sell(['SKU-000003']));
    // NTP sets the clock back an hour (00:45 CET): a refund of the sale just made, then more sales.
    setClock(Date.now() - HOUR);
    const refund = await call<{ refund: { total: number } }>('orders.refund', { orderId: sold[1]!.id, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'damaged' });
    refunds.push(refund.refund.total);
    sold.push(await sell(['SKU-000004']));
    await call('connectivity.goOnline');
    await waitFor('the upload after the clock went back', () => core.sync.status().pending === 0);
    sold.push(await sell(['SKU-000005'], 'card'));
    await waitFor('the card sale upload', () => core.sync.status().pending === 0);
    const first = await call<ZReport>('day.close', {});
    // A day forward, past the DST change (03:40 CEST the next day), then back to the right time.
    setClock(Date.UTC(2026, 2, 30, 1, 40));
    sold.push(await sell(['SKU-000006']));
    await call('connectivity.goOffline');
    sold.push(await sell(['SKU-000007', 'SKU-000001']));
    setClock(Date.UTC(2026, 2, 29, 1, 10)); // 03:10 CEST on the day itself, before the first close's time
    sold.push(await sell(['SKU-000002']));
    await call('connectivity.goOnline');
    await waitFor('the upload after the clock went forward and back', () => core.sync.status().pending === 0);
    const second = await call<ZReport>('day.close', {});

    // The Z-reports: each sale in exactly one day, the totals what was sold and refunded.
    expect(first.salesCount + second.salesCount).toBe(sold.length);
    expect(first.salesCount).toBe(4);
    expect(first.salesTotal + second.salesTotal).toBe(sold.reduce((sum, s) => sum + s.total, 0));
    expect(first.refundsTotal).toBe(refunds[0]);
    expect(second.refundsCount).toBe(0);
    const tenderNet = [...first.tenders, ...second.tenders].reduce((sum, t) => sum + t.net, 0);
    expect(tenderNet).toBe(first.net + second.net);
    expect((await call<{ orders: unknown[] }>('orders.search', {})).orders).toHaveLength(0);

    // HQ: every sale once, the refund applied after its sale, nothing rejected, the money reconciled.
    expect(core.sync.status()).toMatchObject({ pending: 0, deadLetters: 0 });
    // This HQ has this one register.
    const { orders } = await hq.admin<{ orders: { number: string; kind: string; total: number }[] }>('GET', '/orders/search?limit=100');
    expect(orders).toHaveLength(sold.length + refunds.length);
    for (const sale of sold) expect(orders.filter((o) => o.number === sale.number), sale.number).toHaveLength(1);
    expect(orders.filter((o) => o.kind === 'refund').map((o) => o.total)).toEqual(refunds);
    const money = await reconcileMoney(hq);
    expect(money).toMatchObject({ mismatched: 0, overCharged: 0, underCharged: 0 });
    expect(money.cardOrders).toBe(1);
    console.info(`clock jumps: 3 (back 1 h, forward 1 day, back 22.5 h) across DST; sales ${sold.length}, refunds 1, on HQ ${orders.length}, lost 0, duplicated 0, money mismatches ${money.mismatched}`);
  }, 120_000);

  it(`random clock jumps (${FULL ? 40 : 6}, seed ${SEED}), online and offline, with refunds and closes: each sale in one day, on HQ once, the money reconciled`, async () => {
    const random = seeded(SEED);
    const jumps = FULL ? 40 : 6;
    const before = await hq.admin<{ orders: { id: string }[] }>('GET', '/orders/search?limit=1000');
    const sold: { id: string; number: string; total: number }[] = [];
    let refunded = 0;
    let refunds = 0;
    const reports: ZReport[] = [];
    for (let i = 0; i < jumps; i++) {
      // Back or forward up to a day, or to either side of the night the clocks go forward.
      const jump = random() < 0.2 ? Date.UTC(2026, 2, 29, 0, 30 + Math.floor(random() * 60)) - Date.now() : Math.round((random() * 2 - 1) * 24 * HOUR);
      setClock(Date.now() + jump);
      if (random() < 0.4) await call(core.connectivity.current().state === 'online' ? 'connectivity.goOffline' : 'connectivity.goOnline');
      const n = 1 + Math.floor(random() * 3);
      for (let k = 0; k < n; k++) sold.push(await sell([`SKU-00000${1 + Math.floor(random() * 7)}`], random() < 0.3 && core.connectivity.current().state === 'online' ? 'card' : 'cash'));
      if (random() < 0.3) {
        const target = sold[Math.floor(random() * sold.length)]!;
        const answer = await core.dispatch('orders.refund', { orderId: target.id, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'clock proof' }, trusted);
        if (answer.ok) {
          refunds++;
          refunded += (answer.value as { refund: { total: number } }).refund.total;
        }
      }
      if (random() < 0.3 && core.connectivity.current().state === 'online') {
        // A manager confirms closing with operations still on their way, or the day closes once they are up.
        if (random() < 0.5) reports.push(await call<ZReport>('day.close', { managerPin: '9999' }));
        else {
          await waitFor('the upload before closing', () => core.sync.status().pending === 0);
          reports.push(await call<ZReport>('day.close', {}));
        }
      }
    }
    if (core.connectivity.current().state !== 'online') await call('connectivity.goOnline');
    await waitFor('the upload', () => core.sync.status().pending === 0, 60_000);
    reports.push(await call<ZReport>('day.close', {}));
    expect(reports.reduce((n, r) => n + r.salesCount, 0)).toBe(sold.length);
    expect(reports.reduce((n, r) => n + r.salesTotal, 0)).toBe(sold.reduce((sum, x) => sum + x.total, 0));
    expect(reports.reduce((n, r) => n + r.refundsCount, 0)).toBe(refunds);
    expect(reports.reduce((n, r) => n + r.refundsTotal, 0)).toBe(refunded);
    expect(core.sync.status()).toMatchObject({ pending: 0, deadLetters: 0 });
    const { orders } = await hq.admin<{ orders: { id: string; number: string }[] }>('GET', '/orders/search?limit=1000');
    const known = new Set(before.orders.map((o) => o.id));
    const fresh = orders.filter((o) => !known.has(o.id));
    expect(fresh).toHaveLength(sold.length + refunds);
    for (const sale of sold) expect(orders.filter((o) => o.number === sale.number), sale.number).toHaveLength(1);
    const money = await reconcileMoney(hq);
    expect(money).toMatchObject({ mismatched: 0, overCharged: 0, underCharged: 0 });
    console.info(`clock jumps: ${jumps} random (seed ${SEED}); day closes ${reports.length}, sales ${sold.length}, refunds ${refunds}, on HQ ${fresh.length}, lost 0, duplicated 0, money mismatches ${money.mismatched}`);
  }, FULL ? 600_000 : 120_000);
});
