import http from 'node:http';
import type net from 'node:net';
import { SERVICE_DOMAINS, type ServiceDomain } from '../../shared/api';

/**
 * A minimal HQ on 127.0.0.1 for the register's connectivity tests: just the endpoints the register's
 * connectivity depends on, with answers a test can set. It is not HQ (that lives in `server/`); it stands
 * in for it so a test controls exactly what HQ says.
 *
 * - `GET /health` → 200 `{ "status": "ok" }`
 * - `GET /qos?domain=<domain>` → 200 `{ domain, status }` from a per-domain table (all `ok` at first)
 * - `GET /members/lookup` (whitelisted: membership), `GET /reports/daily` and `GET /payments/card-key` (a
 *   checkout route, not whitelisted) → 200 JSON
 *
 * `setStatus(path, status)` makes any of these answer another status instead (500, 503, …).
 */

export type QosStatus = 'ok' | 'degraded' | 'down';
export type StandInPath = '/health' | '/qos' | '/members/lookup' | '/reports/daily' | '/payments/card-key';

export interface HqStandIn {
  readonly port: number;
  readonly url: string;
  setQos(domain: ServiceDomain, status: QosStatus): void;
  /** Answer `path` with this status (200 restores the normal answer). */
  setStatus(path: StandInPath, status: number): void;
  /** Requests received for a path (all paths when omitted). */
  requests(path?: StandInPath): number;
  /** Stops answering: the port is closed and open connections are cut, as when HQ goes down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startHqStandIn(options: { port?: number } = {}): Promise<HqStandIn> {
  const qos = new Map<ServiceDomain, QosStatus>(SERVICE_DOMAINS.map((domain) => [domain, 'ok']));
  const forced = new Map<string, number>();
  const counts = new Map<string, number>();

  const send = (response: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    const status = forced.get(url.pathname);
    if (status !== undefined && status !== 200) return send(response, status, { error: `the stand-in answers ${status}` });
    if (request.method !== 'GET') return send(response, 405, { error: 'method not allowed' });
    switch (url.pathname) {
      case '/health':
        return send(response, 200, { status: 'ok' });
      case '/qos': {
        const domain = url.searchParams.get('domain') as ServiceDomain | null;
        if (!domain || !qos.has(domain)) return send(response, 400, { error: `unknown domain ${domain}` });
        return send(response, 200, { domain, status: qos.get(domain) });
      }
      case '/members/lookup':
        return send(response, 200, { member: null });
      case '/reports/daily':
        return send(response, 200, { sales: 0 });
      case '/payments/card-key':
        return send(response, 200, { cardKey: 'stand-in' });
      default:
        return send(response, 404, { error: 'not found' });
    }
  });
  // Each register probe uses a fresh connection; keep none open between tests.
  server.keepAliveTimeout = 1000;

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const port = await listen(options.port ?? 0);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setQos: (domain, status) => void qos.set(domain, status),
    setStatus: (path, status) => void forced.set(path, status),
    requests: (path) => (path ? (counts.get(path) ?? 0) : [...counts.values()].reduce((a, b) => a + b, 0)),
    stop,
    start: async () => {
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
