import path from 'node:path';
import { SimulatedClock } from 'xstate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectivityState } from '../../shared/api';
import { RegisterStatusReportSchema, type RegisterStatusReport } from '../../shared/hq/console';
import { HQ_ROUTES, type HqRouteSpec } from '../../shared/hq/routes';
import { silentLogger } from '../core/logger';
import { openDatabase } from '../db/open';
import type { HqCallOptions, HqCaller } from '../hq/hq-client';
import { makeTempDir } from '../test/factories';
import { ConnectivityService } from './connectivity.service';
import { ManualFlagStore } from './manual-flag';
import type { ProbeResult } from './probe-result';
import { DEFAULT_TIMINGS } from './simulation/simulated-link';
import { StatusReporter } from './status-reporter';
import { TransitionLog } from './transition-log';

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((fn) => fn());
  vi.useRealTimers();
});

/** HQ as a test double: records each call; `hang` leaves calls unanswered until their signal aborts them. */
function fakeHq(options: { hang?: boolean; fail?: boolean } = {}) {
  const calls: { route: HqRouteSpec; body: RegisterStatusReport; options: HqCallOptions; settled: boolean }[] = [];
  const hq: HqCaller = {
    call: (async (route: HqRouteSpec, input: { body?: unknown }, callOptions: HqCallOptions = {}) => {
      const call = { route, body: RegisterStatusReportSchema.parse(input.body), options: callOptions, settled: false };
      calls.push(call);
      if (options.hang) {
        await new Promise((_resolve, reject) => callOptions.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      call.settled = true;
      if (options.fail) throw new Error('HQ refused the connection');
      return null;
    }) as HqCaller['call'],
  };
  return { hq, calls };
}

/** A fake connectivity the test moves by hand. */
function fakeConnectivity(initial: ConnectivityState) {
  let state = initial;
  const listeners = new Set<(s: ConnectivityState) => void>();
  return {
    current: () => state,
    subscribe: (fn: (s: ConnectivityState) => void) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    set(next: Partial<ConnectivityState>) {
      state = { ...state, ...next };
      for (const fn of listeners) fn(state);
    },
  };
}

const ONLINE: ConnectivityState = { state: 'online', reasons: [], since: Date.UTC(2026, 11, 1, 8), manualBy: null, warning: null, hq: { configured: true, reachable: true, lastProbeAt: null, latencyMs: null, evidence: null, lastError: null } };
const figures = { backlog: 4, oldestPendingAt: Date.UTC(2026, 11, 1, 8, 55), deadLetters: 1 };

function reporter(hq: HqCaller, connectivity: ReturnType<typeof fakeConnectivity>, extra: Partial<ConstructorParameters<typeof StatusReporter>[0]> = {}) {
  const r = new StatusReporter({ hq, connectivity, enrolled: () => true, figures: () => figures, version: '1.4.0', log: silentLogger(), ...extra });
  cleanups.push(() => r.stop());
  return r;
}

describe('the status reporter', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] }));

  it('reports at start and every minute while online, with the upload figures, and not while offline', async () => {
    const { hq, calls } = fakeHq();
    const connectivity = fakeConnectivity(ONLINE);
    reporter(hq, connectivity).start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.route).toBe(HQ_ROUTES.registerStatus);
    expect(calls[0]!.body).toEqual({ state: 'online', reasons: [], switchedBy: null, since: '2026-12-01T08:00:00.000Z', version: '1.4.0', backlog: 4, oldestPendingAt: '2026-12-01T08:55:00.000Z', deadLetters: 1 });
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(3);

    connectivity.set({ state: 'offline', reasons: ['network'], since: Date.UTC(2026, 11, 1, 9) });
    await vi.advanceTimersByTimeAsync(180_000);
    expect(calls).toHaveLength(3);
  });

  it('reports right after the till comes back online', async () => {
    const { hq, calls } = fakeHq();
    const connectivity = fakeConnectivity({ ...ONLINE, state: 'offline', reasons: ['network'] });
    reporter(hq, connectivity).start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(0);
    connectivity.set({ state: 'online', reasons: [], since: Date.UTC(2026, 11, 1, 9, 5) });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.body)).toEqual([expect.objectContaining({ state: 'online', since: '2026-12-01T09:05:00.000Z' })]);
  });

  it('sends nothing for a register HQ does not take reports from (not enrolled, or revoked)', async () => {
    const { hq, calls } = fakeHq();
    const connectivity = fakeConnectivity(ONLINE);
    reporter(hq, connectivity, { enrolled: () => false }).start();
    await vi.advanceTimersByTimeAsync(120_000);
    connectivity.set({ state: 'offline', reasons: ['manual'], manualBy: 'Anna' });
    expect(calls).toHaveLength(0);
  });

  it('reports as soon as the register enrols, not a minute later', async () => {
    const { hq, calls } = fakeHq();
    let enrolled = false;
    const r = reporter(hq, fakeConnectivity(ONLINE), { enrolled: () => enrolled });
    r.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(0);
    enrolled = true;
    r.reportNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.body.state)).toEqual(['online']);
  });

  it('keeps one periodic report at a time when HQ is slow, and gives up without throwing', async () => {
    const { hq, calls } = fakeHq({ hang: true });
    const connectivity = fakeConnectivity(ONLINE);
    const r = reporter(hq, connectivity);
    r.start();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(calls).toHaveLength(1);
    r.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls[0]!.options.signal?.aborted).toBe(true);
    const failing = fakeHq({ fail: true });
    await expect(reporter(failing.hq, connectivity).send(ONLINE)).resolves.toBe(false);
  });
});

describe('the parting notice', () => {
  it('goes to HQ at the manual switch, with who pressed it and a short timeout, without holding the switch', async () => {
    const { dir, cleanup } = makeTempDir();
    const db = openDatabase(path.join(dir, 'kassa.db'));
    const clock = new SimulatedClock();
    const probe = async (): Promise<ProbeResult> => ({ ok: true, at: clock.now(), durationMs: 3 });
    const service = new ConnectivityService({
      store: new ManualFlagStore(dir),
      log: silentLogger(),
      transitions: new TransitionLog(db),
      timings: DEFAULT_TIMINGS,
      hq: { probe, qos: async (domain) => ({ domain, status: 'ok', at: clock.now() }) },
      now: () => clock.now(),
      clock,
    });
    // HQ never answers: the switch must not wait for it.
    const { hq, calls } = fakeHq({ hang: true });
    const r = new StatusReporter({ hq, connectivity: service, enrolled: () => true, figures: () => figures, version: '1.4.0', log: silentLogger(), partingTimeoutMs: 1_500 });
    cleanups.push(() => {
      r.stop();
      service.stop();
      db.close();
      cleanup();
    });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    r.start();
    const before = calls.length;

    const state = service.goOffline('Anna');
    // goOffline returned with the till offline while HQ's answer is still outstanding.
    expect(state).toMatchObject({ state: 'offline', reasons: ['manual'], manualBy: 'Anna' });
    expect(calls.length).toBe(before + 1);
    const parting = calls[calls.length - 1]!;
    expect(parting.settled).toBe(false);
    expect(parting.body).toMatchObject({ state: 'offline', reasons: ['manual'], switchedBy: 'Anna', since: new Date(state.since).toISOString() });
    expect(parting.options.timeoutMs).toBe(1_500);

    // Switching back on reports at once (online again); a second press of Go offline sends a new notice.
    service.goOnline('Anna');
    expect(calls[calls.length - 1]!.body).toMatchObject({ state: 'online', reasons: [], switchedBy: null });
    service.goOffline('Björn');
    expect(calls[calls.length - 1]!.body).toMatchObject({ state: 'offline', switchedBy: 'Björn' });
  });
});
