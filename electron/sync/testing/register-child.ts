/**
 * A register for the sync proofs, run as its own process (`node --import tsx`): the real register core
 * (createKassaCore) on a data folder, enrolled with a real HQ, taking sales in a loop — sign in, scan a
 * demo barcode, complete with cash — while its sync engine uploads them. The parent kills it with
 * SIGKILL, starts it again on the same folder, and in the end lets it drain.
 *
 * Configuration: one JSON object in KASSA_CHILD (see ChildConfig). Output: one line per event on stdout,
 * written synchronously so that a line the parent reads is a line the child had fully written before
 * it died:
 *
 *   ready <registerCode> <completedSales>  enrolled, catalog present, signed in; the loop starts
 *   sale <number>                          completeWithCash() returned this sale number
 *   mark <point>                           (with marks) the sync engine reached a kill point
 *   acked <applied> <duplicate> <rejected>  (with marks) HQ's answer to a push
 *   pushfail                               (with marks) a push got no answer (cut, refused, timed out)
 *   conn <state> <reasons>                 (with marks) the till went online or offline
 *   drained <pending> <deadLetters>        (drain mode, or after SIGTERM) the outbox is empty, or the time ran out
 *   snapshot <ms>                          (with snapshotOnStart) a catalog snapshot was loaded and swapped in
 *   done                                   the sale quota is reached (sell mode) or drained; exiting
 *
 * Kill points (`killAt`), hooked onto the engine's classes from outside (nothing in electron/sync changes
 * for them):
 *   write      inside the outbox transaction, after the sale rows, before commit
 *   committed  after the transaction committed, before the sale number is reported
 *   send       while the push request is on its way to HQ (HQ may or may not have applied it)
 *   ack        HQ answered the push, before the register settled its answer
 *   delete     inside the settle transaction, after the acknowledged operations were deleted, before commit
 *   deleted    after the settle transaction committed (the drain lease is still held)
 *   card-sent      a card attempt is recorded, its authorisation not yet sent
 *   card-approved  HQ approved a card payment, the register has not recorded it yet
 *   scanned    (only when killAt names it) a scan is in the open cart, the sale not yet paid
 *   reported   (only when killAt names it) a sale's number was just reported
 *   snapshot   (only when killAt names it; with snapshotOnStart) a catalog snapshot starts loading (delayMs: later on)
 *   swap       (only when killAt names it; with snapshotOnStart) inside a snapshot's swap transaction, before its commit
 *
 * With `cards`, a share of the sales pay by card (4242…, or stored while offline); a card payment that
 * gets no usable answer is retried, stored under the same id, or given up for cash. Each ends in a line
 * `card <approved|stored|cash|retried|declined>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import demoCatalog from '../../../shared/demo/catalog.json' with { type: 'json' };
import { createKassaCore, DATABASE_FILE } from '../../core/kassa-core';
import { createLogger, silentLogger } from '../../core/logger';
import { KassaError } from '../../../shared/errors';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { HqCardTerminal } from '../../modules/checkout/card-terminal';
import { LedgerRepository } from '../../modules/checkout/ledger.repository';
import { ChangeFeed, LAST_SEQ_KEY } from '../change-feed';
import { Drainer } from '../drainer';
import { HqSyncTransport } from '../hq-transport';
import { isTelemetry, Outbox } from '../outbox';
import { SyncState } from '../sync-state';
import { seeded, type ChildConfig, type KillPoint } from './harness';

const config = JSON.parse(process.env.KASSA_CHILD ?? 'null') as ChildConfig | null;
if (!config) throw new Error('register-child needs its configuration in KASSA_CHILD');

const pause = new Int32Array(new SharedArrayBuffer(4));
/** A synchronous line on stdout (retried while the pipe is full), so it is out before any kill. */
function out(line: string): void {
  const buffer = Buffer.from(`${line}\n`);
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(1, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

// The power-cut proof's own proof: a register whose commits never wait for the disk.
if (config.unsafeSynchronousOff) {
  const pragma = Database.prototype.pragma;
  Database.prototype.pragma = function (this: Database.Database, source: string, options?: Database.PragmaOptions) {
    return pragma.call(this, /^\s*synchronous\s*=/i.test(source) ? 'synchronous = OFF' : source, options);
  } as typeof pragma;
}

const counts = new Map<KillPoint, number>();
function reached(point: KillPoint): void {
  if (config!.marks) out(`mark ${point}`);
  const n = (counts.get(point) ?? 0) + 1;
  counts.set(point, n);
  const kill = config!.killAt;
  if (!kill || kill.point !== point || kill.nth !== n) return;
  if ((point === 'send' || point === 'snapshot') && kill.delayMs) setTimeout(() => process.kill(process.pid, 'SIGKILL'), kill.delayMs);
  else process.kill(process.pid, 'SIGKILL');
}

// The kill points, wrapped around the engine's own methods. They count the register's work: a write or an
// upload of telemetry alone (connectivity transitions) is no point of the sale path and is not counted.
const write = Outbox.prototype.write;
Outbox.prototype.write = function <T>(this: Outbox, change: Parameters<typeof write<T>>[0], now?: number): T {
  let work = true;
  const result = write.call(
    this,
    () => {
      const done = change();
      work = !done.operations.every((op) => isTelemetry(op.entity));
      if (work) reached('write');
      return done;
    },
    now,
  ) as T;
  if (work) reached('committed');
  return result;
};
/** Whether the upload HQ is answering now carries telemetry alone (its acknowledgement is not counted either). */
let telemetryUpload = false;
const acknowledge = Outbox.prototype.acknowledge;
Outbox.prototype.acknowledge = function (this: Outbox, ids: readonly string[]): void {
  acknowledge.call(this, ids);
  if (!telemetryUpload) reached('delete');
};
const push = HqSyncTransport.prototype.push;
HqSyncTransport.prototype.push = async function (this: HqSyncTransport, ...args: Parameters<typeof push>) {
  telemetryUpload = args[1].every((op) => isTelemetry(op.entity));
  if (telemetryUpload) return push.apply(this, args);
  const answer = push.apply(this, args);
  reached('send');
  const results = await answer.catch((error: unknown) => {
    if (config!.marks) out('pushfail');
    throw error;
  });
  if (config!.marks) out(`acked ${['applied', 'duplicate', 'rejected'].map((status) => results.filter((r) => r.status === status).length).join(' ')}`);
  reached('ack');
  return results;
};
const recordAttempt = LedgerRepository.prototype.recordCardAttempt;
LedgerRepository.prototype.recordCardAttempt = function (this: LedgerRepository, ...args: Parameters<typeof recordAttempt>) {
  recordAttempt.apply(this, args);
  reached('card-sent');
};
const authorizeCard = HqCardTerminal.prototype.authorize;
HqCardTerminal.prototype.authorize = async function (this: HqCardTerminal, ...args: Parameters<typeof authorizeCard>) {
  const answer = await authorizeCard.apply(this, args);
  if (answer.status === 'approved') reached('card-approved');
  return answer;
};
// A snapshot at every start: HQ's first change-feed answer says one is required.
if (config.snapshotOnStart) {
  let first = true;
  const changes = HqSyncTransport.prototype.changes;
  HqSyncTransport.prototype.changes = async function (this: HqSyncTransport, since: number, limit: number) {
    if (!first) return changes.call(this, since, limit);
    first = false;
    return { changes: [], nextSeq: since, hasMore: false, snapshotRequired: true };
  };
  let loading = false;
  const loadSnapshot = ChangeFeed.prototype.loadSnapshot;
  ChangeFeed.prototype.loadSnapshot = async function (this: ChangeFeed, snapshot: Parameters<typeof loadSnapshot>[0]) {
    if (config!.killAt?.point === 'snapshot') reached('snapshot');
    const started = performance.now();
    loading = true;
    try {
      await loadSnapshot.call(this, snapshot);
    } finally {
      loading = false;
    }
    out(`snapshot ${Math.round(performance.now() - started)}`);
  };
  // The swap transaction sets lastSeq last, after every change of the catalog: the kill comes before its commit.
  const setState = SyncState.prototype.set;
  SyncState.prototype.set = function (this: SyncState, key: string, value: unknown) {
    setState.call(this, key, value);
    if (loading && key === LAST_SEQ_KEY && config!.killAt?.point === 'swap') reached('swap');
  };
}
// renewLease() runs right after the settle transaction committed.
const drainer = Drainer.prototype as unknown as { renewLease(): void };
const renewLease = drainer.renewLease;
drainer.renewLease = function (this: unknown) {
  reached('deleted');
  renewLease.call(this);
};

/** SIGTERM: stop selling, upload what is left (drain mode), exit. */
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`register-child: timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function main(cfg: ChildConfig): Promise<void> {
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  const log = cfg.logLevel ? createLogger(cfg.logLevel) : silentLogger();
  const core = await createKassaCore({ config: { dataDir: cfg.dataDir, port: 0, hqUrl: cfg.hqUrl, enrolmentCode: 'DEMO', locale: 'en' }, log });
  const trusted = { host: 'web', trustedSender: true } as const;
  const call = async <T>(channel: string, input: unknown = {}): Promise<T> => {
    const result = await core.dispatch(channel, input, trusted);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  };
  if (cfg.marks) {
    let last = core.connectivity.current().state;
    core.connectivity.subscribe((state) => {
      if (state.state !== last) out(`conn ${state.state} ${state.reasons.join(',') || '-'}`);
      last = state.state;
    });
  }
  // A second, read-only connection: how many sales this register has completed, across restarts.
  const reader = new Database(path.join(cfg.dataDir, DATABASE_FILE), { readonly: true });
  const lastSequence = reader.prepare<[], { last: number }>('SELECT last FROM register_sequence WHERE singleton = 1');
  const completed = () => lastSequence.get()?.last ?? 0;

  if (cfg.mode === 'sell') {
    const barcodes = demoCatalog.products.map((p) => p.barcodes[0]!).filter(Boolean);
    const random = seeded(cfg.seed ?? process.pid);
    await waitFor('enrolment', async () => (await call<{ enrolled: boolean }>('app.info')).enrolled, 30_000);
    // Online the PIN goes to HQ; while HQ is unreachable the register checks the PIN HQ verified before.
    await waitFor('a signed-in cashier', async () => (await core.dispatch('session.login', { pin: '1234' }, trusted)).ok, 30_000);
    const missing = new Set(barcodes);
    await waitFor(
      'HQ’s catalog',
      async () => {
        for (const code of [...missing]) if ((await core.dispatch('catalog.lookup', { code }, trusted)).ok) missing.delete(code);
        return missing.size === 0;
      },
      30_000,
    );
    const { registerCode } = await call<{ registerCode: string }>('app.info');
    out(`ready ${registerCode} ${completed()}`);
    while (!stopping && (cfg.quota === undefined || completed() < cfg.quota)) {
      for (let scan = 0; scan < (cfg.scansPerSale ?? 1); scan++) {
        await call('cart.scan', { code: barcodes[Math.floor(random() * barcodes.length)] });
        if (cfg.killAt?.point === 'scanned') reached('scanned');
      }
      if (cfg.cards && random() < cfg.cards.share) await payByCard(core, cfg.cards.onNoAnswer ?? ['retry', 'store', 'cash'], random);
      const sale = core.sales.completeWithCash(null);
      out(`sale ${sale.number}`);
      if (cfg.killAt?.point === 'reported') reached('reported');
      await sleep(Math.floor(random() * (cfg.pauseMs ?? 20)));
    }
    while (cfg.holdAfterQuota && !stopping) await sleep(50);
  }
  if (cfg.mode === 'drain' && cfg.finishOpenSale) await finishOpenSale(core, call);
  if (cfg.mode === 'drain' || stopping) {
    const end = Date.now() + (cfg.drainLimitMs ?? 60_000);
    for (;;) {
      const status = core.sync.status();
      if (status.pending === 0 || Date.now() > end) {
        out(`drained ${status.pending} ${status.deadLetters}`);
        break;
      }
      await core.sync.drain();
      await sleep(50);
    }
  }
  reader.close();
  core.close();
  out('done');
}

/**
 * The end of the shift: a sale left open by a kill is finished as a cashier would, paid in cash if a
 * payment was already taken, voided otherwise (an unanswered card attempt of it goes to HQ as abandoned).
 */
async function finishOpenSale(core: Awaited<ReturnType<typeof createKassaCore>>, call: <T>(channel: string, input?: unknown) => Promise<T>): Promise<void> {
  await waitFor('a signed-in cashier', async () => (await core.dispatch('session.login', { pin: '1234' }, { host: 'web', trustedSender: true })).ok, 30_000);
  const state = core.sales.state();
  if (!state.saleId || state.due === 0) return;
  if (state.payments.length > 0) {
    const sale = core.sales.completeWithCash(null);
    out(`sale ${sale.number}`);
  } else await call('cart.void', { reason: 'end of the shift' });
}

/** Pays what remains by card as a cashier would: an unanswered payment is retried, stored or given up for cash. */
async function payByCard(core: Awaited<ReturnType<typeof createKassaCore>>, choices: readonly ('retry' | 'store' | 'cash')[], random: () => number): Promise<void> {
  const saleId = core.sales.state().saleId;
  if (!saleId) return;
  let storeAndForward = false;
  for (let tries = 0; tries < 6; tries++) {
    try {
      const state = await core.sales.addCard(saleId, { cardNumber: TEST_CARDS.approved, ...(storeAndForward ? { storeAndForward: true } : {}) });
      out(`card ${state.payments.some((p) => p.status === 'stored') ? 'stored' : 'approved'}`);
      return;
    } catch (error) {
      const code = error instanceof KassaError ? error.code : 'INTERNAL';
      if (code === 'CARD_NO_ANSWER' || code === 'CARD_TIMEOUT' || code === 'HQ_UNAVAILABLE') {
        const choice = choices[Math.floor(random() * choices.length)]!;
        if (choice === 'cash') break;
        out('card retried');
        storeAndForward = choice === 'store';
        continue;
      }
      if (code === 'PAYMENT_DECLINED') out('card declined');
      // Over the offline limit, not allowed, declined: the customer pays cash instead.
      break;
    }
  }
  out('card cash');
}

main(config).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`register-child failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
