/**
 * The parent side of the sync proofs: starts register-child.ts as a process, reads what it reports,
 * kills it, and in the end compares the registers' databases with what HQ holds.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ConnectivityTimings } from '../../connectivity/probe-result';
import { DATABASE_FILE } from '../../core/kassa-core';
import { seededRandom } from '../../../shared/seeded-random';
import { TELEMETRY_ENTITIES } from '../../../shared/hq/ops';

/** Where register-child.ts can kill itself (see there). */
export const KILL_POINTS = ['write', 'committed', 'send', 'ack', 'delete', 'deleted'] as const;
/** The points of a card payment: its attempt recorded before the request, and HQ's approval before the register recorded it. */
export const CARD_KILL_POINTS = ['card-sent', 'card-approved'] as const;
/**
 * The points of the power-cut proof: a cart with draft scans (after a scan, before its payment), and a sale
 * number just reported, a catalog snapshot being loaded (with `delayMs`: staged, or swapped in), a
 * snapshot's swap transaction with all its changes written and not yet committed.
 * Reached only when `killAt` names one of them.
 */
export const POWER_KILL_POINTS = ['scanned', 'reported', 'snapshot', 'swap'] as const;
export type KillPoint = (typeof KILL_POINTS)[number] | (typeof CARD_KILL_POINTS)[number] | (typeof POWER_KILL_POINTS)[number];

/** Card sales in the child's mix: `share` of the sales pay by card; an unanswered card payment is retried, stored or paid in cash. */
export interface CardMix {
  share: number;
  /** What the cashier does when a card payment gets no usable answer (picked at random among these). */
  onNoAnswer?: ('retry' | 'store' | 'cash')[];
}

export interface ChildConfig {
  dataDir: string;
  hqUrl: string;
  /** sell: take sales until `quota` completed sales are in the database (or forever); drain: upload what is left and exit. */
  mode: 'sell' | 'drain';
  /** Stop selling once the register database holds this many completed sales (across restarts). */
  quota?: number;
  /** With a quota: once it is reached, keep running (and syncing) until SIGTERM instead of exiting. */
  holdAfterQuota?: boolean;
  /** Die by SIGKILL the `nth` time the engine reaches `point`; for `send`, after `delayMs` more. */
  killAt?: { point: KillPoint; nth: number; delayMs?: number };
  /** Print a `mark` line at every kill point (the parent then knows where a timed kill landed). */
  marks?: boolean;
  /** Pause between sales (the event loop runs the drainer meanwhile). */
  pauseMs?: number;
  /** Drain mode: give up after this long. */
  drainLimitMs?: number;
  seed?: number;
  logLevel?: string;
  cards?: CardMix;
  /** Drain mode: first finish a sale a kill left open (cash if a payment was taken, else void), as at the end of a shift. */
  finishOpenSale?: boolean;
  /** Scans per sale (1 by default): with more, a cart holds draft scans for longer. */
  scansPerSale?: number;
  /**
   * For the power-cut proof's own proof only: every `PRAGMA synchronous` the register sets becomes OFF, so
   * commits never reach the disk before a power cut.
   */
  unsafeSynchronousOff?: boolean;
  /** HQ's first answer to the change feed after a start says a snapshot is required: the catalog is loaded and swapped in again. */
  snapshotOnStart?: boolean;
}

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const CHILD = path.join(import.meta.dirname, 'register-child.ts');

/**
 * Short connectivity timings for a register under test (settings.json in its data folder): a cut is
 * noticed within T2 + T1 + probe timeout = 700 ms, and even a flapping link (damping up to 8 × T1) lets
 * the till back after 1.6 s of calm.
 */
export const FAST_TIMINGS: ConnectivityTimings = { t1Ms: 200, t2Ms: 300, t2OfflineMs: 150, probeTimeoutMs: 200, probeHedging: 4, recoverSuccesses: 1, qosPollMs: 500 };

export function writeSettings(dataDir: string, timings: ConnectivityTimings = FAST_TIMINGS): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: timings }));
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RegisterProcess {
  readonly pid: number;
  /** Resolves when the child printed `ready` (its register code), or null if it exited first. */
  readonly ready: Promise<{ registerCode: string; completed: number } | null>;
  readonly exited: Promise<ChildExit>;
  /** Sale numbers this run reported as completed. */
  readonly sales: string[];
  /** The last kill point the child passed (with marks on), or null before the first. */
  lastMark(): KillPoint | null;
  /** The last point of the upload path (send, ack, delete, deleted) it passed, or null. */
  lastSyncMark(): KillPoint | null;
  /** Card payments by how they ended: approved online, stored for later, given up for cash, retried. */
  cardOutcomes(): Record<string, number>;
  /** Push answers the child saw: operations applied and acknowledged as duplicates. */
  acks(): { applied: number; duplicate: number; rejected: number };
  drained(): { pending: number; deadLetters: number } | null;
  /** How many times the till went offline (with marks on). */
  offlinePeriods(): number;
  /** Pushes that got no answer (with marks on). */
  failedPushes(): number;
  /** The till's connectivity as last reported (with marks on; it starts online). */
  connectivity(): 'online' | 'offline';
  /** With snapshotOnStart: how long each catalog snapshot it loaded took (ms). */
  snapshots(): number[];
  /** The end of what it wrote on stderr, for a failure message. */
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<ChildExit>;
  /** SIGTERM: the child stops selling, drains (up to its drain limit) and exits; fails unless it drained. */
  stop(): Promise<{ pending: number; deadLetters: number }>;
}

export interface SpawnOptions {
  /** Wraps the command, e.g. ['ip', 'netns', 'exec', 'ns'] to run the register in a network namespace. */
  prefix?: string[];
}

/** Starts register-child.ts (node --import tsx) with `config`. */
export function startRegister(config: ChildConfig, options: SpawnOptions = {}): RegisterProcess {
  const command = [...(options.prefix ?? []), process.execPath, '--import', 'tsx', CHILD];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: REPO_ROOT,
    env: { ...process.env, KASSA_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sales: string[] = [];
  const acks = { applied: 0, duplicate: 0, rejected: 0 };
  const cardOutcomes: Record<string, number> = {};
  let mark: KillPoint | null = null;
  let syncMark: KillPoint | null = null;
  let drained: { pending: number; deadLetters: number } | null = null;
  let offline = 0;
  let pushFailures = 0;
  let connectivity: 'online' | 'offline' = 'online';
  let errText = '';
  const snapshots: number[] = [];
  let resolveReady: (value: { registerCode: string; completed: number } | null) => void = () => {};
  const ready = new Promise<{ registerCode: string; completed: number } | null>((resolve) => (resolveReady = resolve));
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolveReady(null);
      resolve({ code, signal });
    });
  });
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const [kind, ...rest] = buffer.slice(0, end).split(' ');
      buffer = buffer.slice(end + 1);
      if (kind === 'sale') sales.push(rest[0]!);
      else if (kind === 'mark') {
        mark = rest[0] as KillPoint;
        if (mark !== 'write' && mark !== 'committed' && !mark.startsWith('card-') && mark !== 'scanned' && mark !== 'reported' && mark !== 'snapshot' && mark !== 'swap') syncMark = mark;
      }
      else if (kind === 'acked') {
        acks.applied += Number(rest[0]);
        acks.duplicate += Number(rest[1]);
        acks.rejected += Number(rest[2]);
      } else if (kind === 'ready') resolveReady({ registerCode: rest[0]!, completed: Number(rest[1]) });
      else if (kind === 'pushfail') pushFailures++;
      else if (kind === 'card') cardOutcomes[rest[0]!] = (cardOutcomes[rest[0]!] ?? 0) + 1;
      else if (kind === 'conn') {
        connectivity = rest[0] === 'offline' ? 'offline' : 'online';
        if (connectivity === 'offline') offline++;
      }
      else if (kind === 'snapshot') snapshots.push(Number(rest[0]));
      else if (kind === 'drained') drained = { pending: Number(rest[0]), deadLetters: Number(rest[1]) };
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errText = (errText + chunk).slice(-8000);
  });
  return {
    pid: child.pid!,
    ready,
    exited,
    sales,
    lastMark: () => mark,
    lastSyncMark: () => syncMark,
    acks: () => ({ ...acks }),
    cardOutcomes: () => ({ ...cardOutcomes }),
    drained: () => drained,
    offlinePeriods: () => offline,
    failedPushes: () => pushFailures,
    connectivity: () => connectivity,
    snapshots: () => [...snapshots],
    stderr: () => errText,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const exit = await exited;
      if (exit.code !== 0 || !drained) throw new Error(`the register did not drain after SIGTERM (exit ${exit.code ?? exit.signal}):\n${errText}`);
      return drained;
    },
  };
}

/** Runs the child in drain mode until it exits; fails with its stderr if it does not drain. */
export async function drainRegister(config: Omit<ChildConfig, 'mode'>, options: SpawnOptions & { limitMs?: number } = {}): Promise<{ pending: number; deadLetters: number }> {
  const child = startRegister({ ...config, mode: 'drain', drainLimitMs: options.limitMs ?? 60_000 }, options);
  const exit = await child.exited;
  const drained = child.drained();
  if (exit.code !== 0 || !drained) throw new Error(`the register did not drain (exit ${exit.code ?? exit.signal}):\n${child.stderr()}`);
  return drained;
}

/** What a register's database says after it stopped. */
export interface RegisterBook {
  registerId: string | null;
  /** Numbers of the completed sales, in sequence order. */
  completed: string[];
  sequences: number[];
  outbox: number;
  deadLetters: number;
}

export function readRegisterBook(dataDir: string): RegisterBook {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const rows = db.prepare<[], { number: string; sequence: number }>("SELECT number, sequence FROM sales WHERE status = 'completed' ORDER BY sequence").all();
    const identity = db.prepare<[], { register_id: string }>('SELECT register_id FROM register_identity WHERE singleton = 1').get();
    return {
      registerId: identity?.register_id ?? null,
      completed: rows.map((r) => r.number),
      sequences: rows.map((r) => r.sequence),
      // The register's work still waiting: telemetry (connectivity transitions) may still be on its way, as on any register.
      outbox: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM outbox WHERE entity NOT IN (${TELEMETRY_ENTITIES.map((e) => `'${e}'`).join(', ')})`).get()!.n,
      deadLetters: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dead_letters').get()!.n,
    };
  } finally {
    db.close();
  }
}

interface AdminHq {
  admin<T>(method: string, pathname: string, body?: unknown): Promise<T>;
}

/**
 * The orders HQ holds as sale number → how many times: of every register it knows, or of the given
 * registers only (when other tests share the HQ).
 */
export async function hqOrderCounts(hq: AdminHq, registerIds?: readonly string[]): Promise<Map<string, number>> {
  const ids = registerIds ?? (await hq.admin<{ registers: { id: string }[] }>('GET', '/registers')).registers.map((r) => r.id);
  const counts = new Map<string, number>();
  for (const id of ids) {
    const { orders } = await hq.admin<{ orders: { number: string }[] }>('GET', `/orders/search?registerId=${encodeURIComponent(id)}&limit=10000`);
    if (orders.length >= 10_000) throw new Error(`register ${id} has 10,000 orders or more on HQ; the comparison cannot see them all`);
    for (const order of orders) counts.set(order.number, (counts.get(order.number) ?? 0) + 1);
  }
  return counts;
}

export interface Reconciliation {
  /** Sales completed in the registers' databases. */
  sent: number;
  /** Of those, how many HQ holds (at least once). */
  applied: number;
  /** Completed on a register (or reported as completed) and missing on HQ. */
  lost: number;
  /** Extra copies on HQ, plus orders HQ holds that no register completed. */
  duplicated: number;
  /** Sale numbers reported as completed by a child but not in its database. */
  reportedNotInDb: string[];
  /** Completed in a database but never reported (the kill came between commit and report). */
  unreported: number;
  problems: string[];
}

/** Compares what the registers completed (and reported) with what HQ holds. */
export function reconcile(registers: { book: RegisterBook; reported: Iterable<string> }[], onHq: Map<string, number>): Reconciliation {
  const problems: string[] = [];
  const completed = new Set<string>();
  let unreported = 0;
  const reportedNotInDb: string[] = [];
  for (const { book, reported } of registers) {
    const mine = new Set(book.completed);
    const told = new Set(reported);
    for (const number of book.completed) {
      if (completed.has(number)) problems.push(`sale number ${number} was completed twice`);
      completed.add(number);
      if (!told.has(number)) unreported++;
    }
    for (const number of told) if (!mine.has(number)) reportedNotInDb.push(number);
    // Gap-free: the sequences are exactly 1..n.
    book.sequences.forEach((sequence, i) => {
      if (sequence !== i + 1) problems.push(`register ${book.registerId}: sale sequence ${sequence} at position ${i + 1} (a gap or a repeat)`);
    });
    if (book.outbox > 0) problems.push(`register ${book.registerId}: ${book.outbox} operations still in the outbox`);
    if (book.deadLetters > 0) problems.push(`register ${book.registerId}: ${book.deadLetters} dead letters`);
  }
  let applied = 0;
  let duplicated = 0;
  const lostNumbers: string[] = [];
  for (const number of completed) {
    const copies = onHq.get(number) ?? 0;
    if (copies > 0) applied++;
    else lostNumbers.push(number);
    if (copies > 1) duplicated += copies - 1;
  }
  const phantoms = [...onHq.keys()].filter((number) => !completed.has(number));
  duplicated += phantoms.reduce((sum, number) => sum + onHq.get(number)!, 0);
  if (lostNumbers.length) problems.push(`lost on the way to HQ: ${lostNumbers.slice(0, 10).join(', ')}${lostNumbers.length > 10 ? ', …' : ''}`);
  if (phantoms.length) problems.push(`on HQ but completed by no register: ${phantoms.slice(0, 10).join(', ')}`);
  if (reportedNotInDb.length) problems.push(`reported as completed but not in the register database: ${reportedNotInDb.slice(0, 10).join(', ')}`);
  return { sent: completed.size, applied, lost: lostNumbers.length + reportedNotInDb.length, duplicated, reportedNotInDb, unreported, problems };
}

/** Which part of the sync path a kill point belongs to. */
export function phaseOf(point: KillPoint | null): 'write' | 'send' | 'ack' | 'delete' | 'card' | 'start' {
  switch (point) {
    case 'card-sent':
    case 'card-approved':
      return 'card';
    case 'write':
    case 'committed':
      return 'write';
    case 'send':
      return 'send';
    case 'ack':
      return 'ack';
    case 'delete':
    case 'deleted':
      return 'delete';
    default:
      return 'start';
  }
}

export const seeded = seededRandom;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (at most `limitMs`) until the till reports itself online; true if it is. */
export async function untilOnline(child: RegisterProcess, limitMs = 10_000): Promise<boolean> {
  const until = performance.now() + limitMs;
  while (child.connectivity() !== 'online' && performance.now() < until) await sleep(20);
  return child.connectivity() === 'online';
}
