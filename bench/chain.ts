/**
 * `npm run bench:chain`: a chain's registers against 1, 2 and 4 HQ instances behind HAProxy, on one
 * PostgreSQL database (KASSA_BENCH_DATABASE_URL, on this machine).
 *
 * For each instance count: a fresh schema; the instances (`node --import tsx server/src/main.ts`, what
 * `npm run server` runs) with the same DATABASE_URL; HAProxy (deploy/haproxy.cfg with this run's ports);
 * stores of `--per-store` registers each; light registers in generator processes
 * (bench/support/chain-generator.ts) that enrol, hold the realtime stream open, push one sale every
 * `--interval` seconds (retrying the same operation until answered) and pull the feed now and then,
 * their start times spread over one interval. Then, over `--duration` seconds of steady load:
 *
 * - registers connected, sales acknowledged per second, push latency p50/p99, errors by kind;
 * - price changes made through the admin API while it runs, and when each connected register's stream
 *   delivered each one (time to 99 % and 100 % of them);
 * - CPU seconds of the HQ instances, of PostgreSQL (this database's backends; and every postgres process
 *   of the machine), of HAProxy and of the generator, as a share of the machine;
 * - at the end, after the outboxes are empty: every sale acknowledged is on HQ once (orders, their money,
 *   applied operations and feed entries against the generator's ledger), and every connected register's
 *   stream position is the feed's head; no stream event was missed or delivered twice (prevSeq).
 *
 * The 2-instance run (else the first with more than one) also restarts an instance mid-run: SIGTERM
 * (graceful), then a new one on the same port; its window's reconnects, errors and worst latencies are a
 * row of their own. Results are printed and written to bench/results/chain.json; `--strict` exits with 1
 * when a target is missed.
 *
 *   npm run bench:chain -- --registers 5000 --interval 10 --duration 60 --instances 1,2,4
 *   npm run bench:chain -- --quick          (200 registers, 20 s, 1 and 2 instances)
 *
 * Options (or env): --registers (KASSA_CHAIN_REGISTERS), --interval s (KASSA_CHAIN_INTERVAL), --duration s
 * (KASSA_CHAIN_DURATION), --instances list (KASSA_CHAIN_INSTANCES), --per-store (KASSA_CHAIN_PER_STORE),
 * --generators (KASSA_CHAIN_GENERATORS), --price-changes (KASSA_CHAIN_PRICE_CHANGES), --pull s
 * (KASSA_CHAIN_PULL), --restart s (KASSA_CHAIN_RESTART; 0: no restart phase).
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { FromGenerator, PhaseStats, RegisterSpec, ToGenerator } from './support/chain-generator';
import { CpuMeter, pidsNamed } from './support/proc-cpu';
import { localPostgresProblem } from './support/local-postgres';
import { requestText, type TextAnswer } from './support/http-text';
import { writeBenchResults } from './support/results';

const ROOT = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const STRICT = argv.includes('--strict');
function option(name: string, env: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1]!;
  return process.env[env] || fallback;
}
function whole(name: string, env: string, fallback: string, min: number): number {
  const value = Number(option(name, env, fallback));
  if (!Number.isInteger(value) || value < min) {
    console.error(`bench:chain: --${name} must be a whole number of at least ${min} (got ${option(name, env, fallback)})`);
    process.exit(2);
  }
  return value;
}
const REGISTERS = whole('registers', 'KASSA_CHAIN_REGISTERS', QUICK ? '200' : '5000', 1);
const INTERVAL_S = whole('interval', 'KASSA_CHAIN_INTERVAL', '10', 1);
const DURATION_S = whole('duration', 'KASSA_CHAIN_DURATION', QUICK ? '20' : '60', 5);
const INSTANCES = option('instances', 'KASSA_CHAIN_INSTANCES', QUICK ? '1,2' : '1,2,4').split(',').map((s) => Number(s.trim()));
const PER_STORE = whole('per-store', 'KASSA_CHAIN_PER_STORE', '10', 1);
const GENERATORS = whole('generators', 'KASSA_CHAIN_GENERATORS', REGISTERS >= 1000 ? '2' : '1', 1);
const PRICE_CHANGES = whole('price-changes', 'KASSA_CHAIN_PRICE_CHANGES', '3', 0);
const PULL_S = whole('pull', 'KASSA_CHAIN_PULL', '60', 1);
const RESTART_S = whole('restart', 'KASSA_CHAIN_RESTART', QUICK ? '20' : '30', 0);
/** How HQ numbers feed changes (HQ_FEED_SEQUENCING): after each commit (staged, the default) or inside each write (append). */
const SEQUENCING = option('sequencing', 'HQ_FEED_SEQUENCING', 'staged');
if (SEQUENCING !== 'staged' && SEQUENCING !== 'append') {
  console.error('bench:chain: --sequencing is staged or append');
  process.exit(2);
}
if (INSTANCES.some((n) => !Number.isInteger(n) || n < 1 || n > 8)) {
  console.error('bench:chain: --instances is a comma-separated list of instance counts from 1 to 8, e.g. 1,2,4');
  process.exit(2);
}
const PG_URL = process.env.KASSA_BENCH_DATABASE_URL ?? 'postgres://kassa_ci:kassa_ci@127.0.0.1:5432/kassa_bench_chain';
const HAPROXY = process.env.KASSA_CHAIN_HAPROXY ?? '/usr/sbin/haproxy';
/** Without HAProxy, the TCP balancer HQ's tests use stands in (in this process), and the output says so. */
const TEST_BALANCER = path.join(ROOT, 'server', 'src', 'test', 'balancer.ts');
const USE_HAPROXY = fs.existsSync(HAPROXY);
const ADMIN_TOKEN = `bench-${crypto.randomBytes(16).toString('hex')}`;
const PRICE_SKU = 'CHAIN-PRICE';
/** PostgreSQL allows 100 connections here: each instance gets a pool of this many (plus one for LISTEN). */
const POOL_SIZE = (n: number) => Math.max(2, Math.min(10, Math.floor(60 / n)));
const TARGETS = { registers: 5_000, salesPerSecond: 500, pushP99Ms: 200, reachP99Ms: 1_000 };
const RESTART_ON = RESTART_S > 0 ? (INSTANCES.includes(2) ? 2 : INSTANCES.find((n) => n > 1)) : undefined;
/** The whole run stops by itself after this long, whatever happens. */
const DEADLINE_MS = Number(process.env.KASSA_CHAIN_DEADLINE_S ?? INSTANCES.length * (DURATION_S + INTERVAL_S + 120) + RESTART_S + 60) * 1000;

/** A graceful stop that takes longer than this is cut short with SIGKILL (and reported). */
const STOP_GRACE_MS = 20_000;
const started = performance.now();
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const say = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

// ---------------------------------------------------------------------------------------------------
// What is running, so that the deadline (or a failure) can stop all of it and drop the schema.

const hqs = new Set<HqProcess>();
const others = new Set<ChildProcess>();
const schemas = new Set<string>();
async function dropSchemas(): Promise<void> {
  if (schemas.size === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    schemas.clear();
  } finally {
    await client.end();
  }
}
const deadline = setTimeout(() => {
  console.error(`bench:chain: still running after ${DEADLINE_MS / 1000} s; stopping.`);
  for (const hq of hqs) hq.child.kill('SIGKILL');
  for (const child of others) child.kill('SIGKILL');
  if (inProgress) results.push(inProgress);
  report(`still running after ${DEADLINE_MS / 1000} s (the deadline)`);
  const bail = setTimeout(() => process.exit(2), 10_000);
  void dropSchemas().finally(() => {
    clearTimeout(bail);
    process.exit(2);
  });
}, DEADLINE_MS);
deadline.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench:chain: ${signal}; stopping HQ, HAProxy and the generators, dropping the schema.`);
    for (const hq of hqs) hq.child.kill('SIGKILL');
    for (const child of others) child.kill('SIGKILL');
    void dropSchemas().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------------
// Pieces: a free port, HTTP calls, HAProxy, the generators.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const adminAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
function call(base: string, method: string, pathname: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` }): Promise<TextAnswer> {
  const url = new URL(pathname, base);
  return requestText(url, { method, path: url.pathname + url.search, headers, body: body === undefined ? undefined : JSON.stringify(body), agent: adminAgent, timeoutMs: 30_000 });
}
async function admin(base: string, method: string, pathname: string, body?: unknown, expected = 200): Promise<unknown> {
  const res = await call(base, method, pathname, body);
  if (res.status !== expected) throw new Error(`${method} ${pathname} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as unknown;
}

/** The file descriptors this process (and so HAProxy, started from it) may open. */
function openFilesLimit(): number {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 1024;
}

/** HAProxy's config for this run: deploy/haproxy.cfg with this run's address, connection limit and servers. */
function haproxyConfig(port: number, servers: number[], maxconn: number): string {
  const template = fs.readFileSync(path.join(ROOT, 'deploy', 'haproxy.cfg'), 'utf8');
  const begin = template.indexOf('    # servers begin');
  const end = template.indexOf('    # servers end');
  if (begin < 0 || end < 0) throw new Error('deploy/haproxy.cfg has lost its "# servers begin" / "# servers end" markers');
  const serverLines = servers.map((p, i) => `    server hq${i + 1} 127.0.0.1:${p} check\n`).join('');
  return (template.slice(0, begin) + serverLines + template.slice(end))
    .replace(/^(\s*)bind :8080$/m, `$1bind 127.0.0.1:${port}`)
    .replace(/^(\s*)maxconn \d+$/gm, `$1maxconn ${maxconn}`)
    // Checks every second here, so a stopping instance is drained within about 2 s in the restart phase.
    .replace(/inter 2s/, 'inter 1s');
}

interface Balancer {
  base: string;
  pid: number;
  kind: string;
  stop(): Promise<void>;
}

async function startHaproxy(servers: number[], tmp: string): Promise<Balancer> {
  const port = await freePort();
  // A stream and a push in flight per register at worst; HAProxy needs two descriptors a connection and
  // cannot go above this process's hard limit (beyond it, new connections wait in the listen queue).
  const maxconn = Math.max(1000, Math.min(REGISTERS * 2 + 500, Math.floor((openFilesLimit() - 200) / 2)));
  const file = path.join(tmp, 'haproxy.cfg');
  fs.writeFileSync(file, haproxyConfig(port, servers, maxconn));
  const check = spawnSync(HAPROXY, ['-c', '-q', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`HAProxy refused its config (${file}):\n${check.stdout}${check.stderr}`);
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  others.add(child);
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => (others.delete(child), resolve())));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const res = await call(base, 'GET', '/health', undefined, {}).catch(() => null);
    if (res?.status === 200) break;
    if (child.exitCode !== null || i > 100) throw new Error(`HAProxy did not answer on ${base}:\n${log}`);
    await sleep(100);
  }
  return {
    base,
    pid: child.pid!,
    kind: `HAProxy (${HAPROXY}, maxconn ${maxconn})`,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function startTestBalancer(ports: number[]): Promise<Balancer> {
  const { startBalancer } = (await import(pathToFileURL(TEST_BALANCER).href)) as {
    startBalancer(backends: () => string[], options?: { healthEveryMs?: number; healthTimeoutMs?: number }): Promise<{ url: string; close(): Promise<void> }>;
  };
  const lb = await startBalancer(() => ports.map((p) => `127.0.0.1:${p}`), { healthEveryMs: 1000, healthTimeoutMs: 5000 });
  return { base: lb.url, pid: process.pid, kind: 'the Node test balancer (server/src/test/balancer.ts: TCP round-robin per connection, in the bench process; HAProxy is not installed)', stop: () => lb.close() };
}

class Generator {
  readonly child: ChildProcess;
  private waiting: ((m: FromGenerator) => void)[] = [];
  constructor() {
    this.child = fork(path.join(ROOT, 'bench', 'support', 'chain-generator.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    others.add(this.child);
    this.child.once('exit', () => others.delete(this.child));
    this.child.on('message', (m: FromGenerator) => this.waiting.shift()?.(m));
  }
  /** Sends a message and waits for the answer of that type. */
  ask<T extends FromGenerator['type']>(message: ToGenerator, answer: T, timeoutMs = 120_000): Promise<Extract<FromGenerator, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the generator did not answer ${message.type} within ${timeoutMs / 1000} s`)), timeoutMs);
      this.waiting.push((m) => {
        clearTimeout(timer);
        if (m.type !== answer) reject(new Error(`the generator answered ${m.type} to ${message.type}`));
        else resolve(m as Extract<FromGenerator, { type: T }>);
      });
      this.child.send(message);
    });
  }
  tell(message: ToGenerator): void {
    this.child.send(message);
  }
}

// ---------------------------------------------------------------------------------------------------
// One run: n instances, the registers, the phases, the checks.

interface PhaseResult {
  name: string;
  seconds: number;
  connected: number;
  salesOffered: number;
  salesPerSecond: number;
  pushP50Ms: number | null;
  pushP99Ms: number | null;
  pushMaxMs: number | null;
  saleP99Ms: number | null;
  saleMaxMs: number | null;
  errors: Record<string, number>;
  errorCount: number;
  reconnects: number;
  streamConnects: number;
  gaps: number;
  duplicates: number;
  priceDuplicates: number;
  snapshotRequired: number;
  events: number;
  pulls: number;
  cpu: ReturnType<CpuMeter['phase']>;
}

interface Reach {
  price: number;
  connected: number;
  delivered: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  within1sPercent: number;
}

interface Check {
  ok: boolean;
  ledgerSales: number;
  ledgerMoney: number;
  ledgerDuplicateIds: number;
  hqOrders: number;
  hqMoney: number;
  hqAppliedOps: number;
  hqOrderChanges: number;
  missingOnHq: number;
  unknownOnHq: number;
  /** Sales HQ holds that are still in their register's outbox (applied, the answer lost). */
  appliedUnanswered: number;
  pendingAtEnd: number;
  headSeq: number;
  connectedAtEnd: number;
  atHead: number;
  problems: string[];
}

interface RunResult {
  instances: number;
  registers: number;
  enrolled: number;
  enrolFailed: number;
  enrolRetried: number;
  enrolSeconds: number;
  rampSeconds: number;
  rampConnected: number;
  balancer: string;
  steady: PhaseResult;
  restart?: PhaseResult & { stoppedAfterMs: number; stopExitCode: number | null; stopForced: boolean; stopMs: number; replacedMs: number };
  reach: Reach[];
  /** null: the run was cut short by the deadline before its check. */
  check: Check | null;
}

/** The run in progress, so that the deadline can still report the phases it finished. */
let inProgress: RunResult | null = null;

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const round = (n: number | null) => (n === null ? null : Math.round(n));

function mergePhase(name: string, parts: PhaseStats[], cpu: ReturnType<CpuMeter['phase']>): PhaseResult {
  const sum = (key: keyof PhaseStats) => parts.reduce((s, p) => s + (p[key] as number), 0);
  const pushLatencies = parts.flatMap((p) => p.pushLatencies);
  const saleLatencies = parts.flatMap((p) => p.saleLatencies);
  const errors: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
  return {
    name,
    seconds: cpu.seconds,
    connected: sum('connectedNow'),
    salesOffered: +(sum('salesCreated') / cpu.seconds).toFixed(1),
    salesPerSecond: +((sum('opsAcknowledged') + sum('opsDuplicate')) / cpu.seconds).toFixed(1),
    pushP50Ms: round(percentile(pushLatencies, 50)),
    pushP99Ms: round(percentile(pushLatencies, 99)),
    pushMaxMs: round(percentile(pushLatencies, 100)),
    saleP99Ms: round(percentile(saleLatencies, 99)),
    saleMaxMs: round(percentile(saleLatencies, 100)),
    errors,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
    reconnects: sum('reconnects'),
    streamConnects: sum('streamConnects'),
    gaps: sum('gaps'),
    duplicates: sum('duplicates'),
    priceDuplicates: sum('priceDuplicates'),
    snapshotRequired: sum('snapshotRequired'),
    events: sum('events'),
    pulls: sum('pulls'),
    cpu,
  };
}

interface HqProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  logTail(): string;
  /** SIGTERM: graceful shutdown (in-flight pushes finish, streams end); SIGKILL after STOP_GRACE_MS. */
  stop(): Promise<{ code: number | null; forced: boolean }>;
}

/** One HQ instance as `npm run server` runs it, ready once it prints its ready line. */
function startInstance(url: string, n: number, port = 0): Promise<HqProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url,
      HQ_ADMIN_TOKEN: ADMIN_TOKEN,
      HQ_ENROLMENT_CODE: `CHAIN-DEMO-${crypto.randomBytes(6).toString('hex')}`,
      HQ_LOG_LEVEL: 'warn',
      HQ_TRUST_PROXY: '127.0.0.1',
      HQ_DB_POOL_SIZE: String(POOL_SIZE(n)),
      HQ_FEED_SEQUENCING: SEQUENCING,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`HQ did not print its ready line within 60 s:\n${log}`));
    }, 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`HQ exited before it was ready (code ${code}, signal ${signal}):\n${log}`));
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /^HQ listening on (http:\/\/\S+)$/m.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      const hq: HqProcess = {
        url: match[1]!,
        pid: child.pid!,
        child,
        logTail: () => log,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, forced: false };
          child.kill('SIGTERM');
          const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          const code = await exited;
          clearTimeout(force);
          return { code, forced: child.signalCode === 'SIGKILL' };
        },
      };
      hqs.add(hq);
      void exited.then(() => hqs.delete(hq));
      resolve(hq);
    });
  });
}

async function run(n: number, withRestart: boolean): Promise<RunResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-chain-'));
  const schema = `kassa_chain_${crypto.randomBytes(5).toString('hex')}`;
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  schemas.add(schema);
  const url = new URL(PG_URL);
  // pg's connection-string parser passes `options` to the server: HQ's tables go into this schema.
  url.searchParams.set('options', `-c search_path=${schema}`);
  const instances: HqProcess[] = [];
  let balancer: Balancer | null = null;
  const generators: Generator[] = [];
  let sampler: NodeJS.Timeout | null = null;
  try {
    // The first instance migrates the schema; the others start on it together.
    instances.push(await startInstance(url.toString(), n));
    instances.push(...(await Promise.all(Array.from({ length: n - 1 }, () => startInstance(url.toString(), n)))));
    const ports = instances.map((hq) => Number(new URL(hq.url).port));
    balancer = USE_HAPROXY ? await startHaproxy(ports, tmp) : await startTestBalancer(ports);
    const base = balancer.base;
    say(`${n} instance(s) on ports ${ports.join(', ')}; ${balancer.kind} on ${base}`);

    // The chain: stores of PER_STORE registers, a product whose price changes during the run.
    const stores: RegisterSpec[] = [];
    const storeCount = Math.ceil(REGISTERS / PER_STORE);
    const storeCodes = Array.from({ length: storeCount }, (_, i) => `C${String(i + 1).padStart(5, '0')}`);
    let nextStore = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (nextStore < storeCodes.length) {
          const code = storeCodes[nextStore++]!;
          const enrolmentCode = `CHAIN-${code}-${crypto.randomBytes(4).toString('hex')}`;
          await admin(base, 'POST', '/stores', { code, name: `Chain store ${code}`, currency: 'EUR', pricesIncludeTax: true, enrolmentCode, enrolmentCodeMaxUses: null });
          // Each store has its own address, as a chain's stores do (HQ limits enrolment attempts per address).
          const i = Number(code.slice(1));
          stores.push({ storeCode: code, enrolmentCode, address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
        }
      }),
    );
    stores.sort((a, b) => a.storeCode.localeCompare(b.storeCode));
    // Register k of every store, then register k + 1 of every store: registers enrolling at the same time
    // belong to different stores, and each store's registers are spread over the start.
    const specs = Array.from({ length: REGISTERS }, (_, i) => stores[i % storeCount]!);
    let price = 1000;
    const importPrice = (p: number) => admin(base, 'POST', '/catalog/import', { products: [{ sku: PRICE_SKU, barcodes: ['4006381333931'], name: 'Price change probe', price: p, taxClass: 'standard' }] });
    await importPrice(price);

    // The registers, split over the generator processes; each enrols its share.
    const t0 = performance.now();
    for (let g = 0; g < GENERATORS; g++) generators.push(new Generator());
    const spreadMs = INTERVAL_S * 1000;
    const enrolled = await Promise.all(
      generators.map((gen, g) =>
        gen.ask(
          { type: 'init', base, registers: specs.filter((_, i) => i % GENERATORS === g), saleIntervalMs: INTERVAL_S * 1000, pullIntervalMs: PULL_S * 1000, spreadMs, priceSku: PRICE_SKU, enrolConcurrency: 16 },
          'enrolled',
          300_000,
        ),
      ),
    );
    const enrolSeconds = (performance.now() - t0) / 1000;
    const enrolledCount = enrolled.reduce((s, e) => s + e.registers, 0);
    const enrolFailed = enrolled.reduce((s, e) => s + e.failed, 0);
    const enrolRetried = enrolled.reduce((s, e) => s + e.retried, 0);
    const partial = (): RunResult => ({ instances: n, registers: REGISTERS, enrolled: enrolledCount, enrolFailed, enrolRetried, rampSeconds: 0, rampConnected: 0, enrolSeconds: +enrolSeconds.toFixed(1), balancer: balancer!.kind, steady: null as unknown as PhaseResult, reach: [], check: null });
    say(`${fmt(enrolledCount)} registers enrolled in ${storeCount} stores in ${enrolSeconds.toFixed(1)} s${enrolFailed || enrolRetried ? `; ${enrolFailed} failed, ${enrolRetried} attempts retried, e.g. ${enrolled.find((e) => e.firstError)?.firstError}` : ''}`);

    // CPU of each part, sampled every second.
    let pgPids: number[] = [];
    const meter = new CpuMeter({
      hq: () => [...hqs].map((hq) => hq.pid),
      postgres: () => pgPids,
      postgresAll: () => pidsNamed('postgres'),
      balancer: () => (balancer ? [balancer.pid] : []),
      // The bench process itself is the balancer's when the test balancer stands in for HAProxy.
      generator: () => [...(balancer?.pid === process.pid ? [] : [process.pid]), ...generators.map((gen) => gen.child.pid!)],
    });
    const samplePg = async () => {
      const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      pgPids = rows.map((r) => r.pid);
    };
    await samplePg();
    sampler = setInterval(() => void samplePg().then(() => meter.sample(), () => meter.sample()), 1000);
    const phase = async (name: string) => {
      const parts = await Promise.all(generators.map((gen) => gen.ask({ type: 'phase' }, 'phase')));
      return mergePhase(name, parts.map((p) => p.stats), meter.phase());
    };

    // Ramp: streams open and first sales spread over one interval.
    // The ramp lasts until nearly every register streams (or 30 s more than the spread): steady means steady.
    for (const gen of generators) gen.tell({ type: 'start' });
    await sleep(spreadMs);
    const rampUntil = performance.now() + 30_000;
    for (;;) {
      await sleep(1000);
      const counts = await Promise.all(generators.map((gen) => gen.ask({ type: 'count' }, 'count')));
      if (counts.reduce((s, c) => s + c.connected, 0) >= 0.99 * enrolledCount || performance.now() > rampUntil) break;
    }
    const ramp = await phase('ramp');
    inProgress = { ...partial(), rampSeconds: ramp.seconds, rampConnected: ramp.connected, steady: ramp };
    say(`ramp: ${fmt(ramp.connected)} streams open, ${fmt(ramp.salesPerSecond, 1)} sales/s`);

    // Steady: the load, with price changes spread over it.
    const steadyMs = DURATION_S * 1000;
    const steadyStart = performance.now();
    const sentAt = new Map<number, number>();
    const priceErrors: string[] = [];
    for (let k = 0; k < PRICE_CHANGES; k++) {
      await sleep(Math.max(0, steadyStart + ((k + 0.5) * steadyMs) / PRICE_CHANGES - performance.now()));
      price += 1;
      await Promise.all(generators.map((gen) => gen.ask({ type: 'price-mark', price }, 'marked')));
      sentAt.set(price, now());
      // A refused change is reported (its reach stays "never"), not fatal: the run goes on.
      await importPrice(price).catch((error: unknown) => priceErrors.push(error instanceof Error ? error.message.slice(0, 200) : String(error)));
    }
    await sleep(Math.max(0, steadyStart + steadyMs - performance.now()));
    const steady = await phase('steady');
    const reachParts = await Promise.all(generators.map((gen) => gen.ask({ type: 'reach' }, 'reach')));
    const reach: Reach[] = [...sentAt].map(([p, at]) => {
      const parts = reachParts.flatMap((r) => r.changes.filter((c) => c.price === p));
      const connected = parts.reduce((s, c) => s + c.connected, 0);
      const delays = parts.flatMap((c) => c.arrivals.map((a) => a - at)).sort((a, b) => a - b);
      const nth = (fraction: number) => {
        const need = Math.ceil(fraction * connected);
        return need === 0 ? 0 : delays.length >= need ? Math.round(delays[need - 1]!) : null;
      };
      return { price: p, connected, delivered: delays.length, p50Ms: nth(0.5), p99Ms: nth(0.99), maxMs: nth(1), within1sPercent: connected ? +((delays.filter((d) => d <= 1000).length / connected) * 100).toFixed(1) : 0 };
    });
    inProgress = { ...inProgress, steady, reach };
    say(
      `steady ${steady.seconds} s: ${fmt(steady.connected)} connected, ${fmt(steady.salesPerSecond, 1)} sales/s acknowledged (offered ${fmt(steady.salesOffered, 1)}), push p50 ${steady.pushP50Ms} ms p99 ${steady.pushP99Ms} ms, ${steady.errorCount} errors; price reach p99 ${reach.map((r) => r.p99Ms ?? 'never').join(', ')} ms`,
    );

    // Restart: SIGTERM one instance mid-window, a new one on its port, registers carry on.
    let restart: RunResult['restart'];
    if (withRestart) {
      const windowStart = performance.now();
      await sleep((RESTART_S * 1000) / 3);
      const victim = instances[0]!;
      const port = Number(new URL(victim.url).port);
      const stopAt = performance.now();
      const { code: stopExitCode, forced: stopForced } = await victim.stop();
      const stopMs = performance.now() - stopAt;
      let replacement: HqProcess | null = null;
      for (let attempt = 0; attempt < 20 && !replacement; attempt++) {
        replacement = await startInstance(url.toString(), n, port).catch(async (error: unknown) => {
          if (attempt === 19) throw error;
          await sleep(250);
          return null;
        });
      }
      instances[0] = replacement!;
      const replacedMs = performance.now() - stopAt;
      say(`restart: instance on port ${port} ${stopForced ? `killed: no graceful stop within ${STOP_GRACE_MS / 1000} s` : `stopped (exit ${stopExitCode})`} in ${Math.round(stopMs)} ms, replaced after ${Math.round(replacedMs)} ms`);
      await sleep(Math.max(0, windowStart + RESTART_S * 1000 - performance.now()));
      restart = { ...(await phase('restart')), stoppedAfterMs: Math.round(stopAt - windowStart), stopExitCode, stopForced, stopMs: Math.round(stopMs), replacedMs: Math.round(replacedMs) };
      inProgress = { ...inProgress, restart };
      say(`restart window ${restart.seconds} s: ${restart.reconnects} reconnects, ${restart.errorCount} errors, push max ${restart.pushMaxMs} ms, sale max ${restart.saleMaxMs} ms`);
    }

    // The end: outboxes emptied, then every sale on HQ once and every stream at the feed's head.
    const drained = await Promise.all(generators.map((gen) => gen.ask({ type: 'stop-sales' }, 'drained')));
    const pendingAtEnd = drained.reduce((s, d) => s + d.pending, 0);
    const ids = drained.flatMap((d) => d.ledger.ids);
    const pendingSales = drained.flatMap((d) => d.pendingSales);
    const pendingIds = new Set(pendingSales.map((p) => p.id));
    const ledgerSales = drained.reduce((s, d) => s + d.ledger.sales, 0);
    const ledgerMoney = drained.reduce((s, d) => s + d.ledger.money, 0);
    let headSeq = 0;
    let positions: { connected: number; positions: number[] }[] = [];
    const quietUntil = performance.now() + 20_000;
    for (;;) {
      await sleep(1000);
      headSeq = Number((await db.query<{ head_seq: string }>(`SELECT head_seq FROM ${schema}.feed_state`)).rows[0]!.head_seq);
      positions = await Promise.all(generators.map((gen) => gen.ask({ type: 'positions' }, 'positions')));
      if (positions.every((p) => p.positions.every((s) => s === headSeq)) || performance.now() > quietUntil) break;
    }
    const connectedAtEnd = positions.reduce((s, p) => s + p.connected, 0);
    const atHead = positions.reduce((s, p) => s + p.positions.filter((s2) => s2 === headSeq).length, 0);
    const q = async (text: string) => (await db.query<{ n: string; m: string | null }>(text)).rows[0]!;
    const orders = await q(`SELECT count(*) AS n, sum(total) AS m FROM ${schema}.orders`);
    const applied = await q(`SELECT count(*) AS n, NULL AS m FROM ${schema}.applied_ops`);
    const orderChanges = await q(`SELECT count(*) AS n, NULL AS m FROM ${schema}.changes WHERE kind = 'order'`);
    const hqIds = new Set((await db.query<{ id: string }>(`SELECT id FROM ${schema}.orders`)).rows.map((r) => r.id));
    const ledgerIds = new Set(ids);
    const missingOnHq = [...ledgerIds].filter((id) => !hqIds.has(id)).length;
    // A sale HQ applied whose answer never came back is still in its register's outbox: not unknown, and
    // the next push of it would be answered "duplicate".
    const unknownOnHq = [...hqIds].filter((id) => !ledgerIds.has(id) && !pendingIds.has(id)).length;
    const appliedUnanswered = [...hqIds].filter((id) => pendingIds.has(id)).length;
    const check: Check = {
      ok: false,
      ledgerSales,
      ledgerMoney,
      ledgerDuplicateIds: ids.length - ledgerIds.size,
      hqOrders: Number(orders.n),
      hqMoney: Number(orders.m ?? 0),
      hqAppliedOps: Number(applied.n),
      hqOrderChanges: Number(orderChanges.n),
      missingOnHq,
      unknownOnHq,
      appliedUnanswered,
      pendingAtEnd,
      headSeq,
      connectedAtEnd,
      atHead,
      problems: [],
    };
    const problems = check.problems;
    if (pendingAtEnd > 0) problems.push(`${pendingAtEnd} sales still unacknowledged after 30 s of draining (${appliedUnanswered} of them applied on HQ, the answer lost)`);
    if (check.ledgerDuplicateIds > 0) problems.push(`${check.ledgerDuplicateIds} sales acknowledged twice`);
    if (missingOnHq > 0) problems.push(`${missingOnHq} acknowledged sales missing on HQ`);
    if (unknownOnHq > 0) problems.push(`${unknownOnHq} orders on HQ the registers never had acknowledged`);
    if (check.hqOrders !== ledgerSales + appliedUnanswered) problems.push(`HQ holds ${check.hqOrders} orders, the registers had ${ledgerSales} acknowledged (and ${appliedUnanswered} applied unanswered)`);
    const pendingMoney = pendingSales.filter((p) => hqIds.has(p.id)).reduce((sum, p) => sum + p.total, 0);
    if (check.hqMoney !== ledgerMoney + pendingMoney) problems.push(`HQ's orders total ${check.hqMoney}, the registers' acknowledged ${ledgerMoney} (+ ${pendingMoney} applied unanswered)`);
    if (check.hqAppliedOps !== check.hqOrders) problems.push(`${check.hqAppliedOps} applied operations for ${check.hqOrders} orders`);
    if (check.hqOrderChanges !== check.hqOrders) problems.push(`${check.hqOrderChanges} order entries in the feed for ${check.hqOrders} orders`);
    if (atHead !== connectedAtEnd) problems.push(`${connectedAtEnd - atHead} of ${connectedAtEnd} connected registers not at the feed's head (${headSeq}) after the quiet period`);
    const phases = [ramp, steady, ...(restart ? [restart] : [])];
    const gaps = phases.reduce((s, p) => s + p.gaps, 0);
    const dups = phases.reduce((s, p) => s + p.duplicates + p.priceDuplicates, 0);
    if (gaps > 0) problems.push(`${gaps} stream events whose prevSeq was not the register's position (a change missed)`);
    if (dups > 0) problems.push(`${dups} stream events delivered twice`);
    if (priceErrors.length > 0) problems.push(`price changes refused: ${priceErrors.join('; ')}`);
    check.ok = problems.length === 0;
    inProgress = null;
    say(`check: ${check.ok ? 'every sale on HQ once, every stream at the head' : problems.join('; ')}`);
    return { instances: n, registers: REGISTERS, enrolled: enrolledCount, enrolFailed, enrolRetried, rampSeconds: ramp.seconds, rampConnected: ramp.connected, enrolSeconds: +enrolSeconds.toFixed(1), balancer: balancer.kind, steady, ...(restart ? { restart } : {}), reach, check };
  } finally {
    if (sampler) clearInterval(sampler);
    await Promise.all(generators.map((gen) => gen.ask({ type: 'close' }, 'closed', 10_000).catch(() => gen.child.kill('SIGKILL'))));
    await balancer?.stop();
    await Promise.all(instances.map((hq) => hq.stop()));
    await db.end();
    await dropSchemas().catch((error: unknown) => console.error(`bench:chain: could not drop ${schema}: ${String(error)}`));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Run, print, check, write.

function preflight(): string | null {
  if (!USE_HAPROXY && !fs.existsSync(TEST_BALANCER)) return `HAProxy is not installed (${HAPROXY} is missing): apt-get install haproxy (Debian), or set KASSA_CHAIN_HAPROXY to its path`;
  if (!USE_HAPROXY) console.log(`bench:chain: HAProxy is not installed (${HAPROXY}; apt-get install haproxy): using the Node test balancer instead, which balances connections, not requests`);
  return localPostgresProblem(PG_URL);
}

const memory = `${fmt(os.totalmem() / 2 ** 30, 1)} GiB`;
const limits = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}) and ${memory} shared by the generator, HAProxy, the HQ instances and PostgreSQL (and whatever else runs); open files ${openFilesLimit()}`;
const problem = preflight();
if (problem) {
  console.error(`bench:chain: ${problem}`);
  process.exit(1);
}
console.log(
  `bench:chain: ${fmt(REGISTERS)} registers (${PER_STORE} a store), one sale every ${INTERVAL_S} s each (${fmt(REGISTERS / INTERVAL_S, 1)} sales/s offered), ${DURATION_S} s steady, instances ${INSTANCES.join(', ')}${RESTART_ON ? `, a restart on ${RESTART_ON}` : ''}; ${GENERATORS} generator process(es); feed changes numbered ${SEQUENCING === 'staged' ? 'after each commit' : 'inside each write'}`,
);
console.log(`machine: ${limits}; load average ${os.loadavg()[0]!.toFixed(1)}`);

const results: RunResult[] = [];
let failure: string | null = null;
try {
  for (const n of INSTANCES) results.push(await run(n, n === RESTART_ON));
} catch (error) {
  failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`bench:chain: FAILED: ${failure}`);
  for (const hq of hqs) console.error(`HQ ${hq.url} log:\n${hq.logTail()}`);
}
adminAgent.destroy();
clearTimeout(deadline);
const missed = report(null);
if (failure || (STRICT && missed)) process.exit(1);
process.exit(0);

/** Prints the table and the targets, writes bench/results/chain.json; true when a target was missed. */
function report(cut: string | null): boolean {
  if (cut) failure = cut;
  const ms = (n: number | null) => (n === null ? 'never' : `${fmt(n)}`);
  const pct = (p: PhaseResult, group: string) => `${fmt(p.cpu.groups[group]?.machinePercent ?? 0)}`;
  const header = ['instances', 'connected', 'sales/s', 'offered', 'push p50', 'p99', 'max', 'errors', 'reconn.', 'reach p99', 'reach max', 'HQ %', 'PG %', 'all PG %', 'LB %', 'gen. %', 'busy %', 'once'];
  const rowOf = (label: string, r: RunResult, p: PhaseResult, reach: Reach[]) => [
    label,
    fmt(p.connected),
    fmt(p.salesPerSecond, 1),
    fmt(p.salesOffered, 1),
    ms(p.pushP50Ms),
    ms(p.pushP99Ms),
    ms(p.pushMaxMs),
    fmt(p.errorCount),
    fmt(p.reconnects),
    reach.length ? reach.map((x) => ms(x.p99Ms)).join('/') : '-',
    reach.length ? reach.map((x) => ms(x.maxMs)).join('/') : '-',
    pct(p, 'hq'),
    pct(p, 'postgres'),
    pct(p, 'postgresAll'),
    pct(p, 'balancer'),
    pct(p, 'generator'),
    fmt(p.cpu.machineBusyPercent),
    r.check === null ? 'cut' : r.check.ok ? 'yes' : 'NO',
  ];
  const table = results.flatMap((r) => [rowOf(String(r.instances), r, r.steady, r.reach), ...(r.restart ? [rowOf(`${r.instances} restart`, r, r.restart, [])] : [])]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${table.map(line).join('\n')}`);
  console.log('ms: push latency per request; reach: time from the admin call until each change reached 99 % / all registers connected when it was made (one figure per change).');
  console.log(`CPU: share of the whole machine (${os.cpus().length} cores = 100 %) over the phase; PG: this database's backends; all PG: every postgres process of the machine; LB: the balancer; busy: the machine as a whole.`);
  console.log(`machine: ${limits}.`);
  for (const r of results) {
    for (const p of [r.steady, ...(r.restart ? [r.restart] : [])]) {
      if (p.errorCount > 0) console.log(`${r.instances} instance(s), ${p.name}: errors ${Object.entries(p.errors).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    }
    if (r.restart) console.log(`${r.instances} instance(s), restart: SIGTERM at +${fmt(r.restart.stoppedAfterMs / 1000, 1)} s (${r.restart.stopForced ? `no graceful stop within ${STOP_GRACE_MS / 1000} s: killed` : `exit ${r.restart.stopExitCode}`} after ${fmt(r.restart.stopMs)} ms), replaced after ${fmt(r.restart.replacedMs)} ms; ${r.restart.reconnects} reconnects, sale latency max ${ms(r.restart.saleMaxMs)} ms`);
    if (r.check && !r.check.ok) console.log(`${r.instances} instance(s), check: ${r.check.problems.join('; ')}`);
  }

  const twoPlus = results.filter((r) => r.instances >= 2);
  const offered = REGISTERS / INTERVAL_S;
  const targets = [
    ...twoPlus.map((r) => ({ target: `${r.instances} instances: every register connected (${fmt(REGISTERS)}; the goal is ${fmt(TARGETS.registers)} on 2)`, met: r.steady.connected >= REGISTERS && REGISTERS >= Math.min(TARGETS.registers, REGISTERS), value: r.steady.connected })),
    ...twoPlus.map((r) => ({ target: `${r.instances} instances: ≥ 95 % of the ${fmt(offered, 1)} sales/s offered acknowledged (the goal is ${TARGETS.salesPerSecond} sales/s)`, met: r.steady.salesPerSecond >= 0.95 * offered, value: r.steady.salesPerSecond })),
    ...twoPlus.map((r) => ({ target: `${r.instances} instances: push p99 ≤ ${TARGETS.pushP99Ms} ms`, met: r.steady.pushP99Ms !== null && r.steady.pushP99Ms <= TARGETS.pushP99Ms, value: r.steady.pushP99Ms })),
    ...twoPlus.map((r) => ({ target: `${r.instances} instances: every price change reaches 99 % of connected registers within ${TARGETS.reachP99Ms} ms`, met: r.reach.length === PRICE_CHANGES && r.reach.every((x) => x.p99Ms !== null && x.p99Ms <= TARGETS.reachP99Ms), value: Math.max(...r.reach.map((x) => x.p99Ms ?? Infinity), 0) })),
    ...results.map((r) => ({ target: `${r.instances} instance(s)${r.restart ? ' with a restart' : ''}: every sale on HQ once, every stream at the head, no event missed or twice`, met: r.check?.ok === true, value: r.check?.ok ? 1 : 0 })),
  ];
  if (REGISTERS < TARGETS.registers || offered < TARGETS.salesPerSecond) console.log(`\nscaled down: ${fmt(REGISTERS)} registers and ${fmt(offered, 1)} sales/s offered, below the goals (${fmt(TARGETS.registers)}, ${TARGETS.salesPerSecond}/s).`);
  console.log('\ntargets:');
  for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${t.value === Infinity ? 'never' : fmt(Number(t.value))}`);
  if (failure) console.log(`  FAILED   the run: ${failure.split('\n')[0]}`);

  const out = writeBenchResults('chain', {
    machine: limits,
    options: { registers: REGISTERS, perStore: PER_STORE, intervalSeconds: INTERVAL_S, durationSeconds: DURATION_S, instances: INSTANCES, generators: GENERATORS, priceChanges: PRICE_CHANGES, pullSeconds: PULL_S, restartSeconds: RESTART_S, quick: QUICK, sequencing: SEQUENCING },
    runs: results.map((r) => ({
      ...r,
      steady: { ...r.steady },
      ...(r.restart ? { restart: { ...r.restart } } : {}),
    })),
    targets,
    ...(failure ? { failed: failure } : {}),
    seconds: Math.round((performance.now() - started) / 1000),
  });
  console.log(`\nwrote ${path.relative(process.cwd(), out)} in ${Math.round((performance.now() - started) / 1000)} s`);
  return targets.some((t) => !t.met);
}
