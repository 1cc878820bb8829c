/**
 * `npm run bench:orders`: order search on a register holding 100,000 completed orders of the day (each
 * with its lines and payments; some with a member), the way the Orders screen asks — offline, so only
 * this register's database answers:
 *
 * - the day's newest 100, by sale number, by sequence alone, by amount, by payment type, by member and by
 *   a one-hour time range: `OrdersService.search` (input parsed, the statement for that filter, the
 *   tenders of each row, the summaries built) beside a raw indexed `SELECT` of the same rows in the same
 *   run (the machine is shared: ratios matter more than µs).
 *
 * Target: the service's p99 ≤ 20 ms for every kind of search. Prints a table and writes
 * bench/results/orders.json; `--strict` exits with 1 when the target is not met.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import type { User } from '../shared/api';
import type { OrderSearch } from '../shared/modules/orders.api';
import { openDatabase } from '../electron/db/open';
import { LedgerRepository } from '../electron/modules/checkout/ledger.repository';
import { OrdersRepository } from '../electron/modules/orders/orders.repository';
import { OrdersService } from '../electron/modules/orders/orders.service';
import { Outbox } from '../electron/sync/outbox';
import { writeBenchResults } from './support/results';

const STRICT = process.argv.includes('--strict');
const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const WARMUP = 200;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2_000);
const TARGET_P99_MS = 20;
const MEMBERS = 5_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-orders-'));
const db = openDatabase(path.join(dir, 'kassa.db'));
const ana: User = { id: 'ana', name: 'Ana', role: 'cashier' };
const dayStart = Date.UTC(2026, 10, 23, 6);
/** One order every 0.4 s from 06:00: 100k orders span about 11 hours of the day. */
const completedAt = (i: number) => dayStart + i * 400;
const totalOf = (i: number) => 50 + ((i * 7919) % 20_000);
const memberOf = (i: number) => (i % 7 === 0 ? `M${i % MEMBERS}` : null);
const tenderOf = (i: number) => (i % 3 === 0 ? 'card' : i % 11 === 0 ? 'points' : 'cash');

const started = performance.now();
db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('ana', 'Ana', 'cashier', 'scrypt$1$1$1$a$b', 1)").run();
const insertSale = db.prepare(
  "INSERT INTO sales (id, status, kind, cashier_id, currency, sequence, number, total, created_at, completed_at, member_id) VALUES (?, 'completed', 'sale', 'ana', 'EUR', ?, ?, ?, ?, ?, ?)",
);
const insertLine = db.prepare("INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at) VALUES (?, ?, ?, ?, ?, 1, ?, 'standard', ?, ?)");
const insertPayment = db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, created_at) VALUES (?, ?, ?, ?, 'approved', ?)");
db.transaction(() => {
  for (let i = 0; i < ORDERS; i++) {
    const id = uuidv7();
    const at = completedAt(i);
    const total = totalOf(i);
    insertSale.run(id, i + 1, `S01-R01-${i + 1}`, total, at - 30_000, at, memberOf(i));
    insertLine.run(`${id}:0`, id, 0, `SKU-${i % 1000}`, `Product ${i % 1000}`, total - 10, total - 10, at);
    insertLine.run(`${id}:1`, id, 1, 'SKU-BAG', 'Carrier bag', 10, 10, at);
    insertPayment.run(`${id}:p`, id, tenderOf(i), total, at);
  }
  db.prepare('UPDATE register_sequence SET last = ?').run(ORDERS);
})();
db.exec('ANALYZE');
const seededMs = performance.now() - started;

const orders = new OrdersService({
  orders: new OrdersRepository(db),
  ledger: new LedgerRepository(db),
  outbox: new Outbox(db),
  hq: null,
  online: () => false,
  registerId: () => null,
  numberPrefix: () => 'S01-R01',
  currency: () => 'EUR',
  storeName: () => 'Bench store',
  newId: uuidv7,
  settings: () => ({ refundManagerAbove: 5000, offlineRefundLimit: 10_000 }),
  offlineCard: () => ({ perPaymentLimit: 10_000, totalLimit: 50_000, uploadDeadlineHours: 24 }),
  approve: async () => ({ name: 'Max' }),
  pendingSync: () => 0,
  deadLetters: () => 0,
  hqTimeoutMs: 1000,
  log: { info: () => {}, warn: () => {} },
  now: () => completedAt(ORDERS),
});

const RAW_COLUMNS = "s.id, s.number, s.kind, s.total, s.currency, s.completed_at, s.member_id, (SELECT group_concat(DISTINCT p.tender) FROM payments p WHERE p.sale_id = s.id AND p.status <> 'declined') AS tenders";
const raw = {
  newest: db.prepare(`SELECT ${RAW_COLUMNS} FROM sales s WHERE s.status = 'completed' ORDER BY s.completed_at DESC LIMIT 100`),
  number: db.prepare<[string]>(`SELECT ${RAW_COLUMNS} FROM sales s WHERE s.number = ?`),
  sequence: db.prepare<[number]>(`SELECT ${RAW_COLUMNS} FROM sales s WHERE s.sequence = ?`),
  amount: db.prepare<[number]>(`SELECT ${RAW_COLUMNS} FROM sales s WHERE s.status = 'completed' AND abs(s.total) = ? ORDER BY s.completed_at DESC LIMIT 100`),
  tender: db.prepare<[string]>(
    `SELECT ${RAW_COLUMNS} FROM sales s WHERE s.status = 'completed' AND EXISTS (SELECT 1 FROM payments p WHERE p.sale_id = s.id AND p.tender = ?) ORDER BY s.completed_at DESC LIMIT 100`,
  ),
  member: db.prepare<[string]>(`SELECT ${RAW_COLUMNS} FROM sales s WHERE s.member_id = ? ORDER BY s.completed_at DESC LIMIT 100`),
  range: db.prepare<[number, number]>(`SELECT ${RAW_COLUMNS} FROM sales s WHERE s.status = 'completed' AND s.completed_at >= ? AND s.completed_at <= ? ORDER BY s.completed_at DESC LIMIT 100`),
};

let seed = 42;
const next = (below: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % below;
};

const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** Alternates the service's search and its raw baseline; both must find the same number of rows. */
async function measure(name: string, make: (i: number) => { input: OrderSearch; raw: () => unknown[] }) {
  const s: number[] = [];
  const b: number[] = [];
  for (let n = 0; n < WARMUP + SAMPLES; n++) {
    const { input, raw: baseline } = make(next(ORDERS));
    let t = performance.now();
    const found = await orders.search(input, ana);
    const serviceMs = performance.now() - t;
    t = performance.now();
    const rows = baseline();
    const rawMs = performance.now() - t;
    if (found.orders.length !== rows.length || found.orders.length === 0) throw new Error(`${name}: the service found ${found.orders.length} orders, the raw query ${rows.length}`);
    if (n >= WARMUP) {
      s.push(serviceMs);
      b.push(rawMs);
    }
  }
  const row = { name, p50Ms: pct(s, 50), p99Ms: pct(s, 99), baselineP50Ms: pct(b, 50), baselineP99Ms: pct(b, 99) };
  return { ...row, ratioP50: row.p50Ms / row.baselineP50Ms, ratioP99: row.p99Ms / row.baselineP99Ms, met: row.p99Ms <= TARGET_P99_MS };
}

const results = [
  await measure("the day's newest 100", () => ({ input: { scope: 'day' }, raw: () => raw.newest.all() })),
  await measure('by sale number', (i) => ({ input: { scope: 'day', number: `S01-R01-${i + 1}` }, raw: () => raw.number.all(`S01-R01-${i + 1}`) })),
  await measure('by sequence alone', (i) => ({ input: { scope: 'day', number: String(i + 1) }, raw: () => raw.sequence.all(i + 1) })),
  await measure('by amount', (i) => ({ input: { scope: 'day', amount: totalOf(i) }, raw: () => raw.amount.all(totalOf(i)) })),
  await measure('by payment type (card)', () => ({ input: { scope: 'day', tender: 'card' }, raw: () => raw.tender.all('card') })),
  await measure('by member', (i) => {
    const member = `M${(i - (i % 7)) % MEMBERS}`;
    return { input: { scope: 'day', memberId: member }, raw: () => raw.member.all(member) };
  }),
  await measure('by a one-hour time range', (i) => {
    const from = completedAt(Math.max(0, i - 9000));
    const to = from + 3_600_000;
    return { input: { scope: 'day', from, to }, raw: () => raw.range.all(from, to) };
  }),
];

const ms = (x: number) => `${x.toFixed(3)} ms`;
console.log(`\norder search, ${ORDERS.toLocaleString('en')} completed orders of the day on this register, ${SAMPLES} samples each; seeded in ${(seededMs / 1000).toFixed(1)} s; target p99 ≤ ${TARGET_P99_MS} ms\n`);
console.log(['what'.padEnd(28), 'p50'.padStart(11), 'p99'.padStart(11), 'raw p50'.padStart(11), 'raw p99'.padStart(11), 'ratio p50'.padStart(10), 'ratio p99'.padStart(10), 'target'.padStart(7)].join(' '));
for (const r of results) {
  console.log(
    [r.name.padEnd(28), ms(r.p50Ms).padStart(11), ms(r.p99Ms).padStart(11), ms(r.baselineP50Ms).padStart(11), ms(r.baselineP99Ms).padStart(11), `${r.ratioP50.toFixed(2)}×`.padStart(10), `${r.ratioP99.toFixed(2)}×`.padStart(10), (r.met ? 'met' : 'MISSED').padStart(7)].join(' '),
  );
}
const out = writeBenchResults('orders', {
  orders: ORDERS,
  samples: SAMPLES,
  targetP99Ms: TARGET_P99_MS,
  baseline: 'raw indexed SELECT of the same rows (with each row’s tenders), same run',
  results,
  met: results.every((r) => r.met),
});
console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
if (STRICT && !results.every((r) => r.met)) process.exit(1);
