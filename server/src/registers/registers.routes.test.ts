import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('counts a PIN attempt before checking it: 40 wrong PINs at once get at most the limit of 401s, the rest 429 with Retry-After', async () => {
    const register = await enrolRegister(hq.app, 'SHOP-7');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: String(100_000 + i) } })),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    for (const refused of answers.filter((a) => a.statusCode === 429)) expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: '1234' } })).statusCode).toBe(429);
  });

  it('a right PIN does not wipe the wrong ones before it: 4 wrong and 1 right, over and over, still reaches the limit', async () => {
    const register = await enrolRegister(hq.app, 'SHOP-7');
    const login = (pin: string) => hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin } });
    const statuses: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 4; i++) statuses.push((await login(`55${round}${i}`)).statusCode);
      statuses.push((await login('1234')).statusCode);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  });

  it('limits PIN attempts on one user across registers when the register names the user', async () => {
    await hq.close();
    hq = await makeHq(kind, { enrolmentCode: 'SHOP-7', failureLimit: { failures: 3, windowMs: 60_000 } });
    const users = await hq.app.hq.database.read.selectFrom('users').select(['id', 'name']).execute();
    const ana = users.find((u) => u.name === 'Ana')!;
    const registers = [];
    for (let i = 0; i < 4; i++) registers.push(await enrolRegister(hq.app, 'SHOP-7'));
    const statuses = await Promise.all(registers.map((r, i) => hq.app.inject({ method: 'POST', url: '/auth/login', headers: r.auth, payload: { pin: `000${i}`, userId: ana.id } })));
    expect(statuses.map((s) => s.statusCode).sort()).toEqual([401, 401, 401, 429]);
  });

  it('counts an enrolment attempt before checking the code: 10 wrong codes at once from one address get the limit of 403s, the rest 429', async () => {
    await hq.close();
    hq = await makeHq(kind, { enrolmentCode: 'SHOP-7', failureLimit: { failures: 2, windowMs: 60_000 } });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: `GUESS${i}` } })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([403, 403, 429, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('refuses a PIN another user of the same store already has (409 PIN_TAKEN), and allows it at another store', async () => {
    const demoStore = (await hq.app.hq.database.read.selectFrom('stores').select('id').where('code', '=', 'S01').executeTakeFirstOrThrow()).id;
    const addUser = (pin: string, storeId: string | null) => hq.app.inject({ method: 'POST', url: '/users', headers: hq.admin, payload: { name: 'Eve', role: 'cashier', pin, storeId } });
    const taken = await addUser('1234', demoStore);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: 'PIN_TAKEN', message: expect.stringContaining('already has this PIN') });
    expect((await addUser('9999', null)).json().error).toBe('PIN_TAKEN');
    const other = await hq.app.inject({ method: 'POST', url: '/stores', headers: hq.admin, payload: { code: 'S02', name: 'Second', currency: 'EUR', enrolmentCode: 'SECOND-STREET' } });
    expect((await addUser('1234', other.json().id)).statusCode).toBe(201);
    expect((await addUser('1234', other.json().id)).json().error).toBe('PIN_TAKEN');
    const twins = await Promise.all([addUser('7777', demoStore), addUser('7777', demoStore)]);
    expect(twins.map((t) => t.statusCode).sort()).toEqual([201, 409]);
    const users = await hq.app.hq.database.read.selectFrom('users').select('name').execute();
    expect(users).toHaveLength(3 + 2);
  });

  it("makes a store's own code one-time by default: the second register gets 410 ENROLMENT_CODE_USED; the demo code stays reusable", async () => {
    await hq.app.inject({ method: 'POST', url: '/stores', headers: hq.admin, payload: { code: 'S02', name: 'Second', currency: 'EUR', enrolmentCode: 'SECOND-STREET' } });
    expect((await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: 'SECOND-STREET' } })).statusCode).toBe(201);
    const again = await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: 'SECOND-STREET' } });
    expect(again.statusCode).toBe(410);
    expect(again.json()).toMatchObject({ error: 'ENROLMENT_CODE_USED', message: expect.stringContaining('Ask HQ for a new one') });
    for (let i = 0; i < 3; i++) await enrolRegister(hq.app, 'SHOP-7');
  });

  it('issues enrolment codes with a number of uses and an expiry; a code used up or expired gets 410, and racing registers cannot overuse it', async () => {
    const storeId = (await hq.app.hq.database.read.selectFrom('stores').select('id').executeTakeFirstOrThrow()).id;
    const issue = (body: object) => hq.app.inject({ method: 'POST', url: `/stores/${storeId}/enrolment-codes`, headers: hq.admin, payload: body });
    const one = await issue({});
    expect(one.statusCode).toBe(201);
    expect(one.json()).toMatchObject({ code: expect.stringMatching(/^[A-Z2-9]{12}$/), storeId, maxUses: 1, expiresAt: null });
    const raced = await Promise.all(Array.from({ length: 5 }, () => hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: one.json().code } })));
    expect(raced.map((r) => r.statusCode).sort()).toEqual([201, 410, 410, 410, 410]);

    const three = (await issue({ maxUses: 3, ttlSeconds: 3600 })).json();
    expect(Date.parse(three.expiresAt)).toBeGreaterThan(Date.now() + 3_500_000);
    for (let i = 0; i < 3; i++) await enrolRegister(hq.app, three.code);
    expect((await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: three.code } })).json().error).toBe('ENROLMENT_CODE_USED');

    const soon = (await issue({ maxUses: null, ttlSeconds: 60 })).json();
    await enrolRegister(hq.app, soon.code);
    await hq.app.hq.database.db.updateTable('enrolment_codes').set({ expires_at: Date.now() - 1 }).where('expires_at', 'is not', null).execute();
    const expired = await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: soon.code } });
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error).toBe('ENROLMENT_CODE_EXPIRED');

    expect((await issue({ ttlSeconds: 60, expiresAt: new Date(Date.now() + 60_000).toISOString() })).statusCode).toBe(400);
    expect((await issue({ expiresAt: '2000-01-01T00:00:00Z' })).statusCode).toBe(400);
    expect((await issue({ maxUses: 0 })).statusCode).toBe(400);
    expect((await hq.app.inject({ method: 'POST', url: '/stores/nope/enrolment-codes', headers: hq.admin, payload: {} })).statusCode).toBe(404);
    expect((await hq.app.inject({ method: 'POST', url: `/stores/${storeId}/enrolment-codes`, payload: {} })).statusCode).toBe(401);
  });

  it('revokes a device token (DELETE /registers/:id): the register then gets 401 REGISTER_REVOKED everywhere, other registers carry on', async () => {
    const revoked = await enrolRegister(hq.app, 'SHOP-7');
    const other = await enrolRegister(hq.app, 'SHOP-7');
    const login = (auth: Record<string, string>) => hq.app.inject({ method: 'POST', url: '/auth/login', headers: auth, payload: { pin: '1234' } });
    expect((await login(revoked.auth)).statusCode).toBe(200); // its token is now in HQ's cache
    expect((await hq.app.inject({ method: 'DELETE', url: `/registers/${revoked.registerId}` })).statusCode).toBe(401);
    expect((await hq.app.inject({ method: 'DELETE', url: `/registers/${revoked.registerId}`, headers: other.auth })).statusCode).toBe(401);
    expect((await hq.app.inject({ method: 'DELETE', url: `/registers/${revoked.registerId}`, headers: hq.admin })).statusCode).toBe(204);
    expect((await hq.app.inject({ method: 'DELETE', url: `/registers/${revoked.registerId}`, headers: hq.admin })).statusCode).toBe(204);
    expect((await hq.app.inject({ method: 'DELETE', url: '/registers/nope', headers: hq.admin })).json().error).toBe('UNKNOWN_REGISTER');
    const refused = await login(revoked.auth);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'REGISTER_REVOKED', message: expect.stringContaining('enrol it again') });
    const pushed = await hq.app.inject({ method: 'POST', url: '/sync/push', headers: revoked.auth, payload: { registerId: revoked.registerId, ops: [] } });
    expect(pushed.json().error).toBe('REGISTER_REVOKED');
    expect((await hq.app.inject({ url: '/sync/changes?since=0', headers: revoked.auth })).json().error).toBe('REGISTER_REVOKED');
    expect((await login(other.auth)).statusCode).toBe(200);
    const listed = (await hq.app.inject({ url: '/registers', headers: hq.admin })).json().registers as { id: string; revokedAt: string | null }[];
    expect(listed.find((r) => r.id === revoked.registerId)!.revokedAt).toEqual(expect.any(String));
    expect(listed.find((r) => r.id === other.registerId)!.revokedAt).toBeNull();
  });

  it("ends the realtime stream a register holds open when it is revoked, and no other register's", async () => {
    await hq.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = hq.app.server.address() as AddressInfo;
    const open = (auth: Record<string, string>) =>
      new Promise<{ ended: Promise<void>; request: http.ClientRequest }>((resolve) => {
        const request = http.get({ host: '127.0.0.1', port, path: '/sync/stream', headers: auth, agent: false }, (res) => {
          const ended = new Promise<void>((done) => res.on('end', done).on('close', done));
          res.once('data', () => resolve({ ended, request }));
        });
      });
    const revoked = await enrolRegister(hq.app, 'SHOP-7');
    const other = await enrolRegister(hq.app, 'SHOP-7');
    const [revokedStream, otherStream] = await Promise.all([open(revoked.auth), open(other.auth)]);
    let otherEnded = false;
    void otherStream.ended.then(() => (otherEnded = true));
    expect((await hq.app.inject({ method: 'DELETE', url: `/registers/${revoked.registerId}`, headers: hq.admin })).statusCode).toBe(204);
    await revokedStream.ended;
    expect(otherEnded).toBe(false);
    expect(hq.app.hq.streams.size).toBe(1);
    otherStream.request.destroy();
  });
});
