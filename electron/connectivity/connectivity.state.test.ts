import fs from 'node:fs';
import path from 'node:path';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectivityState } from '../../shared/api';
import { openDatabase } from '../db/open';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { ConnectivityService, PROBE_HISTORY } from './connectivity.service';
import { ManualFlagStore } from './manual-flag';
import type { ConnectivityTimings, ProbeResult, QosResult } from './probe-result';
import { DEFAULT_TIMINGS } from './simulation/simulated-link';
import { TransitionLog } from './transition-log';
import { advanceInSteps } from './simulation/advance';

/*
 * What the register's service makes of the machine: the state modules and the status bar read (since when,
 * who pressed, since when each reason), what its listeners hear and when, the probe history of the
 * diagnostics page, and the transition log's entries.
 */

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

function makeTemp(): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  return dir;
}

/** The service on simulated time; HQ's /health answers with `answer(now)`, QoS says `degraded` for the listed domains. */
function register(options: { dir?: string; timings?: Partial<ConnectivityTimings>; answer?: (at: number) => ProbeResult; degraded?: readonly QosResult['domain'][] } = {}) {
  const dir = options.dir ?? makeTemp();
  const db = openDatabase(path.join(dir, 'kassa.db'));
  const clock = new SimulatedClock();
  let probes = 0;
  const answer = options.answer ?? ((at: number): ProbeResult => ({ ok: true, at, durationMs: 3.4 }));
  const hq = {
    probe: async (): Promise<ProbeResult> => {
      probes++;
      return answer(clock.now());
    },
    qos: async (domain: QosResult['domain']): Promise<QosResult> => ({ domain, status: options.degraded?.includes(domain) ? 'degraded' : 'ok', at: clock.now() }),
  };
  const transitions = new TransitionLog(db);
  const service = new ConnectivityService({
    store: new ManualFlagStore(dir),
    log: silentLogger(),
    transitions,
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    hq,
    now: () => clock.now(),
    clock,
    random: () => 0.5,
  });
  cleanups.push(() => {
    service.stop();
    db.close();
  });
  const advance = (ms: number) => advanceInSteps(clock, ms);
  return { service, transitions, clock, advance, probes: () => probes };
}

describe('the connectivity state the register shows', () => {
  it('says who pressed Go offline and since when, and keeps each reason’s start while other reasons come and go', async () => {
    const dir = makeTemp();
    fs.writeFileSync(path.join(dir, 'connectivity.json'), JSON.stringify({ manualOffline: true, by: 'Ana', at: 42 }));
    const { service, advance } = register({ dir, degraded: ['membership'] });
    // Started offline by the saved switch: offline since the start, the switch since it was pressed.
    expect(service.current()).toMatchObject({ state: 'offline', reasons: ['manual'], since: 0, manualBy: 'Ana', reasonSince: { manual: 42 } });

    await advance(1000);
    expect(service.goOnline('Ana')).toMatchObject({ state: 'online', reasons: [], since: 1000, manualBy: null, reasonSince: {} });

    await advance(1000);
    expect(service.goOffline('Max')).toMatchObject({ state: 'offline', reasons: ['manual'], since: 2000, manualBy: 'Max', reasonSince: { manual: 2000 } });

    await advance(500);
    service.reportServiceFault('membership', 'GET /members/lookup answered 500');
    await advance(100);
    // A reason other than the switch starts when the till learns of it.
    const degradedAt = service.current().reasonSince?.['service:membership'];
    expect(degradedAt).toBeGreaterThanOrEqual(2500);
    // Still offline since the press; the switch still since it was pressed.
    expect(service.current()).toMatchObject({ state: 'offline', reasons: ['manual', 'service:membership'], since: 2000, manualBy: 'Max', reasonSince: { manual: 2000 } });

    await advance(1000);
    expect(service.goOnline('Max')).toEqual(
      expect.objectContaining({ state: 'offline', reasons: ['service:membership'], since: 2000, manualBy: null, reasonSince: { 'service:membership': degradedAt } }),
    );
  });

  it('shows what the last probe knows of HQ: reachable and how fast, or why not', async () => {
    let answer: ProbeResult['ok'] | 'no-network' = true;
    const { service, advance } = register({
      answer: (at) => (answer === true ? { ok: true, at, durationMs: 3.4 } : { ok: false, at, durationMs: 1, kind: 'no-network', message: 'no network interface is up' }),
    });
    await advance(100);
    expect(service.current().hq).toEqual({ configured: true, reachable: true, lastProbeAt: 0, latencyMs: 3, evidence: null, lastError: null });
    answer = 'no-network';
    service.hint('resumed from sleep');
    await advance(10);
    expect(service.current().hq).toEqual({ configured: true, reachable: false, lastProbeAt: 100, latencyMs: null, evidence: 'no-network', lastError: 'no network interface is up' });
  });

  it('probes at once on an OS hint, and stops probing when stopped', async () => {
    const { service, advance, probes } = register();
    await advance(3000);
    expect(probes()).toBe(1);
    service.hint('interface up');
    await advance(10);
    expect(probes()).toBe(2);
    // A probe that finds HQ as before changes nothing the till shows: online since the start.
    expect(service.current()).toMatchObject({ state: 'online', since: 0, hq: { lastProbeAt: 3000 } });
    service.stop();
    await advance(2 * DEFAULT_TIMINGS.t2Ms);
    expect(probes()).toBe(2);
  });
});

describe('the service’s listeners', () => {
  it('hear each change of reasons and each new probe answer, nothing else, until they unsubscribe', async () => {
    const { service, advance } = register();
    await advance(100);
    const heard: ConnectivityState[] = [];
    const unsubscribe = service.subscribe((state) => heard.push(state));
    // The evidence settles and the next round is scheduled: nothing a listener needs to hear.
    await advance(13_000);
    expect(heard).toEqual([]);
    service.goOffline('Ana');
    expect(heard.map((s) => s.reasons)).toEqual([['manual']]);
    // The scheduled probe (0.9 × T2 after the first answer, on 10 ms steps) answers: HQ was heard from again.
    await advance(1000);
    expect(heard.map((s) => [s.reasons, s.hq.lastProbeAt])).toEqual([
      [['manual'], 0],
      [['manual'], 13_510],
    ]);
    unsubscribe();
    service.goOnline('Ana');
    expect(heard).toHaveLength(2);
  });
});

describe('the probe history and the transition log', () => {
  it('remember each probe once, oldest first, and at most PROBE_HISTORY of them', async () => {
    const { service, advance } = register({ timings: { t2Ms: 1000 } });
    await advance(10);
    expect(service.recentProbes()).toEqual([{ at: 0, ok: true, latencyMs: 3, error: null }]);
    await advance(5000);
    const few = service.recentProbes();
    expect(few.map((p) => p.at)).toEqual([0, 910, 1810, 2710, 3610, 4510]);
    await advance((PROBE_HISTORY + 5) * 900);
    const all = service.recentProbes();
    expect(all).toHaveLength(PROBE_HISTORY);
    expect(new Set(all.map((p) => p.at)).size).toBe(PROBE_HISTORY);
    expect(all.every((p, i) => i === 0 || p.at - all[i - 1]!.at === 900)).toBe(true);
    expect(all[PROBE_HISTORY - 1]!.at).toBe(service.current().hq.lastProbeAt);
  });

  it('logs a change only when the reasons change, with what caused it', async () => {
    const { service, transitions, advance } = register({ degraded: ['orders'] });
    await advance(100);
    service.goOffline('Ana');
    // Probes answer while the switch is on: the reasons stay the same, so nothing is logged.
    await advance(3 * DEFAULT_TIMINGS.t2Ms);
    service.reportServiceFault('orders', 'POST /orders answered 503');
    await advance(100);
    expect(
      transitions
        .list(10)
        .reverse()
        .map((e) => [e.from, e.to, e.fromReasons, e.reasons, e.trigger]),
    ).toEqual([
      ['starting', 'online', [], [], 'start'],
      ['online', 'offline', [], ['manual'], 'manual.goOffline'],
      ['offline', 'offline', ['manual'], ['manual', 'service:orders'], 'qos'],
    ]);
  });
});

describe('the saved offline switch', () => {
  it('reads as off when none was saved, and reads back what was written', () => {
    const store = new ManualFlagStore(makeTemp());
    expect(store.read()).toEqual({ manualOffline: false, by: null, at: 0, warning: null });
    expect(store.write(true, 'Ana', 1234)).toEqual({ manualOffline: true, by: 'Ana', at: 1234, warning: null });
    expect(store.read()).toEqual({ manualOffline: true, by: 'Ana', at: 1234, warning: null });
  });

  it('starts offline with a warning when the saved switch exists but cannot be read', () => {
    const dir = makeTemp();
    fs.mkdirSync(path.join(dir, 'connectivity.json'));
    const flag = new ManualFlagStore(dir).read();
    expect(flag).toMatchObject({ manualOffline: true, by: null });
    expect(flag.warning).toMatch(/could not be used because it cannot be read \(.+\), so the till started offline/);
  });
});
