import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectivityState } from '../../shared/api';
import { startFaultProxy, type FaultMode } from '../../e2e/support/fault-proxy';
import { startHqStandIn } from '../../e2e/support/hq-stand-in';
import { silentLogger } from '../core/logger';
import { openDatabase } from '../db/open';
import { HQ_ROUTES } from '../../shared/hq/routes';
import { HqClient, HqStatusError } from '../hq/hq-client';
import { makeTempDir } from '../test/factories';
import { ConnectivityService } from './connectivity.service';
import { decisiveAttempt, maxAttempts } from './connectivity.machine';
import { ManualFlagStore } from './manual-flag';
import type { ConnectivityTimings, ProbeFailureKind, ProbeResult } from './probe-result';
import { TransitionLog } from './transition-log';
import { seededRandom } from '../../shared/seeded-random';

/**
 * The register's real connectivity service and HQ client against a real HTTP stand-in for HQ on
 * 127.0.0.1, through a fault-injecting proxy, with real timers and short timings.
 */

const TIMINGS: ConnectivityTimings = { t1Ms: 300, probeTimeoutMs: 200, probeHedging: 4, t2Ms: 400, t2OfflineMs: 200, recoverSuccesses: 2, qosPollMs: 300 };
/** The detection bound the machine promises: one probe interval, the debounce window, the re-probe's timeout. */
const BOUND_MS = TIMINGS.t2Ms + TIMINGS.t1Ms + TIMINGS.probeTimeoutMs;
/** Room for a loaded 2-core CI machine (timers fire late, connections take longer). */
const SLACK_MS = 600;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Polls `predicate` every 10 ms; resolves with the milliseconds it took, or fails after `limitMs`. */
async function waitFor(predicate: () => boolean, limitMs: number, what = 'the condition'): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (predicate()) return performance.now() - start;
    if (performance.now() - start > limitMs) throw new Error(`${what} did not hold within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/**
 * A register's connectivity service over a temp data folder, talking to the HQ stand-in through the
 * fault proxy with the real HQ client. Probe results are recorded as they pass (the client is not
 * replaced), and a test may run code right around the next probe.
 */
async function till(timings: Partial<ConnectivityTimings> = {}, random: () => number = () => 0.5) {
  const hq = await startHqStandIn();
  cleanups.push(() => hq.close());
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: hq.port } });
  cleanups.push(() => proxy.close());
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  const db = openDatabase(path.join(dir, 'kassa.db'));
  cleanups.push(() => {
    db.close();
  });
  const transitions = new TransitionLog(db);

  let service: ConnectivityService | null = null;
  const client = new HqClient({ baseUrl: proxy.url, onServiceFault: (domain, detail) => service?.reportServiceFault(domain, detail) });
  const probes: ProbeResult[] = [];
  let aroundNextProbe: { before: () => Promise<void>; after: () => Promise<void> } | null = null;
  const observed = {
    probe: async (timeoutMs: number) => {
      const around = aroundNextProbe;
      aroundNextProbe = null;
      await around?.before();
      const result = await client.probe(timeoutMs);
      probes.push(result);
      await around?.after();
      return result;
    },
    qos: client.qos.bind(client),
  };
  service = new ConnectivityService({
    store: new ManualFlagStore(dir),
    log: silentLogger(),
    transitions,
    timings: { ...TIMINGS, ...timings },
    hq: observed,
    random,
  });
  const running = service;
  cleanups.push(() => running.stop());
  const states: ConnectivityState[] = [service.current()];
  service.subscribe((state) => {
    if (state.state !== states.at(-1)!.state || state.reasons.join() !== states.at(-1)!.reasons.join()) states.push(state);
  });

  return {
    hq,
    proxy,
    client,
    service: running,
    transitions,
    probes,
    states,
    reasons: () => running.current().reasons,
    /** How many separate offline periods the till has had. */
    offlinePeriods: () => states.filter((s, i) => s.state === 'offline' && (i === 0 || states[i - 1]!.state === 'online')).length,
    lastFailure: () => probes.findLast((p): p is ProbeResult & { ok: false } => !p.ok),
    around: (hooks: { before: () => Promise<void>; after: () => Promise<void> }) => (aroundNextProbe = hooks),
    /** Waits until HQ has answered a probe, so the till is known to be online. */
    ready: () => waitFor(() => probes.some((p) => p.ok) && running.current().state === 'online', 2000, 'the first good probe'),
  };
}

describe('connectivity against a real HTTP HQ through a fault proxy', { timeout: 10_000 }, () => {
  it.each<[FaultMode, ProbeFailureKind]>([
    ['drop', 'reset'],
    ['refuse', 'refused'],
    ['stall', 'timeout'],
    ['http503', 'http'],
  ])('a link that starts to %s takes the till offline for `network` (evidence: %s) within T2 + T1 + probe timeout', async (mode, kind) => {
    const t = await till();
    await t.ready();
    await t.proxy.set(mode);
    const took = await waitFor(() => t.reasons().includes('network'), BOUND_MS + SLACK_MS, 'going offline');

    expect(took).toBeLessThanOrEqual(BOUND_MS + SLACK_MS);
    expect(t.reasons()).toEqual(['network']);
    expect(t.lastFailure()).toMatchObject({ ok: false, kind });
    expect(t.service.current().hq).toMatchObject({ reachable: false, evidence: 'hq-unreachable', lastError: t.lastFailure()!.message });
    expect(t.transitions.list(1)[0]).toMatchObject({ from: 'online', to: 'offline', reasons: ['network'], trigger: 'probe', detail: t.lastFailure()!.message });
  });

  it('comes back only after recoverSuccesses consecutive good probes spanning T1', async () => {
    const recoverSuccesses = 3;
    const t = await till({ recoverSuccesses });
    await t.ready();
    await t.proxy.set('stall');
    await waitFor(() => t.reasons().includes('network'), BOUND_MS + SLACK_MS, 'going offline');
    let probesWhenBack: ProbeResult[] = [];
    t.service.subscribe((state) => {
      if (state.state === 'online' && probesWhenBack.length === 0) probesWhenBack = [...t.probes];
    });
    await t.proxy.set('pass');
    // A stalled probe may still be out; then the offline interval, then the run of successes.
    await waitFor(() => t.service.current().state === 'online', TIMINGS.probeTimeoutMs + TIMINGS.t2OfflineMs * 1.2 + TIMINGS.t1Ms + 500 + SLACK_MS, 'coming back');

    const lastFailure = probesWhenBack.findLastIndex((p) => !p.ok);
    const run = probesWhenBack.slice(lastFailure + 1) as (ProbeResult & { ok: true })[];
    expect(run.length).toBeGreaterThanOrEqual(recoverSuccesses);
    expect(run.at(-1)!.at - run[0]!.at).toBeGreaterThanOrEqual(TIMINGS.t1Ms);
    expect(t.offlinePeriods()).toBe(1);
    expect(t.transitions.list(1)[0]).toMatchObject({ from: 'offline', to: 'online', reasons: [], trigger: 'probe' });
  });

  it('swallows a single dropped probe (the link is cut only around that probe, for less than T1)', async () => {
    const t = await till();
    await t.ready();
    let cutFor = 0;
    let cutAt = 0;
    t.around({
      before: async () => {
        cutAt = performance.now();
        await t.proxy.set('drop');
      },
      after: async () => {
        await t.proxy.set('pass');
        cutFor = performance.now() - cutAt;
      },
    });
    await waitFor(() => t.probes.some((p) => !p.ok), TIMINGS.t2Ms + SLACK_MS, 'the dropped probe');
    const dropped = t.probes.findIndex((p) => !p.ok);
    // The re-probe after T1 and one more scheduled probe.
    await waitFor(() => t.probes.length >= dropped + 3, TIMINGS.t1Ms + TIMINGS.t2Ms + 2 * SLACK_MS, 'the re-probe and the next probe');

    expect(cutFor).toBeLessThan(TIMINGS.t1Ms);
    expect(t.probes.filter((p) => !p.ok)).toEqual([expect.objectContaining({ kind: 'reset' })]);
    expect(t.states.map((s) => s.state)).toEqual(['online']);
    expect(t.transitions.list(10)).toHaveLength(1);
  });

  it('on a link flapping every 100 ms for 3 s goes offline at most once, and is online once it is steady', async () => {
    // Jittered probe intervals as on a register (a fixed 400 ms interval would alias with a 200 ms flap cycle),
    // and the flapping starts as a probe goes out, so it meets the link at least once.
    const t = await till({}, seededRandom(42));
    await t.ready();
    t.around({ before: () => t.proxy.flap({ periodMs: 100 }), after: async () => {} });
    await waitFor(() => t.proxy.mode() === 'drop', TIMINGS.t2Ms + SLACK_MS, 'the flapping to start');
    await sleep(3000); // the flapping itself is the scenario
    await t.proxy.set('pass');
    await waitFor(() => t.service.current().state === 'online', 5000, 'coming back once the link is steady');

    expect(t.probes.filter((p) => !p.ok).length).toBeGreaterThan(0);
    expect(t.offlinePeriods()).toBeLessThanOrEqual(1);
    expect(t.states.at(-1)!.state).toBe('online');
  });

  it('ignores a 500 from an endpoint outside the whitelist, even one of a domain', async () => {
    const t = await till();
    await t.ready();
    t.hq.setStatus('/payments/card-key', 500);
    await expect(t.client.call(HQ_ROUTES.cardKey, {})).rejects.toMatchObject({ name: 'HqStatusError', status: 500, kind: 'unavailable' });
    const seen = t.probes.length;
    await waitFor(() => t.probes.length >= seen + 2, 2 * TIMINGS.t2Ms + SLACK_MS, 'two more probes');

    expect(t.hq.requests('/qos')).toBe(0);
    expect(t.states.map((s) => s.state)).toEqual(['online']);
  });

  it('ignores a 500 from a whitelisted endpoint when HQ’s QoS says the domain is fine', async () => {
    const t = await till();
    await t.ready();
    t.hq.setStatus('/members/lookup', 500);
    await expect(t.client.call(HQ_ROUTES.lookUpMember, { query: { phone: '+4930123456' } })).rejects.toBeInstanceOf(HqStatusError);
    await waitFor(() => t.hq.requests('/qos') === 1, 1000, 'the QoS question');
    const seen = t.probes.length;
    await waitFor(() => t.probes.length >= seen + 2, 2 * TIMINGS.t2Ms + SLACK_MS, 'two more probes');

    expect(t.states.map((s) => s.state)).toEqual(['online']);
    expect(t.service.isAvailable('membership')).toBe(true);
  });

  it('goes offline for `service:membership` when QoS confirms it is degraded, and comes back when QoS says ok', async () => {
    const t = await till();
    await t.ready();
    t.hq.setQos('membership', 'degraded');
    t.hq.setStatus('/members/lookup', 500);
    await expect(t.client.call(HQ_ROUTES.lookUpMember, { query: { phone: '+4930123456' } })).rejects.toBeInstanceOf(HqStatusError);
    await waitFor(() => t.reasons().includes('service:membership'), TIMINGS.probeTimeoutMs + SLACK_MS, 'the service fault');

    expect(t.service.current()).toMatchObject({ state: 'offline', reasons: ['service:membership'], hq: { reachable: true } });
    expect(t.service.isAvailable('membership')).toBe(false);
    expect(t.transitions.list(1)[0]).toMatchObject({ to: 'offline', reasons: ['service:membership'], trigger: 'qos' });

    t.hq.setQos('membership', 'ok');
    t.hq.setStatus('/members/lookup', 200);
    const back = await waitFor(() => t.service.current().state === 'online', TIMINGS.qosPollMs + SLACK_MS, 'QoS recovery');
    expect(back).toBeLessThanOrEqual(TIMINGS.qosPollMs + SLACK_MS);
    expect(t.transitions.list(1)[0]).toMatchObject({ from: 'offline', to: 'online', trigger: 'qos' });
  });

  it('takes a QoS endpoint that does not answer as network evidence: re-probes at once instead of waiting for T2', async () => {
    // A long probe interval, so only the QoS evidence can explain a quick detection.
    const t = await till({ t2Ms: 5000 });
    await t.ready();
    await t.proxy.set('drop');
    const started = performance.now();
    await expect(t.client.call(HQ_ROUTES.lookUpMember, { query: { phone: '+4930123456' } })).rejects.toMatchObject({ kind: 'reset' });
    await waitFor(() => t.reasons().includes('network'), TIMINGS.t1Ms + 2 * TIMINGS.probeTimeoutMs + SLACK_MS, 'going offline');

    expect(performance.now() - started).toBeLessThan(5000);
    expect(t.reasons()).toEqual(['network']);
    expect(t.hq.requests('/qos')).toBe(0);
    // One hedged round, started by the evidence: every attempt from the first to the decisive one at the
    // end of the T1 window failed, and no more attempts than a round may start; no scheduled T2 probe was needed.
    expect(t.probes.length).toBeGreaterThanOrEqual(decisiveAttempt(TIMINGS) + 1);
    expect(t.probes.length).toBeLessThanOrEqual(maxAttempts(TIMINGS));
  });

  it('goes offline when HQ itself stops, and back when it starts again on the same port', async () => {
    const t = await till();
    await t.ready();
    await t.hq.stop();
    await waitFor(() => t.reasons().includes('network'), BOUND_MS + SLACK_MS, 'going offline');
    // Through the proxy, a stopped HQ looks like a link that is cut.
    expect(t.lastFailure()).toMatchObject({ kind: 'reset' });
    await t.hq.start();
    await waitFor(() => t.service.current().state === 'online', TIMINGS.t2OfflineMs * 1.2 + TIMINGS.t1Ms + 500 + SLACK_MS, 'coming back');
    expect(t.offlinePeriods()).toBe(1);
  });
});
