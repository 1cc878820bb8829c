import { afterEach, beforeEach, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import type { PushResponse } from '../../../shared/hq/ops';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeMemberPayload, makeOp, makeSale, makeSaleOp, push } from '../test/factories';

describeEachStorage('POST /sync/push', (kind) => {
  let hq: TestHq;
  let register: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind);
    register = await enrolRegister(hq.app);
  });
  afterEach(() => hq.close());

  const counts = async () => ({
    applied: Number((await hq.app.hq.database.read.selectFrom('applied_ops').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    orders: await hq.app.hq.orders.count(),
    head: (await hq.app.hq.feed.state()).headSeq,
  });
  const rawPush = (body: string, headers: Record<string, string> = register.auth) =>
    hq.app.inject({ method: 'POST', url: '/sync/push', headers: { 'content-type': 'application/json', ...headers }, payload: body });

  it('applies a sale and makes it searchable by its number', async () => {
    const op = makeSaleOp({ number: 'S01-R01-1' });
    expect(await push(hq.app, register, [op])).toEqual([{ id: op.id, status: 'applied' }]);
    const res = await hq.app.inject({ url: '/orders/search?number=S01-R01-1', headers: register.auth });
    expect(res.json().orders).toMatchObject([{ id: op.entityId, number: 'S01-R01-1', registerId: register.registerId, total: 258 }]);
  });

  it('applies an operation replayed 100 times exactly once', async () => {
    const op = makeSaleOp();
    const before = await counts();
    const answers = [];
    for (let i = 0; i < 100; i++) answers.push(...(await push(hq.app, register, [op])));
    expect(answers[0]).toEqual({ id: op.id, status: 'applied' });
    expect(answers.slice(1).every((a) => a.status === 'duplicate')).toBe(true);
    const after = await counts();
    expect(after.applied - before.applied).toBe(1);
    expect(after.orders - before.orders).toBe(1);
    expect(after.head - before.head).toBe(1);
  });

  it('rejects the same op id with a different payload as a conflict and keeps the first', async () => {
    const first = makeSaleOp({ total: 258 });
    await push(hq.app, register, [first]);
    const changed = { ...first, payload: { ...first.payload, total: 999 } };
    const [answer] = await push(hq.app, register, [changed]);
    expect(answer).toMatchObject({ id: first.id, status: 'rejected', code: 'CONFLICT' });
    const res = await hq.app.inject({ url: `/orders/search?number=${String(first.payload.number)}`, headers: register.auth });
    expect(res.json().orders.map((o: { total: number }) => o.total)).toEqual([258]);
  });

  it('answers the same op twice in one batch as applied, then duplicate (or conflict when it differs)', async () => {
    const op = makeSaleOp();
    const other = { ...op, payload: { ...op.payload, total: 1 } };
    const answers = await push(hq.app, register, [op, op, other]);
    expect(answers.map((a) => a.status)).toEqual(['applied', 'duplicate', 'rejected']);
    expect(answers[2]).toMatchObject({ code: 'CONFLICT' });
  });

  it('rejects an unknown entity type on its own and applies the rest of the batch', async () => {
    const good = makeSaleOp();
    const unknown = makeOp('giftCard', 'issued', { id: uuidv4(), amount: 500 });
    const answers = await push(hq.app, register, [unknown, good]);
    expect(answers[0]).toMatchObject({ id: unknown.id, status: 'rejected', code: 'UNKNOWN_ENTITY' });
    expect(answers[0]).toHaveProperty('message', expect.stringContaining('giftCard'));
    expect(answers[1]).toEqual({ id: good.id, status: 'applied' });
  });

  it('rejects an invalid payload, an unknown type and an entityId that is not payload.id, leaving no claim so a fixed op can be sent', async () => {
    const badPayload = makeOp('sale', 'completed', { ...makeSale(), total: 1.5 });
    const badType = makeOp('sale', 'voided', makeSale());
    const sale = makeSale();
    const wrongId = makeOp('sale', 'completed', sale, { entityId: 'someone-else' });
    const answers = await push(hq.app, register, [badPayload, badType, wrongId]);
    expect(answers.map((a) => (a.status === 'rejected' ? a.code : a.status))).toEqual(['INVALID_PAYLOAD', 'UNKNOWN_TYPE', 'INVALID_PAYLOAD']);
    const fixed = { ...badPayload, payload: { ...badPayload.payload, total: 2 } };
    expect(await push(hq.app, register, [fixed])).toEqual([{ id: fixed.id, status: 'applied' }]);
  });

  it('refuses a push without a token, with a wrong token, or for another register, changing nothing', async () => {
    const body = JSON.stringify({ registerId: register.registerId, ops: [makeSaleOp()] });
    const before = await counts();
    const missing = await rawPush(body, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ error: 'UNAUTHORIZED', message: expect.stringContaining('Bearer') });
    expect((await rawPush(body, { authorization: 'Bearer not-a-token' })).statusCode).toBe(401);
    expect((await rawPush(body, hq.admin)).statusCode).toBe(401);
    const other = await enrolRegister(hq.app);
    const wrong = await rawPush(body, other.auth);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toBe('WRONG_REGISTER');
    expect(await counts()).toEqual(before);
  });

  it('answers malformed JSON and malformed envelopes with 400 and a message, changing nothing', async () => {
    const before = await counts();
    const malformed = await rawPush('{"registerId": "x", "ops": [');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'MALFORMED_JSON', message: expect.stringContaining('not valid JSON') });
    const noId = { ...makeSaleOp(), id: undefined };
    const notUuid = { ...makeSaleOp(), id: 'op-1' };
    const good = makeSaleOp();
    for (const ops of [[good, noId], [good, notUuid], 'nope']) {
      const res = await rawPush(JSON.stringify({ registerId: register.registerId, ops }));
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('INVALID_INPUT');
    }
    expect((await rawPush(JSON.stringify({ ops: [good] }))).statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('refuses more than 1000 operations or more than 2 MiB with a clear message, changing nothing', async () => {
    const before = await counts();
    const tooMany = await rawPush(JSON.stringify({ registerId: register.registerId, ops: Array.from({ length: 1001 }, () => makeSaleOp()) }));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().message).toContain('at most 1000 operations');
    const name = 'x'.repeat(100);
    const big = Array.from({ length: 1000 }, () => makeSaleOp({ lines: Array.from({ length: 20 }, () => ({ sku: 'SKU-000001', name, quantity: 1, unitPrice: 1, taxClass: 'standard' as const, lineTotal: 1 })) }));
    const body = JSON.stringify({ registerId: register.registerId, ops: big });
    expect(body.length).toBeGreaterThan(2 * 1024 * 1024);
    const tooBig = await rawPush(body);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json()).toMatchObject({ error: 'BODY_TOO_LARGE', message: expect.stringContaining('smaller') });
    expect(await counts()).toEqual(before);
  });

  it('applies a full batch of 1000 operations in one push', async () => {
    const ops = Array.from({ length: 1000 }, () => makeSaleOp());
    const answers = await push(hq.app, register, ops);
    expect(answers.filter((a) => a.status === 'applied')).toHaveLength(1000);
    expect(answers.map((a) => a.id)).toEqual(ops.map((o) => o.id));
  });

  it("feeds a sale to the store's other registers but not back to the register that took it", async () => {
    const other = await enrolRegister(hq.app);
    const { headSeq } = await hq.app.hq.feed.state();
    const op = makeSaleOp();
    await push(hq.app, register, [op]);
    const forOther = await hq.app.inject({ url: `/sync/changes?since=${headSeq}`, headers: other.auth });
    expect(forOther.json().changes).toMatchObject([{ kind: 'order', entityId: op.entityId, data: { number: op.payload.number, registerId: register.registerId } }]);
    const forOrigin = await hq.app.inject({ url: `/sync/changes?since=${headSeq}`, headers: register.auth });
    expect(forOrigin.json()).toMatchObject({ changes: [], nextSeq: headSeq + 1, snapshotRequired: false });
  });

  it('records refunds, payments, points and members; merges a second enrolment of a phone into the first member', async () => {
    const sale = makeSale();
    const member = makeMemberPayload();
    const again = makeMemberPayload({ phone: member.phone, name: 'Same person, other till' });
    const ops = [
      makeOp('sale', 'completed', sale),
      makeOp('payment', 'recorded', { id: uuidv4(), orderId: sale.id, tender: 'cash', amount: 258, status: 'approved', createdAt: sale.createdAt }),
      makeOp('member', 'enrolled', member),
      makeOp('pointLedger', 'appended', { id: uuidv4(), memberId: member.id, delta: 25, reason: 'earn', orderId: sale.id, createdAt: sale.createdAt }),
      makeOp('refund', 'completed', { ...makeSale({ total: -129 }), originalOrderId: sale.id }),
      makeOp('member', 'enrolled', again),
      makeOp('pointLedger', 'appended', { id: uuidv4(), memberId: again.id, delta: -5, reason: 'redeem', orderId: sale.id, createdAt: sale.createdAt }),
    ];
    const answers = await push(hq.app, register, ops);
    expect(answers.map((a) => a.status)).toEqual(Array(7).fill('applied'));
    expect(answers[5]).toMatchObject({ memberId: member.id });
    const balance = await hq.app.inject({ url: `/members/${again.id}/balance`, headers: register.auth });
    expect(balance.json()).toEqual({ memberId: member.id, balance: 20 });
    const refunds = await hq.app.inject({ url: `/orders/search?registerId=${register.registerId}`, headers: hq.admin });
    expect(refunds.json().orders.find((o: { kind: string }) => o.kind === 'refund')).toMatchObject({ originalOrderId: sale.id, total: -129 });
    const replay = await push(hq.app, register, [ops[5]!]);
    expect(replay).toEqual([{ id: ops[5]!.id, status: 'duplicate', memberId: member.id }]);
  });

  it('rejects a point entry for a member HQ does not know, and applies it once the member is uploaded', async () => {
    const member = makeMemberPayload();
    const sale = makeSaleOp();
    await push(hq.app, register, [sale]);
    const entry = makeOp('pointLedger', 'appended', { id: uuidv4(), memberId: member.id, delta: 10, reason: 'earn', orderId: sale.entityId, createdAt: new Date().toISOString() });
    expect((await push(hq.app, register, [entry]))[0]).toMatchObject({ status: 'rejected', code: 'UNKNOWN_MEMBER' });
    expect(await push(hq.app, register, [makeOp('member', 'enrolled', member), entry])).toMatchObject([{ status: 'applied' }, { status: 'applied' }]);
  });

  it('answers with one result per operation in the order sent', async () => {
    const ops = [makeSaleOp(), makeOp('nope', 'x', { id: 'a' }), makeSaleOp()];
    const res = await hq.app.inject({ method: 'POST', url: '/sync/push', headers: register.auth, payload: { registerId: register.registerId, ops } });
    expect(res.json<PushResponse>().results.map((r) => r.id)).toEqual(ops.map((o) => o.id));
  });
});
