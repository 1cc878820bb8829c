import { afterEach, describe, expect, it } from 'vitest';
import type { HqApp } from '../context';
import { makeSaleOp, push } from '../test/factories';
import { enrolRegister, POSTGRES_SKIP_REASON, type TestRegister } from '../test/harness';
import { admin, twoInstances, within } from '../test/shared-database';

const lookup = (app: HqApp, register: TestRegister) => app.inject({ url: '/members/lookup?phone=%2B4915112345678', headers: register.auth });
const qos = async (app: HqApp, domain: string) => (await app.inject({ url: `/qos?domain=${domain}` })).json<{ status: string }>().status;

describe.skipIf(POSTGRES_SKIP_REASON !== null)('HQ instances on one PostgreSQL database', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('a fault injected through instance A hits requests on B within half a second and shows in B’s /qos; clearing it on B clears it on A', async () => {
    const hq = await twoInstances();
    close = hq.close;
    const register = await enrolRegister(hq.a);
    expect((await lookup(hq.b, register)).statusCode).toBe(200);
    expect((await hq.a.inject({ method: 'POST', url: '/admin/faults', headers: admin, payload: { domain: 'membership', mode: 'error', rate: 1 } })).statusCode).toBe(204);
    expect((await lookup(hq.a, register)).statusCode).toBe(503); // at once where it was injected
    const reached = await within(600, async () => (await lookup(hq.b, register)).statusCode === 503);
    expect(reached).toBeLessThanOrEqual(600);
    expect(await qos(hq.b, 'membership')).toBe('down');
    expect((await hq.b.inject({ url: '/admin/faults', headers: admin })).json().faults).toEqual([{ domain: 'membership', mode: 'error', rate: 1, until: null }]);

    expect((await hq.b.inject({ method: 'DELETE', url: '/admin/faults', headers: admin })).statusCode).toBe(204);
    expect((await lookup(hq.b, register)).statusCode).toBe(200);
    await within(600, async () => (await lookup(hq.a, register)).statusCode === 200);
    expect((await hq.a.inject({ url: '/admin/faults', headers: admin })).json().faults).toEqual([]);
  });

  it('a fault change is announced on kassa_faults: the other instance applies it without waiting for its refresh', async () => {
    const hq = await twoInstances({ sharedState: { faultRefreshMs: 60_000 } });
    close = hq.close;
    const register = await enrolRegister(hq.a);
    await hq.a.inject({ method: 'POST', url: '/admin/faults', headers: admin, payload: { domain: 'membership', mode: 'error', rate: 1 } });
    await within(1000, async () => (await lookup(hq.b, register)).statusCode === 503);
    await hq.b.inject({ method: 'DELETE', url: '/admin/faults', headers: admin });
    await within(1000, async () => (await lookup(hq.a, register)).statusCode === 200);
  });

  it('failures seen on instance A make B answer /qos degraded or down, and B forgets them when A stops', async () => {
    const hq = await twoInstances({ sharedState: { qosShareMs: 50 } });
    close = hq.close;
    for (let i = 0; i < 6; i++) hq.a.hq.qos.record('orders', true, 10);
    for (let i = 0; i < 9; i++) hq.b.hq.qos.record('orders', false, 10);
    expect(await qos(hq.b, 'orders')).toBe('ok'); // B alone: 9 good answers
    await within(2000, async () => (await qos(hq.b, 'orders')) === 'degraded'); // 6 of 15 failed across both
    for (let i = 0; i < 6; i++) hq.a.hq.qos.record('orders', true, 10);
    await within(2000, async () => (await qos(hq.b, 'orders')) === 'down'); // 12 of 21
    expect(await qos(hq.b, 'catalog')).toBe('ok');
    await hq.a.close();
    await within(500, async () => (await qos(hq.b, 'orders')) === 'ok'); // A took its rows away as it stopped
  });

  it('each instance names itself in every answer and reports its own requests and pushes at /metrics', async () => {
    const hq = await twoInstances();
    close = hq.close;
    const register = await enrolRegister(hq.a);
    for (let i = 0; i < 3; i++) expect((await hq.a.inject({ url: '/health' })).headers['x-kassa-instance']).toBe('hq-a');
    expect((await hq.b.inject({ url: '/health' })).headers['x-kassa-instance']).toBe('hq-b');
    expect((await hq.b.inject({ url: '/no/such/route' })).headers['x-kassa-instance']).toBe('hq-b');
    expect((await hq.b.inject({ url: '/metrics' })).headers['x-kassa-instance']).toBe('hq-b'); // a refused call too
    await push(hq.a, register, [makeSaleOp(), makeSaleOp()]);

    const metricsOf = async (app: HqApp) => {
      const res = await app.inject({ url: '/metrics', headers: admin });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const [a, b] = [await metricsOf(hq.a), await metricsOf(hq.b)];
    expect(a.instanceId).toBe('hq-a');
    expect(b.instanceId).toBe('hq-b');
    const health = (m: { requests: { method: string; route: string; status: number; count: number }[] }) => m.requests.find((r) => r.route === '/health' && r.status === 200)?.count;
    expect(health(a)).toBe(3);
    expect(health(b)).toBe(1);
    expect(b.requests).toContainEqual({ method: 'GET', route: '/metrics', status: 401, count: 1 });
    expect(b.requests).toContainEqual({ method: 'GET', route: '(no route)', status: 404, count: 1 });
    expect(a.push).toMatchObject({ requests: 1, ops: 2, sampled: 1 });
    expect(a.push.p50Ms).toBeGreaterThan(0);
    expect(b.push).toMatchObject({ requests: 0, ops: 0, p50Ms: null });
    expect(a.databasePool).toMatchObject({ total: expect.any(Number), idle: expect.any(Number), waiting: 0 });
    expect(a).toMatchObject({ streams: 0, inFlightWrites: 0, uptimeSeconds: expect.any(Number), rssBytes: expect.any(Number) });
    expect(a.eventLoopDelayMs.p99).toBeGreaterThanOrEqual(0);
    expect(a.cpuSeconds.user).toBeGreaterThan(0);
  });
});
