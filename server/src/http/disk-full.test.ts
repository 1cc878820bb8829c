import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from '../../../shared/testing/capabilities';
import { mountSmallFs, smallFsSupport, type SmallFs } from '../test/small-fs';
import type { HqApp } from '../context';
import { buildServer } from '../server';
import { makeSaleOp } from '../test/factories';
import { enrolRegister, type TestRegister } from '../test/harness';
import { DISK_FULL_RETRY_AFTER_SECONDS, installErrorHandling } from './errors';

describe('HQ out of disk space (the database error injected at the route)', () => {
  const app = Fastify();
  installErrorHandling(app);
  const failing = (code: string, message: string) => () => {
    throw Object.assign(new Error(message), { code });
  };
  app.post('/sqlite', failing('SQLITE_FULL', 'database or disk is full'));
  app.post('/postgres', failing('53100', 'could not extend file "base/16384/16397": No space left on device'));
  app.post('/file', failing('ENOSPC', 'ENOSPC: no space left on device, write'));
  app.post('/other', failing('SQLITE_CONSTRAINT', 'constraint failed'));

  it('answers 507 for its own full disk (SQLite, a file), 503 for a full PostgreSQL, with a body saying what to do and Retry-After', async () => {
    for (const [url, status, words] of [
      ['/sqlite', 507, /^HQ's disk is full, so this request was not saved/],
      ['/file', 507, /^HQ's disk is full/],
      ['/postgres', 503, /^HQ's database server is out of disk space \(PostgreSQL disk_full\)/],
    ] as const) {
      const res = await app.inject({ method: 'POST', url });
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['retry-after']).toBe(String(DISK_FULL_RETRY_AFTER_SECONDS));
      expect(res.json()).toEqual({ error: 'DISK_FULL', message: expect.stringMatching(words) });
      expect(res.json().message).toMatch(/registers keep their operations and send them again\.$/);
    }
    expect((await app.inject({ method: 'POST', url: '/other' })).statusCode).toBe(500);
  });
});

const skip = skipReason('loopfs', smallFsSupport());

describe.skipIf(skip !== null)('HQ on SQLite whose own disk fills up (a real tmpfs)', () => {
  let disk: SmallFs;
  let hq: HqApp;
  let register: TestRegister;

  beforeAll(async () => {
    disk = mountSmallFs(48);
    hq = await buildServer({ storage: { kind: 'sqlite', dataDir: path.join(disk.dir, 'hq') }, demo: true, enrolmentCode: 'DEMO', pruneEveryMs: 0, settleEveryMs: 0 });
    await hq.ready();
    register = await enrolRegister(hq);
  }, 60_000);

  afterAll(async () => {
    await hq?.close();
    disk?.unmount();
  });

  const pushSale = (ops = [makeSaleOp()]) => hq.inject({ method: 'POST', url: '/sync/push', headers: register.auth, payload: { registerId: register.registerId, ops } });
  const orders = async (number: string) => (await hq.inject({ url: `/orders/search?number=${number}`, headers: register.auth })).json<{ orders: unknown[] }>().orders;

  it('answers a push it cannot store with 507 and keeps nothing of it; the same push is applied once space is back', async () => {
    expect((await pushSale()).statusCode).toBe(200);
    disk.fill();
    // SQLite may still have room in pages it holds: push until a write needs more.
    let refused = null;
    let op = makeSaleOp();
    for (let i = 0; i < 200 && !refused; i++) {
      op = makeSaleOp();
      const res = await pushSale([op]);
      if (res.statusCode !== 200) refused = res;
    }
    expect(refused?.statusCode).toBe(507);
    expect(refused?.json()).toMatchObject({ error: 'DISK_FULL', message: expect.stringMatching(/^HQ's disk is full/) });
    expect(await orders(String(op.payload.number))).toHaveLength(0);

    disk.free();
    const again = await pushSale([op]);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ results: [{ id: op.id, status: 'applied' }], epoch: expect.any(String) });
    expect(await orders(String(op.payload.number))).toHaveLength(1);
  }, 60_000);
});
