import net from 'node:net';
import { seededRandom } from '../../shared/seeded-random';

/**
 * A fault-injecting TCP proxy for the register's connectivity tests and benchmark: it sits on 127.0.0.1
 * between the register and HQ and can, at run time, let traffic through or break the link in the ways a
 * shop's network breaks. Written here rather than taken from a library (toxiproxy needs its own server
 * binary) because it is a hundred lines of node:net.
 */

/**
 * - `pass`: forward to the target.
 * - `drop`: accept, then reset the connection at once (the peer sees ECONNRESET).
 * - `refuse`: stop listening, so connections are refused; listening resumes on the next mode change.
 * - `stall`: accept and never answer (the peer's timeout decides).
 * - `http503`: answer every request with a minimal HTTP 503, without contacting the target.
 * - `lose-reply`: forward the request to the target, then reset the connection as its answer starts to
 *   come back: HQ did the work, the register never hears about it (a lost acknowledgement). With
 *   `only`, just the requests whose first bytes match lose their answer; the others pass.
 * - `lossy`: a lossy link: each new connection is lost with probability `dropProbability` (seeded, so a
 *   run can be replayed), the others pass. A lost connection is stalled by default (accepted and never
 *   answered, so the request times out: the harder case for a prober, which waits its whole timeout) or,
 *   with `lostBy: 'drop'`, reset at once. Connections already open are left alone.
 */
export type FaultMode = 'pass' | 'drop' | 'refuse' | 'stall' | 'http503' | 'lose-reply' | 'lossy';

/** How `lossy` loses connections. */
export interface LossOptions {
  /** The chance that a new connection is lost, 0 to 1. */
  dropProbability: number;
  /** The seed of the coin tossed for each connection (the same seed loses the same connections in order). */
  seed?: number;
  /** `stall` (the default): accepted and never answered; `drop`: reset at once. */
  lostBy?: 'stall' | 'drop';
}

export interface FaultProxyOptions {
  target: { host: string; port: number };
  /** The address to listen on; 127.0.0.1 unless given (a network-namespace test listens on its veth address). */
  host?: string;
  /** 0 (the default) picks a free port; it is kept across `refuse`. */
  port?: number;
  /** At most this many open connections; more are closed by the OS listener (node's maxConnections). */
  maxConnections?: number;
  /** A stalled connection is closed after this long even if the peer never gives up. */
  stallLimitMs?: number;
}

export interface FaultProxyStats {
  /** Connections accepted, by the mode that handled them. */
  accepted: Record<Exclude<FaultMode, 'refuse'>, number>;
  /** Of the connections `lossy` accepted, those it lost (stalled or reset). */
  lost: number;
  open: number;
}

export interface FaultProxy {
  readonly port: number;
  /** `http://<host>:<port>`, for an HQ client's base URL. */
  readonly url: string;
  /** The mode new connections meet now (while flapping, the current half of the cycle). */
  mode(): FaultMode;
  /** Switches mode (and stops flapping). `drop` and `refuse` also cut the connections already open; `lossy` needs `loss`. */
  set(mode: FaultMode, options?: { only?: RegExp; loss?: LossOptions }): Promise<void>;
  /** `set('lossy', { loss })`: each new connection is lost with probability `dropProbability`. */
  lossy(loss: LossOptions): Promise<void>;
  /** Alternates drop and pass every `periodMs`, starting with drop, until the next `set`. */
  flap(options: { periodMs: number }): Promise<void>;
  stats(): FaultProxyStats;
  /** Stops listening and closes every socket it holds. */
  close(): Promise<void>;
}

const HTTP_503 = 'HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 20\r\nconnection: close\r\n\r\nservice unavailable\n';

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  const accepted: FaultProxyStats['accepted'] = { pass: 0, drop: 0, stall: 0, http503: 0, 'lose-reply': 0, lossy: 0 };
  let lost = 0;
  let loss: { dropProbability: number; lostBy: 'stall' | 'drop'; random: () => number } | null = null;
  const host = options.host ?? '127.0.0.1';
  const stallLimitMs = options.stallLimitMs ?? 60_000;
  let current: FaultMode = 'pass';
  let loseOnly: RegExp | null = null;
  let flapTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A peer that gives up mid-way is expected here; never let it crash the test process.
    socket.on('error', () => socket.destroy());
  };

  const cutAll = () => {
    for (const socket of sockets) socket.resetAndDestroy();
  };

  const server = net.createServer((client) => {
    track(client);
    const mode = current;
    if (mode === 'refuse') {
      // Accepted in the instant before the listener closed: treat it as refused.
      client.resetAndDestroy();
      return;
    }
    accepted[mode]++;
    let meets: Exclude<FaultMode, 'refuse' | 'lossy'>;
    if (mode === 'lossy') {
      const { dropProbability, lostBy, random } = loss!;
      const isLost = random() < dropProbability;
      if (isLost) lost++;
      meets = isLost ? lostBy : 'pass';
    } else meets = mode;
    switch (meets) {
      case 'drop':
        client.resetAndDestroy();
        return;
      case 'stall':
        client.resume();
        client.setTimeout(stallLimitMs, () => client.destroy());
        return;
      case 'http503': {
        let head = '';
        client.on('data', (chunk: Buffer) => {
          head += chunk.toString('latin1');
          if (head.includes('\r\n\r\n')) client.end(HTTP_503);
          else if (head.length > 64 * 1024) client.destroy();
        });
        return;
      }
      case 'pass': {
        const upstream = net.connect(options.target);
        track(upstream);
        // If HQ itself is gone, the register sees the link cut, as through any middlebox.
        upstream.on('error', () => client.resetAndDestroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        return;
      }
      case 'lose-reply': {
        const only = loseOnly;
        let lose = only === null;
        const upstream = net.connect(options.target);
        track(upstream);
        upstream.on('error', () => client.resetAndDestroy());
        client.on('error', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        if (only) client.once('data', (chunk: Buffer) => (lose = only.test(chunk.toString('latin1'))));
        client.pipe(upstream);
        upstream.on('data', (chunk: Buffer) => {
          if (!lose) return void client.write(chunk);
          // The target answered, so it has done the work; the answer never arrives.
          client.resetAndDestroy();
          upstream.destroy();
        });
        upstream.on('end', () => client.end());
        upstream.on('close', () => client.destroy());
        return;
      }
    }
  });
  server.maxConnections = options.maxConnections ?? 256;

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

  const port = await listen(options.port ?? 0);

  const apply = async (mode: FaultMode) => {
    if (closed) throw new Error('the fault proxy is closed');
    current = mode;
    if (mode === 'drop' || mode === 'refuse') cutAll();
    if (mode === 'refuse') await stopListening();
    else if (!server.listening) await listen(port);
  };

  const stopFlapping = () => {
    if (flapTimer) clearInterval(flapTimer);
    flapTimer = null;
  };

  const set: FaultProxy['set'] = async (mode, { only, loss: lossOptions } = {}) => {
    if (mode === 'lossy') {
      if (!lossOptions) throw new Error('the lossy mode needs { loss: { dropProbability } }');
      const { dropProbability, seed = 1, lostBy = 'stall' } = lossOptions;
      if (!(dropProbability >= 0 && dropProbability <= 1)) throw new Error(`the drop probability must be between 0 and 1, got ${dropProbability}`);
      loss = { dropProbability, lostBy, random: seededRandom(seed) };
    }
    stopFlapping();
    loseOnly = only ?? null;
    await apply(mode);
  };

  return {
    port,
    url: `http://${host}:${port}`,
    mode: () => current,
    set,
    lossy: (lossOptions) => set('lossy', { loss: lossOptions }),
    flap: async ({ periodMs }) => {
      if (!(periodMs > 0)) throw new Error(`the flap period must be positive, got ${periodMs}`);
      stopFlapping();
      await apply('drop');
      flapTimer = setInterval(() => void apply(current === 'drop' ? 'pass' : 'drop'), periodMs);
    },
    stats: () => ({ accepted: { ...accepted }, lost, open: sockets.size }),
    close: async () => {
      if (closed) return;
      closed = true;
      stopFlapping();
      for (const socket of sockets) socket.destroy();
      await stopListening();
    },
  };
}
