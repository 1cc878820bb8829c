import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector } from './fault-injector';
import { PEER_FRESH_MS, QosMonitor, type PeerWindow } from './qos-monitor';
import { enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';

describe('QoS from a sliding window', () => {
  const make = () => {
    let now = 1_000_000;
    const faults = new FaultInjector(() => now);
    const qos = new QosMonitor(faults, { windowMs: 10_000, minSamples: 5, degradedErrorRate: 0.1, downErrorRate: 0.5, slowMs: 1000 }, () => now);
    return { faults, qos, advance: (ms: number) => (now += ms) };
  };

  it('is ok with too few samples, degraded at 10% errors or a slow p90, down at 50% errors, and forgets after the window', () => {
    const { qos, advance } = make();
    qos.record('orders', true, 10);
    expect(qos.status('orders')).toBe('ok');
    for (let i = 0; i < 8; i++) qos.record('orders', false, 10);
    expect(qos.status('orders')).toBe('degraded');
    for (let i = 0; i < 9; i++) qos.record('orders', true, 10);
    expect(qos.status('orders')).toBe('down');
    expect(qos.status('checkout')).toBe('ok');
    advance(10_001);
    expect(qos.status('orders')).toBe('ok');
    for (let i = 0; i < 10; i++) qos.record('catalog', false, i === 9 ? 50 : 1500);
    expect(qos.status('catalog')).toBe('degraded');
  });

  it('shows an injected fault at once (rate 1 down, less degraded) until it expires', () => {
    const { faults, qos, advance } = make();
    faults.add({ domain: 'membership', mode: 'error', rate: 1, durationMs: 5000 });
    faults.add({ route: 'GET /orders/search', mode: 'slow', rate: 0.2 });
    expect(qos.status('membership')).toBe('down');
    expect(qos.status('orders')).toBe('degraded');
    advance(5001);
    expect(qos.status('membership')).toBe('ok');
    faults.clear();
    expect(qos.status('orders')).toBe('ok');
  });
});

describe('QoS across HQ instances', () => {
  const make = () => {
    let now = 1_000_000;
    const qos = new QosMonitor(new FaultInjector(() => now), { windowMs: 10_000, minSamples: 5, degradedErrorRate: 0.1, downErrorRate: 0.5, slowMs: 1000 }, () => now);
    const peer = (over: Partial<PeerWindow>): PeerWindow => ({ instanceId: 'other', domain: 'orders', samples: 10, failures: 0, p90Ms: 10, at: now, ...over });
    return { qos, peer, advance: (ms: number) => (now += ms) };
  };

  it('adds fresh summaries of the other instances to its own window, and drops them once stale', () => {
    const { qos, peer, advance } = make();
    for (let i = 0; i < 10; i++) qos.record('orders', false, 10);
    qos.setPeers([peer({ samples: 10, failures: 10 })]);
    expect(qos.status('orders')).toBe('down'); // 10 of 20
    expect(qos.status('catalog')).toBe('ok');
    qos.setPeers([peer({ samples: 10, failures: 2 })]);
    expect(qos.status('orders')).toBe('degraded'); // 2 of 20
    advance(PEER_FRESH_MS + 1);
    expect(qos.status('orders')).toBe('ok'); // the peer stopped reporting: this instance's own window alone
  });

  it("reports its own failures whatever its peers say, and a peer's slow p90 only when it served a tenth of the samples", () => {
    const { qos, peer } = make();
    for (let i = 0; i < 5; i++) qos.record('orders', true, 10);
    qos.setPeers([peer({ samples: 3, failures: 0 })]);
    expect(qos.status('orders')).toBe('down'); // 5 of 8
    const calm = make();
    for (let i = 0; i < 95; i++) calm.qos.record('orders', false, 10);
    calm.qos.setPeers([calm.peer({ samples: 5, p90Ms: 5000 })]);
    expect(calm.qos.status('orders')).toBe('ok');
    calm.qos.setPeers([calm.peer({ samples: 20, p90Ms: 5000 })]);
    expect(calm.qos.status('orders')).toBe('degraded');
  });

  it('sums up its own window for the other instances', () => {
    const { qos, advance } = make();
    expect(qos.summary('orders')).toEqual({ samples: 0, failures: 0, p90Ms: 0 });
    for (let i = 0; i < 10; i++) qos.record('orders', i < 3, (i + 1) * 100);
    expect(qos.summary('orders')).toEqual({ samples: 10, failures: 3, p90Ms: 1000 });
    advance(10_001);
    expect(qos.summary('orders').samples).toBe(0);
  });
});

describe('fault injection over HTTP', () => {
  let hq: TestHq;
  let register: TestRegister;
  beforeEach(async () => {
    hq = await makeHq('sqlite');
    register = await enrolRegister(hq.app);
  });
  afterEach(() => hq.close());

  const fault = (payload: object, headers: Record<string, string> = hq.admin) => hq.app.inject({ method: 'POST', url: '/admin/faults', headers, payload });
  const lookup = () => hq.app.inject({ url: '/members/lookup?phone=%2B4915112345678', headers: register.auth });

  it('guards /admin/faults: 401 without the admin token, 400 for a bad fault, 204 to add and clear', async () => {
    expect((await fault({ domain: 'membership', mode: 'error', rate: 1 }, {})).statusCode).toBe(401);
    expect((await fault({ domain: 'membership', mode: 'error', rate: 1 }, register.auth)).statusCode).toBe(401);
    expect((await fault({ domain: 'membership', mode: 'explode', rate: 1 })).statusCode).toBe(400);
    expect((await fault({ domain: 'membership', mode: 'error', rate: 2 })).statusCode).toBe(400);
    expect((await fault({ domain: 'membership', route: '/members/lookup', mode: 'error', rate: 1 })).statusCode).toBe(400);
    expect((await fault({ domain: 'membership', mode: 'error', rate: 1 })).statusCode).toBe(204);
    expect((await hq.app.inject({ url: '/admin/faults', headers: hq.admin })).json()).toEqual({ faults: [{ domain: 'membership', mode: 'error', rate: 1, until: null }] });
    expect((await hq.app.inject({ url: '/admin/faults' })).statusCode).toBe(401);
    expect((await hq.app.inject({ method: 'DELETE', url: '/admin/faults' })).statusCode).toBe(401);
    const cleared = await hq.app.inject({ method: 'DELETE', url: '/admin/faults', headers: { ...hq.admin, 'content-type': 'application/json' } });
    expect(cleared.statusCode).toBe(204);
    expect((await hq.app.inject({ url: '/admin/faults', headers: hq.admin })).json()).toEqual({ faults: [] });
  });

  it('answers 404 whatever the token when HQ_FAULTS is off', async () => {
    const off = await makeHq('sqlite', { faultsEnabled: false, demo: false });
    try {
      for (const headers of [{}, off.admin]) {
        expect((await off.app.inject({ method: 'POST', url: '/admin/faults', headers, payload: { domain: 'auth', mode: 'error', rate: 1 } })).statusCode).toBe(404);
        expect((await off.app.inject({ method: 'DELETE', url: '/admin/faults', headers })).statusCode).toBe(404);
      }
    } finally {
      await off.close();
    }
  });

  it('refuses fault injection from a machine other than HQ itself', async () => {
    const res = await hq.app.inject({ method: 'POST', url: '/admin/faults', headers: hq.admin, payload: { domain: 'auth', mode: 'error', rate: 1 }, remoteAddress: '10.0.0.8' });
    expect(res.statusCode).toBe(403);
  });

  it('an error fault on a domain answers 503 there, shows down in /qos at once, and the window remembers the errors after clearing', async () => {
    expect((await lookup()).statusCode).toBe(200);
    await fault({ domain: 'membership', mode: 'error', rate: 1 });
    expect((await hq.app.inject({ url: '/qos?domain=membership' })).json()).toEqual({ domain: 'membership', status: 'down' });
    expect((await hq.app.inject({ url: '/qos?domain=orders' })).json()).toEqual({ domain: 'orders', status: 'ok' });
    for (let i = 0; i < 6; i++) {
      const res = await lookup();
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toBe('FAULT_INJECTED');
    }
    expect((await hq.app.inject({ url: '/health' })).statusCode).toBe(200);
    await hq.app.inject({ method: 'DELETE', url: '/admin/faults', headers: hq.admin });
    expect((await lookup()).statusCode).toBe(200);
    expect((await hq.app.inject({ url: '/qos?domain=membership' })).json().status).toBe('down');
  });

  it('a fault with rate below 1 shows degraded; a route fault hits only that route', async () => {
    await fault({ route: '/orders/search', mode: 'error', rate: 0.5 });
    expect((await hq.app.inject({ url: '/qos?domain=orders' })).json().status).toBe('degraded');
    await fault({ route: 'GET /members/:id/balance', mode: 'error', rate: 1 });
    expect((await hq.app.inject({ url: '/members/x/balance', headers: register.auth })).statusCode).toBe(503);
    expect((await lookup()).statusCode).toBe(200);
  });

  it('slow delays, timeout holds then answers 504, and drop resets the connection', async () => {
    await fault({ domain: 'membership', mode: 'slow', rate: 1, delayMs: 300 });
    let started = Date.now();
    expect((await lookup()).statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await fault({ domain: 'membership', mode: 'timeout', rate: 1, delayMs: 200 });
    started = Date.now();
    const timedOut = await lookup();
    expect(timedOut.statusCode).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    await fault({ domain: 'membership', mode: 'drop', rate: 1 });
    await hq.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (hq.app.server.address() as { port: number }).port;
    const outcome = await new Promise<string>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/members/lookup?phone=%2B4915112345678', headers: register.auth, agent: false }, (res) => resolve(`status ${res.statusCode}`))
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(outcome).toBe('ECONNRESET');
  });

  it('a fault with durationMs ends by itself', async () => {
    await fault({ domain: 'auth', mode: 'error', rate: 1, durationMs: 100 });
    expect((await hq.app.inject({ url: '/qos?domain=auth' })).json().status).toBe('down');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await hq.app.inject({ url: '/qos?domain=auth' })).json().status).toBe('ok');
  });

  it('answers /qos for each of the five domains without auth, and 400 for an unknown domain', async () => {
    for (const domain of ['checkout', 'orders', 'membership', 'auth', 'catalog']) {
      expect((await hq.app.inject({ url: `/qos?domain=${domain}` })).json()).toEqual({ domain, status: 'ok' });
    }
    expect((await hq.app.inject({ url: '/qos?domain=weather' })).statusCode).toBe(400);
    expect((await hq.app.inject({ url: '/qos' })).statusCode).toBe(400);
  });
});
