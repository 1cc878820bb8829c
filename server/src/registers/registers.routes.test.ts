import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyPin } from '../auth/pin';
import { describeEachStorage, enrolRegister, makeHq, type TestHq } from '../test/harness';

describeEachStorage('enrolment and PIN login', (kind) => {
  let hq: TestHq;
  beforeEach(async () => {
    hq = await makeHq(kind, { enrolmentCode: 'SHOP-7' });
  });
  afterEach(() => hq.close());

  it('enrols a register with the store code, numbering registers R01, R02, and keeps only a hash of the token', async () => {
    const first = await enrolRegister(hq.app, 'SHOP-7');
    const second = await enrolRegister(hq.app, 'SHOP-7');
    expect([first.registerCode, second.registerCode]).toEqual(['R01', 'R02']);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await hq.app.hq.database.read.selectFrom('registers').select(['token_hash']).execute();
    expect(rows.map((r) => r.token_hash)).not.toContain(first.token);
    expect(JSON.stringify(rows)).not.toContain(first.token);
  });

  it('refuses a wrong enrolment code, a taken register code and a malformed body', async () => {
    const wrong = await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: 'DEMO' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ error: 'WRONG_ENROLMENT_CODE', message: expect.stringContaining('enrolment code') });
    const ok = await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: 'SHOP-7', registerCode: 'TILL1' } });
    expect(ok.json().registerCode).toBe('TILL1');
    const taken = await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: 'SHOP-7', registerCode: 'till1' } });
    expect(taken.statusCode).toBe(409);
    const hyphen = await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: 'SHOP-7', registerCode: 'R-1' } });
    expect(hyphen.statusCode).toBe(400);
    const extra = await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: 'SHOP-7', admin: true } });
    expect(extra.statusCode).toBe(400);
  });

  it('logs in Ana (1234) and Max (9999) and answers a PIN hash the register can check offline', async () => {
    const register = await enrolRegister(hq.app, 'SHOP-7');
    const ana = await hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: '1234' } });
    expect(ana.statusCode).toBe(200);
    expect(ana.json().user).toMatchObject({ name: 'Ana', role: 'cashier' });
    const { pinHash } = ana.json<{ pinHash: string }>();
    expect(pinHash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPin('1234', pinHash)).toBe(true);
    expect(await verifyPin('9999', pinHash)).toBe(false);
    const max = await hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: '9999' } });
    expect(max.json().user).toMatchObject({ name: 'Max', role: 'manager' });
  });

  it('answers a wrong PIN with 401 WRONG_PIN, a malformed PIN with 400, and no token with 401', async () => {
    const register = await enrolRegister(hq.app, 'SHOP-7');
    const wrong = await hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: '0000' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('WRONG_PIN');
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: '12' } })).statusCode).toBe(400);
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', payload: { pin: '1234' } })).statusCode).toBe(401);
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: { authorization: 'Bearer nope' }, payload: { pin: '1234' } })).statusCode).toBe(401);
  });

  it('refuses guessing: after the allowed wrong PINs a register gets 429 with Retry-After, even for the right PIN; other registers are unaffected', async () => {
    await hq.close();
    hq = await makeHq(kind, { enrolmentCode: 'SHOP-7', failureLimit: { failures: 3, windowMs: 60_000 } });
    const guesser = await enrolRegister(hq.app, 'SHOP-7');
    const other = await enrolRegister(hq.app, 'SHOP-7');
    const login = (auth: Record<string, string>, pin: string) => hq.app.inject({ method: 'POST', url: '/auth/login', headers: auth, payload: { pin } });
    expect((await login(guesser.auth, '1234')).statusCode).toBe(200);
    for (const pin of ['0001', '0002', '0003']) expect((await login(guesser.auth, pin)).statusCode).toBe(401);
    const refused = await login(guesser.auth, '1234');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'TOO_MANY_ATTEMPTS', message: expect.stringMatching(/Too many wrong PINs/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(other.auth, '1234')).statusCode).toBe(200);
  });

  it('refuses guessing of enrolment codes from one address after the allowed failures', async () => {
    await hq.close();
    hq = await makeHq(kind, { enrolmentCode: 'SHOP-7', failureLimit: { failures: 2, windowMs: 60_000 } });
    const enrol = (code: string) => hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code } });
    expect((await enrol('GUESS1')).statusCode).toBe(403);
    expect((await enrol('GUESS2')).statusCode).toBe(403);
    const refused = await enrol('SHOP-7');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('TOO_MANY_ATTEMPTS');
    expect(await hq.app.hq.database.read.selectFrom('registers').select('id').execute()).toEqual([]);
  });

  it('lets the admin add a store with its own code, and a user who signs in only there', async () => {
    const store = await hq.app.inject({ method: 'POST', url: '/stores', headers: hq.admin, payload: { code: 'S02', name: 'Second Street', currency: 'EUR', enrolmentCode: 'SECOND-STREET' } });
    expect(store.statusCode).toBe(200);
    const user = await hq.app.inject({ method: 'POST', url: '/users', headers: hq.admin, payload: { name: 'Sam', role: 'cashier', pin: '4321', storeId: store.json().id } });
    expect(user.statusCode).toBe(201);
    const there = await enrolRegister(hq.app, 'SECOND-STREET');
    const here = await enrolRegister(hq.app, 'SHOP-7');
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: there.auth, payload: { pin: '4321' } })).json().user.name).toBe('Sam');
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: here.auth, payload: { pin: '4321' } })).statusCode).toBe(401);
    expect((await hq.app.inject({ method: 'POST', url: '/stores', payload: { code: 'S03' } })).statusCode).toBe(401);
    const registers = await hq.app.inject({ url: '/registers', headers: hq.admin });
    expect(registers.json().registers).toHaveLength(2);
  });
});
