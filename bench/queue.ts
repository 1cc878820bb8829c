/**
 * `npm run bench:queue`: a scripted cashier serves a queue of 50 customers through the real screens in
 * Chromium (1366×768), the way a till is used: a wedge scanner (a burst of keystrokes ending in Enter,
 * typed wherever focus happens to be), the keyboard and taps. The register runs against a real HQ on
 * 127.0.0.1, enrolled with the demo code.
 *
 * Each customer brings 1–12 items (a seeded "random" basket from the demo catalogue). The mix: cash paid
 * exactly, cash paid with a note (a quick-cash tap), card, a member who shows the loyalty card first, and
 * one return (a receipt scanned on the sale screen, refunded with a preset reason).
 *
 * Per customer it reports:
 * - the cashier's actions: scans, keystrokes and taps, beside the floor of items + 3;
 * - the time from the last scan's Enter to the receipt on screen.
 * And it checks that no scan was lost: every sale's item count equals the items scanned.
 *
 * Targets: no scan lost; actions ≤ items + 3 for a plain cash or card sale. Timing: the mean beside the
 * fastest journey of the same run (the machine is shared, so ratios, not absolutes). The physical floor of
 * "last scan → receipt" is one scan round trip, the sale's durable commit (an fsync) and a frame.
 *
 * Bounded (50 customers, a 10-minute guard), loopback only. Prints a table, writes
 * bench/results/queue.json; `--strict` exits with 1 when a target is not met.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { startHq, type RunningHq } from '../e2e/support/hq-server';
import { REPO_ROOT, startRegister, type RunningRegister } from '../e2e/support/web-host';
import { writeBenchResults } from './support/results';

const STRICT = process.argv.includes('--strict');
const CUSTOMERS = Number(process.env.KASSA_QUEUE_CUSTOMERS ?? 50);
const GUARD_MS = 10 * 60_000;
/** The demo HQ's members (server/src/demo/seed.ts): their loyalty cards. */
const LOYALTY_CARDS = ['2900000000017', '2900000000024', '2900000000031'];

const guard = setTimeout(() => {
  console.error(`bench:queue did not finish within ${GUARD_MS / 60_000} minutes; stopping.`);
  process.exit(2);
}, GUARD_MS);
guard.unref();

interface Product {
  sku: string;
  barcodes: string[];
  name: string;
  price: number;
  priceByLabel?: boolean;
}
const catalog = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: Product[] }).products.filter((p) => !p.priceByLabel);

/** xorshift32: the same queue in every run. */
function random(seed: number): (below: number) => number {
  let x = seed >>> 0 || 1;
  return (below) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % below;
  };
}

type Journey = 'cash exact' | 'cash note' | 'card' | 'member' | 'return';

interface Customer {
  index: number;
  journey: Journey;
  items: Product[];
}

/** The queue: mostly plain sales, every seventh a member, one return in the middle. */
function makeQueue(count: number): Customer[] {
  const next = random(16);
  // The return needs an earlier sale's receipt: half-way down the queue (none in a queue under 4).
  const returnAt = count >= 4 ? Math.floor(count / 2) : -1;
  return Array.from({ length: count }, (_, index) => {
    const journey: Journey = index === returnAt ? 'return' : index % 7 === 3 ? 'member' : (['cash exact', 'cash note', 'card'] as const)[index % 3]!;
    const items = journey === 'return' ? [] : Array.from({ length: 1 + next(12) }, () => catalog[next(catalog.length)]!);
    return { index, journey, items };
  });
}

/** What the cashier did, counted as they do it. */
class Cashier {
  scans = 0;
  keys = 0;
  taps = 0;
  constructor(private readonly page: Page) {}
  /** A wedge scanner: a burst of keystrokes and Enter, wherever focus is. One action. */
  async scan(code: string): Promise<void> {
    this.scans++;
    await this.page.keyboard.type(code, { delay: 2 });
    await this.page.keyboard.press('Enter');
  }
  async press(key: string): Promise<void> {
    this.keys++;
    await this.page.keyboard.press(key);
  }
  async tap(name: string | RegExp): Promise<void> {
    this.taps++;
    await this.page.getByRole('button', { name, exact: typeof name === 'string' }).click();
  }
  reset(): { scans: number; keys: number; taps: number } {
    const counted = { scans: this.scans, keys: this.keys, taps: this.taps };
    this.scans = this.keys = this.taps = 0;
    return counted;
  }
}

/** The register's view of the open sale (a check by the bench, not a cashier action). */
async function openItemCount(page: Page): Promise<number> {
  const cart = (await page.evaluate(`window.__kassaQueue.call('cart.get', {})`)) as { itemCount?: number; lines: { quantity: number }[] };
  return cart.itemCount ?? cart.lines.reduce((sum, l) => sum + l.quantity, 0);
}

/** A WebSocket of the bench's own to the register's API (the page's launch cookie authenticates it). */
const PAGE_PROBE = `(() => {
  const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api');
  const waiting = new Map();
  let id = 1000;
  const open = new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  socket.addEventListener('message', (event) => {
    const data = JSON.parse(String(event.data));
    const pending = waiting.get(data.id);
    if (!pending || !data.result) return;
    waiting.delete(data.id);
    data.result.ok ? pending.resolve(data.result.value) : pending.reject(new Error(data.result.error.code + ': ' + data.result.error.message));
  });
  window.__kassaQueue = {
    async call(channel, input) {
      await open;
      const callId = ++id;
      return new Promise((resolve, reject) => {
        waiting.set(callId, { resolve, reject });
        socket.send(JSON.stringify({ id: callId, channel, input }));
      });
    },
  };
})()`;

async function waitForItems(page: Page, expected: number): Promise<number> {
  const until = Date.now() + 5_000;
  let seen = await openItemCount(page);
  while (seen !== expected && Date.now() < until) {
    await page.waitForTimeout(20);
    seen = await openItemCount(page);
  }
  return seen;
}

interface Served {
  customer: number;
  journey: Journey;
  items: number;
  scans: number;
  keys: number;
  taps: number;
  actions: number;
  floor: number;
  lost: number;
  lastScanToReceiptMs: number | null;
  saleNumber: string | null;
}

async function serve(page: Page, cashier: Cashier, customer: Customer, earlier: string[]): Promise<Served> {
  let lost = 0;
  let lastScanToReceiptMs: number | null = null;
  let saleNumber: string | null = null;
  if (customer.journey === 'return') {
    await returnOne(page, cashier, earlier[1] ?? earlier[0]!);
  } else {
    if (customer.journey === 'member') await cashier.scan(LOYALTY_CARDS[customer.index % LOYALTY_CARDS.length]!);
    let started = 0;
    for (const [i, item] of customer.items.entries()) {
      if (i === customer.items.length - 1) started = performance.now();
      await cashier.scan(item.barcodes[0]!);
    }
    const seen = await waitForItems(page, customer.items.length);
    lost = Math.max(0, customer.items.length - seen);
    // Enter on the empty scan field goes to Pay.
    await cashier.press('Enter');
    await page.getByTestId('tender-due').waitFor();
    if (customer.journey === 'card') {
      await cashier.tap('Card');
      // The customer's card read by the terminal (the simulated one takes its number in the field): not a cashier's action.
      await page.getByLabel('Card number').fill('4242424242424242');
    }
    else if (customer.journey === 'cash note') {
      const quick = page.getByRole('group', { name: 'Quick amounts' }).getByRole('button');
      // The customer hands one note that covers the sale: the smallest quick amount (after Exact) at or above the amount due.
      const amountOf = (text: string) => Number(text.replace(/[^\d.]/g, ''));
      const due = amountOf((await page.getByTestId('tender-due').textContent()) ?? '');
      const note = (await quick.allTextContents()).findIndex((label, i) => i > 0 && amountOf(label) >= due);
      cashier.taps++;
      await quick.nth(note).click();
    }
    // Complete sale: Enter in the amount (or card) field.
    await cashier.press('Enter');
    await page.getByTestId('sale-number').waitFor();
    await page.getByTestId('receipt').waitFor();
    lastScanToReceiptMs = performance.now() - started;
    saleNumber = await page.getByTestId('sale-number').textContent();
  }
  const counted = cashier.reset();
  const actions = counted.scans + counted.keys + counted.taps;
  const items = customer.items.length;
  return { customer: customer.index + 1, journey: customer.journey, items, ...counted, actions, floor: items + 3, lost, lastScanToReceiptMs, saleNumber };
}

/** A return: the receipt of an earlier sale is scanned on the sale screen, its first line refunded with a preset reason. */
async function returnOne(page: Page, cashier: Cashier, saleNumber: string): Promise<void> {
  await cashier.scan(saleNumber);
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  // The dialog opens on the first line's quantity: 1 of it, a tap on the first preset reason, a tap on Refund.
  await cashier.press('1');
  cashier.taps++;
  await dialog.getByTestId('reason-picker').locator('label').first().click();
  await cashier.tap('Refund');
  // The refund opened over the sale screen: once recorded, the cashier is back at the scan field.
  await dialog.waitFor({ state: 'hidden' });
  await page.getByTestId('messages').getByText(/Refund .* recorded/).waitFor();
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

async function main(): Promise<void> {
  // The same build the end-to-end tests use (e2e/global-setup.ts), so the numbers are for today's screens.
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-queue-'));
  let hq: RunningHq | undefined;
  let register: RunningRegister | undefined;
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS, headless: true });
  const served: Served[] = [];
  try {
    hq = await startHq({ dataDir: path.join(tmp, 'hq') });
    const dataDir = path.join(tmp, 'register');
    fs.mkdirSync(dataDir);
    // No receipt printing in the bench: the receipt shows on screen, the store default asks.
    register = await startRegister({ dataDir, timeoutMs: 60_000, env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: 'DEMO' } });
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(register.url);
    await page.getByTestId('connectivity').and(page.locator('[data-state="online"]')).waitFor({ timeout: 30_000 });
    await page.getByLabel('PIN').waitFor();
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await page.getByTestId('scan-input').waitFor({ timeout: 30_000 });
    await page.evaluate(PAGE_PROBE);
    // The register pulls HQ's catalogue after enrolling: wait until the first product is known.
    const first = catalog[0]!;
    for (let tries = 0; ; tries++) {
      const answer = (await page.evaluate(`window.__kassaQueue.call('catalog.lookup', { code: ${JSON.stringify(first.barcodes[0])} }).then(() => true, () => false)`)) as boolean;
      if (answer) break;
      if (tries > 100) throw new Error('the register never learned the catalogue from HQ');
      await page.waitForTimeout(200);
    }
    const cashier = new Cashier(page);
    const sales: string[] = [];
    for (const customer of makeQueue(CUSTOMERS)) {
      const result = await serve(page, cashier, customer, sales).catch(async (error: unknown) => {
        // What the cashier saw when the journey stopped: the screen, for whoever reads the failure.
        const shot = path.join(os.tmpdir(), `kassa-bench-queue-customer-${customer.index + 1}.png`);
        await page.screenshot({ path: shot }).catch(() => {});
        const seen = await page.evaluate(() => ({ focus: document.activeElement?.id ?? document.activeElement?.tagName, alerts: [...document.querySelectorAll('[role=alert]')].map((e) => e.textContent) })).catch(() => null);
        console.error('focus and alerts when it stopped:', JSON.stringify(seen));
        throw new Error(`customer ${customer.index + 1} (${customer.journey}, ${customer.items.length} items) stopped; the screen is in ${shot}`, { cause: error });
      });
      if (result.saleNumber) sales.push(result.saleNumber);
      served.push(result);
    }
  } finally {
    await browser.close();
    await register?.stop();
    await hq?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const plain = served.filter((s) => s.journey === 'cash exact' || s.journey === 'cash note' || s.journey === 'card');
  const timed = served.filter((s) => s.lastScanToReceiptMs !== null).map((s) => s.lastScanToReceiptMs!);
  const fastest = Math.min(...timed);
  const lost = served.reduce((sum, s) => sum + s.lost, 0);
  const overFloor = plain.filter((s) => s.actions > s.floor);
  console.log('customer  journey      items  scans  keys  taps  actions  floor(items+3)  last scan → receipt');
  for (const s of served) {
    console.log(
      `${String(s.customer).padStart(8)}  ${s.journey.padEnd(11)}  ${String(s.items).padStart(5)}  ${String(s.scans).padStart(5)}  ${String(s.keys).padStart(4)}  ${String(s.taps).padStart(4)}  ${String(s.actions).padStart(7)}  ${String(s.floor).padStart(14)}  ${s.lastScanToReceiptMs === null ? '—' : `${s.lastScanToReceiptMs.toFixed(0)} ms`}${s.lost ? `  LOST ${s.lost}` : ''}`,
    );
  }
  const byJourney = Object.fromEntries(
    (['cash exact', 'cash note', 'card', 'member', 'return'] as const).map((j) => {
      const rows = served.filter((s) => s.journey === j);
      return [j, { customers: rows.length, meanActionsOverItems: mean(rows.map((r) => r.actions - r.items)), meanLastScanToReceiptMs: mean(rows.filter((r) => r.lastScanToReceiptMs !== null).map((r) => r.lastScanToReceiptMs!)) }];
    }),
  );
  const summary = {
    customers: served.length,
    items: served.reduce((sum, s) => sum + s.items, 0),
    scansLost: lost,
    plainSalesOverFloor: overFloor.length,
    maxActionsOverItemsPlain: Math.max(...plain.map((s) => s.actions - s.items)),
    lastScanToReceiptMs: { fastest, mean: mean(timed), p95: [...timed].sort((a, b) => a - b)[Math.floor(timed.length * 0.95)] ?? fastest, meanOverFastest: mean(timed) / fastest },
    byJourney,
  };
  console.log('\nsummary');
  console.log(`  scans lost: ${lost}  (target 0)`);
  console.log(`  plain cash/card sales over items + 3: ${overFloor.length} of ${plain.length}  (target 0); most actions beyond the items: ${summary.maxActionsOverItemsPlain}`);
  console.log(`  last scan → receipt: fastest ${fastest.toFixed(0)} ms, mean ${summary.lastScanToReceiptMs.mean.toFixed(0)} ms (${summary.lastScanToReceiptMs.meanOverFastest.toFixed(2)}× the fastest), p95 ${summary.lastScanToReceiptMs.p95.toFixed(0)} ms`);
  for (const [journey, row] of Object.entries(byJourney)) console.log(`  ${journey.padEnd(11)} ${row.customers} customers, ${row.meanActionsOverItems.toFixed(1)} actions beyond the items, ${row.meanLastScanToReceiptMs ? `${row.meanLastScanToReceiptMs.toFixed(0)} ms` : '—'}`);
  const out = writeBenchResults('queue', { summary, served, floor: 'one scan round trip + the sale commit (fsync) + a frame' });
  console.log(`\nwrote ${path.relative(REPO_ROOT, out)}`);
  if (STRICT && (lost > 0 || overFloor.length > 0)) process.exit(1);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
