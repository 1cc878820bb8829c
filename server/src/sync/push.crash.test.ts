/**
 * Crash test: the real HQ process is killed with SIGKILL at random points while registers stream pushes
 * at it, restarted on the same database, and every operation whose answer a register did not receive is
 * pushed again, as a register's outbox does. In the end the set of operations HQ applied equals the set
 * the registers sent: nothing acknowledged was lost, nothing was applied twice.
 *
 * Quick by default (a few kills, for CI). KASSA_CRASH_LONG=1 runs many more kills and operations;
 * KASSA_CRASH_SEED=<n> repeats a run (the seed is printed).
 */
import { afterEach, expect, it } from 'vitest';
import type { Operation, OpResult } from '../../../shared/hq/ops';
import type { Order } from '../../../shared/hq/feed';
import { openHqDatabase, type StorageOptions } from '../db/database';
import { describeEachStorage, makeStorage, ADMIN_TOKEN, type StorageKind, type TestStorage } from '../test/harness';
import { makeSaleOp } from '../test/factories';
import { startHqProcess, type HqProcess } from '../test/hq-process';
import { seededRandom } from '../../../shared/seeded-random';

const LONG = process.env.KASSA_CRASH_LONG === '1';
const KILLS = LONG ? 40 : 6;
const REGISTERS = LONG ? 8 : 3;
/** /orders/search answers at most 10,000 orders per call; the check reads each register's orders in one call. */
const MAX_OPS_PER_REGISTER = LONG ? 9_000 : 4_000;
/** A life ends with a kill shortly after its r-th push request goes out, r in 1..MAX_REQUESTS_PER_LIFE. */
const MAX_REQUESTS_PER_LIFE = 8;
const MAX_KILL_DELAY_MS = 200;
/** Batch sizes a register's outbox sends: one sale, a few, a backlog after an outage. */
const BATCH_SIZES = [1, 1, 5, 20, 50, 100, 250, 1000];


/** The server's DATABASE_URL: PostgreSQL test runs work in their own schema (search_path as a connection option). */
function serverEnv(storage: StorageOptions): Record<string, string> {
  const common = { HQ_DEMO: '1', HQ_ADMIN_TOKEN: ADMIN_TOKEN, HQ_ENROLMENT_CODE: 'DEMO' };
  if (storage.kind === 'sqlite') return { ...common, HQ_DATA_DIR: storage.dataDir };
  const url = new URL(storage.connectionString);
  if (storage.schema) url.searchParams.set('options', `-c search_path=${storage.schema}`);
  return { ...common, DATABASE_URL: url.toString() };
}

interface Register {
  id: string;
  code: string;
  token: string;
  /** Every operation this register created, in order. */
  sent: Operation[];
  /** Operations not acknowledged yet (the outbox), oldest first. */
  outbox: Operation[];
}

interface Stats {
  requests: number;
  /** Requests that got no answer because HQ died under them. */
  lost: number;
  /** Operations in those requests. */
  lostOps: number;
  /** Operations whose first answer was `duplicate`: HQ committed them, then died before answering. */
  committedUnacked: number;
  /** Kills that hit with at least one push in flight. */
  killsInFlight: number;
}

describeEachStorage('HQ killed with SIGKILL during a stream of pushes', (kind: StorageKind) => {
  let storage: TestStorage | null = null;
  let hq: HqProcess | null = null;
  afterEach(async () => {
    await hq?.kill();
    hq = null;
    await storage?.cleanup();
    storage = null;
  });

  it(
    `applies exactly the operations the registers sent, after ${KILLS} kills and re-pushing what was not acknowledged`,
    async () => {
      const seed = Number(process.env.KASSA_CRASH_SEED) || Math.floor(Math.random() * 2 ** 31);
      const random = seededRandom(seed);
      const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
      const label = `[crash ${kind}, seed ${seed}]`;
      storage = makeStorage(kind);
      if (kind === 'postgres') await (await openHqDatabase(storage.storage)).close(); // creates the schema
      const env = serverEnv(storage.storage);
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

      hq = await startHqProcess({ env });
      const registers: Register[] = [];
      for (let r = 0; r < REGISTERS; r++) {
        const res = await fetch(`${hq.url}/registers/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO' }) });
        expect(res.status, await res.clone().text()).toBe(201);
        const body = (await res.json()) as { registerId: string; registerCode: string; token: string };
        registers.push({ id: body.registerId, code: body.registerCode, token: body.token, sent: [], outbox: [] });
      }

      const stats: Stats = { requests: 0, lost: 0, lostOps: 0, committedUnacked: 0, killsInFlight: 0 };
      const answers = new Map<string, OpResult['status'][]>();
      const unexpected: string[] = [];

      /** One push of the register's oldest unacknowledged operations (topped up with new sales while it sells); false when HQ did not answer. */
      const pushOnce = async (server: HqProcess, register: Register, onSend: () => void, selling = true): Promise<boolean> => {
        const size = pick(BATCH_SIZES);
        while (selling && register.outbox.length < size && register.sent.length < MAX_OPS_PER_REGISTER) {
          const op = makeSaleOp({ number: `S01-${register.code}-${register.sent.length + 1}` });
          register.sent.push(op);
          register.outbox.push(op);
        }
        const batch = register.outbox.slice(0, size);
        if (batch.length === 0) return true;
        stats.requests++;
        onSend();
        let results: OpResult[];
        try {
          const res = await fetch(`${server.url}/sync/push`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${register.token}` },
            body: JSON.stringify({ registerId: register.id, ops: batch }),
          });
          if (res.status !== 200) {
            unexpected.push(`push answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
            return false;
          }
          results = ((await res.json()) as { results: OpResult[] }).results;
        } catch {
          // HQ died with this request in flight: its operations stay in the outbox.
          stats.lost++;
          stats.lostOps += batch.length;
          return false;
        }
        const acked = new Set<string>();
        results.forEach((result, i) => {
          expect(result.id).toBe(batch[i]!.id);
          const seen = answers.get(result.id) ?? [];
          if (seen.length === 0 && result.status === 'duplicate') stats.committedUnacked++;
          answers.set(result.id, [...seen, result.status]);
          if (result.status === 'rejected') unexpected.push(`op ${result.id} rejected: ${result.code} ${result.message}`);
          else acked.add(result.id);
        });
        register.outbox = register.outbox.filter((op) => !acked.has(op.id));
        return true;
      };

      // Lives 1..KILLS end with a SIGKILL shortly after a random push request goes out; the last one drains the outboxes.
      for (let life = 1; life <= KILLS; life++) {
        if (!hq) hq = await startHqProcess({ env });
        const server = hq;
        const killAfter = 1 + Math.floor(random() * MAX_REQUESTS_PER_LIFE);
        let sentThisLife = 0;
        let inFlight = 0;
        let killed = false;
        let killTimer: NodeJS.Timeout | null = null;
        const kill = () => {
          if (killed) return;
          killed = true;
          if (inFlight > 0) stats.killsInFlight++;
          void server.kill();
        };
        const onSend = () => {
          if (++sentThisLife === killAfter) killTimer = setTimeout(kill, Math.floor(random() * MAX_KILL_DELAY_MS));
        };
        // Should the registers run out of sales to send before the chosen request, the kill comes after a while anyway.
        const idleKill = setTimeout(kill, 1_500);
        await Promise.all(
          registers.map(async (register) => {
            while (!killed) {
              inFlight++;
              const answered = await pushOnce(server, register, onSend).finally(() => inFlight--);
              if (!answered) break;
              if (register.outbox.length === 0 && register.sent.length >= MAX_OPS_PER_REGISTER) break;
            }
          }),
        );
        clearTimeout(idleKill);
        if (!killed) kill();
        if (killTimer) clearTimeout(killTimer);
        await server.kill();
        hq = null;
      }

      // The last life: no new sales; re-push everything not acknowledged, until every outbox is empty.
      hq = await startHqProcess({ env });
      const server = hq;
      for (const register of registers) {
        while (register.outbox.length > 0) expect(await pushOnce(server, register, () => {}, false), server.logTail()).toBe(true);
      }
      expect(unexpected, unexpected.slice(0, 5).join('\n')).toEqual([]);

      const sent = registers.flatMap((r) => r.sent);
      const sentIds = new Set(sent.map((op) => op.id));
      const sentOrderIds = new Set(sent.map((op) => op.entityId));
      expect(sentIds.size).toBe(sent.length);

      // Every operation was answered `applied` at most once, and finally acknowledged.
      for (const op of sent) {
        const statuses = answers.get(op.id) ?? [];
        expect(statuses.filter((s) => s === 'applied').length, `op ${op.id}: ${statuses.join(',')}`).toBeLessThanOrEqual(1);
        expect(statuses.length, `op ${op.id} was never acknowledged`).toBeGreaterThan(0);
      }

      // What HQ serves: each register's orders, through the admin token.
      const served: Order[] = [];
      for (const register of registers) {
        const res = await fetch(`${server.url}/orders/search?registerId=${register.id}&limit=10000`, { headers: admin });
        expect(res.status).toBe(200);
        served.push(...((await res.json()) as { orders: Order[] }).orders);
      }
      expect(served.length).toBe(sent.length);
      expect(new Set(served.map((o) => o.id))).toEqual(sentOrderIds);

      // Pushing everything once more applies nothing: every operation HQ acknowledged is really there.
      const replayed: OpResult['status'][] = [];
      for (const register of registers) {
        for (let i = 0; i < register.sent.length; i += 1000) {
          const res = await fetch(`${server.url}/sync/push`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${register.token}` },
            body: JSON.stringify({ registerId: register.id, ops: register.sent.slice(i, i + 1000) }),
          });
          expect(res.status).toBe(200);
          replayed.push(...((await res.json()) as { results: OpResult[] }).results.map((r) => r.status));
        }
      }
      expect(replayed.length).toBe(sent.length);
      expect(replayed.filter((s) => s !== 'duplicate')).toEqual([]);

      // Graceful shutdown, then the database itself: applied ops, orders and feed entries, once each.
      expect(await server.stop()).toBe(0);
      hq = null;
      const database = await openHqDatabase(storage.storage);
      let appliedCount = 0;
      try {
        const db = database.read;
        const appliedOps = await db.selectFrom('applied_ops').select('op_id').execute();
        appliedCount = appliedOps.length;
        expect(appliedOps.length).toBe(sent.length);
        expect(new Set(appliedOps.map((a) => a.op_id))).toEqual(sentIds);
        const orders = await db.selectFrom('orders').select('id').execute();
        expect(orders.length).toBe(sent.length);
        expect(new Set(orders.map((o) => o.id))).toEqual(sentOrderIds);
        const orderChanges = await db.selectFrom('changes').select('entity_id').where('kind', '=', 'order').execute();
        expect(orderChanges.length).toBe(sent.length);
        expect(new Set(orderChanges.map((c) => c.entity_id))).toEqual(sentOrderIds);
        // The feed's sequence has no gap and no repeat across the crashes.
        const seqs = (await db.selectFrom('changes').select('seq').orderBy('seq').execute()).map((c) => Number(c.seq));
        const { head_seq: head } = await db.selectFrom('feed_state').select('head_seq').where('id', '=', 1).executeTakeFirstOrThrow();
        expect(seqs).toEqual(Array.from({ length: Number(head) }, (_, i) => i + 1));
      } finally {
        await database.close();
      }

      console.info(
        `${label} ${KILLS} kills (${stats.killsInFlight} with pushes in flight), ${stats.requests} push requests, ` +
          `${stats.lost} lost to a kill (${stats.lostOps} ops re-pushed), ${stats.committedUnacked} ops committed before a kill but unacknowledged (answered duplicate on re-push); ` +
          `sent ${sent.length} = applied ${appliedCount}, no duplicates`,
      );
    },
    LONG ? 20 * 60_000 : 60_000,
  );
});
