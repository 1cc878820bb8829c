import { sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Operation, OpResult, PushResponse } from '../../../shared/hq/ops';
import { preparingPool } from '../db/database';
import { describeEachStorage, enrolRegister, makeHq, POSTGRES_SKIP_REASON, type TestHq, type TestRegister } from '../test/harness';
import { makeOp, makeSaleOp } from '../test/factories';

const REGISTERS = 50;
const SALES_PER_REGISTER = 3;

/** A sale and its cash payment, as a register sends them in one push. */
function saleWithPayment(amount: number): Operation[] {
  const sale = makeSaleOp({ total: amount, lines: [{ sku: 'SKU-000001', name: 'Meadowmere Whole Milk 1 L', quantity: 1, unitPrice: amount, taxClass: 'reduced', lineTotal: amount }] });
  const payment = makeOp('payment', 'recorded', { id: uuidv7(), orderId: sale.entityId, tender: 'cash', amount, status: 'approved', createdAt: new Date().toISOString() });
  return [sale, payment];
}

interface Sent {
  register: TestRegister;
  ops: Operation[];
}

const send = (hq: TestHq, { register, ops }: Sent) => hq.app.inject({ method: 'POST', url: '/sync/push', headers: register.auth, payload: { registerId: register.registerId, ops } });

describeEachStorage('pushes committed in groups', (kind) => {
  let hq: TestHq;
  beforeEach(async () => {
    hq = await makeHq(kind);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await hq.close();
  });

  it('50 registers pushing at once, some the same batch twice at once, get every sale on HQ exactly once, in fewer transactions than requests', async () => {
    const registers: TestRegister[] = [];
    for (let i = 0; i < REGISTERS; i++) registers.push(await enrolRegister(hq.app));
    const requests: Sent[] = [];
    let pushed = 0;
    registers.forEach((register, r) => {
      for (let s = 0; s < SALES_PER_REGISTER; s++) {
        const amount = 100 + ((r * 7 + s * 13) % 900);
        pushed += amount;
        requests.push({ register, ops: saleWithPayment(amount) });
      }
    });
    // Every fifth register's first push is sent twice at once (a till that retried before its answer came).
    const repeated = requests.filter((_, i) => i % (SALES_PER_REGISTER * 5) === 0).map((r) => ({ register: r.register, ops: r.ops }));
    const { headSeq: headBefore } = await hq.app.hq.feed.state();
    const before = hq.app.hq.push.groups;

    const answers = await Promise.all([...requests, ...repeated].map((r) => send(hq, r)));

    const statuses = new Map<string, OpResult['status'][]>();
    for (const answer of answers) {
      expect(answer.statusCode, answer.body).toBe(200);
      for (const result of answer.json<PushResponse>().results) statuses.set(result.id, [...(statuses.get(result.id) ?? []), result.status]);
    }
    const sentOps = requests.flatMap((r) => r.ops);
    expect(statuses.size).toBe(sentOps.length);
    for (const op of sentOps) {
      const got = statuses.get(op.id)!;
      expect(got.filter((s) => s === 'applied'), `${op.entity} ${op.id}: ${got.join(',')}`).toHaveLength(1);
      expect(got.every((s) => s === 'applied' || s === 'duplicate'), `${op.entity} ${op.id}: ${got.join(',')}`).toBe(true);
    }

    const db = hq.app.hq.database.read;
    const sales = REGISTERS * SALES_PER_REGISTER;
    const orders = await db.selectFrom('orders').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('total').as('total')]).executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBe(sales);
    expect(Number(orders.total)).toBe(pushed);
    const payments = await db.selectFrom('payments').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('amount').as('amount')]).executeTakeFirstOrThrow();
    expect(Number(payments.n)).toBe(sales);
    expect(Number(payments.amount)).toBe(pushed);
    // The console's takings were rewritten with every group's payments.
    const takings = await db.selectFrom('takings_daily').select((eb) => [eb.fn.sum<number>('sales').as('sales'), eb.fn.sum<number>('orders').as('orders')]).executeTakeFirstOrThrow();
    expect(Number(takings.sales)).toBe(pushed);
    expect(Number(takings.orders)).toBe(sales);
    const seen = await db.selectFrom('registers').select('last_seen_at').where('id', 'in', registers.map((r) => r.registerId)).execute();
    expect(seen.every((r) => r.last_seen_at !== null)).toBe(true);

    // The feed holds each order once, numbered without gaps.
    const changes = await db.selectFrom('changes').select(['seq', 'entity_id']).where('kind', '=', 'order').where('seq', '>', headBefore).orderBy('seq').execute();
    expect(new Set(changes.map((c) => c.entity_id))).toEqual(new Set(requests.map((r) => r.ops[0]!.entityId)));
    expect(changes.map((c) => c.seq)).toEqual(Array.from({ length: sales }, (_, i) => headBefore + 1 + i));
    expect((await hq.app.hq.feed.state()).headSeq).toBe(headBefore + sales);

    // Fewer commits than requests: requests that arrived together shared a transaction.
    const after = hq.app.hq.push.groups;
    expect(after.requests - before.requests).toBe(answers.length);
    expect(after.groups - before.groups).toBeLessThan(answers.length / 2);
    if (kind === 'postgres') {
      // Rows written by one transaction carry its id (xmin): the orders came from fewer transactions than requests.
      const { rows } = await sql<{ n: number }>`SELECT COUNT(DISTINCT xmin::text)::int AS n FROM orders`.execute(db);
      expect(rows[0]!.n).toBeLessThan(sales / 2);
    }
  });

  it('a push that fails unexpectedly fails alone: the others of its group are applied and answered', async () => {
    const registers: TestRegister[] = [];
    for (let i = 0; i < hq.app.hq.push.limits.inFlight + 10; i++) registers.push(await enrolRegister(hq.app));
    const blockers = registers.slice(0, hq.app.hq.push.limits.inFlight);
    const grouped = registers.slice(hq.app.hq.push.limits.inFlight);
    const faulty = grouped[4]!;
    const service = hq.app.hq.push as unknown as { apply: (tx: unknown, work: unknown, register: { id: string }, ...rest: unknown[]) => Promise<unknown> };
    const apply = service.apply.bind(service);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    vi.spyOn(service, 'apply').mockImplementation(async (tx, work, register, ...rest) => {
      if (blockers.some((b) => b.registerId === register.id)) await gate;
      if (register.id === faulty.registerId) throw new Error('the orders table is out of reach');
      return apply(tx, work, register, ...rest);
    });
    const start = hq.app.hq.push.groups;

    // The blockers hold every group slot (one group each), so the ten pushes after them wait and go together in one group.
    const blocked: ReturnType<typeof send>[] = [];
    let answers: ReturnType<typeof send>[] = [];
    const sent = grouped.map((register) => ({ register, ops: saleWithPayment(300) }));
    try {
      for (const [i, register] of blockers.entries()) {
        blocked.push(send(hq, { register, ops: saleWithPayment(500) }));
        await vi.waitFor(() => expect(hq.app.hq.push.groups.groups - start.groups).toBe(i + 1));
      }
      answers = sent.map((s) => send(hq, s));
      await vi.waitFor(() => expect(hq.app.hq.push.groups.waiting).toBe(grouped.length));
    } finally {
      open();
    }
    for (const answer of await Promise.all(blocked)) expect(answer.statusCode).toBe(200);

    const done = await Promise.all(answers);
    const db = hq.app.hq.database.read;
    for (const [i, answer] of done.entries()) {
      const { register, ops } = sent[i]!;
      if (register === faulty) {
        expect(answer.statusCode).toBe(500);
        expect(await db.selectFrom('orders').select('id').where('id', '=', ops[0]!.entityId).executeTakeFirst()).toBeUndefined();
        expect(await db.selectFrom('applied_ops').select('op_id').where('register_id', '=', register.registerId).execute()).toEqual([]);
        continue;
      }
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json<PushResponse>().results.map((r) => r.status)).toEqual(['applied', 'applied']);
    }
    const end = hq.app.hq.push.groups;
    expect(end.groups - start.groups).toBe(blockers.length + 1);
    expect(end.split - start.split).toBe(1);
    expect(await hq.app.hq.orders.count()).toBe(blockers.length + grouped.length - 1);

    // Once the fault is gone, the register's retry is applied.
    vi.restoreAllMocks();
    const retry = await send(hq, sent[4]!);
    expect(retry.json<PushResponse>().results.map((r) => r.status)).toEqual(['applied', 'applied']);
  });

  it('answers a push only once its rows are committed: another connection sees them when the answer arrives', async () => {
    const registers: TestRegister[] = [];
    for (let i = 0; i < 20; i++) registers.push(await enrolRegister(hq.app));
    const db = hq.app.hq.database.read;
    const checks = registers.map(async (register) => {
      const ops = saleWithPayment(250);
      const answer = await send(hq, { register, ops });
      expect(answer.statusCode).toBe(200);
      const order = await db.selectFrom('orders').select('id').where('id', '=', ops[0]!.entityId).executeTakeFirst();
      const payment = await db.selectFrom('payments').select('id').where('id', '=', ops[1]!.entityId).executeTakeFirst();
      return Boolean(order) && Boolean(payment);
    });
    expect(await Promise.all(checks)).toEqual(registers.map(() => true));
  });
});

describe.skipIf(POSTGRES_SKIP_REASON !== null)('named statements on PostgreSQL', () => {
  const url = process.env.KASSA_TEST_DATABASE_URL!;

  it('HQ runs its pushes with named statements', async () => {
    const hq = await makeHq('postgres');
    try {
      const register = await enrolRegister(hq.app);
      for (let i = 0; i < 3; i++) expect((await send(hq, { register, ops: saleWithPayment(120) })).statusCode).toBe(200);
      // Every connection of the pool at once, so the one that ran the pushes answers too.
      const seen = await Promise.all(
        Array.from({ length: 12 }, () => sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements, pg_sleep(0.05)`.execute(hq.app.hq.database.db)),
      );
      const statements = seen.flatMap((r) => r.rows.map((row) => row.statement));
      expect(statements.some((s) => s.includes('insert into "applied_ops"'))).toBe(true);
      expect(statements.some((s) => s.includes('insert into "orders"'))).toBe(true);
    } finally {
      await hq.close();
    }
  });

  it('names at most the set number of statements per connection, and none with a long parameter list', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const wrapped = preparingPool(pool, 3, 4);
    const client = await wrapped.connect();
    try {
      for (let i = 0; i < 6; i++) {
        const { rows } = await client.query<{ n: number }>(`SELECT $1::int + ${i} AS n`, [1]);
        expect(rows[0]!.n).toBe(1 + i);
      }
      // The first text again: still named, still right.
      expect((await client.query<{ n: number }>('SELECT $1::int + 0 AS n', [5])).rows[0]!.n).toBe(5);
      const { rows } = await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY statement', []);
      expect(rows.map((r) => r.statement)).toEqual(['SELECT $1::int + 0 AS n', 'SELECT $1::int + 1 AS n', 'SELECT $1::int + 2 AS n']);
    } finally {
      client.release();
    }
    const other = await preparingPool(pool, 10, 4).connect();
    try {
      expect((await other.query<{ n: number }>('SELECT $1::int + $2::int + $3::int + $4::int + $5::int AS n', [1, 2, 3, 4, 5])).rows[0]!.n).toBe(15);
      const { rows: after } = await other.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements', []);
      expect(after.some((r) => r.statement.includes('$5'))).toBe(false);
    } finally {
      other.release();
      await pool.end();
    }
  });
});
