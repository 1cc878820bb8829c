import path from 'node:path';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectivityState } from '../../shared/api';
import { ConnectivityTransitionPayloadSchema, type Operation, type OpResult } from '../../shared/hq/ops';
import { silentLogger } from '../core/logger';
import { openDatabase, type KassaDatabase } from '../db/open';
import { DeadLetters } from '../sync/dead-letters';
import { Drainer } from '../sync/drainer';
import { Outbox } from '../sync/outbox';
import { SyncState } from '../sync/sync-state';
import { makeTempDir } from '../test/factories';
import { ConnectivityService } from './connectivity.service';
import { ManualFlagStore } from './manual-flag';
import type { ProbeResult } from './probe-result';
import { DEFAULT_TIMINGS } from './simulation/simulated-link';
import { TransitionLog, type NewLogEntry } from './transition-log';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

function setup() {
  const { dir, cleanup } = makeTempDir();
  const db = openDatabase(path.join(dir, 'kassa.db'));
  cleanups.push(() => {
    db.close();
    cleanup();
  });
  const outbox = new Outbox(db);
  return { db, dir, outbox, transitions: new TransitionLog(db, outbox) };
}

const entry = (overrides: Partial<NewLogEntry> = {}): NewLogEntry => ({
  at: Date.UTC(2026, 11, 1, 9, 30),
  from: 'online',
  to: 'offline',
  fromReasons: [],
  reasons: ['manual'],
  trigger: 'manual.goOffline',
  user: 'Anna',
  detail: null,
  ...overrides,
});

const outboxRows = (db: KassaDatabase) => db.prepare<[], { id: string; entity: string; entity_id: string; type: string; payload: string }>('SELECT id, entity, entity_id, type, payload FROM outbox ORDER BY seq').all();
const logRows = (db: KassaDatabase) => db.prepare<[], { id: number; uid: string | null }>('SELECT id, uid FROM connectivity_log ORDER BY id').all();

describe('connectivity transitions on their way to HQ', () => {
  it('writes each logged transition to the outbox as a connectivityTransition under the log row’s own UUID', () => {
    const { db, transitions } = setup();
    transitions.append(entry());
    const [row] = logRows(db);
    const [op] = outboxRows(db);
    expect(row!.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(op).toMatchObject({ entity: 'connectivityTransition', type: 'recorded', entity_id: row!.uid });
    const payload = ConnectivityTransitionPayloadSchema.parse(JSON.parse(op!.payload));
    expect(payload).toEqual({ id: row!.uid, at: '2026-12-01T09:30:00.000Z', from: 'online', to: 'offline', reasons: ['manual'], trigger: 'manual.goOffline', switchedBy: 'Anna' });
    // The register's own log reads as before.
    expect(transitions.list(5)).toEqual([expect.objectContaining({ from: 'online', to: 'offline', user: 'Anna' })]);
  });

  it('writes the row and its operation in one transaction: neither is kept without the other', () => {
    const { db, transitions } = setup();
    db.exec("CREATE TEMP TRIGGER outbox_refuses BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    expect(() => transitions.append(entry())).toThrow(/disk is full/);
    expect(logRows(db)).toEqual([]);
    db.exec('DROP TRIGGER outbox_refuses');

    // A row the log refuses (a state it does not know) leaves no operation behind either.
    expect(() => transitions.append(entry({ to: 'sleeping' as never }))).toThrow(/CHECK/);
    expect(outboxRows(db)).toEqual([]);

    transitions.append(entry());
    expect(logRows(db)).toHaveLength(1);
    expect(outboxRows(db)).toHaveLength(1);
  });

  it('without an HQ (demo mode) only logs', () => {
    const { db } = setup();
    new TransitionLog(db).append(entry());
    expect(logRows(db)).toHaveLength(1);
    expect(outboxRows(db)).toEqual([]);
  });

  it('never counts transitions as waiting: not in the pending count, its oldest time, nor the diagnostics queue', () => {
    const { outbox, transitions } = setup();
    transitions.append(entry({ at: Date.UTC(2026, 11, 1, 8) }));
    expect(outbox.pending()).toEqual({ count: 0, oldestAt: null });
    expect(outbox.figures()).toEqual({ pending: 0, oldestAt: null, byEntity: [] });

    const saleAt = Date.UTC(2026, 11, 1, 9);
    outbox.write(() => ({ result: null, operations: [{ entity: 'cardAttempt', entityId: 'a1', type: 'abandoned', payload: { id: 'a1', orderId: 'o1', amount: 100, currency: 'EUR', createdAt: new Date(saleAt).toISOString() } }] }), saleAt);
    transitions.append(entry({ at: Date.UTC(2026, 11, 1, 10) }));
    expect(outbox.pending()).toEqual({ count: 1, oldestAt: saleAt });
    expect(outbox.figures()).toEqual({ pending: 1, oldestAt: saleAt, byEntity: [{ entity: 'cardAttempt', count: 1, oldestAt: saleAt }] });
    // Still uploaded with the rest, in the order written.
    expect(outbox.batch(10, 1_000_000).map((op) => op.entity)).toEqual(['connectivityTransition', 'cardAttempt', 'connectivityTransition']);
  });

  it('uploads each transition once; one HQ refuses is dropped, never a dead letter a manager must decide on', async () => {
    const { db, outbox, transitions } = setup();
    transitions.append(entry());
    transitions.append(entry({ from: 'offline', to: 'online', reasons: [], fromReasons: ['manual'], trigger: 'manual.goOnline' }));
    const sent: Operation[] = [];
    let refuse = true;
    const drainer = new Drainer({
      db,
      outbox,
      deadLetters: new DeadLetters(db),
      state: new SyncState(db),
      transport: {
        push: async (_registerId, ops) => {
          sent.push(...ops);
          return ops.map((op, i): OpResult => (refuse && i === 0 ? { id: op.id, status: 'rejected', code: 'UNKNOWN_ENTITY', message: 'HQ does not know the entity type' } : { id: op.id, status: 'applied' }));
        },
      },
      connectivity: { current: () => ({ state: 'online', reasons: [] }) as unknown as ConnectivityState, subscribe: () => () => {} },
      registerId: () => 'register-1',
      log: silentLogger(),
      random: () => 0.5,
    });
    cleanups.unshift(() => drainer.stop());
    const outcome = await drainer.drain();
    expect(outcome).toMatchObject({ sent: 2, applied: 1, rejected: 1, remaining: 0 });
    expect(new DeadLetters(db).count()).toBe(0);
    expect(outboxRows(db)).toEqual([]);
    refuse = false;
    await drainer.drain();
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((op) => op.entityId)).size).toBe(2);
  });

  it("carries the cashier's name when the till is switched offline by hand", async () => {
    const { db, dir, outbox, transitions } = setup();
    const clock = new SimulatedClock();
    const hq = { probe: async (): Promise<ProbeResult> => ({ ok: true, at: clock.now(), durationMs: 3 }), qos: async () => ({ domain: 'orders' as const, status: 'ok' as const, at: clock.now() }) };
    const service = new ConnectivityService({ store: new ManualFlagStore(dir), log: silentLogger(), transitions, timings: DEFAULT_TIMINGS, hq, now: () => clock.now(), clock });
    cleanups.unshift(() => service.stop());
    service.goOffline('Anna Lindqvist');
    const payloads = outboxRows(db).map((op) => JSON.parse(op.payload) as { from: string; to: string; reasons: string[]; trigger: string; switchedBy: string | null });
    expect(payloads).toEqual([
      expect.objectContaining({ from: 'starting', to: 'online', trigger: 'start', switchedBy: null }),
      expect.objectContaining({ from: 'online', to: 'offline', reasons: ['manual'], trigger: 'manual.goOffline', switchedBy: 'Anna Lindqvist' }),
    ]);
    expect(outbox.pending().count).toBe(0);
  });
});
