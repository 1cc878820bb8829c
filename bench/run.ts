/**
 * `npm run bench`: the register's hot paths against a baseline measured in the same run (a bare prepared
 * SQLite statement), reported as ratios because the machine is shared and noisy. Results are printed as a
 * table and written to bench/results/<name>.json.
 */
import { writeBenchResults } from './support/results';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Bench } from 'tinybench';
import { v7 as uuidv7 } from 'uuid';
import demoCatalog from '../shared/demo/catalog.json' with { type: 'json' };
import { readScanCode } from '../shared/barcode';
import { CatalogFileSchema } from '../shared/catalog';
import { openDatabase } from '../electron/db/open';
import { UsersRepository } from '../electron/modules/auth/users.repository';
import { CatalogRepository } from '../electron/modules/catalog/catalog.repository';
import { CartRepository } from '../electron/modules/checkout/cart.repository';
import { CartService } from '../electron/modules/checkout/cart.service';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-'));
const db = openDatabase(path.join(dir, 'kassa.db'));
const products = CatalogFileSchema.parse(demoCatalog).products;
const catalog = new CatalogRepository(db);
new UsersRepository(db).add({ id: 'bench', name: 'Bench', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
const seedStart = performance.now();
catalog.upsertMany(products);
const seedMs = performance.now() - seedStart;
const cart = new CartService(new CartRepository(db), catalog, 'EUR', { newId: uuidv7 });
const selectOne = db.prepare('SELECT 1');
let i = 0;
let scans = 0;
const closeCart = db.prepare("UPDATE sales SET status = 'voided' WHERE status = 'open'");
const nextBarcode = () => products[i++ % products.length]!.barcodes[0]!;

const bench = new Bench({ time: 1500, warmupTime: 300 });
bench
  .add('baseline: prepared SELECT 1', () => {
    selectOne.get();
  })
  .add('read a scanned code (check digit)', () => {
    readScanCode(nextBarcode());
  })
  .add('catalog lookup by barcode (2,000 products)', () => {
    cart.lookup(nextBarcode());
  })
  .add(
    'cart scan into a 20-line cart: lookup + cart write (draft, synchronous=NORMAL)',
    () => {
      cart.scan(nextBarcode(), 'bench');
    },
    {
      // A real cart is short: start a new one every 20 scans (outside the timed function).
      beforeEach: () => {
        if (++scans % 20 === 0) closeCart.run();
      },
    },
  );
await bench.run();

const baseline = bench.tasks[0]!.result!.latency.mean;
const rows = bench.tasks.map((task) => {
  const latency = task.result!.latency;
  return {
    task: task.name,
    'mean µs': Number((latency.mean * 1000).toFixed(2)),
    'p99 µs': Number((latency.p99! * 1000).toFixed(2)),
    samples: latency.samples.length,
    'ratio to baseline': Number((latency.mean / baseline).toFixed(1)),
  };
});
console.table(rows);
console.log(`demo catalog seed: ${products.length} products in ${seedMs.toFixed(0)} ms (${(seedMs / (baseline * products.length)).toFixed(0)}× a SELECT 1 per product)`);

const out = writeBenchResults('foundation', { baseline: 'prepared SELECT 1', rows, seed: { products: products.length, ms: Math.round(seedMs) } });
console.log(`written to ${path.relative(process.cwd(), out)}`);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
