import path from 'node:path';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { ConnectivityService } from './connectivity.service';
import { ManualFlagStore } from './manual-flag';
import type { ProbeResult } from './probe-result';
import { DEFAULT_TIMINGS } from './simulation/simulated-link';
import { TransitionLog } from './transition-log';
import { advanceInSteps } from './simulation/advance';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

/** The register's service on simulated time, with HQ's /health answered while `up`; counts the probes. */
function register() {
  const { dir, cleanup } = makeTempDir();
  const db = openDatabase(path.join(dir, 'kassa.db'));
  const clock = new SimulatedClock();
  const link = { up: true, probes: 0 };
  const hq = {
    probe: async (timeoutMs: number): Promise<ProbeResult> => {
      link.probes++;
      if (link.up) return { ok: true, at: clock.now(), durationMs: 3 };
      await new Promise<void>((resolve) => clock.setTimeout(resolve, timeoutMs));
      return { ok: false, at: clock.now(), durationMs: timeoutMs, kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
    },
    qos: async () => ({ domain: 'checkout' as const, status: 'ok' as const, at: clock.now() }),
  };
  const transitions = new TransitionLog(db);
  const service = new ConnectivityService({ store: new ManualFlagStore(dir), log: silentLogger(), transitions, timings: DEFAULT_TIMINGS, hq, now: () => clock.now(), clock });
  cleanups.push(() => {
    service.stop();
    db.close();
    cleanup();
  });
  const advance = (ms: number) => advanceInSteps(clock, ms);
  return { service, transitions, link, clock, advance };
}

describe('live traffic with HQ as connectivity evidence', () => {
  it('probes at once when a sync request gets no answer, and logs the offline transition as caused by it', async () => {
    const { service, transitions, link, advance } = register();
    await advance(DEFAULT_TIMINGS.probeTimeoutMs + 100);
    const before = link.probes;
    link.up = false;
    service.reportTraffic({ ok: false, source: 'sync', detail: 'no answer within 30 s' });
    await advance(10);
    expect(link.probes).toBe(before + 1);
    expect(service.lastTraffic()).toMatchObject({ ok: false, source: 'sync', detail: 'no answer within 30 s' });
    await advance(DEFAULT_TIMINGS.t1Ms + DEFAULT_TIMINGS.probeTimeoutMs);
    expect(service.current()).toMatchObject({ state: 'offline', reasons: ['network'] });
    expect(transitions.list(1)[0]).toMatchObject({ to: 'offline', trigger: 'probe' });
  });

  it('takes no report once stopped (a request that ends while the register shuts down)', async () => {
    const { service, link, advance } = register();
    await advance(100);
    service.stop();
    const probes = link.probes;
    service.reportTraffic({ ok: false, source: 'sync', detail: 'the connection to HQ was cut (reset)' });
    await advance(100);
    expect(link.probes).toBe(probes);
    expect(service.lastTraffic()).toBeNull();
  });

  it('lets the stream’s heartbeats stand in for scheduled probes, and remembers the last one for diagnostics', async () => {
    const { service, link, clock, advance } = register();
    await advance(100);
    const before = link.probes;
    for (let i = 0; i < 8; i++) {
      service.reportTraffic({ ok: true, source: 'stream', expectNextWithinMs: DEFAULT_TIMINGS.t2Ms + 100 });
      await advance(DEFAULT_TIMINGS.t2Ms);
    }
    expect(link.probes).toBe(before);
    expect(service.lastTraffic()).toEqual({ at: clock.now() - DEFAULT_TIMINGS.t2Ms, ok: true, source: 'stream', detail: null });
    // Without heartbeats, the schedule returns one probe timeout after the stream's own deadline (T2 + 100 ms after the last one).
    await advance(100 + DEFAULT_TIMINGS.probeTimeoutMs - 50);
    expect(link.probes).toBe(before);
    await advance(100);
    expect(link.probes).toBe(before + 1);
  });
});
