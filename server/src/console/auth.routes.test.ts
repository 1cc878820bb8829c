import { afterEach, beforeEach, expect, it } from 'vitest';
import { CONSOLE_COOKIE, CSRF_HEADER } from '../../../shared/hq/console';
import { silentLogger } from '../logger';
import { prepareFirstOwner } from './first-owner';
import { describeEachStorage, makeHq, type TestHq } from '../test/harness';
import { addConsoleUser, consoleSession, signIn, TEST_PASSWORD } from '../test/console';

describeEachStorage('console sign-in', (kind) => {
  let hq: TestHq;
  beforeEach(async () => {
    // No demo: HQ starts with no owner and a setup link.
    hq = await makeHq(kind, { demo: false, consoleFailureLimit: { failures: 3, windowMs: 60_000 } });
  });
  afterEach(() => hq.close());

  it('creates the first owner once, from the setup link only, signed in with an HttpOnly SameSite=Strict cookie', async () => {
    const token = hq.app.hq.console.setupToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const before = await hq.app.inject({ method: 'GET', url: '/console/api/session' });
    expect(before.json()).toEqual({ user: null, csrf: null, setupNeeded: true });

    const wrong = await hq.app.inject({ method: 'POST', url: '/console/api/setup', payload: { token: 'x'.repeat(32), email: 'a@b.test', name: 'A', password: 'long enough pw' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error).toBe('SETUP_LINK_INVALID');

    const done = await hq.app.inject({ method: 'POST', url: '/console/api/setup', payload: { token, email: 'Owner@Shop.test', name: 'Olga', password: 'long enough pw' } });
    expect(done.statusCode).toBe(201);
    expect(done.json().user).toMatchObject({ email: 'owner@shop.test', role: 'owner' });
    const cookie = String(done.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${CONSOLE_COOKIE}=[A-Za-z0-9_-]{43}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=43200$`));

    const again = await hq.app.inject({ method: 'POST', url: '/console/api/setup', payload: { token, email: 'x@shop.test', name: 'X', password: 'long enough pw' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('SETUP_DONE');

    const session = await hq.app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie: cookie.split(';')[0]! } });
    expect(session.json()).toMatchObject({ user: { email: 'owner@shop.test' }, csrf: done.json().csrf, setupNeeded: false });
    const audit = await hq.app.hq.database.read.selectFrom('audit_log').selectAll().execute();
    expect(audit.map((a) => a.action)).toContain('console-user.first-owner');
  });

  it('keeps only hashes: no password, session secret or setup token is in the database', async () => {
    const token = hq.app.hq.console.setupToken!;
    const done = await hq.app.inject({ method: 'POST', url: '/console/api/setup', payload: { token, email: 'o@shop.test', name: 'O', password: 'a secret password' } });
    const secret = String(done.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
    const db = hq.app.hq.database.read;
    const dump = JSON.stringify([await db.selectFrom('console_users').selectAll().execute(), await db.selectFrom('console_sessions').selectAll().execute(), await db.selectFrom('console_setup').selectAll().execute(), await db.selectFrom('audit_log').selectAll().execute()]);
    for (const plain of ['a secret password', secret, token]) expect(dump).not.toContain(plain);
    expect(dump).toContain('scrypt$');
  });

  it('refuses a wrong password, then locks the email out after the limit even with the right one, counting attempts sent at once', async () => {
    await addConsoleUser(hq.app, { email: 'm@shop.test', role: 'owner' });
    const attempts = await Promise.all(Array.from({ length: 6 }, () => hq.app.inject({ method: 'POST', url: '/console/api/sign-in', payload: { email: 'm@shop.test', password: 'wrong wrong wrong' } })));
    const statuses = attempts.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expect(attempts.find((a) => a.statusCode === 401)!.json().error).toBe('WRONG_PASSWORD');
    const right = await hq.app.inject({ method: 'POST', url: '/console/api/sign-in', payload: { email: 'm@shop.test', password: TEST_PASSWORD } });
    expect(right.statusCode).toBe(429);
    expect(right.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('answers an unknown email exactly as a wrong password', async () => {
    const unknown = await hq.app.inject({ method: 'POST', url: '/console/api/sign-in', payload: { email: 'nobody@shop.test', password: 'whatever it is' } });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error).toBe('WRONG_PASSWORD');
  });

  it('needs the session CSRF token on every change, not on reads, and ends the session at sign-out', async () => {
    const owner = await consoleSession(hq.app, 'owner');
    const read = await hq.app.inject({ method: 'GET', url: '/console/api/stores', headers: owner.read });
    expect(read.statusCode).toBe(200);
    const payload = { code: 'S02', name: 'Second', currency: 'EUR' };
    const noToken = await hq.app.inject({ method: 'POST', url: '/console/api/stores', headers: owner.read, payload });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error).toBe('CSRF_TOKEN_INVALID');
    const otherToken = await hq.app.inject({ method: 'POST', url: '/console/api/stores', headers: { ...owner.read, [CSRF_HEADER]: 'A'.repeat(32) }, payload });
    expect(otherToken.statusCode).toBe(403);
    const ok = await hq.app.inject({ method: 'POST', url: '/console/api/stores', headers: owner.write, payload });
    expect(ok.statusCode).toBe(201);
    const out = await hq.app.inject({ method: 'POST', url: '/console/api/sign-out', headers: owner.write });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await hq.app.inject({ method: 'GET', url: '/console/api/stores', headers: owner.read });
    expect(after.statusCode).toBe(401);
    expect(after.json().error).toBe('SIGN_IN_NEEDED');
  });

  it('lets only owners manage console users, never removes the last owner, and ends a changed user\'s sessions', async () => {
    const owner = await consoleSession(hq.app, 'owner');
    const manager = await consoleSession(hq.app, 'store-manager', []);
    const forbidden = await hq.app.inject({ method: 'GET', url: '/console/api/users', headers: manager.read });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toBe('FORBIDDEN');
    const last = await hq.app.inject({ method: 'POST', url: `/console/api/users/${owner.user.id}`, headers: owner.write, payload: { active: false } });
    expect(last.statusCode).toBe(409);
    expect(last.json().error).toBe('LAST_OWNER');
    const demote = await hq.app.inject({ method: 'POST', url: `/console/api/users/${manager.user.id}`, headers: owner.write, payload: { active: false } });
    expect(demote.statusCode).toBe(200);
    const gone = await hq.app.inject({ method: 'GET', url: '/console/api/stores', headers: manager.read });
    expect(gone.statusCode).toBe(401);
    await expect(signIn(hq.app, manager.user.email)).rejects.toThrow(/401/);
    const unknownStore = await hq.app.inject({ method: 'POST', url: '/console/api/users', headers: owner.write, payload: { email: 'z@shop.test', name: 'Z', role: 'store-manager', storeIds: ['nope'], password: 'long enough pw' } });
    expect(unknownStore.statusCode).toBe(400);
    const audit = await hq.app.hq.database.read.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'console-user.change').execute();
    expect(audit).toHaveLength(1);
  });

  it('keeps one owner when two owners remove each other at the same moment', async () => {
    const a = await consoleSession(hq.app, 'owner', [], 'a@shop.test');
    const b = await consoleSession(hq.app, 'owner', [], 'b@shop.test');
    const [byA, byB] = await Promise.all([
      hq.app.inject({ method: 'POST', url: `/console/api/users/${b.user.id}`, headers: a.write, payload: { active: false } }),
      hq.app.inject({ method: 'POST', url: `/console/api/users/${a.user.id}`, headers: b.write, payload: { active: false } }),
    ]);
    // The second is refused: as the last owner (409), or, when the first has already ended its sessions, as signed out (401).
    const statuses = [byA.statusCode, byB.statusCode].sort();
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const owners = await hq.app.hq.database.read.selectFrom('console_users').select('id').where('role', '=', 'owner').where('active', '=', 1).execute();
    expect(owners).toHaveLength(1);
  });

  it('makes the configured owner at start instead of a setup link, and no link once an owner exists', async () => {
    const again = await prepareFirstOwner(hq.app.hq, { email: 'boss@shop.test', password: 'from the environment', demo: false }, silentLogger());
    expect(again).toBeNull();
    await signIn(hq.app, 'boss@shop.test', 'from the environment');
    expect(await hq.app.hq.consoleUsers.issueSetupToken()).toBeNull();
  });
});
