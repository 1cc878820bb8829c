import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Operation, OpResult } from '../../../shared/hq/ops';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeSaleOp } from '../test/factories';

const REGISTERS = 8;
const OPS_PER_REGISTER = 240;
const SHARED_OPS = 40;

/** A seeded generator, so a failing run can be repeated. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32;
  };
}

describeEachStorage('concurrent pushes', (kind) => {
  let hq: TestHq;
  beforeEach(async () => {
    hq = await makeHq(kind);
  });
  afterEach(() => hq.close());

  it('8 registers pushing overlapping batches in parallel, with lost answers retried, apply every operation exactly once', async () => {
    const registers: TestRegister[] = [];
    for (let i = 0; i < REGISTERS; i++) registers.push(await enrolRegister(hq.app));
    // Operations every register also sends (as after restoring one backup onto several tills): the first push wins.
    const shared = Array.from({ length: SHARED_OPS }, () => makeSaleOp());
    const own = registers.map(() => Array.from({ length: OPS_PER_REGISTER }, () => makeSaleOp()));
    const outcomes = new Map<string, OpResult['status'][]>();
    const { headSeq: headBefore } = await hq.app.hq.feed.state();

    const run = async (register: TestRegister, r: number) => {
      const next = random(r + 1);
      const ops: Operation[] = [...own[r]!];
      shared.forEach((op, i) => ops.splice(Math.floor((i * ops.length) / shared.length), 0, op));
      // Overlapping windows: each batch re-sends the tail of the previous one, as an outbox does after a lost answer.
      for (let start = 0; start < ops.length; ) {
        const size = 20 + Math.floor(next() * 60);
        const batch = ops.slice(Math.max(0, start - Math.floor(next() * 15)), start + size);
        let attempts = 0;
        for (;;) {
          attempts++;
          const res = await hq.app.inject({ method: 'POST', url: '/sync/push', headers: register.auth, payload: { registerId: register.registerId, ops: batch } });
          expect(res.statusCode, res.body).toBe(200);
          const results = res.json<{ results: OpResult[] }>().results;
          for (const result of results) outcomes.set(result.id, [...(outcomes.get(result.id) ?? []), result.status]);
          // The answer is "lost" a third of the time: the register sends the same batch again.
          if (attempts >= 3 || next() > 0.33) break;
        }
        start += size;
      }
    };
    await Promise.all(registers.map((register, r) => run(register, r)));

    const sent = new Set([...shared, ...own.flat()].map((op) => op.id));
    expect(outcomes.size).toBe(sent.size);
    for (const [id, statuses] of outcomes) {
      expect(statuses.filter((s) => s === 'applied'), `op ${id}: ${statuses.join(',')}`).toHaveLength(1);
      expect(statuses.every((s) => s === 'applied' || s === 'duplicate'), `op ${id}: ${statuses.join(',')}`).toBe(true);
    }
    const db = hq.app.hq.database.read;
    const applied = await db.selectFrom('applied_ops').select('op_id').execute();
    expect(new Set(applied.map((a) => a.op_id))).toEqual(sent);
    expect(await hq.app.hq.orders.count()).toBe(sent.size);
    const orderChanges = await db.selectFrom('changes').select(['seq', 'entity_id']).where('kind', '=', 'order').where('seq', '>', headBefore).orderBy('seq').execute();
    expect(orderChanges).toHaveLength(sent.size);
    expect(new Set(orderChanges.map((c) => c.entity_id)).size).toBe(sent.size);
    // Sequence numbers are gap-free and strictly increasing.
    const { headSeq } = await hq.app.hq.feed.state();
    expect(orderChanges.map((c) => c.seq)).toEqual(Array.from({ length: sent.size }, (_, i) => headBefore + 1 + i));
    expect(headSeq).toBe(headBefore + sent.size);
  });
});
