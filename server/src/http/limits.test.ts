import { Readable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { makeEan13 } from '../test/factories';
import { enrolRegister, describeEachStorage, makeHq, type TestHq } from '../test/harness';

/** A body of `total` bytes made on demand, counting what HQ actually read of it. */
function countedBody(total: number, chunk = 'a'.repeat(16 * 1024)) {
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, read: () => sent };
}

describeEachStorage('what HQ reads of a request', (kind) => {
  let hq: TestHq | null = null;
  afterEach(async () => {
    await hq?.close();
    hq = null;
  });

  it('refuses a large body to /registers/enrol with 413, reading no more than the limit of a small route', async () => {
    hq = await makeHq(kind);
    const size = 200 * 1024;
    const declared = countedBody(size);
    const res = await hq.app.inject({ method: 'POST', url: '/registers/enrol', headers: { 'content-type': 'application/json', 'content-length': String(size) }, payload: declared.stream });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'BODY_TOO_LARGE', message: expect.stringContaining('65536 bytes') });
    expect(res.headers.connection).toBe('close');
    expect(declared.read()).toBeLessThanOrEqual(64 * 1024);
    // Without a length, HQ keeps at most the limit, then answers and closes the connection.
    const chunked = await hq.app.inject({ method: 'POST', url: '/registers/enrol', headers: { 'content-type': 'application/json' }, payload: countedBody(size).stream });
    expect(chunked.statusCode).toBe(413);
    expect(chunked.headers.connection).toBe('close');
  });

  it('answers CSV to any route but the catalog import with 415, without reading it', async () => {
    hq = await makeHq(kind);
    const body = countedBody(2 * 1024 * 1024);
    const res = await hq.app.inject({ method: 'POST', url: '/registers/enrol', headers: { 'content-type': 'text/csv' }, payload: body.stream });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(body.read()).toBeLessThanOrEqual(64 * 1024);
    const register = await enrolRegister(hq.app);
    expect((await hq.app.inject({ method: 'POST', url: '/auth/login', headers: { ...register.auth, 'content-type': 'application/csv' }, payload: 'pin\n1234' })).statusCode).toBe(415);
  });

  it('still takes a large catalog import (2 MiB of CSV) and a push batch above the small limit', async () => {
    hq = await makeHq(kind);
    const header = 'sku,barcodes,name,price,taxClass\n';
    const rows = Array.from({ length: 25_000 }, (_, i) => `BIG-${i},${makeEan13()},Product number ${i} with a longer name to fill the file,${100 + i},standard`).join('\n');
    const csv = header + rows;
    expect(csv.length).toBeGreaterThan(2 * 1024 * 1024);
    const res = await hq.app.inject({ method: 'POST', url: '/catalog/import', headers: { ...hq.admin, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    expect(res.json().imported).toBe(25_000);
    const register = await enrolRegister(hq.app);
    const padded = { registerId: register.registerId, ops: [], padding: 'x'.repeat(100 * 1024) };
    // Read in full (it is within the push limit), then refused for its unknown field, not for its size.
    expect((await hq.app.inject({ method: 'POST', url: '/sync/push', headers: register.auth, payload: padded })).json().error).toBe('INVALID_INPUT');
  });

  it('keeps QoS to authenticated answers: refused and unauthenticated calls, however slow, do not mark a domain degraded', async () => {
    hq = await makeHq(kind, { qos: { slowMs: 0, minSamples: 5 } });
    const qos = async () => (await hq!.app.inject({ url: '/qos?domain=auth' })).json().status;
    for (let i = 0; i < 6; i++) {
      const body = countedBody(1024 * 1024);
      await hq.app.inject({ method: 'POST', url: '/registers/enrol', headers: { 'content-type': 'application/json' }, payload: body.stream });
      await hq.app.inject({ method: 'POST', url: '/auth/login', payload: { pin: '1234' } });
      await hq.app.inject({ method: 'POST', url: '/registers/enrol', payload: { code: `WRONG${i}` } });
    }
    expect(await qos()).toBe('ok');
    const register = await enrolRegister(hq.app);
    for (let i = 0; i < 6; i++) await hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: '0000' } });
    expect(await qos()).toBe('ok');
    // Authenticated answers that were served do count (any latency is "slow" here).
    for (let i = 0; i < 6; i++) await hq.app.inject({ method: 'POST', url: '/auth/login', headers: register.auth, payload: { pin: '1234' } });
    expect(await qos()).toBe('degraded');
  });

  it('keys the enrolment limit on the connection address unless HQ_TRUST_PROXY declares the proxy', async () => {
    const guess = (app: TestHq['app'], from: string, code: string) =>
      app.inject({ method: 'POST', url: '/registers/enrol', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': from }, payload: { code } });
    hq = await makeHq(kind, { failureLimit: { failures: 1, windowMs: 60_000 } });
    expect((await guess(hq.app, '203.0.113.1', 'WRONG1')).statusCode).toBe(403);
    expect((await guess(hq.app, '203.0.113.2', 'DEMO')).statusCode).toBe(429); // a forged header does not buy new attempts
    await hq.close();
    hq = await makeHq(kind, { failureLimit: { failures: 1, windowMs: 60_000 }, trustProxy: ['10.0.0.1'] });
    expect((await guess(hq.app, '203.0.113.1', 'WRONG1')).statusCode).toBe(403);
    expect((await guess(hq.app, '203.0.113.1', 'DEMO')).statusCode).toBe(429);
    expect((await guess(hq.app, '203.0.113.2', 'DEMO')).statusCode).toBe(201); // another shop behind the same proxy
  });
});
