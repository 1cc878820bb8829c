/**
 * `npm run bench:console`: the console's takings and fleet pages on a chain at scale, on PostgreSQL.
 *
 * The chain (1,000 stores, 5,000 registers, KASSA_BENCH_ORDERS orders over 90 days with their payments,
 * 8 days of connectivity transitions) comes from server/scripts/generate-chain.ts, run inside
 * PostgreSQL; a chain of the same size generated in the last 12 hours is reused (`--fresh` generates
 * again). HQ is the real server (buildServer) listening on 127.0.0.1, called over HTTP by a signed-in
 * owner and a store manager:
 *
 * - takings: a store's last 7 days (the owner, a different store each time; the manager, their own),
 *   the whole chain's yesterday and its last 7 days (the owner: the Money page's first view);
 * - fleet: the per-store summary (the owner: 1,000 stores; the manager) and a store's 7-day timeline;
 * - the same pages while registers push sales back to back: the push rate and the page latency together.
 *
 * p50/p99 per page against a p99 target of 300 ms; printed and written to bench/results/console.json.
 *
 *   KASSA_BENCH_DATABASE_URL=postgres://… KASSA_BENCH_ORDERS=10000000 npm run bench:console
 *   npm run bench:console -- --smoke      (100,000 orders: a quick check that it all runs)
 */
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { Operation } from '../shared/hq/ops';
import { hashPassword } from '../server/src/console/password';
import { buildServer } from '../server/src/server';
import { DEFAULT_SCALE, generateChain, storeId } from '../server/scripts/generate-chain';
import { writeBenchResults } from './support/results';

const SMOKE = process.argv.includes('--smoke');
const FRESH = process.argv.includes('--fresh');
// The smoke run has its own database, so it never replaces the large chain.
const PG_URL = process.env.KASSA_BENCH_DATABASE_URL ?? `postgres://kassa_ci:kassa_ci@127.0.0.1:5432/kassa_bench_console${SMOKE ? '_smoke' : ''}`;
const ORDERS = Number(process.env.KASSA_BENCH_ORDERS ?? (SMOKE ? 100_000 : DEFAULT_SCALE.orders));
const TARGET_P99_MS = 300;
const RUNS = SMOKE ? 20 : 100;
const CHAIN_RUNS = SMOKE ? 3 : 10;
const WEEK_RUNS = 3;
const PUSHERS = 2;
const PUSH_BATCH_SALES = 50;
const DAY = 86_400_000;
const PASSWORD = 'bench console password';
/** A chain generated longer ago than this is generated again: its transitions are "the last 8 days". */
const REUSE_MS = 12 * 3_600_000;

if (!Number.isInteger(ORDERS) || ORDERS < 1_000) throw new Error(`KASSA_BENCH_ORDERS must be a whole number of at least 1000, got ${process.env.KASSA_BENCH_ORDERS}`);

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The chain in the database: reused when it has this many orders and is recent, generated otherwise. */
async function ensureChain(): Promise<{ generatedSeconds: number | null; generatedAt: number }> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS bench_console_chain (orders bigint NOT NULL, generated_at bigint NOT NULL, seconds real NOT NULL)');
    const { rows } = await client.query<{ orders: string; generated_at: string; seconds: number }>('SELECT orders, generated_at, seconds FROM bench_console_chain');
    const last = rows[0];
    if (!FRESH && last && Number(last.orders) === ORDERS && Date.now() - Number(last.generated_at) < REUSE_MS) {
      console.log(`Reusing the chain of ${fmt(ORDERS)} orders generated ${fmt((Date.now() - Number(last.generated_at)) / 60_000)} min ago (in ${last.seconds} s).`);
      return { generatedSeconds: null, generatedAt: Number(last.generated_at) };
    }
    console.log(`Generating the chain: ${fmt(DEFAULT_SCALE.stores)} stores, ${fmt(DEFAULT_SCALE.stores * DEFAULT_SCALE.registersPerStore)} registers, ${fmt(ORDERS)} orders…`);
    const generatedAt = Date.now();
    const { seconds } = await generateChain(PG_URL, { ...DEFAULT_SCALE, orders: ORDERS }, (line) => console.log(`  ${line}`), generatedAt);
    await client.query('DELETE FROM bench_console_chain');
    await client.query('INSERT INTO bench_console_chain VALUES ($1, $2, $3)', [ORDERS, generatedAt, seconds]);
    console.log(`Generated in ${seconds} s.`);
    return { generatedSeconds: seconds, generatedAt };
  } finally {
    await client.end();
  }
}

interface PageFigure {
  page: string;
  who: string;
  load: 'idle' | 'pushing';
  runs: number;
  p50: number;
  p99: number;
  max: number;
  bytes: number;
  target: boolean;
}

async function main(): Promise<void> {
  const chain = await ensureChain();
  const app = await buildServer({ storage: { kind: 'postgres', connectionString: PG_URL, poolSize: 10 }, adminToken: `bench-${crypto.randomBytes(12).toString('hex')}`, demo: false, pruneEveryMs: 0, settleEveryMs: 0 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const ctx = app.hq;
  try {
    // The console's owner and the manager of one store, signed in over HTTP.
    const managerStore = storeId(42);
    const hash = await hashPassword(PASSWORD);
    const suffix = crypto.randomBytes(4).toString('hex');
    const users = { owner: `owner-${suffix}@bench.example`, manager: `manager-${suffix}@bench.example` };
    await ctx.writer.transaction(async (tx) => {
      await ctx.consoleUsers.insert(tx, { email: users.owner, name: 'Bench owner', role: 'owner', storeIds: [], password: PASSWORD }, hash);
      await ctx.consoleUsers.insert(tx, { email: users.manager, name: 'Bench manager', role: 'store-manager', storeIds: [managerStore], password: PASSWORD }, hash);
    });
    const signIn = async (email: string) => {
      const res = await fetch(`${base}/console/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { csrf: string };
      return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrf };
    };
    const owner = await signIn(users.owner);
    const manager = await signIn(users.manager);

    const today = Math.floor(Date.now() / DAY) * DAY;
    const week = `from=${day(today - 6 * DAY)}&to=${day(today)}`;
    const yesterday = `from=${day(today - DAY)}&to=${day(today - DAY)}`;
    let storeTurn = 0;
    const nextStore = () => storeId(1 + ((storeTurn++ * 379) % DEFAULT_SCALE.stores));
    const pages: { page: string; who: string; runs: number; url: () => string; session: { cookie: string } }[] = [
      { page: "takings: a store's 7 days", who: 'owner', runs: RUNS, url: () => `/console/api/money/takings?${week}&storeId=${nextStore()}`, session: owner },
      { page: "takings: a store's 7 days", who: 'store manager', runs: RUNS, url: () => `/console/api/money/takings?${week}`, session: manager },
      { page: "takings: the chain's yesterday", who: 'owner', runs: CHAIN_RUNS, url: () => `/console/api/money/takings?${yesterday}`, session: owner },
      // The console's Money page as an owner first opens it: every store, the last 7 days, a row per store.
      { page: "takings: the chain's 7 days, per store", who: 'owner', runs: CHAIN_RUNS, url: () => `/console/api/money/takings?${week}&by=store`, session: owner },
      // The same per register (what the CSV export holds): a row per register, day and tender.
      { page: "takings: the chain's 7 days, per register", who: 'owner', runs: WEEK_RUNS, url: () => `/console/api/money/takings?${week}`, session: owner },
      { page: 'fleet: every store', who: 'owner', runs: CHAIN_RUNS * 2, url: () => '/console/api/fleet', session: owner },
      { page: 'fleet: every store', who: 'store manager', runs: RUNS, url: () => '/console/api/fleet', session: manager },
      { page: "fleet: a store's 7-day timeline", who: 'owner', runs: RUNS, url: () => `/console/api/fleet/timeline?storeId=${nextStore()}`, session: owner },
      { page: "fleet: a store's 7-day timeline", who: 'store manager', runs: RUNS, url: () => '/console/api/fleet/timeline', session: manager },
    ];

    async function measure(load: PageFigure['load']): Promise<PageFigure[]> {
      const figures: PageFigure[] = [];
      for (const page of pages) {
        const times: number[] = [];
        let bytes = 0;
        // One warm-up request: the first reads from disk what the next ones find in memory.
        for (let i = -1; i < page.runs; i++) {
          const started = performance.now();
          const res = await fetch(base + page.url(), { headers: { cookie: page.session.cookie } });
          const text = await res.text();
          if (res.status !== 200) throw new Error(`${page.page} answered ${res.status}: ${text.slice(0, 300)}`);
          if (i >= 0) times.push(performance.now() - started);
          bytes = text.length;
        }
        times.sort((a, b) => a - b);
        const p99 = percentile(times, 99);
        figures.push({ page: page.page, who: page.who, load, runs: times.length, p50: Math.round(percentile(times, 50)), p99: Math.round(p99), max: Math.round(times.at(-1)!), bytes, target: p99 <= TARGET_P99_MS });
      }
      return figures;
    }

    const idle = await measure('idle');

    // Registers of a bench store push sales (each with its cash payment) back to back while the pages are measured again.
    const code = `BENCH${suffix}`.toUpperCase();
    const created = await fetch(`${base}/console/api/stores`, { method: 'POST', headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ code: code.slice(0, 12), name: 'Bench pushes', currency: 'EUR' }) });
    if (created.status !== 201) throw new Error(`creating the bench store failed: ${created.status} ${await created.text()}`);
    const store = (await created.json()) as { id: string };
    const issued = await fetch(`${base}/console/api/stores/${store.id}/enrolment-codes`, { method: 'POST', headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ maxUses: PUSHERS }) });
    if (issued.status !== 201) throw new Error(`issuing an enrolment code failed: ${issued.status} ${await issued.text()}`);
    const enrolmentCode = ((await issued.json()) as { code: string }).code;
    const registers: { registerId: string; token: string }[] = [];
    for (let i = 0; i < PUSHERS; i++) {
      const res = await fetch(`${base}/registers/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: enrolmentCode }) });
      if (res.status !== 201) throw new Error(`enrolment failed: ${res.status} ${await res.text()}`);
      registers.push((await res.json()) as { registerId: string; token: string });
    }
    let pushed = 0;
    let pushing = true;
    let n = 0;
    const pushStarted = performance.now();
    const pushers = registers.map(async (register) => {
      while (pushing) {
        const ops: Operation[] = [];
        for (let i = 0; i < PUSH_BATCH_SALES; i++) {
          const id = uuidv7();
          const createdAt = new Date().toISOString();
          const total = 199 * (1 + (n % 3));
          ops.push({ id: uuidv4(), entity: 'sale', entityId: id, type: 'completed', createdAt, payload: { id, number: `B-${register.registerId.slice(-6)}-${++n}`, cashierId: 'bench-cashier', currency: 'EUR', lines: [{ sku: 'BENCH-1', name: 'Bench item', quantity: 1 + (n % 3), unitPrice: 199, taxClass: 'standard', lineTotal: total }], total, createdAt } });
          const paymentId = uuidv7();
          ops.push({ id: uuidv4(), entity: 'payment', entityId: paymentId, type: 'recorded', createdAt, payload: { id: paymentId, orderId: id, tender: 'cash', amount: total, status: 'approved', createdAt } });
        }
        const res = await fetch(`${base}/sync/push`, { method: 'POST', headers: { authorization: `Bearer ${register.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ registerId: register.registerId, ops }) });
        const body = (await res.json()) as { results?: { status: string }[] };
        if (res.status !== 200 || !body.results?.every((r) => r.status === 'applied')) throw new Error(`push failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        pushed += ops.length;
      }
    });
    const loaded = await measure('pushing');
    pushing = false;
    await Promise.all(pushers);
    const pushSeconds = (performance.now() - pushStarted) / 1000;
    const pushRate = pushed / pushSeconds;

    const rows = [...idle, ...loaded];
    console.log(`\nConsole pages on PostgreSQL: ${fmt(DEFAULT_SCALE.stores)} stores, ${fmt(DEFAULT_SCALE.stores * DEFAULT_SCALE.registersPerStore)} registers, ${fmt(ORDERS)} orders (target p99 ≤ ${TARGET_P99_MS} ms)`);
    console.log(`${'page'.padEnd(34)} ${'who'.padEnd(14)} ${'load'.padEnd(8)} ${'runs'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'bytes'.padStart(10)}  target`);
    for (const r of rows) console.log(`${r.page.padEnd(34)} ${r.who.padEnd(14)} ${r.load.padEnd(8)} ${String(r.runs).padStart(5)} ${fmt(r.p50).padStart(8)} ${fmt(r.p99).padStart(8)} ${fmt(r.max).padStart(8)} ${fmt(r.bytes).padStart(10)}  ${r.target ? 'met' : 'MISSED'}`);
    console.log(`\nWhile pushing: ${PUSHERS} registers pushed ${fmt(pushed)} operations (sales with their payments, ${PUSH_BATCH_SALES * 2} per push) in ${fmt(pushSeconds, 1)} s: ${fmt(pushRate)} ops/s.`);
    const out = writeBenchResults('console', {
      database: 'postgres',
      scale: { ...DEFAULT_SCALE, orders: ORDERS },
      generatedSeconds: chain.generatedSeconds,
      chainGeneratedAt: new Date(chain.generatedAt).toISOString(),
      targetP99Ms: TARGET_P99_MS,
      pages: rows,
      push: { registers: PUSHERS, opsPerPush: PUSH_BATCH_SALES * 2, ops: pushed, seconds: Math.round(pushSeconds * 10) / 10, opsPerSecond: Math.round(pushRate) },
    });
    console.log(`Written to ${out}`);
  } finally {
    await app.close();
  }
}

await main();
