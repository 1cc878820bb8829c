import { afterEach, beforeEach, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeMemberPayload, makeOp, makeSaleOp, push } from '../test/factories';

describeEachStorage('members', (kind) => {
  let hq: TestHq;
  let register: TestRegister;
  beforeEach(async () => {
    hq = await makeHq(kind);
    register = await enrolRegister(hq.app);
  });
  afterEach(() => hq.close());

  const create = (payload: object) => hq.app.inject({ method: 'POST', url: '/members', headers: register.auth, payload });
  const get = (url: string) => hq.app.inject({ url, headers: register.auth });

  it('enrols a member with a normalised phone and finds them by phone or card', async () => {
    const res = await create({ name: 'Jo Park', phone: '+49 (170) 555-0101', card: 'CARD0101' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Jo Park', phone: '+491705550101', card: 'CARD0101' });
    const byPhone = await get('/members/lookup?phone=%2B49%20170%205550101');
    expect(byPhone.json()).toMatchObject({ member: { id: res.json().id }, balance: 0 });
    expect((await get('/members/lookup?card=CARD0101')).json().member.id).toBe(res.json().id);
  });

  it('detects a duplicate phone (409 with the existing id) and a duplicate card', async () => {
    const first = await create({ name: 'Jo', phone: '+491705550102' });
    const again = await create({ name: 'Joanna', phone: '+49 170 5550102' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'DUPLICATE_PHONE', details: { memberId: first.json().id } });
    await create({ name: 'A', phone: '+491705550103', card: 'SAMECARD' });
    expect((await create({ name: 'B', phone: '+491705550104', card: 'SAMECARD' })).json().error).toBe('DUPLICATE_CARD');
  });

  it('validates the phone and the lookup query', async () => {
    const bad = await create({ name: 'Jo', phone: '12' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('phone');
    expect((await create({ name: '', phone: '+491705550105' })).statusCode).toBe(400);
    expect((await get('/members/lookup')).statusCode).toBe(400);
    expect((await get('/members/lookup?phone=%2B491705550105&card=X1234')).statusCode).toBe(400);
    expect((await get('/members/lookup?phone=%2B491700000000')).statusCode).toBe(404);
    expect((await hq.app.inject({ url: '/members/lookup?phone=%2B4915112345678' })).statusCode).toBe(401);
  });

  it('answers the balance as the sum of the point ledger', async () => {
    const member = makeMemberPayload();
    const sale = makeSaleOp();
    const entry = (delta: number, reason: string) => makeOp('pointLedger', 'appended', { id: uuidv4(), memberId: member.id, delta, reason, orderId: sale.entityId, createdAt: new Date().toISOString() });
    await push(hq.app, register, [makeOp('member', 'enrolled', member), sale, entry(100, 'earn'), entry(-30, 'redeem')]);
    const adjust = await hq.app.inject({ method: 'POST', url: `/admin/members/${member.id}/points`, headers: hq.admin, payload: { id: uuidv4(), delta: 5, note: 'goodwill' } });
    expect(adjust.json()).toEqual({ memberId: member.id, balance: 75 });
    expect((await get(`/members/${member.id}/balance`)).json()).toEqual({ memberId: member.id, balance: 75 });
    expect((await get('/members/nobody/balance')).statusCode).toBe(404);
    expect((await get(`/members/lookup?phone=${encodeURIComponent(member.phone)}`)).json().balance).toBe(75);
  });
});
