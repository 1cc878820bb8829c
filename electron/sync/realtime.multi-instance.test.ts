/**
 * The register's own realtime stream (RealtimeStream) against HQ run as two instances on one PostgreSQL:
 * the instance holding the stream is killed (SIGKILL), the register's HQ address now leads to the other
 * instance (as a load balancer in front of HQ does), and the stream resumes there from the register's
 * position with Last-Event-ID: every change after it arrives once, in order, up to the feed's head.
 * server/src/chain/ proves the same through a load balancer with a light client and many registers.
 *
 * PostgreSQL only (KASSA_TEST_DATABASE_URL); skipped with the reason without it, unless KASSA_REQUIRE
 * names postgres.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startHq, type RunningHq } from '../../e2e/support/hq-server';
import { gtinCheckDigit } from '../../shared/barcode';
import type { Change } from '../../shared/hq/feed';
import { skipReason } from '../../shared/testing/capabilities';
import { silentLogger } from '../core/logger';
import { RealtimeStream } from './realtime';

const PG_URL = process.env.KASSA_TEST_DATABASE_URL;
const PG_SKIP = skipReason('postgres', PG_URL ? { ok: true } : { ok: false, reason: 'KASSA_TEST_DATABASE_URL is not set (.ci/run sets it with a local PostgreSQL 15)' });
const ADMIN_TOKEN = crypto.randomBytes(16).toString('hex');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, predicate: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(25);
  }
}

async function call<T>(base: string, method: string, path: string, token: string, body?: unknown, expected = 200): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

describe.skipIf(PG_SKIP !== null)(`the register's realtime stream across HQ instances${PG_SKIP ? ` [${PG_SKIP}]` : ''}`, () => {
  const instances: RunningHq[] = [];
  let client: pg.Client | null = null;
  let schema = '';
  let stream: RealtimeStream | null = null;

  afterEach(async () => {
    stream?.close();
    stream = null;
    await Promise.all(instances.splice(0).map((hq) => hq.stop({ signal: 'SIGKILL' })));
    await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client?.end();
    client = null;
  });

  it('resumes on the other instance when the one holding it is killed, and gets every change after its position once', async () => {
    schema = `kassa_realtime_${crypto.randomBytes(5).toString('hex')}`;
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const env = { DATABASE_URL: url.toString(), HQ_ADMIN_TOKEN: ADMIN_TOKEN, HQ_ENROLMENT_CODE: 'DEMO' };
    // One after another: the first one creates HQ's tables.
    const a = await startHq({ env });
    instances.push(a);
    const b = await startHq({ env });
    instances.push(b);
    const head = async () => Number((await client!.query<{ head_seq: string }>(`SELECT head_seq FROM ${schema}.feed_state WHERE id = 1`)).rows[0]!.head_seq);

    const enrol = (base: string) => call<{ registerId: string; token: string }>(base, 'POST', '/registers/enrol', '', { code: 'DEMO' }, 201);
    const register = await enrol(a.url);
    const seller = await enrol(b.url);
    const product = { sku: 'CHAIN-1', barcodes: [`210000000001${gtinCheckDigit('210000000001')}`], name: 'Chain product', price: 100, taxClass: 'standard' };
    const imported = async (base: string, products: unknown[]) => expect((await call<{ rejected: unknown[] }>(base, 'POST', '/catalog/import', ADMIN_TOKEN, { products })).rejected).toEqual([]);
    await imported(a.url, [product]);

    // The register's HQ address: A until A dies, then B (a load balancer in front of HQ does this switch).
    let hqUrl = a.url;
    let position = await head();
    const start = position;
    const received: number[] = [];
    let gaps = 0;
    let failures = 0;
    stream = new RealtimeStream({
      url: () => new URL('/sync/stream', hqUrl),
      token: () => register.token,
      lastSeq: () => position,
      apply: (prevSeq: number, changes: Change[], nextSeq: number) => {
        if (prevSeq !== position) return false;
        received.push(...changes.map((c) => c.seq));
        position = nextSeq;
        return true;
      },
      onGap: () => gaps++,
      onTraffic: (evidence) => (evidence.ok ? undefined : failures++),
      log: silentLogger(),
    });
    stream.open();

    // Changes from both instances: price changes through B, another register's sales through B and A.
    let price = 100;
    let n = 0;
    const change = async (base: string) => {
      await imported(base, [{ ...product, price: ++price }]);
      const id = crypto.randomUUID();
      const sale = { id, number: `S01-X-${++n}`, cashierId: 'cashier-1', currency: 'EUR', lines: [{ sku: 'CHAIN-1', name: 'Chain product', quantity: 1, unitPrice: price, taxClass: 'standard', lineTotal: price }], total: price, createdAt: new Date().toISOString() };
      const op = { id: crypto.randomUUID(), entity: 'sale', entityId: id, type: 'completed', payload: sale, createdAt: sale.createdAt };
      await call(base, 'POST', '/sync/push', seller.token, { registerId: seller.registerId, ops: [op] });
    };
    for (let i = 0; i < 10; i++) await change(i % 2 ? a.url : b.url);
    await until('the stream follows the feed on A', async () => position === (await head()));
    expect(received.length).toBeGreaterThanOrEqual(20);

    await a.stop({ signal: 'SIGKILL' });
    hqUrl = b.url;
    for (let i = 0; i < 10; i++) await change(b.url);
    const last = await head();
    await until(`the stream reaches the feed's head ${last} on B`, () => position === last);
    expect(failures).toBeGreaterThan(0);
    expect(gaps).toBe(0);
    expect(new Set(received).size).toBe(received.length);
    const feed = await call<{ changes: { seq: number }[]; hasMore: boolean }>(b.url, 'GET', `/sync/changes?since=${start}&limit=5000`, register.token);
    expect(feed.hasMore).toBe(false);
    expect(received).toEqual(feed.changes.map((c) => c.seq));
  }, 60_000);
});
