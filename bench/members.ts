/**
 * `npm run bench:members`: member lookup from the register's cache of 200,000 members (two ledger entries
 * each, so the balance is a real sum), offline as the till answers when HQ is away:
 *
 * - by phone: `MembershipService.lookup` (normalising the phone, the indexed lookup, the balance summed
 *   from the ledger) beside a raw indexed `SELECT` of the same member by phone;
 * - by card: the same by loyalty card number beside a raw indexed `SELECT` by card.
 *
 * Samples alternate with their baseline in the same run (the machine is shared: ratios matter more than
 * µs). Prints a table and writes bench/results/members.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { silentLogger } from '../electron/core/logger';
import { openDatabase } from '../electron/db/open';
import { LedgerRepository } from '../electron/modules/checkout/ledger.repository';
import { MemberRepository } from '../electron/modules/membership/member.repository';
import { MembershipService } from '../electron/modules/membership/membership.service';
import { Outbox } from '../electron/sync/outbox';
import { writeBenchResults } from './support/results';

const MEMBERS = 200_000;
const WARMUP = 1_000;
const SAMPLES = 10_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-members-'));
const db = openDatabase(path.join(dir, 'kassa.db'));
const phoneOf = (i: number) => `+49151${String(i).padStart(8, '0')}`;
const cardOf = (i: number) => `K${String(i).padStart(9, '0')}`;

const started = performance.now();
const insertMember = db.prepare('INSERT INTO members (id, name, phone, card, pending, base_balance, base_at, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, 1, 1)');
const insertEntry = db.prepare("INSERT INTO point_ledger (id, member_id, delta, reason, order_id, origin, in_base, created_at) VALUES (?, ?, ?, 'earn', NULL, 'hq', 0, 1)");
db.transaction(() => {
  for (let i = 0; i < MEMBERS; i++) {
    const id = uuidv7();
    insertMember.run(id, `Member ${i}`, phoneOf(i), cardOf(i), 100, Date.now());
    insertEntry.run(uuidv7(), id, 10);
    insertEntry.run(uuidv7(), id, 25);
  }
})();
const seededMs = performance.now() - started;

const members = new MemberRepository(db, new LedgerRepository(db));
const service = new MembershipService({
  members,
  outbox: new Outbox(db),
  hq: null,
  online: () => false,
  rule: () => ({ pointsPerUnit: 1, pointValueMinor: 1, offlineRedeemCap: 5000 }),
  currency: () => 'EUR',
  sales: { openSaleId: () => null, openSale: () => '', state: () => ({ saleId: null, due: 0, paid: 0, remaining: 0, currency: 'EUR', payments: [] }), addPointsPayment: () => {} },
  newId: uuidv7,
  log: silentLogger(),
});
const rawByPhone = db.prepare<[string], { id: string }>('SELECT id, name, phone, card, base_balance FROM members WHERE phone = ?');
const rawByCard = db.prepare<[string], { id: string }>('SELECT id, name, phone, card, base_balance FROM members WHERE card = ?');

let seed = 42;
const nextIndex = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % MEMBERS;
};

async function measure(name: string, subject: (i: number) => Promise<unknown>, baseline: (i: number) => unknown) {
  const s: number[] = [];
  const b: number[] = [];
  for (let n = 0; n < WARMUP + SAMPLES; n++) {
    const i = nextIndex();
    let t = performance.now();
    const found = await subject(i);
    const subjectMs = performance.now() - t;
    t = performance.now();
    const raw = baseline(i);
    const baselineMs = performance.now() - t;
    if (!found || !raw) throw new Error(`${name}: member ${i} not found`);
    if (n >= WARMUP) {
      s.push(subjectMs);
      b.push(baselineMs);
    }
  }
  const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const row = {
    name,
    p50Ms: pct(s, 50),
    p99Ms: pct(s, 99),
    baselineP50Ms: pct(b, 50),
    baselineP99Ms: pct(b, 99),
  };
  return { ...row, ratioP50: row.p50Ms / row.baselineP50Ms, ratioP99: row.p99Ms / row.baselineP99Ms };
}

const results = [
  await measure('lookup by phone (service, cache, balance summed)', (i) => service.lookup(phoneOf(i)), (i) => rawByPhone.get(phoneOf(i))),
  await measure('lookup by card (service, cache, balance summed)', (i) => service.lookup(cardOf(i)), (i) => rawByCard.get(cardOf(i))),
];
const check = await service.lookup(phoneOf(7));
if (check.balance !== 135) throw new Error(`balance of a cached member should be 100 + 10 + 25, got ${check.balance}`);

const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
console.log(`\nmember lookup, ${MEMBERS.toLocaleString('en')} members in the cache (${(MEMBERS * 2).toLocaleString('en')} ledger entries), ${SAMPLES} samples each; seeded in ${(seededMs / 1000).toFixed(1)} s\n`);
console.log(['what'.padEnd(50), 'p50'.padStart(10), 'p99'.padStart(10), 'raw p50'.padStart(10), 'raw p99'.padStart(10), 'ratio p50'.padStart(10), 'ratio p99'.padStart(10)].join(' '));
for (const r of results) {
  console.log([r.name.padEnd(50), us(r.p50Ms).padStart(10), us(r.p99Ms).padStart(10), us(r.baselineP50Ms).padStart(10), us(r.baselineP99Ms).padStart(10), `${r.ratioP50.toFixed(2)}×`.padStart(10), `${r.ratioP99.toFixed(2)}×`.padStart(10)].join(' '));
}
const out = writeBenchResults('members', { members: MEMBERS, ledgerEntries: MEMBERS * 2, samples: SAMPLES, baseline: 'raw indexed SELECT of the member row by phone / by card, same run', results });
console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
