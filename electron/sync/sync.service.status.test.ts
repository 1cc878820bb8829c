import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ConnectivityState, SyncStatus } from '../../shared/api';
import type { ChangesResponse } from '../../shared/hq/feed';
import { silentLogger } from '../core/logger';
import type { HqClient } from '../hq/hq-client';
import type { IdentityStore } from '../hq/identity';
import { hqStandInCaller } from '../hq/testing/hq-stand-in-caller';
import { makeDatabase } from '../test/factories';
import { Outbox } from './outbox';
import { SyncService } from './sync.service';

let setup: ReturnType<typeof makeDatabase>;
let sync: SyncService | null = null;
beforeEach(() => (setup = makeDatabase()));
afterEach(() => {
  sync?.stop();
  sync = null;
  setup.close();
});

const online: ConnectivityState = { state: 'online', reasons: [], since: 0, manualBy: null, warning: null, hq: { configured: true, reachable: true, lastProbeAt: null, latencyMs: null, evidence: null, lastError: null } };

it('an upload the drainer makes on its own is told to the listeners: the pending count they show goes back to 0, with nothing from HQ’s feed to follow it', async () => {
  // HQ takes every operation and has nothing in its feed for this register (a drawer session, say).
  const caller = hqStandInCaller(({ path, body }) => {
    if (path.startsWith('/sync/push')) return { results: (body as { ops: { id: string }[] }).ops.map((op) => ({ id: op.id, status: 'applied' })) };
    return { changes: [], nextSeq: 0, hasMore: false, snapshotRequired: false } satisfies ChangesResponse;
  });
  const hq = { call: caller.call, onRevoked: () => () => {}, urlOf: () => new URL('http://127.0.0.1:9/sync/stream') } as unknown as HqClient;
  const identity = { get: () => ({ registerId: 'r1', deviceToken: 'device-token' }) } as unknown as IdentityStore;
  const outbox = new Outbox(setup.db);
  sync = new SyncService({ db: setup.db, outbox, hq, identity, connectivity: { current: () => online, subscribe: () => () => {} }, log: silentLogger() });
  const told: SyncStatus[] = [];
  sync.onChange((status) => told.push(status));
  sync.start();

  outbox.write(() => ({ result: null, operations: [{ entity: 'cashSession', entityId: 'c1', type: 'closed', payload: { id: 'c1' } as never }] }));
  expect(told.at(-1)?.pending).toBe(1);
  const deadline = Date.now() + 5000;
  while (outbox.pending().count > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(outbox.pending().count).toBe(0);
  expect(told.at(-1)).toMatchObject({ pending: 0, lastError: null });
});
