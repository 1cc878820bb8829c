import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HQ_ROUTES } from '../../shared/hq/routes';
import type { TrafficEvidence } from '../connectivity/probe-result';
import { HqAnswerInvalidError, HqClient, HqStatusError, isHqUnavailable, trafficSourceOf } from './hq-client';
import { HqRequestError } from './http';

interface Seen {
  method: string;
  url: string;
  body: string;
  authorization?: string;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** An HQ answering every request with `answer(request)`: a status and a body. */
async function hqAnswering(answer: (seen: Seen) => { status: number; body: unknown }) {
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', body, authorization: request.headers.authorization };
      seen.push(entry);
      const { status, body: out } = answer(entry);
      const text = typeof out === 'string' ? out : JSON.stringify(out);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(text);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const faults: string[] = [];
  const client = new HqClient({ baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`, deviceToken: () => 'tok', onServiceFault: (domain) => faults.push(domain) });
  return { client, seen, faults };
}

const member = { id: 'm1', name: 'Ana', phone: '+4930123456', card: null, createdAt: '2025-03-01T09:30:00.000Z' };

describe("the register's HQ client", () => {
  it('builds the request from the route: path parameters, query string, JSON body, device token', async () => {
    const hq = await hqAnswering(() => ({ status: 200, body: { memberId: 'a b', balance: 5 } }));
    expect(await hq.client.call(HQ_ROUTES.memberBalance, { params: { id: 'a b' } })).toEqual({ memberId: 'a b', balance: 5 });
    expect(hq.seen[0]).toMatchObject({ method: 'GET', url: '/members/a%20b/balance', authorization: 'Bearer tok' });

    const push = await hqAnswering(() => ({ status: 200, body: { results: [], epoch: 'e1' } }));
    await push.client.call(HQ_ROUTES.push, { query: { epoch: 'e1' }, body: { registerId: 'r1', ops: [] } });
    expect(push.seen[0]).toMatchObject({ method: 'POST', url: '/sync/push?epoch=e1' });
    expect(JSON.parse(push.seen[0]!.body)).toEqual({ registerId: 'r1', ops: [] });
  });

  it("refuses an answer that does not match the route's response schema, with an error naming the operation", async () => {
    const hq = await hqAnswering(() => ({ status: 200, body: { member: { ...member, phone: 42 }, balance: 5 } }));
    const call = hq.client.call(HQ_ROUTES.lookUpMember, { query: { phone: member.phone } });
    await expect(call).rejects.toBeInstanceOf(HqAnswerInvalidError);
    await expect(hq.client.call(HQ_ROUTES.lookUpMember, { query: { phone: member.phone } })).rejects.toThrow(/lookUpMember.*member\.phone/);
    const notJson = await hqAnswering(() => ({ status: 200, body: '<html>proxy login</html>' }));
    await expect(notJson.client.call(HQ_ROUTES.cardKey, {})).rejects.toThrow(/getCardKey.*not JSON/);
    // A contract broken by HQ is "HQ gave no usable answer", never a service fault by itself.
    expect(isHqUnavailable(new HqAnswerInvalidError('x', 'y'))).toBe(true);
    expect(hq.faults).toEqual([]);
  });

  it("gives HQ's error answers as kinds with HQ's error code and details, never a status for modules to read", async () => {
    const hq = await hqAnswering(() => ({ status: 409, body: { error: 'EPOCH_CHANGED', message: 'restored', details: { epoch: 'e2' } } }));
    const error = await hq.client.call(HQ_ROUTES.push, { query: {}, body: { registerId: 'r1', ops: [] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HqStatusError);
    expect(error).toMatchObject({ kind: 'conflict', code: 'EPOCH_CHANGED', details: { epoch: 'e2' }, rejected: true });
    const kinds: Record<number, string> = { 400: 'invalid', 401: 'refused', 403: 'refused', 404: 'not-found', 409: 'conflict', 410: 'gone', 429: 'limited', 503: 'unavailable' };
    for (const [status, kind] of Object.entries(kinds)) expect(new HqStatusError(Number(status), '{}')).toMatchObject({ kind, code: null, rejected: kind !== 'unavailable' });
  });

  it('reports a failure of a whitelisted route as a fault of its domain, and not one of a route outside the whitelist', async () => {
    const hq = await hqAnswering(() => ({ status: 503, body: { error: 'DOWN', message: 'down' } }));
    await expect(hq.client.call(HQ_ROUTES.lookUpMember, { query: { card: 'CARD1234' } })).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(hq.client.call(HQ_ROUTES.cardKey, {})).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(hq.client.call(HQ_ROUTES.push, { query: {}, body: { registerId: 'r', ops: [] } })).rejects.toBeInstanceOf(HqStatusError);
    expect(hq.faults).toEqual(['membership']);
  });
});

describe('the HQ client’s service faults', () => {
  it('tells every registered listener of a failing whitelisted call, with its domain; other calls never count', async () => {
    const { client } = await hqAnswering(() => ({ status: 503, body: {} }));
    const heard: string[][] = [];
    client.onServiceFault((domain, detail) => heard.push(['first', domain, detail]));
    client.onServiceFault((domain) => heard.push(['second', domain]));
    await expect(client.call(HQ_ROUTES.lookUpMember, { query: { phone: member.phone } })).rejects.toBeInstanceOf(HqStatusError);
    await expect(client.call(HQ_ROUTES.listRegisters, {})).rejects.toBeInstanceOf(HqStatusError);
    expect(heard).toEqual([
      ['first', 'membership', 'HQ answered 503'],
      ['second', 'membership'],
    ]);
  });

  it('a refusal (4xx) is not a service fault', async () => {
    const { client } = await hqAnswering(() => ({ status: 404, body: {} }));
    const heard: string[] = [];
    client.onServiceFault((domain) => heard.push(domain));
    await expect(client.call(HQ_ROUTES.searchOrders, { query: {} })).rejects.toBeInstanceOf(HqStatusError);
    expect(heard).toEqual([]);
  });
});

/** An HQ that accepts connections and does with each request what `handle` says (never answer, cut it). */
async function hqThat(handle: (request: http.IncomingMessage, response: http.ServerResponse) => void) {
  const server = http.createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new HqClient({ baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`, deviceToken: () => 'tok', requestTimeoutMs: 200 });
  const heard: TrafficEvidence[] = [];
  client.onTraffic((evidence) => heard.push(evidence));
  return { client, heard, server };
}

describe('the HQ client’s traffic evidence', () => {
  const emptyPush = { query: {}, body: { registerId: 'r1', ops: [] } };

  it('the sync requests (push, changes, snapshot) are sync traffic, whitelisted calls are call traffic, other routes are not evidence', () => {
    expect([HQ_ROUTES.push, HQ_ROUTES.changes, HQ_ROUTES.snapshot].map(trafficSourceOf)).toEqual(['sync', 'sync', 'sync']);
    expect([HQ_ROUTES.lookUpMember, HQ_ROUTES.searchOrders, HQ_ROUTES.authorizeCard, HQ_ROUTES.login].map(trafficSourceOf)).toEqual(['call', 'call', 'call', 'call']);
    expect([HQ_ROUTES.cardKey, HQ_ROUTES.listRegisters, HQ_ROUTES.health, HQ_ROUTES.qos, HQ_ROUTES.stream].map(trafficSourceOf)).toEqual([null, null, null, null, null]);
  });

  it('any answer of HQ, whatever its status, is working traffic, told to every listener', async () => {
    let status = 200;
    const { client } = await hqAnswering(() => ({ status, body: status === 200 ? { results: [], epoch: 'e1' } : { error: 'X', message: 'x' } }));
    const heard: [string, TrafficEvidence][] = [];
    client.onTraffic((evidence) => heard.push(['first', evidence]));
    client.onTraffic((evidence) => heard.push(['second', evidence]));
    await client.call(HQ_ROUTES.push, emptyPush);
    status = 409;
    await expect(client.call(HQ_ROUTES.push, emptyPush)).rejects.toBeInstanceOf(HqStatusError);
    status = 503;
    await expect(client.call(HQ_ROUTES.lookUpMember, { query: { phone: member.phone } })).rejects.toBeInstanceOf(HqStatusError);
    status = 404;
    await expect(client.call(HQ_ROUTES.searchOrders, { query: {} })).rejects.toBeInstanceOf(HqStatusError);
    expect(heard).toEqual([
      ['first', { ok: true, source: 'sync' }],
      ['second', { ok: true, source: 'sync' }],
      ['first', { ok: true, source: 'sync' }],
      ['second', { ok: true, source: 'sync' }],
      ['first', { ok: true, source: 'call' }],
      ['second', { ok: true, source: 'call' }],
      ['first', { ok: true, source: 'call' }],
      ['second', { ok: true, source: 'call' }],
    ]);
  });

  it('an answer that breaks the route’s contract is still an answer: working traffic', async () => {
    const { client } = await hqAnswering(() => ({ status: 200, body: '<html>proxy login</html>' }));
    const heard: TrafficEvidence[] = [];
    client.onTraffic((evidence) => heard.push(evidence));
    await expect(client.call(HQ_ROUTES.changes, { query: {} })).rejects.toBeInstanceOf(HqAnswerInvalidError);
    expect(heard).toEqual([{ ok: true, source: 'sync' }]);
  });

  it('routes outside the whitelist and the sync requests, and the probes, are never told', async () => {
    const { client } = await hqAnswering(() => ({ status: 200, body: { status: 'ok', domain: 'catalog' } }));
    const heard: TrafficEvidence[] = [];
    client.onTraffic((evidence) => heard.push(evidence));
    await expect(client.call(HQ_ROUTES.listRegisters, {})).rejects.toBeInstanceOf(HqAnswerInvalidError);
    expect(await client.probe(1000)).toMatchObject({ ok: true });
    expect(await client.qos('catalog', 1000)).toMatchObject({ status: 'ok' });
    expect(heard).toEqual([]);
  });

  it('a request HQ never answers is failed traffic, with what failed', async () => {
    const { client, heard } = await hqThat(() => {});
    await expect(client.call(HQ_ROUTES.changes, { query: {} })).rejects.toMatchObject({ kind: 'timeout' });
    await expect(client.call(HQ_ROUTES.memberBalance, { params: { id: 'm1' } })).rejects.toMatchObject({ kind: 'timeout' });
    expect(heard).toEqual([
      { ok: false, source: 'sync', detail: 'listChanges: HQ did not answer within 200 ms' },
      { ok: false, source: 'call', detail: 'getMemberBalance: HQ did not answer within 200 ms' },
    ]);
  });

  it('a connection cut before the answer is failed traffic', async () => {
    const { client, heard } = await hqThat((request) => request.socket.resetAndDestroy());
    await expect(client.call(HQ_ROUTES.push, emptyPush)).rejects.toBeInstanceOf(HqRequestError);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ ok: false, source: 'sync' });
    expect(heard[0]!.detail).toMatch(/^pushOperations: /);
  });

  it('a refused connection is failed traffic', async () => {
    const { client, heard, server } = await hqThat(() => {});
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    await expect(client.call(HQ_ROUTES.searchOrders, { query: {} })).rejects.toMatchObject({ kind: 'refused' });
    expect(heard).toEqual([{ ok: false, source: 'call', detail: expect.stringMatching(/^searchOrders: HQ refused the connection/) as string }]);
  });

  it('a request the caller cancelled says nothing about the link', async () => {
    const { client, heard } = await hqThat(() => {});
    const controller = new AbortController();
    const call = client.call(HQ_ROUTES.snapshot, {}, { signal: controller.signal, timeoutMs: 5000 });
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toBeInstanceOf(HqRequestError);
    expect(heard).toEqual([]);
  });
});
