/**
 * HQ runs as several identical instances on one PostgreSQL behind a load balancer: no instance keeps
 * anything a register relies on. Proved with real HQ processes (killed with SIGTERM or SIGKILL mid-run)
 * or in-process servers, behind the test balancer (server/src/test/balancer.ts, standing in for HAProxy):
 *
 * - registers keep pushing while an instance restarts, and every sale is on HQ exactly once;
 * - a register's realtime stream, cut with its instance, resumes on another one from its position and
 *   gets every change after it once;
 * - any instance serves any register: enrolled on one, pushing to another, a revocation on one refused on
 *   the other at once.
 *
 * PostgreSQL only (KASSA_TEST_DATABASE_URL); skipped with the reason without it, unless KASSA_REQUIRE
 * names postgres.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../shared/hq/feed';
import { startBalancer, type Balancer } from '../test/balancer';
import { POSTGRES_SKIP_REASON, ADMIN_TOKEN } from '../test/harness';
import { v4 as uuidv4 } from 'uuid';
import { TEST_CARDS } from '../../../shared/hq/payments';
import type { Operation } from '../../../shared/hq/ops';
import { CardSimulator } from '../payments/card-simulator';
import type { CardGateway } from '../payments/gateway';
import { sealCard } from '../test/card-seal';
import { signIn } from '../test/console';
import { DEMO_OWNER } from '../console/first-owner';
import { enrolRegister } from '../test/harness';
import { cardPaymentOps, makeOp, makeProduct, makeSale, push } from '../test/factories';
import { startHqProcess, type HqProcess } from '../test/hq-process';
import { buildServer } from '../server';
import type { HqApp } from '../context';
import { ADMIN, LightRegister, LightStream, call, chainSchema, json, type ChainSchema } from './support';

const PG_URL = process.env.KASSA_TEST_DATABASE_URL ?? '';
const REGISTERS = 24;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The waits and time limits leave room for a busy CI machine (the whole file takes about 20 s on a quiet one).

async function until(what: string, predicate: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(25);
  }
}

describe.skipIf(POSTGRES_SKIP_REASON !== null)(`HQ as several instances on one PostgreSQL${POSTGRES_SKIP_REASON ? ` [${POSTGRES_SKIP_REASON}]` : ''}`, () => {
  let schema: ChainSchema | null = null;
  let balancer: Balancer | null = null;
  const processes: HqProcess[] = [];
  const apps: HqApp[] = [];
  const streams: LightStream[] = [];

  afterEach(async () => {
    streams.splice(0).forEach((s) => s.close());
    await balancer?.close();
    balancer = null;
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await schema?.drop();
    schema = null;
  });

  /** An HQ process on the chain's schema (instances start one after another: the first one migrates). */
  const startInstance = async (): Promise<HqProcess> => {
    const hq = await startHqProcess({ env: schema!.env });
    processes.push(hq);
    return hq;
  };

  const ledgerOf = (registers: LightRegister[]) => {
    const sent = registers.flatMap((r) => r.sent);
    return { count: sent.length, total: sent.reduce((sum, op) => sum + (op.payload as { total: number }).total, 0), ids: new Set(sent.map((op) => op.entityId)) };
  };

  it(
    'registers keep pushing through a rolling restart (one instance stopped with SIGTERM, then one killed with SIGKILL, a new one joining each time): every sale is on HQ exactly once',
    async () => {
      schema = await chainSchema(PG_URL);
      const backends: string[] = [];
      const a = await startInstance();
      const b = await startInstance();
      backends.push(a.url, b.url);
      balancer = await startBalancer(() => backends);
      const lb = balancer.url;
      const key = (hq: HqProcess) => new URL(hq.url).host;

      const registers: LightRegister[] = [];
      for (let i = 0; i < REGISTERS; i++) registers.push(await LightRegister.enrol(lb));
      expect(balancer.connections.get(key(a))).toBeGreaterThan(0);
      expect(balancer.connections.get(key(b))).toBeGreaterThan(0);
      registers.forEach((r) => r.startSelling(() => lb));
      const sent = () => registers.reduce((n, r) => n + r.sent.length, 0);
      const cut = () => registers.reduce((n, r) => n + r.stats.cut, 0);
      await until('registers sold 150 sales', () => sent() >= 150);

      // Each phase: an instance goes mid-run (SIGTERM: it finishes the pushes it started, then exits;
      // SIGKILL: the pushes in flight are cut), a new one starts and joins the balancer, and takes pushes.
      const phases: string[] = [];
      for (const [victim, signal] of [[a, 'SIGTERM'], [b, 'SIGKILL']] as const) {
        const soldBefore = sent();
        const cutBefore = cut();
        const inFlight = balancer.open.get(key(victim)) ?? 0;
        const gone = signal === 'SIGTERM' ? victim.stop() : victim.kill().then(() => null);
        const joining = await startInstance();
        backends.push(joining.url);
        await balancer.checkHealth();
        const exitCode = await gone;
        if (signal === 'SIGTERM') expect(exitCode, victim.logTail()).toBe(0);
        backends.splice(backends.indexOf(victim.url), 1);
        await until(`the instance that replaced the one stopped with ${signal} took pushes`, () => (balancer!.connections.get(key(joining)) ?? 0) >= 30);
        await until('registers sold 150 sales more', () => sent() >= soldBefore + 150);
        phases.push(`${signal}: ${inFlight} pushes in flight to it, ${cut() - cutBefore} requests cut or refused, ${sent() - soldBefore} sales meanwhile`);
      }
      await Promise.all(registers.map((r) => r.stop()));

      const unexpected = registers.flatMap((r) => r.unexpected);
      expect(unexpected, unexpected.slice(0, 5).join('\n')).toEqual([]);

      // Every sale was answered, applied at most once, and nothing else (no conflict, no rejection).
      for (const register of registers) {
        for (const op of register.sent) {
          const answers = register.answers.get(op.id) ?? [];
          expect(answers.length, `op ${op.id} never answered`).toBeGreaterThan(0);
          expect(answers.filter((s) => s === 'applied').length, `op ${op.id}: ${answers.join(',')}`).toBeLessThanOrEqual(1);
          expect(answers.every((s) => s === 'applied' || s === 'duplicate')).toBe(true);
        }
      }

      // HQ has each sale once: count and sum of totals equal the registers' ledger, through HQ and in the database.
      const ledger = ledgerOf(registers);
      const served: Order[] = [];
      for (const register of registers) {
        served.push(...(await json<{ orders: Order[] }>(lb, 'GET', `/orders/search?registerId=${register.id}&limit=10000`, ADMIN)).orders);
      }
      expect(served.length).toBe(ledger.count);
      expect(new Set(served.map((o) => o.id))).toEqual(ledger.ids);
      expect(served.reduce((sum, o) => sum + o.total, 0)).toBe(ledger.total);
      const [orders] = await schema.query<{ n: string; total: string }>(`SELECT count(*) AS n, coalesce(sum(total), 0) AS total FROM orders WHERE kind = 'sale'`);
      expect({ count: Number(orders!.n), total: Number(orders!.total) }).toEqual({ count: ledger.count, total: ledger.total });
      const [applied] = await schema.query<{ n: string }>(`SELECT count(*) AS n FROM applied_ops`);
      expect(Number(applied!.n)).toBe(ledger.count);
      // The feed's sequence has no gap and no repeat across the instances and the restarts.
      const [feed] = await schema.query<{ n: string; max: string; head: string }>(`SELECT count(*) AS n, max(seq) AS max, (SELECT head_seq FROM feed_state WHERE id = 1) AS head FROM changes`);
      expect(Number(feed!.n)).toBe(Number(feed!.head));
      expect(Number(feed!.max)).toBe(Number(feed!.head));

      const duplicates = registers.reduce((n, r) => n + r.stats.committedUnanswered, 0);
      const unavailable = registers.reduce((n, r) => n + r.stats.unavailable, 0);
      console.info(
        `[chain restart] ${REGISTERS} registers, ${ledger.count} sales, total ${ledger.total}; ${phases.join('; ')}; ` +
          `${unavailable} answered 503, ${duplicates} applied but unanswered (then duplicate); connections per instance ${JSON.stringify([...balancer.connections.values()])}`,
      );
    },
    90_000,
  );

  it('a realtime stream cut with its instance resumes on another one and gets every change after its position once', async () => {
    schema = await chainSchema(PG_URL);
    const backends: string[] = [];
    const a = await startInstance();
    const b = await startInstance();
    backends.push(a.url, b.url);
    balancer = await startBalancer(() => backends);
    const lb = balancer.url;

    const listeners: LightRegister[] = [];
    for (let i = 0; i < 6; i++) listeners.push(await LightRegister.enrol(lb));
    const sellers = [await LightRegister.enrol(lb), await LightRegister.enrol(lb)];
    const product = makeProduct();
    await json(lb, 'POST', '/catalog/import', ADMIN, { products: [product] });
    const head = async () => Number((await schema!.query<{ head_seq: string }>('SELECT head_seq FROM feed_state WHERE id = 1'))[0]!.head_seq);
    const start = await head();

    // Opened one after another, the streams alternate between A and B.
    for (const listener of listeners) streams.push(new LightStream(lb, listener.token, start));
    await until('every stream is open', () => streams.every((s) => s.connects === 1));
    await sleep(200);

    // Changes keep coming from both sides: sales of the store's other registers, and price changes.
    let changing = true;
    let price = 100;
    const priceChanges = (async () => {
      while (changing) {
        const answer = await call(lb, 'POST', '/catalog/import', ADMIN, { products: [{ ...product, price: ++price }] }).catch(() => null);
        if (answer && answer.status !== 200 && answer.status !== 503) throw new Error(`price change answered ${answer.status}: ${answer.body}`);
        if (answer?.status === 200) expect(JSON.parse(answer.body)).toEqual({ imported: 1, rejected: [] });
        await sleep(20);
      }
    })();
    sellers.forEach((s) => s.startSelling(() => lb));
    await until('changes reach the streams', () => streams.every((s) => s.received.length >= 20));

    await a.kill();
    await until('the streams cut with A reopen', () => streams.filter((s) => s.connects > 1).length >= 3);
    await sleep(500);
    changing = false;
    await priceChanges;
    await Promise.all(sellers.map((s) => s.stop()));
    expect(sellers.flatMap((s) => s.unexpected)).toEqual([]);

    const last = await head();
    await until(`every stream reaches the feed's head ${last}`, () => streams.every((s) => s.position === last));
    const cut = streams.filter((s) => s.connects > 1);
    expect(cut.length).toBeGreaterThanOrEqual(3);
    for (const [i, stream] of streams.entries()) {
      expect(stream.gaps, `stream ${i}`).toBe(0);
      expect(new Set(stream.received).size, `stream ${i} got a change twice`).toBe(stream.received.length);
      // Exactly what the feed holds for this register after its position, in order.
      const page = await json<{ changes: { seq: number }[]; hasMore: boolean }>(lb, 'GET', `/sync/changes?since=${start}&limit=5000`, listeners[i]!.auth);
      expect(page.hasMore).toBe(false);
      expect(stream.received).toEqual(page.changes.map((c) => c.seq));
    }
    console.info(`[chain stream] feed ${start} → ${last}; ${cut.length} of ${streams.length} streams cut with A resumed on B; ${streams[0]!.received.length} changes each`);
  }, 60_000);

  it('card payments stored offline are settled once, though every instance settles at the same time', async () => {
    schema = await chainSchema(PG_URL);
    // One acquirer behind both instances, counting the settlements it is asked for.
    const acquirer = new CardSimulator({ latencyMs: 5 });
    const asked = new Map<string, number>();
    const gateway: CardGateway = {
      authorize: (request, signal) => acquirer.authorize(request, signal),
      settle: (request, signal) => {
        asked.set(request.reference, (asked.get(request.reference) ?? 0) + 1);
        return acquirer.settle(request, signal);
      },
      refund: (request, signal) => acquirer.refund(request, signal),
      void: (request, signal) => acquirer.void(request, signal),
      movements: (filter) => acquirer.movements(filter),
    };
    const instance = async () => {
      const app = await buildServer({ storage: { kind: 'postgres', connectionString: schema!.env.DATABASE_URL!, poolSize: 4 }, adminToken: ADMIN_TOKEN, demo: true, enrolmentCode: 'DEMO', pruneEveryMs: 0, settleEveryMs: 0, gateway });
      apps.push(app);
      return app;
    };
    const a = await instance();
    const b = await instance();
    const register = await enrolRegister(a);
    const paymentIds: string[] = [];
    for (let round = 0; round < 5; round++) {
      const ops: Operation[] = [];
      for (let i = 0; i < 20; i++) {
        const sale = makeSale({ total: 500, lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 1, unitPrice: 500, taxClass: 'reduced', lineTotal: 500 }] });
        const card = makeOp('offlineCardPayment', 'captured', { id: uuidv4(), orderId: sale.id, amount: 500, currency: 'EUR', cardToken: sealCard(a, TEST_CARDS.approved), last4: '4242', capturedAt: sale.createdAt });
        paymentIds.push(card.entityId);
        ops.push(makeOp('sale', 'completed', sale), ...cardPaymentOps(sale, [card]), card);
      }
      // B pushes (and starts settling after it); A and B settle at the same time.
      await push(b, register, ops);
      await Promise.all([a.hq.payments.settlePending(), b.hq.payments.settlePending()]);
    }
    await Promise.all([a.hq.payments.settlePending(), b.hq.payments.settlePending()]);
    const twice = paymentIds.filter((id) => (asked.get(id) ?? 0) !== 1);
    expect(twice.map((id) => asked.get(id) ?? 0), `${twice.length} of ${paymentIds.length} payments asked for other than once`).toEqual([]);
    const settled = await schema.query<{ n: string }>(`SELECT count(*) AS n FROM offline_card_payments WHERE status = 'settled'`);
    expect(Number(settled[0]!.n)).toBe(paymentIds.length);
    const changes = await schema.query<{ n: string }>(`SELECT count(*) AS n FROM changes WHERE kind = 'cardSettlement'`);
    expect(Number(changes[0]!.n)).toBe(paymentIds.length);
  }, 30_000);

  it('any instance serves any register: enrolled on A, pushing to B, read on A; a revocation on A is refused on B at once and ends its stream on B; a console session works on both', async () => {
    schema = await chainSchema(PG_URL);
    const listen = async () => {
      const app = await buildServer({ storage: { kind: 'postgres', connectionString: schema!.env.DATABASE_URL!, poolSize: 4 }, adminToken: ADMIN_TOKEN, demo: true, enrolmentCode: 'DEMO', pruneEveryMs: 0, settleEveryMs: 0, heartbeatMs: 300 });
      apps.push(app);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    };
    const a = await listen();
    const b = await listen();

    const register = await LightRegister.enrol(a);
    const sale = register.newSale();
    expect(await register.pushUntilAnswered(() => b, sale)).toBe(true);
    expect(register.answers.get(sale.id)).toEqual(['applied']);
    const onA = await json<{ orders: Order[] }>(a, 'GET', `/orders/search?id=${sale.entityId}`, register.auth);
    expect(onA.orders.map((o) => o.id)).toEqual([sale.entityId]);
    // B has now seen the register's token, and holds its realtime stream; A revokes it.
    expect((await call(b, 'POST', '/auth/login', register.auth, { pin: '1234' })).status).toBe(200);
    const stream = new LightStream(b, register.token, 0);
    streams.push(stream);
    await until('the stream on B is open', () => stream.position > 0);
    expect((await call(a, 'DELETE', `/registers/${register.id}`, ADMIN)).status).toBe(204);
    // B ends the revoked register's stream by its next heartbeat (300 ms here), though the revocation was A's.
    await until('the stream on B ends', () => stream.cuts > 0, 2_000);
    stream.close();
    const refused = await call(b, 'POST', '/sync/push', register.auth, { registerId: register.id, ops: [register.newSale()] });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error).toBe('REGISTER_REVOKED');
    expect((await call(b, 'GET', '/sync/changes?since=0', register.auth)).status).toBe(401);

    // The console: signed in on A, a change through B; signed out on A, refused on B.
    const [appA, appB] = apps;
    const session = await signIn(appA!, DEMO_OWNER.email, DEMO_OWNER.password);
    expect((await appB!.inject({ url: '/console/api/session', headers: session.read })).json().user.email).toBe(DEMO_OWNER.email);
    const changed = await appB!.inject({ method: 'POST', url: '/console/api/products/SKU-000001', headers: session.write, payload: { price: 139 } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await appA!.inject({ method: 'POST', url: '/console/api/sign-out', headers: session.write })).statusCode).toBe(204);
    expect((await appB!.inject({ url: '/console/api/session', headers: session.read })).json().user).toBeNull();
  }, 30_000);
});
