import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectivityState } from '../../shared/api';
import type { Operation, OpResult } from '../../shared/hq/ops';
import { silentLogger } from '../core/logger';
import { demoCardSealer } from '../modules/checkout/card-seal';
import { makeDatabase } from '../test/factories';
import { backoffDelay } from './backoff';
import { DeadLetters } from './dead-letters';
import { Drainer, type PushTransport } from './drainer';
import { Outbox } from './outbox';
import { SyncState } from './sync-state';

const online = { state: 'online', reasons: [] } as unknown as ConnectivityState;
const manualOffline = { state: 'offline', reasons: ['manual'] } as unknown as ConnectivityState;

let close: () => void;
let outbox: Outbox;
let setup: ReturnType<typeof makeDatabase>;
beforeEach(() => {
  setup = makeDatabase();
  close = setup.close;
  outbox = new Outbox(setup.db);
});
afterEach(() => close());

/** HQ as a test double: records every batch, answers `applied` unless told otherwise. */
function fakeHq(answer: (op: Operation) => OpResult['status'] | Error = () => 'applied') {
  const batches: Operation[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const transport: PushTransport = {
    push: async (_registerId, ops) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      batches.push(ops);
      return ops.map((op): OpResult => {
        const status = answer(op);
        if (status instanceof Error) throw status;
        return status === 'rejected' ? { id: op.id, status, code: 'CONFLICT', message: 'already refunded' } : status === 'deferred' ? { id: op.id, status, code: 'ORIGINAL_UNKNOWN', message: 'the original sale is not on HQ yet' } : { id: op.id, status };
      });
    },
  };
  return { transport, batches, maxInFlight: () => maxInFlight };
}

function drainer(transport: PushTransport, state: ConnectivityState = online, extra: Partial<ConstructorParameters<typeof Drainer>[0]> = {}) {
  return new Drainer({
    db: setup.db,
    outbox,
    deadLetters: new DeadLetters(setup.db),
    state: new SyncState(setup.db),
    transport,
    connectivity: { current: () => state, subscribe: () => () => {} },
    registerId: () => 'register-1',
    log: silentLogger(),
    random: () => 0.5,
    ...extra,
  });
}

function addSales(n: number, entity = 'sale') {
  for (let i = 0; i < n; i++) outbox.write(() => ({ result: null, operations: [{ entity: entity as 'sale', entityId: `s${i}`, type: 'completed', payload: { i } as never }] }));
}

describe('the outbox', () => {
  it('writes nothing when the domain write fails: the operation and its rows commit together', () => {
    expect(() =>
      outbox.write(() => {
        setup.db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u', 'Ana', 'cashier', 'scrypt$x', 1)").run();
        throw new Error('the sale could not be written');
      }),
    ).toThrow();
    expect(outbox.pending().count).toBe(0);
    expect(setup.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
  });

  it('batches oldest first within the operation and byte limits', () => {
    addSales(10);
    expect(outbox.batch(4, 1_000_000).map((op) => JSON.parse(op.payload).i)).toEqual([0, 1, 2, 3]);
    expect(outbox.batch(100, 450)).toHaveLength(2);
    expect(outbox.batch(100, 2 * (7 + 200))).toHaveLength(2); // two payloads of 7 bytes (+200 each) fit exactly
    expect(outbox.batch(100, 2 * (7 + 200) - 1)).toHaveLength(1);
    expect(outbox.batch(100, 1)).toHaveLength(1); // always at least one, so a large operation still goes
  });

  it('drains in the order operations were written, whatever the wall clock said: a refund written after the clock was set back still goes after its sale', () => {
    const t = Date.parse('2026-10-25T01:30:00Z');
    const op = (entity: 'sale' | 'refund' | 'payment', id: string) => ({ entity, entityId: id, type: 'completed' as const, payload: { id } as never });
    outbox.write(() => ({ result: null, operations: [op('sale', 's1'), op('payment', 'p1')] }), t);
    // NTP corrects the register's clock by an hour back, then a day forward.
    outbox.write(() => ({ result: null, operations: [op('refund', 'r1')] }), t - 3_600_000);
    outbox.write(() => ({ result: null, operations: [op('sale', 's2')] }), t + 86_400_000);
    outbox.write(() => ({ result: null, operations: [op('sale', 's3')] }), t - 60_000);
    expect(outbox.batch(10, 1_000_000).map((o) => o.entityId)).toEqual(['s1', 'p1', 'r1', 's2', 's3']);
    expect(outbox.batch(1, 1_000_000).map((o) => o.entityId)).toEqual(['s1']);
  });

  it('numbers operations put back from the dead letters after every waiting one, and never reuses a number', () => {
    addSales(2);
    const seqs = () => setup.db.prepare<[], { seq: number }>('SELECT seq FROM outbox ORDER BY seq').all().map((r) => r.seq);
    const first = seqs();
    outbox.acknowledge(outbox.batch(10, 1_000_000).map((o) => o.id));
    addSales(1);
    expect(seqs()[0]).toBeGreaterThan(Math.max(...first));
  });
});

describe('the drainer', () => {
  it('sends in batches, in order, and removes operations only once HQ acknowledged them', async () => {
    addSales(25);
    const hq = fakeHq();
    const outcome = await drainer(hq.transport, online, { maxOps: 10 }).drain();
    expect(hq.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(hq.batches.flat().map((op) => (op.payload as { i: number }).i)).toEqual([...Array(25).keys()]);
    expect(outcome).toMatchObject({ sent: 25, applied: 25, remaining: 0 });
    expect(outbox.pending().count).toBe(0);
  });

  it('keeps every operation when HQ does not answer, and backs off with jitter', async () => {
    addSales(3);
    const d = drainer(fakeHq(() => new Error('connection reset')).transport);
    const outcome = await d.drain();
    expect(outcome.error).toBe('connection reset');
    expect(outbox.pending().count).toBe(3);
    expect(d.status().nextAttemptAt).not.toBeNull();
    expect(await d.drain()).toMatchObject({ skipped: 'backoff' });
  });

  it('keeps an operation HQ deferred in the outbox, uploads the ones after it, and sends it again once its own backoff ends', async () => {
    addSales(3);
    let mono = 1_000;
    let originalArrived = false;
    const hq = fakeHq((op) => ((op.payload as { i: number }).i === 0 && !originalArrived ? 'deferred' : 'applied'));
    const d = drainer(hq.transport, online, { monotonic: () => mono, maxOps: 2 });
    expect(await d.drain()).toMatchObject({ applied: 2, held: 1, remaining: 1 });
    expect(hq.batches.map((b) => b.map((op) => (op.payload as { i: number }).i))).toEqual([[0, 1], [2]]);
    expect(new DeadLetters(setup.db).list()).toEqual([]);
    await d.drain();
    expect(hq.batches).toHaveLength(2); // not due yet: nothing goes, and the drainer does not spin
    mono += 60_000;
    originalArrived = true;
    expect(await d.drain()).toMatchObject({ applied: 1, remaining: 0 });
    expect(hq.batches.at(-1)!.map((op) => (op.payload as { i: number }).i)).toEqual([0]);
    expect(outbox.pending().count).toBe(0);
  });

  it('counts a duplicate acknowledgement as success (a retry after a lost ack)', async () => {
    addSales(2);
    const outcome = await drainer(fakeHq(() => 'duplicate').transport).drain();
    expect(outcome).toMatchObject({ duplicates: 2, remaining: 0 });
  });

  it('moves rejected operations to the dead-letter list with HQ’s reason', async () => {
    addSales(3);
    const dead = new DeadLetters(setup.db);
    const outcome = await drainer(fakeHq((op) => ((op.payload as { i: number }).i === 1 ? 'rejected' : 'applied')).transport).drain();
    expect(outcome).toMatchObject({ sent: 3, applied: 2, rejected: 1, duplicates: 0, remaining: 0 });
    expect(outbox.pending().count).toBe(0);
    expect(dead.list()).toEqual([expect.objectContaining({ code: 'CONFLICT', message: 'already refunded', payload: { i: 1 } })]);
    expect(dead.count()).toBe(1);
    dead.retry(dead.list()[0]!.id, 'Max', Date.now());
    expect(outbox.pending().count).toBe(1);
    expect(dead.count()).toBe(0);
  });

  it('never shows a card token in the dead-letter list or its decision log', async () => {
    outbox.write(() => ({ result: null, operations: [{ entity: 'offlineCardPayment', entityId: 'p1', type: 'captured', payload: { id: 'p1', cardToken: '4111111111111111', last4: '1111' } as never }] }));
    const dead = new DeadLetters(setup.db);
    await drainer(fakeHq(() => 'rejected').transport).drain();
    expect(JSON.stringify(dead.list())).not.toContain('4111111111111111');
    expect(dead.list()[0]!.payload).toMatchObject({ cardToken: '••••1111' });
    dead.discard(dead.list()[0]!.id, 'Max', Date.now());
    expect(setup.db.prepare('SELECT payload FROM dead_letter_decisions').pluck().get()).not.toContain('4111111111111111');
  });

  it('shows a sealed card token in the dead-letter list as `sealed`, not as characters of its ciphertext', async () => {
    const token = demoCardSealer()('4111111111111111');
    outbox.write(() => ({ result: null, operations: [{ entity: 'offlineCardPayment', entityId: 'p1', type: 'captured', payload: { id: 'p1', cardToken: token, last4: '1111' } as never }] }));
    const dead = new DeadLetters(setup.db);
    await drainer(fakeHq(() => 'rejected').transport).drain();
    expect(dead.list()[0]!.payload).toMatchObject({ cardToken: 'sealed', last4: '1111' });
    dead.discard(dead.list()[0]!.id, 'Max', Date.now());
    expect(setup.db.prepare('SELECT payload FROM dead_letter_decisions').pluck().get()).not.toContain(token);
  });

  it('never sends while offline, also when the cashier switched offline', async () => {
    addSales(2);
    const hq = fakeHq();
    expect(await drainer(hq.transport, manualOffline).drain()).toMatchObject({ skipped: 'offline' });
    expect(hq.batches).toHaveLength(0);
  });

  it('cancels an upload HQ has not answered when the till goes offline, keeping its operations for later', async () => {
    addSales(3);
    let state = online;
    const listeners = new Set<(s: ConnectivityState) => void>();
    let sawAbort = false;
    // HQ that accepts the upload and never answers (a stalled connection).
    const stalled: PushTransport = {
      push: (_registerId, _ops, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('the request was cancelled'));
          });
        }),
    };
    const d = drainer(stalled, online, { connectivity: { current: () => state, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) } });
    d.start();
    const draining = d.drain();
    await new Promise((resolve) => setTimeout(resolve, 20));
    state = manualOffline;
    listeners.forEach((l) => l(manualOffline));
    expect(await draining).toMatchObject({ skipped: 'offline', remaining: 3 });
    expect(sawAbort).toBe(true);
    expect(outbox.pending().count).toBe(3);
    d.stop();
  });

  it('is single-flight: concurrent drains join one, and a second drainer (another process) waits for the lease', async () => {
    addSales(5);
    const hq = fakeHq();
    const d = drainer(hq.transport);
    const [a, b] = await Promise.all([d.drain(), d.drain()]);
    expect(a).toBe(b);
    expect(hq.maxInFlight()).toBe(1);

    addSales(1);
    const other = drainer(hq.transport, online, { isAlive: () => true });
    const state = new SyncState(setup.db);
    state.set('drainLease', { owner: 'someone-else', pid: 99999, until: Date.now() + 60_000 });
    expect(await other.drain()).toMatchObject({ skipped: 'lease-held' });
    // A lease left by a process that died (a crash) does not block the next drain.
    const afterCrash = drainer(hq.transport, online, { isAlive: () => false });
    expect(await afterCrash.drain()).toMatchObject({ applied: 1 });
  });

  it('keeps a live lease, and its backoff, on the monotonic clock: the wall clock set forward a day or back an hour changes neither', async () => {
    addSales(1);
    const hq = fakeHq();
    let mono = 1_000_000;
    let wall = Date.parse('2026-03-29T00:59:00Z');
    const clocks = { now: () => wall, monotonic: () => mono, boot: () => 'boot-a' };
    const state = new SyncState(setup.db);
    state.set('drainLease', { owner: 'someone-else', pid: 99999, untilMono: mono + 60_000, boot: 'boot-a' });
    wall += 86_400_000; // a day forward: the other process's lease still runs
    expect(await drainer(hq.transport, online, { ...clocks, isAlive: () => true }).drain()).toMatchObject({ skipped: 'lease-held' });
    mono += 61_000; // its time on the monotonic clock is up
    expect(await drainer(hq.transport, online, { ...clocks, isAlive: () => true }).drain()).toMatchObject({ applied: 1 });

    // A lease of an earlier boot is stale even if its process id is in use again.
    addSales(1);
    state.set('drainLease', { owner: 'before-reboot', pid: 99999, untilMono: mono + 10_000_000, boot: 'boot-0' });
    expect(await drainer(hq.transport, online, { ...clocks, isAlive: () => true }).drain()).toMatchObject({ applied: 1 });

    // A failure backs off on the monotonic clock: the wall clock set back an hour does not stretch the wait.
    addSales(1);
    const failing = drainer(fakeHq(() => new Error('connection reset')).transport, online, clocks);
    await failing.drain();
    const waitMs = failing.status().nextAttemptAt! - wall;
    expect(waitMs).toBeGreaterThanOrEqual(0);
    expect(waitMs).toBeLessThanOrEqual(1000);
    wall -= 3_600_000;
    expect(failing.status().nextAttemptAt! - wall).toBe(waitMs);
    expect(await failing.drain()).toMatchObject({ skipped: 'backoff' });
    mono += 1001;
    expect(await failing.drain()).toMatchObject({ error: 'connection reset' });
  });

  it('holds a lease in the database while it drains (this process, two minutes on the monotonic clock, this boot) and gives it back after', async () => {
    addSales(2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: PushTransport = { push: async (_r, ops) => (await gate, ops.map((op) => ({ id: op.id, status: 'applied' as const }))) };
    const mono = 5_000_000;
    const clocks = { monotonic: () => mono, boot: () => 'boot-a' };
    const state = new SyncState(setup.db);
    const first = drainer(gated, online, clocks);
    const draining = first.drain();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(state.get('drainLease')).toMatchObject({ pid: process.pid, untilMono: mono + 120_000, boot: 'boot-a' });
    expect(await drainer(fakeHq().transport, online, { ...clocks, isAlive: () => true }).drain()).toMatchObject({ skipped: 'lease-held' });
    release();
    expect(await draining).toMatchObject({ applied: 2 });
    expect(state.get('drainLease')).toBeNull();

    // A lease another drainer wrote without a boot (an older version) holds as long as its process lives;
    // one whose time is up exactly now is free.
    addSales(1);
    state.set('drainLease', { owner: 'older', pid: 4242, untilMono: mono + 1 });
    expect(await drainer(fakeHq().transport, online, { ...clocks, isAlive: () => true }).drain()).toMatchObject({ skipped: 'lease-held' });
    state.set('drainLease', { owner: 'other', pid: 4242, untilMono: mono, boot: 'boot-a' });
    expect(await drainer(fakeHq().transport, online, { ...clocks, isAlive: () => true }).drain()).toMatchObject({ applied: 1 });
    // Another drainer's lease is not given back by one that did not hold it.
    state.set('drainLease', { owner: 'other', pid: 4242, untilMono: mono + 60_000, boot: 'boot-a' });
    await drainer(fakeHq().transport, online, { ...clocks, isAlive: () => true }).drain();
    expect(state.get('drainLease')).toMatchObject({ owner: 'other' });
  });

  it('drains on its own once started: when the till comes online, soon after a new operation, and again after a backoff', async () => {
    let state = manualOffline;
    const listeners = new Set<(s: ConnectivityState) => void>();
    const hq = fakeHq();
    let mono = 1_000;
    const d = drainer(hq.transport, online, {
      connectivity: { current: () => state, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
      debounceMs: 20,
      periodMs: 60_000,
      monotonic: () => mono,
    });
    addSales(2);
    d.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(hq.batches).toHaveLength(0); // offline: nothing goes
    state = online;
    listeners.forEach((l) => l(online));
    await vi.waitFor(() => expect(outbox.pending().count).toBe(0), { timeout: 2000 });
    expect(hq.batches).toHaveLength(1);
    addSales(1);
    await vi.waitFor(() => expect(outbox.pending().count).toBe(0), { timeout: 2000 });
    expect(hq.batches).toHaveLength(2);
    // Staying online is not a new reason to drain; the stop ends the triggers.
    listeners.forEach((l) => l(online));
    d.stop();
    addSales(1);
    mono += 10;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(hq.batches).toHaveLength(2);
    expect(outbox.pending().count).toBe(1);
    expect(listeners.size).toBe(0);
  });

  it('uses full jitter up to 60 s', () => {
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(20, () => 1)).toBe(60_000);
    expect(backoffDelay(20, () => 0)).toBe(0);
  });
});
