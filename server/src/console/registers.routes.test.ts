import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachStorage, enrolRegister, makeHq, type TestHq } from '../test/harness';
import { consoleSession } from '../test/console';

describeEachStorage('console registers', (kind) => {
  let hq: TestHq;
  beforeEach(async () => {
    hq = await makeHq(kind);
  });
  afterEach(() => hq.close());

  it('lists each register with its last status report, and revokes one once, audited, its token refused at once', async () => {
    const register = await enrolRegister(hq.app);
    const manager = await consoleSession(hq.app, 'store-manager', [register.storeId]);
    const report = { state: 'offline', reasons: ['manual'], switchedBy: 'Ana', since: new Date().toISOString(), version: '0.1.0', backlog: 3, oldestPendingAt: new Date(Date.now() - 60_000).toISOString(), deadLetters: 1 };
    const sent = await hq.app.inject({ method: 'POST', url: '/registers/status', headers: register.auth, payload: report });
    expect(sent.statusCode, sent.body).toBe(204);

    const list = await hq.app.inject({ method: 'GET', url: '/console/api/registers', headers: manager.read });
    expect(list.statusCode).toBe(200);
    expect(list.json().registers).toEqual([
      expect.objectContaining({ id: register.registerId, code: 'R01', state: 'offline', reasons: ['manual'], switchedBy: 'Ana', version: '0.1.0', backlog: 3, deadLetters: 1, revokedAt: null, lastSeenAt: expect.any(String) }),
    ]);

    const revoked = await hq.app.inject({ method: 'POST', url: `/console/api/registers/${register.registerId}/revoke`, headers: manager.write });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().revokedAt).toEqual(expect.any(String));
    const refused = await hq.app.inject({ method: 'GET', url: '/sync/changes?since=0', headers: register.auth });
    expect(refused.statusCode).toBe(401);
    const again = await hq.app.inject({ method: 'POST', url: `/console/api/registers/${register.registerId}/revoke`, headers: manager.write });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('ALREADY_REVOKED');
    const audit = await hq.app.inject({ method: 'GET', url: '/console/api/audit', headers: manager.read });
    expect(audit.json().entries.filter((e: { action: string }) => e.action === 'register.revoke')).toEqual([expect.objectContaining({ userEmail: manager.user.email, target: 'R01', storeId: register.storeId, address: '127.0.0.1' })]);
  });

  it('issues one-time and expiring enrolment codes that enrol a register, and the code is never in the audit log', async () => {
    const owner = await consoleSession(hq.app, 'owner');
    const store = await hq.app.inject({ method: 'POST', url: '/console/api/stores', headers: owner.write, payload: { code: 'S07', name: 'Seventh', currency: 'EUR' } });
    expect(store.statusCode).toBe(201);
    const storeId = store.json().id as string;
    const once = await hq.app.inject({ method: 'POST', url: `/console/api/stores/${storeId}/enrolment-codes`, headers: owner.write, payload: {} });
    expect(once.statusCode).toBe(201);
    expect(once.json()).toMatchObject({ storeId, maxUses: 1, expiresAt: null });
    const code = once.json().code as string;
    const enrolled = await enrolRegister(hq.app, code);
    expect(enrolled.storeId).toBe(storeId);
    await expect(enrolRegister(hq.app, code)).rejects.toThrow(/enrolment failed: 410/);
    const expiring = await hq.app.inject({ method: 'POST', url: `/console/api/stores/${storeId}/enrolment-codes`, headers: owner.write, payload: { maxUses: 5, ttlSeconds: 3600 } });
    expect(Date.parse(expiring.json().expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    const dump = JSON.stringify(await hq.app.hq.database.read.selectFrom('audit_log').selectAll().execute());
    expect(dump).not.toContain(code);
    expect(dump).toContain('store.enrolment-code');
    const dup = await hq.app.inject({ method: 'POST', url: '/console/api/stores', headers: owner.write, payload: { code: 'S07', name: 'Again', currency: 'EUR' } });
    expect(dup.statusCode).toBe(409);
  });

  it('gives an area manager the store they open, and no other', async () => {
    const area = await consoleSession(hq.app, 'area-manager', []);
    const opened = await hq.app.inject({ method: 'POST', url: '/console/api/stores', headers: area.write, payload: { code: 'N1', name: 'North', currency: 'EUR' } });
    expect(opened.statusCode).toBe(201);
    const stores = await hq.app.inject({ method: 'GET', url: '/console/api/stores', headers: area.read });
    expect(stores.json().stores.map((s: { code: string }) => s.code)).toEqual(['N1']);
  });
});
