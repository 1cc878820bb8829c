import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ZReport } from '../../../shared/modules/orders.api';
import { createKassaCore, type KassaCore } from '../../core/kassa-core';
import { silentLogger } from '../../core/logger';
import { startWebServer, type WebServer } from '../../host/web-server';
import { makeTempDir } from '../../test/factories';

/*
 * Refunds of one sale sent at once, through the register's real channels (and over the web host): one
 * goes through, the others are refused, and the money reconciles: the refunds never give back more than
 * the sale took, and the cash out of the drawer is what was refunded in cash.
 */

type Result = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
const trusted = { host: 'web', trustedSender: true } as const;
let core: KassaCore;
let server: WebServer;
const cleanups: (() => void)[] = [];

const call = (channel: string, input: unknown = {}) => core.dispatch(channel, input, trusted) as Promise<Result>;

/** A completed cash sale of one coffee (6.99 in the demo catalog). */
async function sellCoffee(): Promise<{ saleId: string; total: number }> {
  const scanned = await call('cart.scan', { code: 'SKU-000006' });
  expect(scanned.ok).toBe(true);
  const sale = core.sales.completeWithCash(null);
  return { saleId: sale.saleId, total: sale.total };
}

const refundOf = (orderId: string) => ({ orderId, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'changed mind' });

async function reconcile(saleTotals: number) {
  const report = await call('day.report');
  expect(report.ok).toBe(true);
  const z = (report as { value: ZReport }).value;
  const cash = z.tenders.find((t) => t.tender === 'cash')!;
  expect(-z.refundsTotal).toBeLessThanOrEqual(saleTotals);
  expect(cash.out).toBe(z.refundsTotal);
  return z;
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function overWeb(ws: WebSocket, id: number, channel: string, input: unknown): Promise<Result> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: Result };
      if (message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message.result!);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, input }));
  });
}

beforeAll(async () => {
  const data = makeTempDir();
  const renderer = makeTempDir();
  cleanups.push(data.cleanup, renderer.cleanup);
  fs.writeFileSync(path.join(renderer.dir, 'index.html'), '<!doctype html>');
  core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log: silentLogger() });
  server = await startWebServer({ core, log: silentLogger(), port: 0, rendererDir: renderer.dir });
  expect((await call('session.login', { pin: '1234' })).ok).toBe(true);
});

afterAll(async () => {
  await server.close();
  core.close();
  cleanups.forEach((fn) => fn());
});

describe('refunds of one sale sent at once', () => {
  it('three refunds of the same line through the channels: exactly one goes through, the drawer gives back the sale once', async () => {
    const sale = await sellCoffee();
    const results = await Promise.all([call('orders.refund', refundOf(sale.saleId)), call('orders.refund', refundOf(sale.saleId)), call('orders.refund', refundOf(sale.saleId))]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r as { error: { code: string } }).error.code)).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED']);
    const z = await reconcile(sale.total);
    expect(z.refundsTotal).toBe(-sale.total);
  });

  it('three refunds of the same line over the web host: exactly one goes through', async () => {
    const before = await reconcile(Infinity);
    const sale = await sellCoffee();
    const ws = await connect();
    try {
      const results = await Promise.all([1, 2, 3].map((id) => overWeb(ws, id, 'orders.refund', refundOf(sale.saleId))));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const z = await reconcile(Infinity);
      expect(z.refundsTotal - before.refundsTotal).toBe(-sale.total);
    } finally {
      ws.close();
    }
  });
});
