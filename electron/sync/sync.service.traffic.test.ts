import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ConnectivityState } from '../../shared/api';
import type { ChangesResponse } from '../../shared/hq/feed';
import type { TrafficEvidence } from '../connectivity/probe-result';
import { silentLogger } from '../core/logger';
import type { HqClient } from '../hq/hq-client';
import type { IdentityStore } from '../hq/identity';
import { hqStandInCaller } from '../hq/testing/hq-stand-in-caller';
import { makeDatabase } from '../test/factories';
import { Outbox } from './outbox';
import { SyncService } from './sync.service';

let setup: ReturnType<typeof makeDatabase>;
let server: http.Server;
let sync: SyncService | null = null;
beforeEach(() => (setup = makeDatabase()));
afterEach(async () => {
  sync?.stop();
  sync = null;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  setup.close();
});

const online: ConnectivityState = { state: 'online', reasons: [], since: 0, manualBy: null, warning: null, hq: { configured: true, reachable: true, lastProbeAt: null, latencyMs: null, evidence: null, lastError: null } };

it('the realtime stream the sync engine opens tells its traffic to onTraffic; closed when the till goes offline, it tells no more, only that its watch ended', async () => {
  // HQ's stream: the announced interval, then silence after 300 ms (the heartbeat stops).
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('retry: 1000\n\n: heartbeat-ms 100\n\n');
    const beat = setInterval(() => res.write(': heartbeat\n\n'), 50);
    setTimeout(() => clearInterval(beat), 300);
    res.on('close', () => clearInterval(beat));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const streamUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sync/stream`);
  const caller = hqStandInCaller(() => ({ changes: [], nextSeq: 0, hasMore: false, snapshotRequired: false }) satisfies ChangesResponse);
  const hq = { call: caller.call, onRevoked: () => () => {}, urlOf: () => new URL(streamUrl) } as unknown as HqClient;
  const identity = { get: () => ({ registerId: 'r1', deviceToken: 'device-token' }) } as unknown as IdentityStore;
  let state = online;
  const listeners = new Set<(s: ConnectivityState) => void>();
  const traffic: TrafficEvidence[] = [];
  let watchEnded = 0;
  sync = new SyncService({
    db: setup.db,
    outbox: new Outbox(setup.db),
    hq,
    identity,
    connectivity: { current: () => state, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
    log: silentLogger(),
    onTraffic: (evidence) => traffic.push(evidence),
    onStreamWatchEnded: () => watchEnded++,
  });
  sync.start();
  const deadline = Date.now() + 5000;
  while (!traffic.some((t) => !t.ok) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(traffic[0]).toEqual({ ok: true, source: 'stream', expectNextWithinMs: 1200 });
  expect(traffic.find((t) => !t.ok)).toMatchObject({ ok: false, source: 'stream', detail: expect.stringMatching(/^no heartbeat from HQ for/) as string });

  // The stream opens again and beats (for 300 ms); then the till goes offline, and the stream stops standing in for probes.
  const deadline2 = Date.now() + 5000;
  while (!(traffic.at(-1)?.ok ?? false) && Date.now() < deadline2) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(traffic.at(-1)).toMatchObject({ ok: true, source: 'stream' });
  state = { ...online, state: 'offline', reasons: ['manual'] };
  for (const listener of listeners) listener(state);
  expect(watchEnded).toBe(1);
  const told = traffic.length;
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(traffic).toHaveLength(told);
  expect(sync.status().realtime).toBe(false);
});
