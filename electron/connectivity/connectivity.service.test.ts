import fs from 'node:fs';
import path from 'node:path';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { ConnectivityService } from './connectivity.service';
import { ManualFlagStore } from './manual-flag';
import type { ProbeResult, QosResult } from './probe-result';
import { DEFAULT_TIMINGS } from './simulation/simulated-link';
import { TransitionLog } from './transition-log';
import { advanceInSteps } from './simulation/advance';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

/** A register's connectivity service over a temp data folder, with HQ answered by `hqUp`. */
function register(dir = makeTemp(), options: { hq?: boolean; hqUp?: () => boolean; degraded?: readonly QosResult['domain'][] } = {}) {
  const db = openDatabase(path.join(dir, 'kassa.db'));
  const clock = new SimulatedClock();
  const hqUp = options.hqUp ?? (() => true);
  const hq = {
    probe: async (): Promise<ProbeResult> =>
      hqUp() ? { ok: true, at: clock.now(), durationMs: 3 } : { ok: false, at: clock.now(), durationMs: 5, kind: 'refused', message: 'HQ refused the connection' },
    qos: async (domain: QosResult['domain']): Promise<QosResult> => ({ domain, status: options.degraded?.includes(domain) ? 'degraded' : 'ok', at: clock.now() }),
  };
  const transitions = new TransitionLog(db);
  const service = new ConnectivityService({
    store: new ManualFlagStore(dir),
    log: silentLogger(),
    transitions,
    timings: DEFAULT_TIMINGS,
    hq: options.hq === false ? null : hq,
    now: () => clock.now(),
    clock,
  });
  cleanups.push(() => {
    service.stop();
    db.close();
  });
  const advance = (ms: number) => advanceInSteps(clock, ms);
  return { service, transitions, db, dir, advance };
}

function makeTemp(): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  return dir;
}

describe('the connectivity service', () => {
  it('starts online-capable when no switch was saved, and logs the start', async () => {
    const { service, transitions, advance } = register();
    await advance(100);
    expect(service.current()).toMatchObject({ state: 'online', reasons: [], warning: null, hq: { configured: true, reachable: true } });
    expect(transitions.list(10)).toEqual([expect.objectContaining({ from: 'starting', to: 'online', trigger: 'start' })]);
  });

  it('keeps Go offline across a restart and wins over healthy probes', async () => {
    const dir = makeTemp();
    const first = register(dir);
    first.service.goOffline('Ana');
    first.service.stop();
    first.db.close();
    cleanups.pop();

    const again = register(dir);
    await again.advance(DEFAULT_TIMINGS.t2Ms * 2);
    expect(again.service.current()).toMatchObject({ state: 'offline', reasons: ['manual'], manualBy: 'Ana', hq: { reachable: true } });
    expect(again.service.isAvailable('checkout')).toBe(false);
  });

  it('writes each press to disk before acting on it, and logs who pressed', () => {
    const { service, transitions, dir } = register();
    service.goOffline('Ana');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'connectivity.json'), 'utf8'))).toMatchObject({ manualOffline: true, by: 'Ana' });
    service.goOnline('Max');
    expect(transitions.list(2).map((e) => [e.to, e.reasons, e.trigger, e.user])).toEqual([
      ['online', [], 'manual.goOnline', 'Max'],
      ['offline', ['manual'], 'manual.goOffline', 'Ana'],
    ]);
  });

  it('starts offline with a warning the cashier can see when the saved switch is corrupted', () => {
    const dir = makeTemp();
    fs.writeFileSync(path.join(dir, 'connectivity.json'), '{"manualOffline": tru');
    const { service } = register(dir);
    expect(service.current()).toMatchObject({ state: 'offline', reasons: ['manual'] });
    expect(service.current().warning).toMatch(/could not be used because it is damaged.*started offline/);
    service.goOnline('Ana');
    expect(service.current()).toMatchObject({ state: 'online', warning: null });
  });

  it('records the network evidence when HQ stops answering, and logs it', async () => {
    let up = true;
    const { service, transitions, advance } = register(undefined, { hqUp: () => up });
    await advance(100);
    up = false;
    await advance(DEFAULT_TIMINGS.t2Ms + DEFAULT_TIMINGS.t1Ms + DEFAULT_TIMINGS.probeTimeoutMs + 500);
    expect(service.current()).toMatchObject({ state: 'offline', reasons: ['network'], hq: { reachable: false, evidence: 'hq-unreachable', lastError: 'HQ refused the connection' } });
    expect(transitions.list(1)[0]).toMatchObject({ to: 'offline', reasons: ['network'], trigger: 'probe', detail: 'HQ refused the connection' });
  });

  it('a degraded membership service takes members away but leaves card payments and sign-in with HQ; the network takes all', async () => {
    let up = true;
    const { service, advance } = register(undefined, { hqUp: () => up, degraded: ['membership'] });
    await advance(100);
    service.reportServiceFault('membership', 'GET /members/lookup answered 500');
    await advance(DEFAULT_TIMINGS.probeTimeoutMs);
    expect(service.current()).toMatchObject({ state: 'offline', reasons: ['service:membership'] });
    expect(service.isAvailable('membership')).toBe(false);
    expect(service.isAvailable('checkout')).toBe(true);
    expect(service.isAvailable('auth')).toBe(true);
    expect(service.isAvailable('orders')).toBe(true);

    up = false;
    await advance(DEFAULT_TIMINGS.t2Ms + DEFAULT_TIMINGS.t1Ms + DEFAULT_TIMINGS.probeTimeoutMs + 500);
    expect(service.current().reasons).toContain('network');
    expect(service.isAvailable('checkout')).toBe(false);
    expect(service.isAvailable('orders')).toBe(false);
  });

  it('the cashier’s switch takes every domain offline, whatever HQ’s services say', async () => {
    const { service, advance } = register();
    await advance(100);
    expect(service.isAvailable('checkout')).toBe(true);
    service.goOffline('Ana');
    for (const domain of ['checkout', 'orders', 'membership', 'auth', 'catalog'] as const) expect(service.isAvailable(domain)).toBe(false);
  });

  it('in demo mode never probes and only the manual switch counts', async () => {
    const { service, advance } = register(undefined, { hq: false });
    await advance(30_000);
    expect(service.current()).toMatchObject({ state: 'online', hq: { configured: false, reachable: null } });
    service.goOffline(null);
    expect(service.current().reasons).toEqual(['manual']);
  });

  it('keeps the transition log append-only', () => {
    const { service, db } = register();
    service.goOffline('Ana');
    expect(() => db.prepare('DELETE FROM connectivity_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE connectivity_log SET user = 'Eve'").run()).toThrow(/append-only/);
  });
});
