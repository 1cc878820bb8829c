import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBalancer, type Balancer } from './balancer';

interface Backend {
  name: string;
  url: string;
  key: string;
  /** What `/health` answers: 200, or 503 like a draining HQ. */
  health: number;
  /** Requests other than `/health` it answered. */
  served: number;
  server: http.Server;
  stopListening(): Promise<void>;
}

async function startBackend(name: string): Promise<Backend> {
  const server = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(backend.health).end();
      return;
    }
    backend.served++;
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${name} 1\n\n`);
      setTimeout(() => res.write(`data: ${name} 2\n\n`), 50);
      return;
    }
    res.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const backend: Backend = {
    name,
    url: `http://127.0.0.1:${port}`,
    key: `127.0.0.1:${port}`,
    health: 200,
    served: 0,
    server,
    stopListening: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  return backend;
}

/** One request on its own connection (no keep-alive), so each one is a new connection for the balancer. */
function get(port: number, path = '/who'): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('the test load balancer', () => {
  let balancer: Balancer | null = null;
  const backends: Backend[] = [];
  afterEach(async () => {
    await balancer?.close();
    balancer = null;
    for (const b of backends.splice(0)) if (b.server.listening) await b.stopListening();
  });

  /** A balancer whose health rounds come only when the test asks (checkHealth), unless `healthEveryMs` is given. */
  const start = async (list: Backend[], healthEveryMs = 60_000) => {
    balancer = await startBalancer(() => list.map((b) => b.url), { healthEveryMs });
    return balancer;
  };

  it('sends connections round-robin to healthy backends and counts them', async () => {
    backends.push(await startBackend('a'), await startBackend('b'));
    const lb = await start(backends);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await get(lb.port));
    expect(answers.sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(lb.connections.get(backends[0]!.key)).toBe(3);
    expect(lb.connections.get(backends[1]!.key)).toBe(3);
    await expect.poll(() => [...lb.open.values()]).toEqual([0, 0]);
  });

  it('skips a backend that refuses the connection, before its health check notices', async () => {
    backends.push(await startBackend('a'), await startBackend('b'));
    const lb = await start(backends);
    expect(lb.healthy()).toHaveLength(2);
    await backends[1]!.stopListening();
    // The balancer still counts b healthy, yet every request is answered, by a.
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(lb.port)));
    expect(answers).toEqual(Array(8).fill('a'));
    expect(lb.connections.get(backends[1]!.key) ?? 0).toBe(0);
    await lb.checkHealth();
    expect(lb.healthy()).toEqual([backends[0]!.key]);
  });

  it('sends no new connection to a backend whose /health answers 503 (draining), though it still accepts', async () => {
    backends.push(await startBackend('a'), await startBackend('b'));
    const lb = await start(backends, 20);
    backends[1]!.health = 503;
    await lb.checkHealth();
    for (let i = 0; i < 6; i++) expect(await get(lb.port)).toBe('a');
    expect(backends[1]!.served).toBe(0);
    backends[1]!.health = 200;
    // The periodic round brings it back.
    await expect.poll(() => lb.healthy().length).toBe(2);
    const answers = await Promise.all(Array.from({ length: 4 }, () => get(lb.port)));
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('takes backends added and removed while it runs', async () => {
    const list: Backend[] = [await startBackend('a')];
    backends.push(list[0]!);
    const lb = await start(list);
    expect(await get(lb.port)).toBe('a');
    const b = await startBackend('b');
    backends.push(b);
    list.push(b);
    await lb.checkHealth();
    expect((await Promise.all([get(lb.port), get(lb.port)])).sort()).toEqual(['a', 'b']);
    list.shift();
    for (let i = 0; i < 4; i++) expect(await get(lb.port)).toBe('b');
    expect(lb.healthy()).toEqual([b.key]);
  });

  it('refuses the client when no backend takes the connection', async () => {
    backends.push(await startBackend('a'));
    const lb = await start(backends);
    await backends[0]!.stopListening();
    await expect(get(lb.port)).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('passes a Server-Sent Events stream through as it is written, and close() cuts it', async () => {
    backends.push(await startBackend('a'));
    const lb = await start(backends);
    const chunks: string[] = [];
    const ended = new Promise<void>((resolve) => {
      http.get({ host: '127.0.0.1', port: lb.port, path: '/stream', agent: false }, (res) => {
        res.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
        res.on('close', () => resolve());
      });
    });
    await expect.poll(() => chunks.join('')).toBe('data: a 1\n\ndata: a 2\n\n');
    expect(lb.open.get(backends[0]!.key)).toBe(1);
    await lb.close();
    balancer = null;
    await ended;
  });
});
