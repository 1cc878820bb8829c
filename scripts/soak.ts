/**
 * `npm run soak`: a store's day compressed into a few minutes. Four registers (the real web host, each
 * with its own data folder, driven over its WebSocket API the way its screens drive it) sell against one
 * real HQ on 127.0.0.1 — random baskets paid in cash or by card, now and then a member lookup — while
 * their links to HQ are cut at random (the veth link of a network namespace taken down where `ip netns`
 * works, and the fault proxy: connections reset, refused, stalled, answers lost) and HQ's services fail
 * at random (`/admin/faults` on checkout, membership, catalog, orders). Then the links come back, the
 * faults are cleared, every register drains, and the run ends with:
 *
 * - the exactly-once report: sales each register completed against the orders HQ holds
 *   (lost 0, duplicated 0, or exit 1);
 * - memory and handle growth per register: RSS (VmRSS) and open file descriptors of the register's
 *   process, sampled from /proc, from after the warm-up to the end, with the slope over the run.
 *
 * Printed as tables and written to bench/results/soak.json.
 *
 *   npm run soak [-- --minutes 10 --registers 4 --seed 7]      (SOAK_MINUTES=1 npm run soak for a short run)
 *
 * Bounded: the selling stops after `--minutes` (default 10); draining gets at most 3 more minutes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { writeBenchResults } from '../bench/support/results';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../e2e/support/fault-proxy';
import { startHq, type RunningHq } from '../e2e/support/hq-server';
import { createRegisterLink, namespaceSupport, type RegisterLink } from '../e2e/support/netns';
import { startRegister, type RunningRegister } from '../e2e/support/web-host';
import { hqOrderCounts, readRegisterBook, reconcile } from '../electron/sync/testing/harness';
import { seededRandom } from '../shared/seeded-random';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    registers: { type: 'string', default: '4' },
    seed: { type: 'string' },
    'no-netns': { type: 'boolean', default: false },
  },
});
const MINUTES = Number(values.minutes ?? process.env.SOAK_MINUTES ?? '10');
const REGISTERS = Number(values.registers);
const SEED = Number(values.seed ?? process.env.SOAK_SEED ?? Date.now() % 1_000_000);
if (!(MINUTES > 0) || !Number.isInteger(REGISTERS) || REGISTERS < 1 || REGISTERS > 16 || !Number.isInteger(SEED)) {
  console.error(`--minutes must be above 0, --registers 1 to 16, --seed a whole number; got ${MINUTES}, ${values.registers}, ${SEED}`);
  process.exit(2);
}
const SELL_MS = MINUTES * 60_000;
const DRAIN_LIMIT_MS = 3 * 60_000;
const SAMPLE_EVERY_MS = 5_000;
/** Memory before this is start-up and warm-up (first catalog, first sales), not growth. */
const WARMUP_MS = Math.min(60_000, SELL_MS * 0.15);
/** Short connectivity timings so cuts are noticed within seconds and the till comes back soon after. */
const TIMINGS = { t1Ms: 1000, t2Ms: 1500, t2OfflineMs: 500, probeTimeoutMs: 800, recoverSuccesses: 2, qosPollMs: 1000 };
const PROXY_CUTS: FaultMode[] = ['drop', 'refuse', 'stall', 'lose-reply'];
const SERVICE_DOMAINS = ['checkout', 'membership', 'catalog', 'orders'] as const;
const MEMBER_PHONES = ['+4915112345678', '+4915187654321', '+4917611122233'];

const guard = setTimeout(() => {
  console.error(`the soak did not finish within ${MINUTES + 6} minutes; stopping.`);
  process.exit(3);
}, SELL_MS + DRAIN_LIMIT_MS + 3 * 60_000);
guard.unref();

const catalog = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; price: number }[] };
const SHELF = catalog.products.slice(0, 10).map((p) => ({ barcode: p.barcodes[0]!, price: p.price }));

type ApiResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** The register's API over its WebSocket, as the browser preview's bridge speaks it. */
class RegisterApi {
  private nextId = 1;
  private readonly pending = new Map<number, (result: ApiResult<unknown>) => void>();
  /** Called with every event the register pushes (connectivity.changed, sync.changed, …). */
  onEvent: (event: { name: string; payload: unknown }) => void = () => {};
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: ApiResult<unknown>; event?: { name: string; payload: unknown } };
      if (message.event) this.onEvent(message.event);
      else if (typeof message.id === 'number' && message.result) {
        this.pending.get(message.id)?.(message.result);
        this.pending.delete(message.id);
      }
    });
    socket.on('close', () => {
      for (const settle of this.pending.values()) settle({ ok: false, error: { code: 'CLOSED', message: 'the WebSocket closed' } });
      this.pending.clear();
    });
  }

  static async open(registerUrl: string): Promise<RegisterApi> {
    const url = new URL(registerUrl);
    const socket = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RegisterApi(socket);
  }

  call<T>(channel: string, input: unknown = {}): Promise<ApiResult<T>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (result: ApiResult<unknown>) => void);
      this.socket.send(JSON.stringify({ id, channel, input }));
    });
  }

  async must<T>(channel: string, input: unknown = {}): Promise<T> {
    const result = await this.call<T>(channel, input);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
    return result.value;
  }

  close(): void {
    this.socket.close();
  }
}

interface Sample {
  atMs: number;
  rssKb: number;
  fds: number;
  threads: number;
}

interface Till {
  index: number;
  dataDir: string;
  link: RegisterLink | null;
  proxy: FaultProxy;
  host: RunningRegister;
  api: RegisterApi;
  sold: { number: string; total: number }[];
  tenders: { cash: number; card: number; stored: number; cardFellBackToCash: number };
  memberLookups: number;
  /** Times the till went offline, by the reasons it gave. */
  offline: Record<string, number>;
  cuts: Record<string, number>;
  errors: Record<string, number>;
  samples: Sample[];
}

const started = Date.now();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-soak-'));
const netns = values['no-netns'] ? ({ ok: false, reason: '--no-netns' } as const) : namespaceSupport();
const tills: Till[] = [];
const serviceFaults: Record<string, number> = {};
let hq: RunningHq | null = null;
let failed = false;


try {
  hq = await startHq({ dataDir: path.join(root, 'hq') });
  const rendererDir = screensFolder();
  console.log(
    `soak: ${REGISTERS} registers against HQ ${hq.url} for ${MINUTES} min, seed ${SEED}; network cuts: ${netns.ok ? 'veth link down in a network namespace and the fault proxy' : `the fault proxy only (no network namespaces: ${netns.reason})`}; data in ${root}`,
  );
  for (let index = 0; index < REGISTERS; index++) tills.push(await startTill(index, hq, rendererDir));

  const sampler = setInterval(() => tills.forEach(sample), SAMPLE_EVERY_MS);
  tills.forEach(sample);
  const progress = setInterval(() => {
    const sold = tills.map((t) => t.sold.length);
    console.log(
      `  ${Math.round((Date.now() - started) / 1000)} s: ${sold.reduce((a, b) => a + b, 0)} sales (${sold.join(' / ')}), ` +
        `${tills.reduce((a, t) => a + Object.values(t.cuts).reduce((x, y) => x + y, 0), 0)} link cuts, ${Object.values(serviceFaults).reduce((a, b) => a + b, 0)} service faults`,
    );
  }, 30_000);

  const sellUntil = started + SELL_MS;
  await Promise.all([...tills.flatMap((till) => [sell(till, sellUntil), cut(till, sellUntil)]), injectServiceFaults(hq, sellUntil)]);

  clearInterval(progress);

  // The end of the day: links back, faults cleared, every register uploads what it holds.
  await hq.admin('DELETE', '/admin/faults');
  for (const till of tills) {
    till.link?.restore();
    await till.proxy.set('pass');
  }
  const drainStarted = Date.now();
  await Promise.all(tills.map((till) => drain(till, drainStarted + DRAIN_LIMIT_MS)));
  const drainSeconds = Math.round((Date.now() - drainStarted) / 1000);
  clearInterval(sampler);
  tills.forEach(sample);

  const onHq = await hqOrderCounts(hq);
  for (const till of tills) {
    till.api.close();
    await till.host.stop({ keepData: true });
  }
  const books = tills.map((till) => ({ book: readRegisterBook(till.dataDir), reported: till.sold.map((s) => s.number) }));
  const result = reconcile(books, onHq);
  const totalsOff = await totalsDiffer(hq, tills);

  const perRegister = tills.map((till, i) => {
    const mine = new Set(books[i]!.book.completed);
    const onHqMine = [...mine].filter((n) => (onHq.get(n) ?? 0) > 0).length;
    const duplicated = [...mine].reduce((sum, n) => sum + Math.max(0, (onHq.get(n) ?? 0) - 1), 0);
    return {
      register: i + 1,
      'sales made': till.sold.length,
      'in its database': mine.size,
      'on HQ': onHqMine,
      lost: mine.size - onHqMine + till.sold.filter((s) => !mine.has(s.number)).length,
      duplicated,
      cash: till.tenders.cash,
      'card live': till.tenders.card,
      'card stored': till.tenders.stored,
      'card → cash': till.tenders.cardFellBackToCash,
      'member lookups': till.memberLookups,
      'link cuts': Object.values(till.cuts).reduce((a, b) => a + b, 0),
      'went offline': Object.values(till.offline).reduce((a, b) => a + b, 0),
    };
  });
  const memory = tills.map((till, i) => growth(i + 1, till.samples));

  console.log('');
  console.log(`exactly once (${Math.round((Date.now() - started) / 1000)} s in all, drained in ${drainSeconds} s, seed ${SEED}):`);
  console.table(perRegister);
  console.log('what each register met: link cuts by kind, offline periods by reason, refused calls by code');
  for (const till of tills) {
    const list = (counts: Record<string, number>) => Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    console.log(`  register ${till.index + 1}: cuts: ${list(till.cuts)}; offline: ${list(till.offline)}; refused: ${list(till.errors)}`);
  }
  console.log(`service faults injected on HQ: ${Object.entries(serviceFaults).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  console.log('memory and handles per register process (from /proc; growth from the end of the warm-up to the end):');
  console.table(memory);
  console.log(`sent / applied / lost / duplicated: ${result.sent} / ${result.applied} / ${result.lost} / ${result.duplicated}`);
  for (const problem of [...result.problems, ...totalsOff]) console.log(`  problem: ${problem}`);
  failed = result.lost !== 0 || result.duplicated !== 0 || result.problems.length > 0 || totalsOff.length > 0 || result.sent === 0;
  console.log(failed ? 'FAILED: something was lost, duplicated or left behind' : 'OK: every sale on HQ exactly once, and HQ has nothing else');

  const out = writeBenchResults('soak', {
    command: `npm run soak -- --minutes ${MINUTES} --registers ${REGISTERS} --seed ${SEED}`,
    minutes: MINUTES,
    seed: SEED,
    networkCuts: netns.ok ? 'netns veth link down + fault proxy' : `fault proxy only (${netns.reason})`,
    timings: TIMINGS,
    drainSeconds,
    exactlyOnce: { sent: result.sent, applied: result.applied, lost: result.lost, duplicated: result.duplicated, problems: [...result.problems, ...totalsOff] },
    serviceFaults,
    registers: perRegister.map((row, i) => ({ ...row, cuts: tills[i]!.cuts, offline: tills[i]!.offline, refused: tills[i]!.errors })),
    memory,
    samples: tills.map((t) => t.samples),
    ok: !failed,
  });
  console.log(`written to ${path.relative(process.cwd(), out)}`);
} catch (error) {
  console.error(`the soak could not finish: ${(error as Error).stack ?? String(error)}`);
  failed = true;
} finally {

  for (const till of tills) {
    till.api.close();
    await till.host.stop({ keepData: true }).catch(() => {});
    await till.proxy.close().catch(() => {});
    await till.link?.close();
  }
  await hq?.stop({ keepData: true });
  if (!failed) fs.rmSync(root, { recursive: true, force: true });
  else console.log(`data kept in ${root}`);
}
process.exit(failed ? 1 : 0);

/** A register: its data folder and settings, its way to HQ (a namespace's link and a fault proxy), the web host, its API. */
async function startTill(index: number, hq: RunningHq, rendererDir: string): Promise<Till> {
  const dataDir = path.join(root, `register-${index + 1}`);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: TIMINGS }));
  let link: RegisterLink | null = null;
  let proxy: FaultProxy;
  let port = 0;
  if (netns.ok) {
    link = await createRegisterLink();
    proxy = await link.gateway(hq.url);
    port = await link.expose();
  } else {
    proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(hq.url).port) }, stallLimitMs: 10_000 });
  }
  const host = await startRegister({
    dataDir,
    prefix: link?.prefix,
    timeoutMs: 60_000,
    // Through a namespace's link HQ is on a test network address, not this machine: plain http must be allowed there.
    env: { PORT: String(port), KASSA_HQ_URL: proxy.url, KASSA_ENROLMENT_CODE: 'DEMO', KASSA_RENDERER_DIR: rendererDir, ...(link ? { KASSA_HQ_ALLOW_HTTP: '1' } : {}) },
  });
  const api = await RegisterApi.open(host.url);
  const till: Till = { index, dataDir, link, proxy, host, api, sold: [], tenders: { cash: 0, card: 0, stored: 0, cardFellBackToCash: 0 }, memberLookups: 0, offline: {}, cuts: {}, errors: {}, samples: [] };
  let state = 'online';
  api.onEvent = (event) => {
    if (event.name !== 'connectivity.changed') return;
    const now = event.payload as { state: string; reasons: string[] };
    if (now.state === 'offline' && state !== 'offline') count(till.offline, now.reasons.join('+'));
    state = now.state;
  };
  return till;
}

/** Random baskets, paid in cash or by card, until `until`; each completed sale's number as the register reported it. */
async function sell(till: Till, until: number): Promise<void> {
  const random = seededRandom(SEED * 31 + till.index);
  const { api } = till;
  // The first sign-in is checked by HQ (the register has no cached PIN yet): retry until HQ answers.
  for (let tries = 0; ; tries++) {
    const login = await api.call('session.login', { pin: '1234' });
    if (login.ok) break;
    if (tries > 600) throw new Error(`register ${till.index + 1} could not sign in: ${login.error.code} ${login.error.message}`);
    await sleep(100);
  }
  // The catalog comes from HQ after enrolment: wait until the shelf scans.
  for (let tries = 0; !(await api.call('catalog.lookup', { code: SHELF[0]!.barcode })).ok; tries++) {
    if (tries > 600) throw new Error(`register ${till.index + 1} never received HQ's catalog`);
    await sleep(100);
  }
  while (Date.now() < until) {
    const items = 1 + Math.floor(random() * 4);
    for (let i = 0; i < items; i++) await retrySignedIn(till, 'cart.scan', { code: SHELF[Math.floor(random() * SHELF.length)]!.barcode });
    const state = await retrySignedIn<{ saleId: string; remaining: number; cashDue?: number }>(till, 'checkout.state', {});
    let paid = false;
    if (random() < 0.5) {
      const answer = await api.call<{ payments: { tender: string; status: string }[] }>('checkout.addCard', { saleId: state.saleId });
      if (answer.ok) {
        paid = true;
        // Offline the register stores the card payment itself (within its limits) instead of authorising it.
        if (answer.value.payments.at(-1)?.status === 'stored') till.tenders.stored++;
        else till.tenders.card++;
      } else if (answer.error.code === 'CARD_TIMEOUT' || answer.error.code === 'HQ_UNAVAILABLE') {
        // No usable answer from HQ: the cashier stores the card payment and sends it later.
        count(till.errors, answer.error.code);
        const stored = await api.call('checkout.addCard', { saleId: state.saleId, storeAndForward: true });
        if (stored.ok) {
          paid = true;
          till.tenders.stored++;
        } else count(till.errors, stored.error.code);
      } else count(till.errors, answer.error.code);
      if (!paid) till.tenders.cardFellBackToCash++;
    }
    if (!paid) {
      const now = await api.must<{ remaining: number; cashDue?: number }>('checkout.state', {});
      await api.must('checkout.addCash', { saleId: state.saleId, tendered: now.cashDue ?? now.remaining });
      till.tenders.cash++;
    }
    const done = await api.must<{ number: string; total: number }>('checkout.complete', { saleId: state.saleId });
    till.sold.push({ number: done.number, total: done.total });
    if (random() < 0.1) {
      // A cashier looks up a member now and then (the membership domain's traffic); offline it answers from the cache.
      const found = await api.call('membership.lookup', { query: MEMBER_PHONES[Math.floor(random() * MEMBER_PHONES.length)]! });
      till.memberLookups++;
      if (!found.ok) count(till.errors, `lookup ${found.error.code}`);
    }
    await sleep(50 + Math.floor(random() * 400));
  }
}

/** A call that signs in again if the session was locked meanwhile. */
async function retrySignedIn<T>(till: Till, channel: string, input: unknown): Promise<T> {
  const first = await till.api.call<T>(channel, input);
  if (first.ok) return first.value;
  if (first.error.code !== 'NOT_SIGNED_IN') throw new Error(`${channel} failed on register ${till.index + 1}: ${first.error.code} ${first.error.message}`);
  count(till.errors, 'signed in again');
  await till.api.must('session.login', { pin: '1234' });
  return till.api.must<T>(channel, input);
}

/** Cuts and restores one register's link to HQ at random until `until`. */
async function cut(till: Till, until: number): Promise<void> {
  const random = seededRandom(SEED * 17 + till.index);
  const kinds: string[] = [...PROXY_CUTS, ...(till.link ? ['link down (host side)', 'link down (register side)'] : [])];
  while (Date.now() < until) {
    await sleep(4000 + Math.floor(random() * 12_000));
    if (Date.now() >= until) break;
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    count(till.cuts, kind);
    if (kind === 'link down (host side)') till.link!.cut('host');
    else if (kind === 'link down (register side)') till.link!.cut('register');
    else await till.proxy.set(kind as FaultMode);
    await sleep(500 + Math.floor(random() * 5000));
    till.link?.restore();
    await till.proxy.set('pass');
  }
}

/** HQ's services fail now and then (for a few seconds each) while the network is fine. */
async function injectServiceFaults(hq: RunningHq, until: number): Promise<void> {
  const random = seededRandom(SEED * 13);
  while (Date.now() < until) {
    await sleep(6000 + Math.floor(random() * 12_000));
    if (Date.now() >= until) break;
    const domain = SERVICE_DOMAINS[Math.floor(random() * SERVICE_DOMAINS.length)]!;
    const mode = random() < 0.7 ? 'error' : 'timeout';
    const rate = random() < 0.5 ? 1 : 0.5;
    count(serviceFaults, `${domain} ${mode}`);
    await hq.admin('POST', '/admin/faults', { domain, mode, rate, durationMs: 2000 + Math.floor(random() * 6000) });
  }
}

/** Waits until the register has nothing left to upload (and is online), or the limit. */
async function drain(till: Till, limit: number): Promise<void> {
  for (;;) {
    const status = await till.api.must<{ pending: number; deadLetters: number }>('sync.status', {});
    const connectivity = await till.api.must<{ state?: string; online?: boolean }>('connectivity.get', {});
    if (status.pending === 0) return;
    if (Date.now() > limit) {
      console.log(`  register ${till.index + 1}: ${status.pending} operations still pending after the drain limit (${JSON.stringify(connectivity)})`);
      return;
    }
    await sleep(250);
  }
}

/** Sales whose total on HQ is not the total the register reported. */
async function totalsDiffer(hq: RunningHq, tills: Till[]): Promise<string[]> {
  const problems: string[] = [];
  for (const till of tills) {
    const registerId = readRegisterBook(till.dataDir).registerId;
    if (!registerId) continue;
    const { orders } = await hq.admin<{ orders: { number: string; total: number }[] }>('GET', `/orders/search?registerId=${encodeURIComponent(registerId)}&limit=10000`);
    const totals = new Map(orders.map((o) => [o.number, o.total]));
    for (const sale of till.sold) {
      const onHq = totals.get(sale.number);
      if (onHq !== undefined && onHq !== sale.total) problems.push(`sale ${sale.number}: total ${sale.total} on the register, ${onHq} on HQ`);
    }
  }
  return problems;
}

function sample(till: Till): void {
  try {
    const status = fs.readFileSync(`/proc/${till.host.pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    till.samples.push({ atMs: Date.now() - started, rssKb: field('VmRSS'), threads: field('Threads'), fds: fs.readdirSync(`/proc/${till.host.pid}/fd`).length });
  } catch {
    // the process is gone (stopped at the end) or /proc is not there (not Linux): no sample
  }
}

function growth(register: number, samples: Sample[]) {
  const after = samples.filter((s) => s.atMs >= WARMUP_MS);
  const base = after[0] ?? samples[0];
  const last = samples.at(-1);
  if (!base || !last) return { register, note: 'no samples (no /proc here)' };
  const mb = (kb: number) => Number((kb / 1024).toFixed(1));
  return {
    register,
    'RSS after warm-up MB': mb(base.rssKb),
    'RSS at end MB': mb(last.rssKb),
    'RSS peak MB': mb(Math.max(...samples.map((s) => s.rssKb))),
    'RSS growth MB': mb(last.rssKb - base.rssKb),
    'RSS slope MB/min': Number(slope(after.map((s) => [s.atMs / 60_000, s.rssKb / 1024])).toFixed(2)),
    'fds after warm-up': base.fds,
    'fds at end': last.fds,
    'fds peak': Math.max(...samples.map((s) => s.fds)),
    'threads at end': last.threads,
    samples: samples.length,
  };
}

/** Least-squares slope of y over x (0 with fewer than two points). */
function slope(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx;
}

/** The web host serves the built screens; the soak drives the API only, so a built renderer is used when there is one and a stand-in page otherwise. */
function screensFolder(): string {
  const built = process.env.KASSA_RENDERER_DIR ?? path.join(import.meta.dirname, '..', 'out', 'renderer');
  if (fs.existsSync(path.join(built, 'index.html'))) return built;
  const standIn = path.join(root, 'screens');
  fs.mkdirSync(standIn, { recursive: true });
  fs.writeFileSync(path.join(standIn, 'index.html'), '<!doctype html><title>Kassa soak</title><p>This register is driven over its API by npm run soak.</p>\n');
  return standIn;
}

function count(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

