import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv, ConfigError } from './config';
import { enrolRegister, makeHq, type TestHq } from './test/harness';
import { makeSaleOp } from './test/factories';
import { buildServer } from './server';
import { HQ_VERSION } from './http/health.routes';

describe('HQ server', () => {
  let hq: TestHq | null = null;
  afterEach(async () => {
    await hq?.close();
    hq = null;
  });

  it('answers /health with 200 and the database kind (503 while shutting down), and unknown paths with a JSON 404', async () => {
    hq = await makeHq('sqlite', { demo: false });
    const health = await hq.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', database: 'sqlite', version: HQ_VERSION });
    // While shutting down it answers 503, so a load balancer stops sending registers here.
    hq.app.hq.closing = true;
    expect((await hq.app.inject({ url: '/health' })).json()).toMatchObject({ error: 'SHUTTING_DOWN' });
    hq.app.hq.closing = false;
    const missing = await hq.app.inject({ url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'NOT_FOUND', message: expect.stringContaining('/docs/json') });
  });

  it('serves an OpenAPI document generated from the route schemas at /docs/json', async () => {
    hq = await makeHq('sqlite', { demo: false });
    const doc = (await hq.app.inject({ url: '/docs/json' })).json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/health', '/qos', '/admin/faults', '/registers/enrol', '/auth/login', '/sync/push', '/sync/changes', '/sync/snapshot', '/sync/stream', '/orders/search', '/members/lookup', '/members', '/members/{id}/balance', '/payments/authorize', '/admin/charges', '/payments/card-key', '/catalog/import']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(JSON.stringify(doc.paths['/sync/push']!.post!.requestBody)).toContain('registerId');
  });

  it('finishes an in-flight push before shutting down, then closes the database', async () => {
    hq = await makeHq('sqlite', { demo: false, enrolmentCode: 'X' });
    await hq.app.hq.registers.upsertStore({ code: 'S01', name: 'S', currency: 'EUR', pricesIncludeTax: true, enrolmentCode: 'CODE' });
    const register = await enrolRegister(hq.app, 'CODE');
    await hq.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (hq.app.server.address() as { port: number }).port;
    // Make the push slow enough to be caught in flight: it starts applying only after a pause.
    const push = hq.app.hq.push;
    const apply = push.push.bind(push);
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    push.push = async (...args) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return apply(...args);
    };
    const ops = Array.from({ length: 1000 }, () => makeSaleOp());
    const body = JSON.stringify({ registerId: register.registerId, ops });
    const pushed = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/sync/push', method: 'POST', headers: { ...register.auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    await inFlight;
    const { storage } = hq;
    const closing = hq.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hq.app.hq.closing).toBe(true);
    const answer = await pushed;
    await closing;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).results.filter((r: { status: string }) => r.status === 'applied')).toHaveLength(1000);
    const reopened = await buildServer({ storage: storage.storage });
    expect(await reopened.hq.orders.count()).toBe(1000);
    await reopened.close();
    await storage.cleanup();
    hq = null;
  });
});

describe('configuration from the environment', () => {
  it('defaults to 127.0.0.1:8080 and SQLite in a data folder', () => {
    const config = configFromEnv({ HQ_DATA_DIR: '/tmp/hq' });
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', options: { storage: { kind: 'sqlite', dataDir: '/tmp/hq' }, demo: false, faultsEnabled: false, enrolmentCode: 'DEMO', adminToken: null } });
  });

  it('reads PORT=0, DATABASE_URL, HQ_DEMO, HQ_FAULTS, HQ_ENROLMENT_CODE and HQ_ADMIN_TOKEN', () => {
    const config = configFromEnv({ PORT: '0', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/kassa', HQ_DEMO: '1', HQ_FAULTS: '1', HQ_ENROLMENT_CODE: 'SHOP', HQ_ADMIN_TOKEN: 's3cret' });
    expect(config).toMatchObject({ port: 0, host: '0.0.0.0', options: { storage: { kind: 'postgres', connectionString: 'postgres://u:p@db:5432/kassa' }, demo: true, faultsEnabled: true, enrolmentCode: 'SHOP', adminToken: 's3cret' } });
  });

  it('reads HQ_INSTANCE_ID, else leaves the instance to name itself', () => {
    expect(configFromEnv({ HQ_INSTANCE_ID: ' hq-2 ' }).options.instanceId).toBe('hq-2');
    expect(configFromEnv({}).options.instanceId).toBeUndefined();
  });

  it('reads HQ_DB_POOL_SIZE for PostgreSQL (default 10) and refuses a pool of none', () => {
    expect(configFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/kassa' }).options.storage).toMatchObject({ poolSize: 10 });
    expect(configFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/kassa', HQ_DB_POOL_SIZE: '4' }).options.storage).toMatchObject({ poolSize: 4 });
    expect(() => configFromEnv({ HQ_DB_POOL_SIZE: '0' })).toThrow(/HQ_DB_POOL_SIZE/);
  });

  it('stops with a message naming the variable for a bad value', () => {
    expect(() => configFromEnv({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => configFromEnv({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => configFromEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a PostgreSQL connection string/);
  });

  it('refuses an admin token shorter than 32 characters outside the demo, without printing it; the demo keeps a short one', () => {
    expect(() => configFromEnv({ HQ_ADMIN_TOKEN: 'short-secret' })).toThrow(/HQ_ADMIN_TOKEN: must be at least 32 characters outside the demo \(HQ_DEMO=1\).*\(got 12 characters\)/);
    expect(() => configFromEnv({ HQ_ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(configFromEnv({ HQ_ADMIN_TOKEN: 'x'.repeat(32) }).options.adminToken).toBe('x'.repeat(32));
    expect(configFromEnv({ HQ_ADMIN_TOKEN: 'short', HQ_DEMO: '1' }).options.adminToken).toBe('short');
  });

  it('reads HQ_TRUST_PROXY: off by default, on for any proxy, or the proxies\' addresses', () => {
    expect(configFromEnv({}).options.trustProxy).toBe(false);
    expect(configFromEnv({ HQ_TRUST_PROXY: '1' }).options.trustProxy).toBe(true);
    expect(configFromEnv({ HQ_TRUST_PROXY: '0' }).options.trustProxy).toBe(false);
    expect(configFromEnv({ HQ_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).options.trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16']);
    expect(() => configFromEnv({ HQ_TRUST_PROXY: 'the load balancer' })).toThrow(/HQ_TRUST_PROXY: must be 0, 1, or the addresses/);
  });
});
