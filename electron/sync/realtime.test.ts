import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrafficEvidence } from '../connectivity/probe-result';
import { silentLogger } from '../core/logger';
import { HEARTBEAT_GRACE_MS } from '../connectivity/heartbeat-watch';
import { DEFAULT_HEARTBEAT_MS, RealtimeStream, TRAFFIC_OK_EVERY_MS } from './realtime';

/** What a stand-in HQ does with one `/sync/stream` request. */
type StreamHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: http.Server[] = [];
const streams: RealtimeStream[] = [];

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A stand-in HQ on a free port; `handle` answers each stream request (the nth one gets n = 0, 1, …). */
async function standInHq(handle: (n: number) => StreamHandler): Promise<{ url: URL; connections: () => number }> {
  let n = 0;
  const server = http.createServer((req, res) => handle(n++)(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sync/stream`), connections: () => n };
}

/** HQ's stream as HQ writes it: a retry hint, the announced interval (if any), then a heartbeat comment every `everyMs` (if any). */
function sse(options: { announceMs?: number; everyMs?: number }): StreamHandler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`retry: 1000\n\n${options.announceMs ? `: heartbeat-ms ${options.announceMs}\n\n` : ''}`);
    if (options.everyMs) {
      const beat = setInterval(() => res.write(': heartbeat\n\n'), options.everyMs);
      res.on('close', () => clearInterval(beat));
    }
  };
}

function streamTo(url: URL, extra: { heartbeatMs?: number } = {}) {
  const traffic: (TrafficEvidence & { at: number })[] = [];
  const watchEnded = { count: 0 };
  const stream = new RealtimeStream({
    url: () => new URL(url),
    token: () => 'device-token',
    lastSeq: () => 0,
    apply: () => true,
    onGap: () => {},
    log: silentLogger(),
    onTraffic: (evidence) => traffic.push({ ...evidence, at: Date.now() }),
    onWatchEnded: () => watchEnded.count++,
    ...extra,
  });
  streams.push(stream);
  return { stream, traffic, watchEnded, failures: () => traffic.filter((t) => !t.ok), successes: () => traffic.filter((t) => t.ok) };
}

async function until(what: string, predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the realtime stream as evidence of the link to HQ', () => {
  it('tells one success when HQ answers, then at most one a second however often the heartbeat comes, each saying when the stream will next be heard from', async () => {
    const hq = await standInHq(() => sse({ announceMs: 100, everyMs: 20 }));
    const { stream, traffic, successes } = streamTo(hq.url);
    stream.open();
    await until('HQ answered', () => successes().length === 1);
    await sleep(2500);
    expect(traffic.every((t) => t.ok && t.source === 'stream')).toBe(true);
    // ~125 heartbeats in 2.5 s: the answer, then one a second (2 or 3 in all on a busy machine), never more.
    expect(successes().length).toBeGreaterThanOrEqual(2);
    expect(successes().length).toBeLessThanOrEqual(3);
    const gaps = successes()
      .slice(1)
      .map((s, i) => s.at - successes()[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(TRAFFIC_OK_EVERY_MS - 5);
    // The announced interval and the grace, and the rate limit (an untold beat still re-arms the watch).
    for (const success of successes()) expect(success.expectNextWithinMs).toBe(100 + HEARTBEAT_GRACE_MS + TRAFFIC_OK_EVERY_MS);
  });

  it('a heartbeat that does not come within the announced interval is failed traffic, and the stream is opened again', async () => {
    // The first stream announces 100 ms and then falls silent (a half-open connection); the second one beats.
    const hq = await standInHq((n) => (n === 0 ? sse({ announceMs: 100 }) : sse({ announceMs: 100, everyMs: 50 })));
    const { stream, failures, successes } = streamTo(hq.url);
    const opened = Date.now();
    stream.open();
    await until('a missed heartbeat', () => failures().length > 0, 2000);
    const [missed] = failures();
    expect(missed).toMatchObject({ ok: false, source: 'stream' });
    expect(missed!.detail).toMatch(/^no heartbeat from HQ for 0\.[12] s$/);
    // The announced 100 ms (plus grace) counted, not the 15 s default.
    expect(missed!.at - opened).toBeLessThan(1000);
    await until('the stream opened again', () => hq.connections() === 2, 3000);
    await until('the new stream told its success', () => successes().some((s) => s.at > missed!.at), 3000);
    expect(failures()).toHaveLength(1);
  });

  it('without an announcement it waits for the interval it was given (HQ’s 15 s default otherwise)', async () => {
    const hq = await standInHq(() => sse({}));
    const { stream, failures, successes } = streamTo(hq.url, { heartbeatMs: 150 });
    const opened = Date.now();
    stream.open();
    await until('a missed heartbeat', () => failures().length > 0, 2000);
    expect(failures()[0]!.detail).toMatch(/^no heartbeat from HQ for 0\.[23] s$/);
    expect(failures()[0]!.at - opened).toBeGreaterThanOrEqual(240);
    expect(successes()[0]).toMatchObject({ ok: true, expectNextWithinMs: 150 + HEARTBEAT_GRACE_MS + TRAFFIC_OK_EVERY_MS });

    // And with neither, HQ's default: the stream promises to be heard from within 15 s (and the grace and rate limit).
    const quiet = streamTo(hq.url);
    quiet.stream.open();
    await until('HQ answered', () => quiet.successes().length === 1);
    expect(quiet.successes()[0]!.expectNextWithinMs).toBe(DEFAULT_HEARTBEAT_MS + HEARTBEAT_GRACE_MS + TRAFFIC_OK_EVERY_MS);
  });

  it('an error answer is failed traffic, told with its status', async () => {
    const hq = await standInHq(() => (_req, res) => res.writeHead(503).end('{"error":"UNAVAILABLE"}'));
    const { stream, failures, successes } = streamTo(hq.url);
    stream.open();
    await until('a failure', () => failures().length > 0);
    expect(failures()[0]).toMatchObject({ ok: false, source: 'stream', detail: "HQ's stream answered 503" });
    expect(successes()).toEqual([]);
  });

  it('a refused connection is failed traffic', async () => {
    const hq = await standInHq(() => sse({}));
    const url = hq.url;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const { stream, failures } = streamTo(url);
    stream.open();
    await until('a failure', () => failures().length > 0);
    expect(failures()[0]!.detail).toMatch(/^HQ's stream could not be opened: .*ECONNREFUSED/);
  });

  it('a stream cut mid-way is failed traffic, told once', async () => {
    const hq = await standInHq((n) =>
      n === 0
        ? (req, res) => {
            sse({ announceMs: 5000 })(req, res);
            setTimeout(() => res.socket?.resetAndDestroy(), 100);
          }
        : sse({ announceMs: 5000 }),
    );
    const { stream, failures } = streamTo(hq.url);
    stream.open();
    await until('a failure', () => failures().length > 0);
    expect(failures()[0]!.detail).toBe('the stream from HQ was cut');
    await until('the stream opened again', () => hq.connections() === 2, 3000);
    await sleep(100);
    expect(failures()).toHaveLength(1);
  });

  it('a connection HQ never answers is failed traffic once the interval passes', async () => {
    const hq = await standInHq(() => () => {});
    const { stream, failures, successes } = streamTo(hq.url, { heartbeatMs: 150 });
    stream.open();
    await until('a failure', () => failures().length > 0, 2000);
    expect(failures()[0]!.detail).toMatch(/^HQ's stream did not answer within 0\.[23] s$/);
    expect(successes()).toEqual([]);
  });

  it('HQ ending the stream is an answer, not a fault of the link', async () => {
    const hq = await standInHq((n) => (n === 0 ? (req, res) => (sse({ announceMs: 5000 })(req, res), setTimeout(() => res.end(), 50)) : sse({ announceMs: 5000 })));
    const { stream, failures } = streamTo(hq.url);
    stream.open();
    await until('the stream opened again', () => hq.connections() === 2, 3000);
    expect(failures()).toEqual([]);
  });

  it('close() (going offline on purpose) stops the watch: the silence that follows tells no traffic, only that the watch ended', async () => {
    const hq = await standInHq(() => sse({ announceMs: 100, everyMs: 30 }));
    const { stream, traffic, watchEnded } = streamTo(hq.url);
    stream.open();
    await until('HQ answered', () => traffic.length === 1);
    stream.close();
    // Its successes promised word of any silence: the promise is withdrawn, once.
    expect(watchEnded.count).toBe(1);
    stream.close();
    await sleep(600);
    expect(traffic).toHaveLength(1);
    expect(watchEnded.count).toBe(1);
    expect(hq.connections()).toBe(1);
    expect(stream.isOpen()).toBe(false);

    // Opened again, it promises again, and closing withdraws it again.
    stream.open();
    await until('HQ answered again', () => traffic.length === 2);
    stream.close();
    expect(watchEnded.count).toBe(2);
  });

  it('close() while a connection is still being answered tells nothing either: nothing was promised', async () => {
    const hq = await standInHq(() => () => {});
    const { stream, traffic, watchEnded } = streamTo(hq.url, { heartbeatMs: 100 });
    stream.open();
    await until('HQ has the request', () => hq.connections() === 1);
    stream.close();
    await sleep(400);
    expect(traffic).toEqual([]);
    expect(watchEnded.count).toBe(0);
  });

  it('close() after a failure withdraws nothing: the failure already ended the promise', async () => {
    const hq = await standInHq(() => (_req, res) => res.writeHead(503).end());
    const { stream, failures, watchEnded } = streamTo(hq.url);
    stream.open();
    await until('a failure', () => failures().length > 0);
    stream.close();
    expect(watchEnded.count).toBe(0);
  });
});
