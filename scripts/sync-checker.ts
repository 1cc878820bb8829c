/**
 * `npm run sync:check`: the sync engine's reliability check, in the spirit of the ones messaging systems
 * run. Several registers (the real register core, each in its own child process and data folder) take
 * sales against one real HQ on 127.0.0.1, each through its own fault-injecting proxy. Meanwhile their
 * links are cut and restored (reset, refused, stalled, answers lost after HQ applied) and the registers
 * are killed with SIGKILL at random times and at exact points of the sync path, then started again on
 * the same data. Once every register has completed its share, the links are restored, each register
 * drains, and the registers' databases are compared with HQ:
 *
 *   sent / applied / lost / duplicated / money-mismatch  —  must be N / N / 0 / 0 / 0 (exit 1 otherwise)
 *
 * sent: sales completed in the registers' databases; applied: of those, on HQ; lost: completed (or
 * reported completed) but not on HQ; duplicated: extra copies on HQ and orders no register completed;
 * money-mismatch: orders whose payments do not add up to their total, or whose card tender differs from
 * what the card acquirer moved for them (charges − refunds − voids), plus money moved for no sale.
 *
 * A share of the sales (--card-share, default 0.3) pays by card: authorised live, or stored while the
 * till is offline; a card payment whose answer a cut swallowed is looked up, retried, stored under the
 * same id or given up for cash. Kills also land between a card attempt and its request, and between
 * HQ's approval and the register recording it.
 *
 *   npm run sync:check [-- --sales 10000 --registers 4 --seed 7 --limit-minutes 20 --card-share 0.3]
 *
 * It takes a few minutes (CI runs the quick crash and cut tests in electron/sync instead).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../e2e/support/fault-proxy';
import { startHq } from '../e2e/support/hq-server';
import { reconcileMoney } from '../electron/sync/testing/money';
import {
  CARD_KILL_POINTS,
  KILL_POINTS,
  drainRegister,
  hqOrderCounts,
  readRegisterBook,
  reconcile,
  seeded,
  sleep,
  startRegister,
  writeSettings,
  type ChildConfig,
  type RegisterProcess,
} from '../electron/sync/testing/harness';

const { values } = parseArgs({
  options: {
    sales: { type: 'string', default: '10000' },
    registers: { type: 'string', default: '4' },
    seed: { type: 'string' },
    'limit-minutes': { type: 'string', default: '20' },
    'card-share': { type: 'string', default: '0.3' },
  },
});
const SALES = Number(values.sales);
const REGISTERS = Number(values.registers);
const SEED = Number(values.seed ?? Date.now() % 1_000_000);
const LIMIT_MS = Number(values['limit-minutes']) * 60_000;
if (!Number.isInteger(SALES) || SALES < 1 || !Number.isInteger(REGISTERS) || REGISTERS < 1 || REGISTERS > 16 || SALES % REGISTERS !== 0) {
  console.error(`--sales must be a positive multiple of --registers (1 to 16); got ${values.sales} and ${values.registers}`);
  process.exit(2);
}
const QUOTA = SALES / REGISTERS;
const CARD_SHARE = Number(values['card-share']);
if (!(CARD_SHARE >= 0 && CARD_SHARE <= 1)) {
  console.error(`--card-share is a fraction from 0 to 1; got ${values['card-share']}`);
  process.exit(2);
}
const FAULTS: FaultMode[] = ['drop', 'refuse', 'stall', 'lose-reply'];

interface Till {
  index: number;
  dataDir: string;
  proxy: FaultProxy;
  reported: string[];
  kills: number;
  runs: number;
  cuts: Record<string, number>;
  duplicateAcks: number;
  offline: number;
  cards: Record<string, number>;
  current: RegisterProcess | null;
  done: boolean;
}

const started = Date.now();
const deadline = started + LIMIT_MS;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-sync-check-'));
const hq = await startHq({ dataDir: path.join(root, 'hq') });
const tills: Till[] = [];
let failed = false;

try {
  const hqPort = Number(new URL(hq.url).port);
  for (let index = 0; index < REGISTERS; index++) {
    const dataDir = path.join(root, `register-${index + 1}`);
    writeSettings(dataDir);
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: hqPort }, stallLimitMs: 2000 });
    tills.push({ index, dataDir, proxy, reported: [], kills: 0, runs: 0, cuts: {}, duplicateAcks: 0, offline: 0, cards: {}, current: null, done: false });
  }
  console.log(`sync check: ${SALES} sales across ${REGISTERS} registers (${QUOTA} each), HQ at ${hq.url}, seed ${SEED}, data in ${root}`);

  const progress = setInterval(() => {
    const sold = tills.map((t) => readCompleted(t.dataDir));
    console.log(
      `  ${Math.round((Date.now() - started) / 1000)} s: ${sold.reduce((a, b) => a + b, 0)} sales completed (${sold.join(' / ')}), ` +
        `${tills.reduce((a, t) => a + t.kills, 0)} kills, ${tills.reduce((a, t) => a + Object.values(t.cuts).reduce((x, y) => x + y, 0), 0)} cuts`,
    );
  }, 10_000);

  await Promise.all(tills.flatMap((till) => [sell(till), cut(till)]));
  clearInterval(progress);

  // Every register has its share: links restored, each drains what is left.
  for (const till of tills) await till.proxy.set('pass');
  for (const till of tills) {
    const drained = await drainRegister({ dataDir: till.dataDir, hqUrl: till.proxy.url, finishOpenSale: true }, { limitMs: 120_000 });
    if (drained.pending > 0 || drained.deadLetters > 0) console.log(`  register ${till.index + 1}: ${drained.pending} pending, ${drained.deadLetters} dead letters after draining`);
  }

  const books = tills.map((till) => ({ book: readRegisterBook(till.dataDir), reported: till.reported }));
  const result = reconcile(books, await hqOrderCounts(hq));
  // HQ settles stored card payments after each upload: give it a moment to finish before counting money.
  let money = await reconcileMoney(hq);
  for (let i = 0; i < 60 && money.problems.length > 0; i++) {
    await sleep(500);
    money = await reconcileMoney(hq);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log('');
  console.log('register  completed  reported  runs  SIGKILLs  link cuts                                   offline  duplicate acks');
  for (const [i, till] of tills.entries()) {
    const cuts = FAULTS.map((m) => `${m} ${till.cuts[m] ?? 0}`).join(', ');
    console.log(
      `${String(i + 1).padEnd(8)}  ${String(books[i]!.book.completed.length).padStart(9)}  ${String(till.reported.length).padStart(8)}  ${String(till.runs).padStart(4)}  ${String(till.kills).padStart(8)}  ${cuts.padEnd(42)}  ${String(till.offline).padStart(7)}  ${String(till.duplicateAcks).padStart(14)}`,
    );
  }
  console.log('');
  const cards = tills.reduce<Record<string, number>>((all, t) => {
    for (const [k, v] of Object.entries(t.cards)) all[k] = (all[k] ?? 0) + v;
    return all;
  }, {});
  console.log(`card payments: ${JSON.stringify(cards)}; ${money.cardOrders} orders with card money; over-charged ${money.overCharged}, under-charged ${money.underCharged} (minor units); ${money.declinedStored} stored payments declined at settlement`);
  console.log(`sent / applied / lost / duplicated / money-mismatch: ${result.sent} / ${result.applied} / ${result.lost} / ${result.duplicated} / ${money.mismatched}   (${seconds} s, seed ${SEED})`);
  for (const problem of [...result.problems, ...money.problems.slice(0, 20)]) console.log(`  problem: ${problem}`);
  failed =
    result.sent !== SALES || result.applied !== SALES || result.lost !== 0 || result.duplicated !== 0 || result.problems.length > 0 || money.mismatched !== 0 || money.problems.length > 0;
  console.log(failed ? `FAILED: expected ${SALES} / ${SALES} / 0 / 0 / 0` : `OK: every completed sale is on HQ exactly once with its money, and HQ has nothing else`);
} catch (error) {
  console.error(`sync check could not finish: ${(error as Error).stack ?? String(error)}`);
  failed = true;
} finally {
  for (const till of tills) {
    await till.current?.kill();
    await till.proxy.close();
  }
  await hq.stop();
  if (!failed) fs.rmSync(root, { recursive: true, force: true });
  else console.log(`data kept in ${root}`);
}
process.exit(failed ? 1 : 0);

/** Runs, kills and restarts one register until its database holds its share of completed sales. */
async function sell(till: Till): Promise<void> {
  const random = seeded(SEED * 31 + till.index);
  while (readCompleted(till.dataDir) < QUOTA) {
    if (Date.now() > deadline) throw new Error(`register ${till.index + 1} did not complete ${QUOTA} sales within the time limit`);
    // Half the runs die at an exact point of the sync path, half after a random time; some are let run longer.
    const exact = random() < 0.5;
    const points = CARD_SHARE > 0 ? [...KILL_POINTS, ...CARD_KILL_POINTS] : KILL_POINTS;
    const point = points[Math.floor(random() * points.length)]!;
    const config: ChildConfig = {
      dataDir: till.dataDir,
      hqUrl: till.proxy.url,
      mode: 'sell',
      quota: QUOTA,
      marks: true,
      pauseMs: 10,
      seed: SEED + till.index * 1000 + till.runs,
      ...(CARD_SHARE > 0 ? { cards: { share: CARD_SHARE } } : {}),
      ...(exact ? { killAt: { point, nth: point === 'write' || point === 'committed' ? 1 + Math.floor(random() * 300) : 1 + Math.floor(random() * 10), delayMs: Math.floor(random() * 5) } } : {}),
    };
    const child = startRegister(config);
    till.current = child;
    till.runs++;
    const timer = setTimeout(() => void child.kill(), exact ? 20_000 : 1000 + Math.floor(random() * 8000));
    const exit = await child.exited;
    clearTimeout(timer);
    till.current = null;
    till.reported.push(...child.sales);
    till.duplicateAcks += child.acks().duplicate;
    till.offline += child.offlinePeriods();
    for (const [k, v] of Object.entries(child.cardOutcomes())) till.cards[k] = (till.cards[k] ?? 0) + v;
    if (exit.signal === 'SIGKILL') till.kills++;
    else if (exit.code !== 0) throw new Error(`register ${till.index + 1} failed (exit ${exit.code ?? exit.signal}):\n${child.stderr()}`);
  }
  till.done = true;
}

/** Cuts and restores one register's link to HQ until it is done. */
async function cut(till: Till): Promise<void> {
  const random = seeded(SEED * 17 + till.index);
  while (!till.done) {
    // Mostly long enough for the till to come back (a flapping link keeps it offline for a while) and upload.
    await sleep(1000 + Math.floor(random() * 3000));
    if (till.done) break;
    const mode = FAULTS[Math.floor(random() * FAULTS.length)]!;
    till.cuts[mode] = (till.cuts[mode] ?? 0) + 1;
    await till.proxy.set(mode);
    await sleep(200 + Math.floor(random() * 1500));
    await till.proxy.set('pass');
  }
}

function readCompleted(dataDir: string): number {
  try {
    return readRegisterBook(dataDir).completed.length;
  } catch {
    return 0; // not created yet
  }
}
