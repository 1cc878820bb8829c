/**
 * `npm run bench:sync`: the register's sync engine against the real HQ server (a child process,
 * `node --import tsx server/src/main.ts`, SQLite in a temp folder) on 127.0.0.1:
 *
 * - drain: 10,000 sales (each a sale and a payment operation, as the register writes them) queued in a
 *   register's outbox while it was offline, uploaded by the real drainer (batches up to HQ's limits),
 *   and — on a second register with its own 10,000 sales — by a naive drainer that sends one request per
 *   operation and deletes each after its answer. Same HQ, same HTTP client, same run.
 * - snapshot: a 100k-product catalog (server/scripts/generate-catalog.ts) imported into HQ, then loaded by
 *   a register: GET /sync/snapshot (download and parse) and applied (staging tables and swap); median of
 *   3, with the longest event-loop block while it applies (what the till's UI would feel).
 * - realtime: 200 price changes made on HQ (POST /catalog/import), each timed from the request until the
 *   new price is in a running register's own database (the register core, realtime stream open).
 *
 * Targets: drain ≤ 5 s and ≥ 10× the naive drainer; snapshot applied ≤ 3 s; realtime p99 < 1 s and p50
 * < 200 ms. Printed as a table and written to bench/results/sync.json. `--strict` exits with 1 when a
 * target is not met. Loopback only; stops by itself (deadline below).
 */
import { writeBenchResults } from './support/results';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import demoCatalog from '../shared/demo/catalog.json' with { type: 'json' };
import type { EnrolResponse } from '../shared/hq/auth';
import type { Operation } from '../shared/hq/ops';
import { HQ_ROUTES } from '../shared/hq/routes';
import { startHq, type RunningHq } from '../e2e/support/hq-server';
import { createKassaCore, DATABASE_FILE, type KassaCore } from '../electron/core/kassa-core';
import { silentLogger } from '../electron/core/logger';
import { openDatabase, type KassaDatabase } from '../electron/db/open';
import { HqClient } from '../electron/hq/hq-client';
import { IdentityStore } from '../electron/hq/identity';
import { makeFeedAppliers } from '../electron/test/factories';
import { ChangeFeed } from '../electron/sync/change-feed';
import { DeadLetters } from '../electron/sync/dead-letters';
import { Drainer } from '../electron/sync/drainer';
import { HqSyncTransport } from '../electron/sync/hq-transport';
import { Outbox } from '../electron/sync/outbox';
import { SyncState } from '../electron/sync/sync-state';

const SALES = 10_000;
const SNAPSHOT_PRODUCTS = 100_000;
const SNAPSHOT_RUNS = 3;
const REALTIME_CHANGES = 200;
/** A realtime change not seen by then counts as this late (and is reported as missed). */
const REALTIME_LIMIT_MS = 5_000;
/** The naive drainer stops here; its time is then extrapolated from its rate (and said so). */
const NAIVE_LIMIT_MS = 180_000;
const TARGETS = { drainMs: 5_000, drainSpeedup: 10, snapshotMs: 3_000, realtimeP99Ms: 1_000, realtimeP50Ms: 200 };
const DEADLINE_MS = 15 * 60_000;
const STRICT = process.argv.includes('--strict');
const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;

const started = performance.now();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-sync-'));
let hq: RunningHq | null = null;
const deadline = setTimeout(() => {
  console.error(`bench:sync: still running after ${DEADLINE_MS / 60_000} min; stopping.`);
  void hq?.stop().finally(() => process.exit(1));
}, DEADLINE_MS);
deadline.unref();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A register (the real core) in `dir`, enrolled with HQ, its catalog pulled, a cashier signed in. */
async function register(dir: string): Promise<KassaCore> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ connectivity: FAST }));
  const core = await createKassaCore({ config: { dataDir: dir, port: 0, hqUrl: hq!.url, enrolmentCode: 'DEMO', locale: 'en' }, log: silentLogger() });
  await waitFor('enrolment', async () => ((await core.dispatch('app.info', {}, trusted)) as { ok: boolean; value?: { enrolled: boolean } }).value?.enrolled === true);
  await waitFor('a signed-in cashier', async () => (await core.dispatch('session.login', { pin: '1234' }, trusted)).ok);
  const last = demoCatalog.products.at(-1)!.barcodes[0]!;
  await waitFor('HQ’s catalog', async () => (await core.dispatch('catalog.lookup', { code: last }, trusted)).ok && core.sync.status().realtime);
  return core;
}

// ---------------------------------------------------------------------------------------------------
// Realtime: HQ change → the register's database.

async function benchRealtime(): Promise<{ samples: number[]; missed: number }> {
  const dir = path.join(root, 'realtime');
  const core = await register(dir);
  const reader = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
  const priceOf = reader.prepare<[string], { price: number }>('SELECT price FROM products WHERE sku = ?');
  const product = demoCatalog.products[0]!;
  let waiting: { price: number; done: () => void } | null = null;
  const check = () => {
    if (waiting && priceOf.get(product.sku)?.price === waiting.price) waiting.done();
  };
  // Told right after each applied page or event (its transaction committed).
  const unsubscribe = core.sync.feed!.onApplied(check);
  const samples: number[] = [];
  let missed = 0;
  for (let i = 0; i < REALTIME_CHANGES; i++) {
    const price = 10_000 + i;
    const t0 = performance.now();
    const seen = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), REALTIME_LIMIT_MS);
      waiting = {
        price,
        done: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
    });
    await hq!.admin('POST', '/catalog/import', { products: [{ ...product, price }] });
    check();
    const ok = await seen;
    waiting = null;
    if (!ok) missed++;
    samples.push(ok ? performance.now() - t0 : REALTIME_LIMIT_MS);
    await sleep(10 + (i % 4) * 5);
  }
  unsubscribe();
  reader.close();
  core.close();
  return { samples, missed };
}

// ---------------------------------------------------------------------------------------------------
// Drain: the real drainer and a naive one, each on a register with SALES queued sales.

interface Queued {
  db: KassaDatabase;
  outbox: Outbox;
  identity: IdentityStore;
  client: HqClient;
  operations: number;
  setupMs: number;
}

/** A register that sold SALES times while switched offline, reopened on its database for the drain. */
async function queuedRegister(name: string): Promise<Queued> {
  const t0 = performance.now();
  const dir = path.join(root, name);
  const core = await register(dir);
  await core.dispatch('connectivity.goOffline', {}, trusted);
  const barcodes = demoCatalog.products.map((p) => p.barcodes[0]!);
  for (let i = 0; i < SALES; i++) {
    const scanned = await core.dispatch('cart.scan', { code: barcodes[i % barcodes.length] }, trusted);
    if (!scanned.ok) throw new Error(`scan failed: ${scanned.error.message}`);
    core.sales.completeWithCash(null);
  }
  const pending = core.sync.status().pending;
  // Closed while still offline: nothing of it is uploaded by the register's own engine (the drain below does it).
  core.close();
  const db = openDatabase(path.join(dir, DATABASE_FILE));
  const identity = new IdentityStore(db);
  const outbox = new Outbox(db);
  if (outbox.pending().count !== pending) throw new Error(`${name}: ${outbox.pending().count} operations queued, expected ${pending}`);
  const client = new HqClient({ baseUrl: hq!.url, deviceToken: () => identity.get()?.deviceToken ?? null });
  return { db, outbox, identity, client, operations: pending, setupMs: performance.now() - t0 };
}

const online = { current: () => ({ state: 'online' as const }), subscribe: () => () => {} } as unknown as ConstructorParameters<typeof Drainer>[0]['connectivity'];

async function drainReal(q: Queued): Promise<{ ms: number; requests: number; applied: number }> {
  const transport = new HqSyncTransport(q.client);
  let requests = 0;
  const counting = { push: (registerId: string, ops: Operation[]) => (requests++, transport.push(registerId, ops)) };
  const drainer = new Drainer({
    db: q.db,
    outbox: q.outbox,
    deadLetters: new DeadLetters(q.db),
    state: new SyncState(q.db),
    transport: counting,
    connectivity: online,
    registerId: () => q.identity.get()!.registerId,
    log: silentLogger(),
  });
  const t0 = performance.now();
  const outcome = await drainer.drain();
  const ms = performance.now() - t0;
  drainer.stop();
  if (outcome.error || outcome.remaining > 0) throw new Error(`the drainer stopped with ${outcome.remaining} left: ${outcome.error ?? outcome.skipped}`);
  return { ms, requests, applied: outcome.applied };
}

/** One request per operation, oldest first; each deleted after HQ's answer. */
async function drainNaive(q: Queued): Promise<{ ms: number; requests: number; applied: number; done: number; extrapolated: boolean }> {
  const next = q.db.prepare<[], { id: string; entity: string; entity_id: string; type: string; payload: string; created_at: number }>(
    'SELECT id, entity, entity_id, type, payload, created_at FROM outbox ORDER BY created_at, id LIMIT 1',
  );
  const remove = q.db.prepare<[string]>('DELETE FROM outbox WHERE id = ?');
  const registerId = q.identity.get()!.registerId;
  let requests = 0;
  let applied = 0;
  const t0 = performance.now();
  for (let row = next.get(); row; row = next.get()) {
    if (performance.now() - t0 > NAIVE_LIMIT_MS) break;
    const op: Operation = { id: row.id, entity: row.entity, entityId: row.entity_id, type: row.type, payload: JSON.parse(row.payload) as Record<string, unknown>, createdAt: new Date(row.created_at).toISOString() };
    const answer = await q.client.call(HQ_ROUTES.push, { query: {}, body: { registerId, ops: [op] } }, { timeoutMs: 30_000 });
    requests++;
    if (answer.results[0]?.status === 'applied') applied++;
    q.db.transaction(() => remove.run(row.id))();
  }
  const ms = performance.now() - t0;
  const extrapolated = requests < q.operations;
  return { ms: extrapolated ? (ms * q.operations) / requests : ms, requests, applied, done: requests, extrapolated };
}

async function hqOrders(registerId: string): Promise<number> {
  const { orders } = await hq!.admin<{ orders: unknown[] }>('GET', `/orders/search?registerId=${registerId}&limit=10000`);
  return orders.length;
}

// ---------------------------------------------------------------------------------------------------
// Snapshot: 100k products imported on HQ, loaded by a fresh register.

async function benchSnapshot(): Promise<{ importMs: number; runs: { downloadMs: number; applyMs: number; totalMs: number; maxBlockMs: number; products: number }[] }> {
  // HQ's own generator (npm run catalog:generate:hq), in its own process: the register's code and HQ's stay apart.
  const file = path.join(root, 'catalog-100k.json');
  execFileSync(process.execPath, ['--import', 'tsx', 'server/scripts/generate-catalog.ts', '--count', String(SNAPSHOT_PRODUCTS), '--out', file], { cwd: path.resolve(import.meta.dirname, '..') });
  const body = fs.readFileSync(file, 'utf8');
  const t0 = performance.now();
  const response = await fetch(`${hq!.url}/catalog/import`, { method: 'POST', headers: { authorization: `Bearer ${hq!.adminToken}`, 'content-type': 'application/json' }, body });
  if (!response.ok) throw new Error(`the catalog import answered ${response.status}: ${await response.text()}`);
  const report = (await response.json()) as { imported: number };
  const importMs = performance.now() - t0;
  if (report.imported !== SNAPSHOT_PRODUCTS) throw new Error(`HQ imported ${report.imported} of ${SNAPSHOT_PRODUCTS} products`);

  const db = openDatabase(path.join(root, 'snapshot.db'));
  const identity = new IdentityStore(db);
  identity.save(hq!.url, await enrol());
  const client = new HqClient({ baseUrl: hq!.url, deviceToken: () => identity.get()?.deviceToken ?? null });
  const transport = new HqSyncTransport(client);
  const feed = new ChangeFeed(db, new SyncState(db), transport, silentLogger(), makeFeedAppliers(db));
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM products');
  const runs = [];
  for (let i = 0; i < SNAPSHOT_RUNS; i++) {
    const t1 = performance.now();
    const snapshot = await transport.snapshot();
    const t2 = performance.now();
    // The event loop's longest block while the snapshot applies (a till's UI runs on the same loop).
    let maxBlockMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      maxBlockMs = Math.max(maxBlockMs, now - last);
      last = now;
    }, 1);
    await feed.loadSnapshot(snapshot);
    const t3 = performance.now();
    clearInterval(ticker);
    maxBlockMs = Math.max(maxBlockMs, t3 - last);
    runs.push({ downloadMs: t2 - t1, applyMs: t3 - t2, totalMs: t3 - t1, maxBlockMs, products: count.get()!.n });
  }
  db.close();
  return { importMs, runs };
}

async function enrol(): Promise<EnrolResponse> {
  const response = await fetch(`${hq!.url}/registers/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO' }) });
  if (!response.ok) throw new Error(`enrolment answered ${response.status}`);
  return (await response.json()) as EnrolResponse;
}

// ---------------------------------------------------------------------------------------------------

try {
  hq = await startHq({ dataDir: path.join(root, 'hq') });
  console.log(`bench:sync — HQ at ${hq.url} (child process, SQLite), ${os.cpus().length} CPUs, Node ${process.version}`);

  console.log(`realtime: ${REALTIME_CHANGES} price changes on HQ …`);
  const realtime = await benchRealtime();
  const sorted = [...realtime.samples].sort((a, b) => a - b);
  const rt = { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1)!, missed: realtime.missed };

  console.log(`drain: queueing ${SALES} sales on each of two registers (offline) …`);
  const real = await queuedRegister('drain-batched');
  const naive = await queuedRegister('drain-naive');
  console.log(`  queued ${real.operations} and ${naive.operations} operations (${Math.round(real.setupMs / 1000)} s and ${Math.round(naive.setupMs / 1000)} s to sell)`);
  const batched = await drainReal(real);
  console.log(`  batched drainer: ${round(batched.ms)} ms, ${batched.requests} requests`);
  const slow = await drainNaive(naive);
  console.log(`  naive drainer: ${round(slow.ms)} ms${slow.extrapolated ? ` (extrapolated from ${slow.done} operations)` : ''}, ${slow.requests} requests`);
  const onHq = { batched: await hqOrders(real.identity.get()!.registerId), naive: await hqOrders(naive.identity.get()!.registerId) };
  real.db.close();
  naive.db.close();
  if (onHq.batched !== SALES) throw new Error(`HQ holds ${onHq.batched} of the batched register's ${SALES} sales`);
  if (!slow.extrapolated && onHq.naive !== SALES) throw new Error(`HQ holds ${onHq.naive} of the naive register's ${SALES} sales`);

  console.log(`snapshot: importing ${SNAPSHOT_PRODUCTS} products into HQ, then ${SNAPSHOT_RUNS} loads …`);
  const snap = await benchSnapshot();
  const snapApply = median(snap.runs.map((r) => r.applyMs));
  const snapTotal = median(snap.runs.map((r) => r.totalMs));
  const snapBlock = Math.max(...snap.runs.map((r) => r.maxBlockMs));
  if (snap.runs.some((r) => r.products !== SNAPSHOT_PRODUCTS + demoCatalog.products.length)) throw new Error(`a snapshot load left ${snap.runs.map((r) => r.products).join(', ')} products`);

  const speedup = slow.ms / batched.ms;
  const rows = [
    ['drain 10,000 sales (20,000 ops), batched', `${round(batched.ms)} ms`, `${batched.requests} requests, ${Math.round((real.operations / batched.ms) * 1000)} ops/s`],
    [
      'drain 10,000 sales, naive (1 op/request)',
      `${round(slow.ms)} ms${slow.extrapolated ? ' (extrap.)' : ''}`,
      `${slow.requests} requests, ${Math.round((slow.requests / Math.min(slow.ms, NAIVE_LIMIT_MS)) * 1000)} ops/s`,
    ],
    ['batched vs naive', `${speedup.toFixed(1)}×`, ''],
    ['snapshot 100k products: apply (median of 3)', `${round(snapApply)} ms`, `runs ${snap.runs.map((r) => Math.round(r.applyMs)).join(' / ')} ms`],
    ['snapshot 100k products: download + apply', `${round(snapTotal)} ms`, `download ${snap.runs.map((r) => Math.round(r.downloadMs)).join(' / ')} ms`],
    ['snapshot: longest event-loop block', `${round(snapBlock)} ms`, `HQ import of 100k: ${Math.round(snap.importMs)} ms`],
    ['realtime HQ change → register DB p50', `${round(rt.p50)} ms`, `${REALTIME_CHANGES} changes`],
    ['realtime HQ change → register DB p99', `${round(rt.p99)} ms`, `max ${round(rt.max)} ms, missed ${rt.missed}`],
  ];
  const width = Math.max(...rows.map((r) => r[0]!.length));
  console.log('');
  for (const [name, value, note] of rows) console.log(`${name!.padEnd(width)}  ${value!.padStart(18)}  ${note}`);

  const targets = [
    { target: `10,000 sales drained in ≤ ${TARGETS.drainMs / 1000} s`, met: batched.ms <= TARGETS.drainMs, detail: `${round(batched.ms)} ms` },
    { target: `≥ ${TARGETS.drainSpeedup}× faster than the naive drainer`, met: speedup >= TARGETS.drainSpeedup, detail: `${speedup.toFixed(1)}×${slow.extrapolated ? ' (naive time extrapolated)' : ''}` },
    { target: `100k-product snapshot applied in ≤ ${TARGETS.snapshotMs / 1000} s`, met: snapApply <= TARGETS.snapshotMs, detail: `apply ${round(snapApply)} ms (median); with the download ${round(snapTotal)} ms` },
    { target: `realtime p99 < ${TARGETS.realtimeP99Ms} ms`, met: rt.p99 < TARGETS.realtimeP99Ms && rt.missed === 0, detail: `${round(rt.p99)} ms${rt.missed ? `, ${rt.missed} missed` : ''}` },
    { target: `realtime p50 < ${TARGETS.realtimeP50Ms} ms`, met: rt.p50 < TARGETS.realtimeP50Ms, detail: `${round(rt.p50)} ms` },
  ];
  console.log('');
  for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${t.detail}`);

  const out = writeBenchResults('sync', {
    cpuModel: os.cpus()[0]?.model,
    hq: 'child process, SQLite, 127.0.0.1',
    drain: {
      sales: SALES,
      operations: real.operations,
      batched: { ms: round(batched.ms), requests: batched.requests, applied: batched.applied, onHq: onHq.batched },
      naive: { ms: round(slow.ms), requests: slow.requests, applied: slow.applied, extrapolated: slow.extrapolated, onHq: onHq.naive },
      speedup: Math.round(speedup * 10) / 10,
    },
    snapshot: {
      products: SNAPSHOT_PRODUCTS,
      hqImportMs: round(snap.importMs),
      runs: snap.runs.map((r) => ({ downloadMs: round(r.downloadMs), applyMs: round(r.applyMs), totalMs: round(r.totalMs), maxEventLoopBlockMs: round(r.maxBlockMs) })),
      applyMedianMs: round(snapApply),
      totalMedianMs: round(snapTotal),
    },
    realtime: { changes: REALTIME_CHANGES, p50Ms: round(rt.p50), p99Ms: round(rt.p99), maxMs: round(rt.max), missed: rt.missed, samplesMs: realtime.samples.map(round) },
    targets,
    durationMs: Math.round(performance.now() - started),
  });
  console.log(`\nwritten to ${path.relative(process.cwd(), out)} (${Math.round((performance.now() - started) / 1000)} s)`);
  await hq.stop();
  fs.rmSync(root, { recursive: true, force: true });
  process.exit(STRICT && targets.some((t) => !t.met) ? 1 : 0);
} catch (error) {
  console.error(`bench:sync failed: ${(error as Error).stack ?? String(error)}`);
  await hq?.stop();
  fs.rmSync(root, { recursive: true, force: true });
  process.exit(1);
}
