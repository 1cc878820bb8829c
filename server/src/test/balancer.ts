/**
 * Test only: a small TCP load balancer in front of several HQ instances, standing in for HAProxy
 * (deploy/haproxy.cfg) in tests that prove HQ runs as several stateless instances on one database.
 *
 * It works on TCP connections, not HTTP requests, so keep-alive connections and Server-Sent Events pass
 * through untouched: each client connection goes, round-robin, to one backend and stays there. A backend
 * is sent new connections only while its `GET /health` answers 200 (HQ answers 503 while it shuts down, so
 * a draining instance gets no new connections); a backend that refuses the connection is skipped for the
 * next one before the client is given up on. The backends are read from `backends()` on every connection
 * and health round, so a test adds and removes instances by changing the list it returns.
 */
import http from 'node:http';
import net from 'node:net';

export type BackendAddress = string | { host: string; port: number };

export interface BalancerOptions {
  /** How often each backend's `/health` is asked (default 100 ms). */
  healthEveryMs?: number;
  /** A health answer slower than this counts as down (default 1000 ms). */
  healthTimeoutMs?: number;
}

export interface Balancer {
  url: string;
  port: number;
  /** Client connections sent to each backend ("host:port") so far. */
  connections: Map<string, number>;
  /** Client connections open to each backend now. */
  open: Map<string, number>;
  /** Backends ("host:port") whose last health check passed. */
  healthy(): string[];
  /** Runs one health round now (a test that just changed the backends need not wait for the next one). */
  checkHealth(): Promise<void>;
  /** Stops accepting, cuts every proxied connection and stops the health checks. */
  close(): Promise<void>;
}

/** "host:port" of an address given as a URL ("http://127.0.0.1:8080"), "host:port" or { host, port }. */
export function backendKey(address: BackendAddress): string {
  if (typeof address !== 'string') return `${address.host}:${address.port}`;
  if (/^\w+:\/\//.test(address)) {
    const url = new URL(address);
    return `${url.hostname}:${url.port}`;
  }
  return address;
}

function splitKey(key: string): { host: string; port: number } {
  const at = key.lastIndexOf(':');
  return { host: key.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(key.slice(at + 1)) };
}

function healthOk(key: string, timeoutMs: number): Promise<boolean> {
  const { host, port } = splitKey(key);
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/health', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function startBalancer(backends: () => BackendAddress[], options: BalancerOptions = {}): Promise<Balancer> {
  const healthEveryMs = options.healthEveryMs ?? 100;
  const healthTimeoutMs = options.healthTimeoutMs ?? 1000;
  const up = new Set<string>();
  const connections = new Map<string, number>();
  const open = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  let next = 0;
  let closed = false;

  const current = () => [...new Set(backends().map(backendKey))];

  const checkHealth = async (): Promise<void> => {
    const keys = current();
    const results = await Promise.all(keys.map((key) => healthOk(key, healthTimeoutMs)));
    for (const key of [...up]) if (!keys.includes(key)) up.delete(key);
    keys.forEach((key, i) => (results[i] ? up.add(key) : up.delete(key)));
  };

  // One round at a time: a slow backend delays the next round instead of piling rounds up.
  let round: Promise<void> = Promise.resolve();
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    round = checkHealth().finally(() => (checking = false));
  }, healthEveryMs);

  /** The healthy backends in round-robin order, starting with the next one's turn. */
  const candidates = (): string[] => {
    const healthy = current().filter((key) => up.has(key));
    if (healthy.length === 0) return [];
    const start = next++ % healthy.length;
    return [...healthy.slice(start), ...healthy.slice(0, start)];
  };

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    // Nothing is read until a backend takes the connection; what the client sends meanwhile waits in its buffer.
    client.pause();
    const tryNext = (left: string[]): void => {
      const key = left[0];
      if (!key || closed || client.destroyed) {
        client.destroy();
        return;
      }
      const upstream = net.connect(splitKey(key));
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      const refused = () => {
        upstream.destroy();
        tryNext(left.slice(1));
      };
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        connections.set(key, (connections.get(key) ?? 0) + 1);
        open.set(key, (open.get(key) ?? 0) + 1);
        upstream.once('close', () => open.set(key, open.get(key)! - 1));
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryNext(candidates());
  });

  await checkHealth();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections,
    open,
    healthy: () => current().filter((key) => up.has(key)),
    checkHealth: () => (round = round.then(checkHealth)),
    close: async () => {
      closed = true;
      clearInterval(timer);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
      await round;
    },
  };
}
