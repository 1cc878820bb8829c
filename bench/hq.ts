/**
 * `npm run bench:hq`: the HQ server under load, over real HTTP on 127.0.0.1, on SQLite and (when
 * KASSA_BENCH_DATABASE_URL names a PostgreSQL database on this machine) PostgreSQL side by side:
 *
 * - push throughput: one register pushing sale operations back to back in batches of 1, 100 and 1000;
 * - concurrent pushes: CONCURRENT_CLIENTS registers at once, each on its own keep-alive connection, one sale
 *   per request (HQ commits concurrent pushes in groups); req/s, p50/p99, against raw inserts of the same
 *   rows with the same concurrency and one transaction per sale, and (PostgreSQL) with the commits HQ made;
 *   on PostgreSQL once more with named statements off (HQ_PG_PREPARED=0), for comparison;
 * - change-feed read rate: an admin paging through the whole feed with `GET /sync/changes` (limit 5000);
 * - snapshot: `GET /sync/snapshot` of a 100k-product catalog, to the last byte (median of 3).
 *
 * HQ is the real server (`node --import tsx server/src/main.ts`) in a child process on a fresh database.
 * Each figure is also given as a ratio to raw inserts of the same rows in the same run, into tables of
 * the same shape (copied from HQ's own schema, indexes included) with the same commits: better-sqlite3
 * prepared statements with HQ's pragmas (WAL, synchronous=FULL), or pg multi-row INSERTs. Read figures
 * also get a ratio to a raw SELECT of the same rows from HQ's database. Results are printed and written to
 * bench/results/hq.json. `--strict` exits with 1 when a target is not met.
 */
import { localPostgresProblem } from './support/local-postgres';
import { writeBenchResults } from './support/results';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { Operation, OpResult, SalePayload } from '../shared/hq/ops';

const ROOT = path.resolve(import.meta.dirname, '..');
const STRICT = process.argv.includes('--strict');
const PG_URL = process.env.KASSA_BENCH_DATABASE_URL;
const ADMIN_TOKEN = `bench-${crypto.randomBytes(16).toString('hex')}`;
const PRODUCTS = 100_000;
/** Batch size → operations pushed per round (a round also stops after PUSH_ROUND_MAX_MS). */
const PUSH_RUNS = [
  { batch: 1, ops: 1_000 },
  { batch: 100, ops: 10_000 },
  { batch: 1000, ops: 20_000 },
];
const PUSH_ROUNDS = 3;
/** Registers pushing at once, one sale per request, and the sales they push (a run also stops after CONCURRENT_MAX_MS). */
const CONCURRENT_CLIENTS = 48;
const CONCURRENT_SALES = 4_800;
const CONCURRENT_MAX_MS = 8_000;
const PUSH_ROUND_MAX_MS = 5_000;
const FEED_PAGE = 5_000;
const SNAPSHOT_RUNS = 3;
const TARGETS = { pushOpsPerSec1000Sqlite: 20_000, snapshotMs: 2_000 };
/** The whole run stops by itself after this long, whatever happens. */
const DEADLINE_MS = 6 * 60_000;

const started = performance.now();
const children = new Set<ChildProcess>();
const deadline = setTimeout(() => {
  console.error(`bench:hq: still running after ${DEADLINE_MS / 1000} s; stopping.`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(2);
}, DEADLINE_MS);
deadline.unref();

// ---------------------------------------------------------------------------------------------------
// HQ as a child process, and a lean keep-alive HTTP client.

interface Hq {
  url: URL;
  stop(): Promise<void>;
}

function startHq(env: Record<string, string>): Promise<Hq> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    // HQ_FEED_SEQUENCING=append measures PostgreSQL numbering feed changes inside each write, for comparison.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', HQ_LOG_LEVEL: 'warn', HQ_ADMIN_TOKEN: ADMIN_TOKEN, HQ_FEED_SEQUENCING: process.env.HQ_FEED_SEQUENCING ?? 'staged', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (children.delete(child), resolve())));
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code, signal) => reject(new Error(`HQ exited before it was ready (code ${code}, signal ${signal}):\n${log}`)));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /^HQ listening on (http:\/\/\S+)$/m.exec(out);
      if (!match) return;
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        url: new URL(match[1]!),
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT_CLIENTS + 8 });

interface Answer {
  status: number;
  body: Buffer;
}

function request(hq: Hq, method: string, pathname: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: hq.url.hostname, port: hq.url.port, method, path: pathname, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function json<T>(hq: Hq, method: string, pathname: string, headers: Record<string, string>, body?: unknown, expected = 200): Promise<T> {
  const res = await request(hq, method, pathname, { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body === undefined ? undefined : JSON.stringify(body));
  if (res.status !== expected) throw new Error(`${method} ${pathname} answered ${res.status}: ${res.body.toString().slice(0, 400)}`);
  return JSON.parse(res.body.toString()) as T;
}

// ---------------------------------------------------------------------------------------------------
// Raw baselines: the same rows into tables of the same shape, with nothing but the inserts.

interface Rows {
  applied_ops: unknown[][];
  orders: unknown[][];
  changes: unknown[][];
}
const COLUMNS = {
  applied_ops: ['op_id', 'register_id', 'entity', 'entity_id', 'type', 'payload_hash', 'result', 'applied_at'],
  orders: ['id', 'kind', 'number', 'store_id', 'register_id', 'total', 'currency', 'created_at', 'lines', 'original_order_id', 'member_id', 'cashier_id', 'received_at'],
  changes: ['seq', 'kind', 'action', 'entity_id', 'data', 'store_id', 'origin_register_id', 'committed_at'],
  products: ['sku', 'name', 'price', 'tax_class', 'barcodes', 'updated_at'],
  product_barcodes: ['barcode', 'sku'],
} as const;
type Table = keyof typeof COLUMNS;

interface Raw {
  /** Inserts `rows` per table, one transaction per `perCommit` rows of the first table; returns ms. */
  insert(tables: Partial<Record<Table, unknown[][]>>, perCommit: number): Promise<number>;
  /**
   * Inserts each part on a connection of its own, all parts at once, one transaction per `perCommit` rows
   * of a part's first table; returns ms (SQLite has one writer: the parts go one after the other).
   */
  insertConcurrent(parts: Partial<Record<Table, unknown[][]>>[], perCommit: number): Promise<number>;
  /** Empties a raw table (untimed), to insert the same rows again. */
  clear(table: Table): Promise<void>;
  /** Reads every row of HQ's `changes` in pages like the feed, or all products like the snapshot; returns [ms, rows]. */
  readChanges(): Promise<[number, number]>;
  readProducts(): Promise<[number, number]>;
  /** The rows HQ wrote to its feed, to insert them raw. */
  changeRows(): Promise<unknown[][]>;
  close(): Promise<void>;
}

const sliceRows = (tables: Partial<Record<Table, unknown[][]>>, from: number, to: number) =>
  Object.entries(tables).map(([table, rows]) => [table as Table, rows!.slice(from, to)] as const);

function sqliteRaw(hqFile: string, rawFile: string): Raw {
  const hqDb = new Database(hqFile, { readonly: true });
  const db = new Database(rawFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // The same tables and indexes as HQ's, from HQ's own schema.
  const ddl = hqDb.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ('applied_ops', 'orders', 'changes', 'products', 'product_barcodes') ORDER BY type DESC").all() as { sql: string }[];
  for (const { sql } of ddl) db.exec(sql);
  const inserts = Object.fromEntries(
    (Object.keys(COLUMNS) as Table[]).map((t) => [t, db.prepare(`INSERT INTO ${t} (${COLUMNS[t].join(', ')}) VALUES (${COLUMNS[t].map(() => '?').join(', ')})`)]),
  ) as Record<Table, Database.Statement>;
  return {
    async insert(tables, perCommit) {
      const total = Object.values(tables)[0]!.length;
      const t0 = performance.now();
      for (let i = 0; i < total; i += perCommit) {
        const part = sliceRows(tables, i, i + perCommit);
        db.transaction(() => {
          for (const [table, rows] of part) for (const row of rows) inserts[table].run(row);
        })();
      }
      return performance.now() - t0;
    },
    async insertConcurrent(parts, perCommit) {
      let ms = 0;
      for (const part of parts) if (Object.values(part)[0]!.length > 0) ms += await this.insert(part, perCommit);
      return ms;
    },
    async clear(table) {
      db.exec(`DELETE FROM ${table}`);
    },
    async readChanges() {
      const page = hqDb.prepare('SELECT seq, kind, action, entity_id, data FROM changes WHERE seq > ? ORDER BY seq LIMIT ?');
      const t0 = performance.now();
      let since = 0;
      let n = 0;
      for (;;) {
        const rows = page.all(since, FEED_PAGE) as { seq: number }[];
        if (rows.length === 0) break;
        n += rows.length;
        since = rows[rows.length - 1]!.seq;
      }
      return [performance.now() - t0, n];
    },
    async readProducts() {
      const t0 = performance.now();
      const rows = hqDb.prepare('SELECT sku, barcodes, name, price, tax_class FROM products ORDER BY sku').all();
      return [performance.now() - t0, rows.length];
    },
    async changeRows() {
      return hqDb.prepare(`SELECT ${COLUMNS.changes.join(', ')} FROM changes ORDER BY seq`).raw().all() as unknown[][];
    },
    async close() {
      hqDb.close();
      db.close();
    },
  };
}

async function postgresRaw(url: string, hqSchema: string, rawSchema: string): Promise<Raw> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA ${rawSchema}`);
  for (const t of Object.keys(COLUMNS)) await client.query(`CREATE TABLE ${rawSchema}.${t} (LIKE ${hqSchema}.${t} INCLUDING ALL)`);
  const ROWS_PER_STATEMENT = 500;
  const insertRows = async (table: Table, rows: unknown[][], on: pg.Client = client) => {
    const cols = COLUMNS[table];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const part = rows.slice(i, i + ROWS_PER_STATEMENT);
      const values = part.map((_, r) => `(${cols.map((_c, c) => `$${r * cols.length + c + 1}`).join(', ')})`).join(', ');
      await on.query(`INSERT INTO ${rawSchema}.${table} (${cols.join(', ')}) VALUES ${values}`, part.flat());
    }
  };
  return {
    async insert(tables, perCommit) {
      const total = Object.values(tables)[0]!.length;
      const t0 = performance.now();
      for (let i = 0; i < total; i += perCommit) {
        await client.query('BEGIN');
        for (const [table, rows] of sliceRows(tables, i, i + perCommit)) await insertRows(table, rows);
        await client.query('COMMIT');
      }
      return performance.now() - t0;
    },
    async insertConcurrent(parts, perCommit) {
      const clients = parts.map(() => new pg.Client({ connectionString: url }));
      await Promise.all(clients.map((c) => c.connect()));
      try {
        const t0 = performance.now();
        await Promise.all(
          parts.map(async (tables, p) => {
            const on = clients[p]!;
            const total = Object.values(tables)[0]!.length;
            for (let i = 0; i < total; i += perCommit) {
              await on.query('BEGIN');
              for (const [table, rows] of sliceRows(tables, i, i + perCommit)) await insertRows(table, rows, on);
              await on.query('COMMIT');
            }
          }),
        );
        return performance.now() - t0;
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    },
    async clear(table) {
      await client.query(`DELETE FROM ${rawSchema}.${table}`);
    },
    async readChanges() {
      const t0 = performance.now();
      let since = 0;
      let n = 0;
      for (;;) {
        const { rows } = await client.query<{ seq: string }>(`SELECT seq, kind, action, entity_id, data FROM ${hqSchema}.changes WHERE seq > $1 ORDER BY seq LIMIT $2`, [since, FEED_PAGE]);
        if (rows.length === 0) break;
        n += rows.length;
        since = Number(rows[rows.length - 1]!.seq);
      }
      return [performance.now() - t0, n];
    },
    async readProducts() {
      const t0 = performance.now();
      const { rows } = await client.query(`SELECT sku, barcodes, name, price, tax_class FROM ${hqSchema}.products ORDER BY sku`);
      return [performance.now() - t0, rows.length];
    },
    async changeRows() {
      return (await client.query({ text: `SELECT ${COLUMNS.changes.join(', ')} FROM ${hqSchema}.changes ORDER BY seq`, rowMode: 'array' })).rows as unknown[][];
    },
    async close() {
      await client.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The workload.

let saleNumber = 0;
/** Sequence numbers for raw copies of feed rows, clear of each other. */
let rawSeq = 1_000_000_000;
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
function saleOp(registerId: string, storeCode: string, registerCode: string, storeId: string, rows: Rows): Operation {
  const n = ++saleNumber;
  const lines = Array.from({ length: 1 + (n % 3) }, (_, i) => ({ sku: `BULK-${String(((n * 7 + i) % PRODUCTS) + 1).padStart(7, '0')}`, name: `Product ${i}`, quantity: 1 + i, unitPrice: 199, taxClass: 'standard' as const, lineTotal: 199 * (1 + i) }));
  const payload: SalePayload = {
    id: uuidv7(),
    number: `${storeCode}-${registerCode}-${n}`,
    cashierId: 'bench-cashier',
    currency: 'EUR',
    lines,
    total: lines.reduce((sum, l) => sum + l.lineTotal, 0),
    createdAt: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
  };
  const op: Operation = { id: uuidv4(), entity: 'sale', entityId: payload.id, type: 'completed', payload, createdAt: payload.createdAt };
  // The rows HQ writes for it, for the raw baseline (same sizes: a 43-character hash, the order's JSON).
  const now = Date.now();
  const hash = crypto.createHash('sha256').update(JSON.stringify(op)).digest('base64url');
  const order = { id: payload.id, number: payload.number, registerId, storeId, kind: 'sale', total: payload.total, currency: 'EUR', createdAt: payload.createdAt, lines, originalOrderId: null };
  rows.applied_ops.push([op.id, registerId, 'sale', payload.id, 'completed', hash, null, now]);
  rows.orders.push([payload.id, 'sale', payload.number, storeId, registerId, payload.total, 'EUR', Date.parse(payload.createdAt), JSON.stringify(lines), null, null, payload.cashierId, now]);
  rows.changes.push([0, 'order', 'upsert', payload.id, JSON.stringify(order), storeId, registerId, now]);
  return op;
}

interface Figure {
  name: string;
  unit: string;
  value: number;
  /** Items (operations, changes, products) and HQ's time for them. */
  items: number;
  ms: number;
  rawInsertMs: number;
  rawReadMs?: number;
  note?: string;
}

/**
 * CONCURRENT_CLIENTS registers of the store push one sale per request, all at once, each on its own
 * keep-alive connection. Raw: the same rows with the same concurrency, one transaction per sale (what each
 * request needs without group commit); on PostgreSQL also with the commits HQ made (`transactionsOf` counts
 * the transactions that wrote the orders), over as many connections as HQ runs groups at once.
 */
async function concurrentPush(
  hq: Hq,
  store: { id: string; code: string },
  raw: Raw,
  say: (line: string) => void,
  transactionsOf?: (orderIds: string[]) => Promise<number>,
): Promise<Figure> {
  const registers: { registerId: string; registerCode: string; token: string }[] = [];
  for (let i = 0; i < CONCURRENT_CLIENTS; i++) registers.push(await json<{ registerId: string; registerCode: string; token: string }>(hq, 'POST', '/registers/enrol', {}, { code: 'BENCH-CODE' }, 201));
  const pushOne = async (register: (typeof registers)[number], body: string) => {
    const res = await request(hq, 'POST', '/sync/push', { authorization: `Bearer ${register.token}`, 'content-type': 'application/json' }, body);
    if (res.status !== 200) throw new Error(`push answered ${res.status}: ${res.body.toString().slice(0, 300)}`);
    const [result] = (JSON.parse(res.body.toString()) as { results: OpResult[] }).results;
    if (result?.status !== 'applied') throw new Error(`push: the sale was not applied: ${JSON.stringify(result)}`);
  };
  const body = (register: (typeof registers)[number], rows: Rows) => JSON.stringify({ registerId: register.registerId, ops: [saleOp(register.registerId, store.code, register.registerCode, store.id, rows)] });
  const discard: Rows = { applied_ops: [], orders: [], changes: [] };
  for (let w = 0; w < 3; w++) await Promise.all(registers.map((r) => pushOne(r, body(r, discard))));

  const rows = registers.map((): Rows => ({ applied_ops: [], orders: [], changes: [] }));
  const bodies = registers.map((r, c) => Array.from({ length: CONCURRENT_SALES / CONCURRENT_CLIENTS }, () => body(r, rows[c]!)));
  const pushed = registers.map(() => 0);
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    registers.map(async (register, c) => {
      for (const b of bodies[c]!) {
        const s = performance.now();
        await pushOne(register, b);
        latencies.push(performance.now() - s);
        pushed[c]!++;
        if (performance.now() - t0 > CONCURRENT_MAX_MS) break;
      }
    }),
  );
  const ms = performance.now() - t0;
  const total = pushed.reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  const parts = rows.map((r, c) => ({ applied_ops: r.applied_ops.slice(0, pushed[c]), orders: r.orders.slice(0, pushed[c]), changes: r.changes.slice(0, pushed[c]).map((row) => [++rawSeq, ...row.slice(1)]) }));
  const rawMs = await raw.insertConcurrent(parts, 1);
  let grouped = '';
  if (transactionsOf) {
    const orderIds = parts.flatMap((p) => p.orders.map((o) => String(o[0])));
    const transactions = await transactionsOf(orderIds);
    const perCommit = Math.max(1, Math.round(total / transactions));
    // HQ runs at most two groups at once (DEFAULT_GROUP_LIMITS.inFlight): the same rows over two connections.
    const all = { applied_ops: parts.flatMap((p) => p.applied_ops), orders: parts.flatMap((p) => p.orders), changes: parts.flatMap((p) => p.changes).map((row) => [++rawSeq, ...row.slice(1)]) };
    const half = Math.ceil(total / perCommit / 2) * perCommit;
    // The same rows again: the raw tables let go of the first copy (untimed).
    await raw.clear('applied_ops');
    await raw.clear('orders');
    const sameCommits = await raw.insertConcurrent([0, 1].map((h) => ({ applied_ops: all.applied_ops.slice(h * half, (h + 1) * half), orders: all.orders.slice(h * half, (h + 1) * half), changes: all.changes.slice(h * half, (h + 1) * half) })), perCommit);
    grouped = `; HQ committed them in ${fmt(transactions)} transactions (${fmt(total / transactions, 1)} sales each); raw with those commits over 2 connections ${fmt(total / (sameCommits / 1000))} sales/s (HQ ${fmt(ms / sameCommits, 1)}× that)`;
  }
  say(`concurrent push, ${CONCURRENT_CLIENTS} registers: ${fmt(total / (ms / 1000))} req/s, p50 ${fmt(pct(0.5), 1)} ms, p99 ${fmt(pct(0.99), 1)} ms${grouped}`);
  return {
    name: `push, one sale per request, ${CONCURRENT_CLIENTS} registers at once`,
    unit: 'req/s',
    value: total / (ms / 1000),
    items: total,
    ms,
    rawInsertMs: rawMs,
    note: `${fmt(total)} requests; p50 ${fmt(pct(0.5), 1)} ms, p99 ${fmt(pct(0.99), 1)} ms; raw inserts of the same rows, ${CONCURRENT_CLIENTS} connections at once, one transaction per sale: ${fmt(total / (rawMs / 1000))} sales/s${grouped}`,
  };
}

interface StorageResult {
  storage: 'sqlite' | 'postgres';
  figures: Figure[];
}

/** PostgreSQL: how many transactions wrote these orders (rows one transaction wrote share its xmin). */
function transactionCounter(admin: pg.Client, schema: string): (orderIds: string[]) => Promise<number> {
  return async (orderIds) => {
    const { rows } = await admin.query<{ n: number }>(`SELECT COUNT(DISTINCT xmin::text)::int AS n FROM ${schema}.orders WHERE id = ANY($1)`, [orderIds]);
    return rows[0]!.n;
  };
}

/** The concurrent push figure once more on PostgreSQL, with HQ_PG_PREPARED=0 (a fresh HQ and schema): its summary line. */
async function withoutNamedStatements(): Promise<string> {
  const suffix = crypto.randomBytes(5).toString('hex');
  const hqSchema = `kassa_bench_${suffix}`;
  const rawSchema = `kassa_bench_raw_${suffix}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  let hq: Hq | null = null;
  let raw: Raw | null = null;
  try {
    await admin.query(`CREATE SCHEMA ${hqSchema}`);
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${hqSchema}`);
    hq = await startHq({ DATABASE_URL: url.toString(), HQ_PG_PREPARED: '0' });
    const store = await json<{ id: string; code: string }>(hq, 'POST', '/stores', { authorization: `Bearer ${ADMIN_TOKEN}` }, { code: 'B01', name: 'Bench store', currency: 'EUR', pricesIncludeTax: true, enrolmentCode: 'BENCH-CODE', enrolmentCodeMaxUses: null });
    raw = await postgresRaw(PG_URL!, hqSchema, rawSchema);
    const f = await concurrentPush(hq, store, raw, () => {}, transactionCounter(admin, hqSchema));
    return `${fmt(f.value)} req/s (${fmt(f.ms / f.rawInsertMs, 1)}× raw); ${f.note}`;
  } finally {
    await raw?.close().catch(() => {});
    await hq?.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${hqSchema} CASCADE`).catch(() => {});
    await admin.query(`DROP SCHEMA IF EXISTS ${rawSchema} CASCADE`).catch(() => {});
    await admin.end();
  }
}

async function runStorage(kind: 'sqlite' | 'postgres'): Promise<StorageResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-hq-'));
  const suffix = crypto.randomBytes(5).toString('hex');
  const hqSchema = `kassa_bench_${suffix}`;
  const rawSchema = `kassa_bench_raw_${suffix}`;
  let env: Record<string, string>;
  let admin: pg.Client | null = null;
  if (kind === 'postgres') {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${hqSchema}`);
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${hqSchema}`);
    env = { DATABASE_URL: url.toString() };
  } else env = { HQ_DATA_DIR: tmp };

  let hq: Hq | null = null;
  let raw: Raw | null = null;
  const figures: Figure[] = [];
  const say = (line: string) => console.log(`  [${kind}] ${line}`);
  try {
    hq = await startHq(env);
    const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const store = await json<{ id: string; code: string }>(hq, 'POST', '/stores', adminAuth, { code: 'B01', name: 'Bench store', currency: 'EUR', pricesIncludeTax: true, enrolmentCode: 'BENCH-CODE', enrolmentCodeMaxUses: null });
    const enrolled = await json<{ registerId: string; registerCode: string; token: string }>(hq, 'POST', '/registers/enrol', {}, { code: 'BENCH-CODE' }, 201);
    const registerAuth = { authorization: `Bearer ${enrolled.token}`, 'content-type': 'application/json' };
    raw = kind === 'sqlite' ? sqliteRaw(path.join(tmp, 'hq.db'), path.join(tmp, 'raw.db')) : await postgresRaw(PG_URL!, hqSchema, rawSchema);

    // The 100k-product catalog, from HQ's own generator, imported through the API.
    const catalogFile = path.join(tmp, 'catalog.json');
    const gen = spawnSync(process.execPath, ['--import', 'tsx', 'server/scripts/generate-catalog.ts', '--count', String(PRODUCTS), '--out', catalogFile], { cwd: ROOT, encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`generating the catalog failed: ${gen.stderr}`);
    const catalogBody = fs.readFileSync(catalogFile);
    let t0 = performance.now();
    const importRes = await request(hq, 'POST', '/catalog/import', { ...adminAuth, 'content-type': 'application/json' }, catalogBody);
    const importMs = performance.now() - t0;
    const report = JSON.parse(importRes.body.toString()) as { imported: number; rejected: unknown[] };
    if (importRes.status !== 200 || report.imported !== PRODUCTS) throw new Error(`catalog import: ${importRes.status} ${importRes.body.toString().slice(0, 300)}`);
    const products = (JSON.parse(catalogBody.toString()) as { products: { sku: string; barcodes: string[]; name: string; price: number; taxClass: string }[] }).products;
    const productRows = products.map((p) => [p.sku, p.name, p.price, p.taxClass, JSON.stringify(p.barcodes), Date.now()]);
    const barcodeRows = products.flatMap((p) => p.barcodes.map((b) => [b, p.sku]));
    // Import: the products and their barcodes (one transaction); snapshot: the products alone.
    const importRaw = await raw.insert({ products: productRows, product_barcodes: barcodeRows }, PRODUCTS);
    await raw.clear('product_barcodes');
    await raw.clear('products');
    const productsRaw = await raw.insert({ products: productRows }, PRODUCTS);
    figures.push({ name: 'catalog import, 100k products (one request)', unit: 'products/s', value: PRODUCTS / (importMs / 1000), items: PRODUCTS, ms: importMs, rawInsertMs: importRaw });
    say(`imported ${PRODUCTS} products in ${Math.round(importMs)} ms`);

    // Push throughput: ROUNDS rounds per batch size, each followed by the raw insert of the same rows; the median round counts.
    const push = async (body: string, expected: number) => {
      const res = await request(hq!, 'POST', '/sync/push', registerAuth, body);
      if (res.status !== 200) throw new Error(`push answered ${res.status}: ${res.body.toString().slice(0, 300)}`);
      const results = (JSON.parse(res.body.toString()) as { results: OpResult[] }).results;
      const applied = results.filter((r) => r.status === 'applied').length;
      if (applied !== expected) throw new Error(`push: ${expected - applied} operations not applied, e.g. ${JSON.stringify(results.find((r) => r.status !== 'applied'))}`);
    };
    const batchBody = (size: number, rows: Rows) => JSON.stringify({ registerId: enrolled.registerId, ops: Array.from({ length: size }, () => saleOp(enrolled.registerId, store.code, enrolled.registerCode, store.id, rows)) });
    const discard: Rows = { applied_ops: [], orders: [], changes: [] };
    for (const { batch } of PUSH_RUNS) for (let w = 0; w < 3; w++) await push(batchBody(batch, discard), batch);
    for (const run of PUSH_RUNS) {
      const rounds: { ops: number; ms: number; rawMs: number }[] = [];
      for (let round = 0; round < PUSH_ROUNDS; round++) {
        const rows: Rows = { applied_ops: [], orders: [], changes: [] };
        // Bodies are built and serialised before the clock starts: the figure is HQ's, not the client's.
        const bodies: string[] = [];
        for (let i = 0; i < run.ops; i += run.batch) bodies.push(batchBody(run.batch, rows));
        let pushed = 0;
        t0 = performance.now();
        for (const body of bodies) {
          await push(body, run.batch);
          pushed += run.batch;
          if (performance.now() - t0 > PUSH_ROUND_MAX_MS) break;
        }
        const ms = performance.now() - t0;
        const rawMs = await raw.insert(
          { applied_ops: rows.applied_ops.slice(0, pushed), orders: rows.orders.slice(0, pushed), changes: rows.changes.slice(0, pushed).map((r) => [++rawSeq, ...r.slice(1)]) },
          run.batch,
        );
        rounds.push({ ops: pushed, ms, rawMs });
      }
      const rates = rounds.map((r) => r.ops / (r.ms / 1000));
      const median = rounds[rates.indexOf([...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!)]!;
      figures.push({
        name: `push, batches of ${run.batch}`,
        unit: 'ops/s',
        value: median.ops / (median.ms / 1000),
        items: median.ops,
        ms: median.ms,
        rawInsertMs: median.rawMs,
        note: `median of ${PUSH_ROUNDS} rounds of ${rounds.map((r) => r.ops).join(', ')} ops; rounds ${rates.map((r) => fmt(r)).join(', ')} ops/s; raw inserts of the same rows ${rounds.map((r) => fmt(r.ops / (r.rawMs / 1000))).join(', ')} ops/s`,
      });
      say(`push batch ${run.batch}: ${rates.map((r) => fmt(r)).join(', ')} ops/s`);
    }

    const transactionsOf = admin ? transactionCounter(admin, hqSchema) : undefined;
    figures.push(await concurrentPush(hq, store, raw, say, transactionsOf));
    if (kind === 'postgres') say(`named statements off: ${await withoutNamedStatements()}`);

    // Change-feed read rate: the whole feed (the catalog's changes and the orders), page by page.
    t0 = performance.now();
    let since = 0;
    let read = 0;
    for (;;) {
      const page = await json<{ changes: unknown[]; nextSeq: number; hasMore: boolean; snapshotRequired: boolean }>(hq, 'GET', `/sync/changes?since=${since}&limit=${FEED_PAGE}`, adminAuth);
      if (page.snapshotRequired) throw new Error('the feed answered snapshotRequired');
      read += page.changes.length;
      since = page.nextSeq;
      if (!page.hasMore) break;
    }
    const feedMs = performance.now() - t0;
    const [rawReadMs, rawRead] = await raw.readChanges();
    if (rawRead !== read) throw new Error(`the feed served ${read} changes, the table holds ${rawRead}`);
    const feedRows = await raw.changeRows();
    const feedRawInsert = await raw.insert({ changes: feedRows.map((r) => [++rawSeq, ...r.slice(1)]) }, feedRows.length);
    figures.push({ name: `change feed read, ${read.toLocaleString('en')} changes (pages of ${FEED_PAGE})`, unit: 'changes/s', value: read / (feedMs / 1000), items: read, ms: feedMs, rawInsertMs: feedRawInsert, rawReadMs });
    say(`feed: ${read} changes in ${Math.round(feedMs)} ms`);

    // Snapshot of the 100k-product catalog, to the last byte.
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < SNAPSHOT_RUNS; i++) {
      t0 = performance.now();
      const res = await request(hq, 'GET', '/sync/snapshot', adminAuth);
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`snapshot answered ${res.status}`);
      bytes = res.body.length;
      const served = (JSON.parse(res.body.toString()) as { products: unknown[] }).products.length;
      if (served !== PRODUCTS) throw new Error(`the snapshot held ${served} products, not ${PRODUCTS}`);
    }
    times.sort((a, b) => a - b);
    const snapshotMs = times[Math.floor(times.length / 2)]!;
    const [rawProductsMs] = await raw.readProducts();
    figures.push({
      name: `snapshot, ${PRODUCTS.toLocaleString('en')} products (median of ${SNAPSHOT_RUNS})`,
      unit: 'ms',
      value: snapshotMs,
      items: PRODUCTS,
      ms: snapshotMs,
      rawInsertMs: productsRaw,
      rawReadMs: rawProductsMs,
      note: `${(bytes / 1024 / 1024).toFixed(1)} MiB; runs ${times.map((t) => Math.round(t)).join(', ')} ms`,
    });
    say(`snapshot: ${times.map((t) => Math.round(t)).join(', ')} ms, ${bytes} bytes`);
  } finally {
    await raw?.close().catch(() => {});
    await hq?.stop();
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${hqSchema} CASCADE`).catch(() => {});
      await admin.query(`DROP SCHEMA IF EXISTS ${rawSchema} CASCADE`).catch(() => {});
      await admin.end();
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { storage: kind, figures };
}

// ---------------------------------------------------------------------------------------------------
// Run, print, check, write.

function postgresSkipReason(): string | null {
  if (!PG_URL) return 'KASSA_BENCH_DATABASE_URL is not set (e.g. postgres://user:password@127.0.0.1:5432/db)';
  return localPostgresProblem(PG_URL);
}

const loadAtStart = os.loadavg()[0]!;
console.log(`bench:hq: node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAtStart.toFixed(1)}; HQ over HTTP on 127.0.0.1, one register pushing back to back, then ${CONCURRENT_CLIENTS} at once`);
const results: StorageResult[] = [await runStorage('sqlite')];
let skip = postgresSkipReason();
let failed = false;
if (skip === null) {
  try {
    results.push(await runStorage('postgres'));
  } catch (error) {
    // Reported, not hidden: the run ends with exit code 1.
    failed = true;
    skip = error instanceof Error ? error.message : String(error);
    console.error(`  [postgres] FAILED: ${skip}`);
  }
} else console.log(`  [postgres] skipped: ${skip}`);
agent.destroy();

const ratio = (hqMs: number, rawMs: number | undefined) => (rawMs === undefined ? '' : `${fmt(hqMs / rawMs, 1)}×`);
const cell = (f: Figure | undefined) => (f ? `${fmt(f.value)} ${f.unit}` : 'skipped');
const header = ['figure', ...results.flatMap((r) => [`${r.storage}`, '× raw insert', '× raw read'])];
const table = results[0]!.figures.map((f, i) => [
  f.name,
  ...results.flatMap((r) => {
    const g = r.figures[i];
    return [cell(g), g ? ratio(g.ms, g.rawInsertMs) : '', g ? ratio(g.ms, g.rawReadMs) : ''];
  }),
]);
if (skip !== null) {
  header.push('postgres');
  table.forEach((row) => row.push(failed ? 'FAILED' : 'skipped'));
}
const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${table.map(line).join('\n')}`);
console.log('× raw: HQ time / time of raw inserts of the same rows (same tables and indexes, same commits), or of a raw SELECT of the same rows.');
for (const r of results) for (const f of r.figures) if (f.note) console.log(`${r.storage}, ${f.name}: ${f.note}`);

const figure = (r: StorageResult | undefined, prefix: string) => r?.figures.find((f) => f.name.startsWith(prefix));
const sqlite = results[0]!;
const postgres = results.find((r) => r.storage === 'postgres');
const targets = [
  { target: `push, batches of 1000, SQLite ≥ ${fmt(TARGETS.pushOpsPerSec1000Sqlite)} ops/s`, value: figure(sqlite, 'push, batches of 1000')!.value, met: figure(sqlite, 'push, batches of 1000')!.value >= TARGETS.pushOpsPerSec1000Sqlite, unit: 'ops/s' },
  { target: `snapshot of 100k products, SQLite ≤ ${fmt(TARGETS.snapshotMs)} ms`, value: figure(sqlite, 'snapshot')!.value, met: figure(sqlite, 'snapshot')!.value <= TARGETS.snapshotMs, unit: 'ms' },
  ...(postgres
    ? [{ target: `snapshot of 100k products, PostgreSQL ≤ ${fmt(TARGETS.snapshotMs)} ms`, value: figure(postgres, 'snapshot')!.value, met: figure(postgres, 'snapshot')!.value <= TARGETS.snapshotMs, unit: 'ms' }]
    : []),
];
const loadAtEnd = os.loadavg()[0]!;
if (Math.max(loadAtStart, loadAtEnd) > os.cpus().length) console.log(`\nThe machine was busy (load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end, ${os.cpus().length} CPUs): absolute figures are low; the ratios to raw inserts are the steadier measure.`);
console.log('\ntargets:');
for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${fmt(t.value)} ${t.unit}`);
if (skip !== null) console.log(`  ${failed ? 'FAILED ' : 'skipped'}  PostgreSQL figures: ${skip}`);

const out = writeBenchResults('hq', {
  loadAverage: { start: +loadAtStart.toFixed(2), end: +loadAtEnd.toFixed(2) },
  feedSequencing: process.env.HQ_FEED_SEQUENCING ?? 'staged',
  transport: `HTTP on 127.0.0.1: one register, sequential requests; and ${CONCURRENT_CLIENTS} registers at once, one keep-alive connection each`,
  baseline: 'raw inserts of the same rows into tables of the same shape with the same commits (better-sqlite3 prepared statements, WAL + synchronous=FULL; pg multi-row INSERT); reads also against a raw SELECT of the same rows',
  storages: Object.fromEntries([
    ...results.map((r) => [r.storage, r.figures.map((f) => ({ ...f, value: Math.round(f.value), ms: Math.round(f.ms), rawInsertMs: Math.round(f.rawInsertMs), rawReadMs: f.rawReadMs === undefined ? undefined : Math.round(f.rawReadMs), xRawInsert: +(f.ms / f.rawInsertMs).toFixed(2), xRawRead: f.rawReadMs === undefined ? undefined : +(f.ms / f.rawReadMs).toFixed(2) }))]),
    ...(skip !== null ? [['postgres', failed ? { failed: skip } : { skipped: skip }]] : []),
  ]),
  targets,
  seconds: Math.round((performance.now() - started) / 1000),
});
console.log(`\nwrote ${path.relative(process.cwd(), out)} in ${Math.round((performance.now() - started) / 1000)} s`);
clearTimeout(deadline);
if (failed || (STRICT && targets.some((t) => !t.met))) process.exit(1);
