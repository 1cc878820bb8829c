import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceDomain } from '../../shared/api';
import { connectivityMachine, reasonsOf } from './connectivity.machine';
import { FLAP_WINDOW_MS, type ProbeResult, type QosResult } from './probe-result';
import { DEFAULT_TIMINGS, simulate, type LinkState } from './simulation/simulated-link';
import { advanceInSteps } from './simulation/advance';

/*
 * The machine's guards, delays and actions at their boundaries: the exact times of the jittered schedules,
 * the order in which the attempts of a hedged round may fail, the exact stable period, the flap window's
 * edge, and what the QoS endpoint's answers do. Each test pins a behaviour that a small change to one
 * guard, delay or action would alter.
 */

const { t1Ms, t2Ms, t2OfflineMs, probeTimeoutMs } = DEFAULT_TIMINGS;
const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

/** The simulation, with the start time of every probe (the link is asked once per probe when there is no stream and no QoS call). */
function sim(options: Parameters<typeof simulate>[0] & { link?: (t: number) => LinkState } = {}) {
  const starts: number[] = [];
  const link = options.link ?? (() => 'up');
  const s = simulate({
    ...options,
    link: (t) => {
      starts.push(t);
      return link(t);
    },
  });
  stops.push(s.stop);
  return { ...s, starts };
}

/** The running attempts of the hedged round in progress. */
function attemptsInFlight(s: ReturnType<typeof simulate>): string[] {
  return Object.keys(s.actor.getSnapshot().children)
    .filter((id) => id.startsWith('probe.'))
    .sort();
}

describe('the online and offline probe schedules', () => {
  it('starts the next online round T2 × (0.8 + 0.2 × jitter) after the last round started, whatever the probe took', async () => {
    for (const [random, latencyMs] of [
      [0.25, 300],
      [1, 20],
    ] as const) {
      const s = sim({ random: () => random, latencyMs });
      await s.advance(2 * t2Ms + 100, 5);
      const interval = Math.round(t2Ms * (0.8 + 0.2 * random));
      expect(s.starts, `jitter ${random}, probes taking ${latencyMs} ms`).toEqual([0, interval, 2 * interval]);
    }
  });

  it('keeps its schedule when traffic answers before the first probe does', async () => {
    const s = sim({ random: () => 0.25, latencyMs: 300 });
    s.actor.send({ type: 'traffic.ok', source: 'call' });
    await s.advance(t2Ms, 5);
    expect(s.actor.getSnapshot().status).toBe('active');
    // No probe has answered yet, so the schedule counts from the traffic.
    expect(s.starts).toEqual([0, 0.85 * t2Ms]);
    expect(s.reasons()).toEqual([]);
  });

  it('probes every T2offline × (0.8 + 0.4 × jitter) while offline', async () => {
    const s = sim({ random: () => 0.25, link: () => 'refused' });
    await s.until(() => s.reasons().includes('network'), 10_000, 1);
    const downAt = s.clock.now();
    const before = s.starts.length;
    await s.advance(4 * t2OfflineMs, 1);
    const interval = t2OfflineMs * 0.9;
    // A refused probe answers in 5 ms; the next one starts the interval after that answer.
    expect(s.starts.slice(before)).toEqual([downAt + interval, downAt + 2 * interval + 5, downAt + 3 * interval + 10, downAt + 4 * interval + 15]);
  });
});

describe('recovery probes', () => {
  it('gives each recovery probe the probe timeout, so a silent HQ costs one timeout per offline interval', async () => {
    const s = sim({ link: () => 'stall' });
    await s.until(() => s.reasons().includes('network'), 10_000, 5);
    const downAt = s.clock.now();
    expect(downAt).toBe(t1Ms + probeTimeoutMs);
    const before = s.starts.length;
    await s.advance(3 * (t2OfflineMs + probeTimeoutMs), 5);
    expect(s.starts.slice(before)).toEqual([1, 2, 3].map((i) => downAt + i * t2OfflineMs + (i - 1) * probeTimeoutMs));
  });
});

describe('a hedged round, whatever the order in which its attempts fail', () => {
  /** Attempt i of a round started at `roundAt` meets `attempts[i]`: attempts start every probe timeout / k = 500 ms. */
  async function round(attempts: LinkState[]) {
    const roundAt = 3000;
    const s = sim({
      link: (t) => (t < roundAt ? 'up' : (attempts[Math.round((t - roundAt) / 500)] ?? 'stall')),
    });
    await s.advance(roundAt, 10);
    // The first probe's answer is older than a probe timeout, so failed traffic starts a round now.
    s.actor.send({ type: 'traffic.failed', source: 'sync', detail: 'timeout' });
    const took = await s.until(() => s.reasons().includes('network'), t1Ms + 2 * probeTimeoutMs, 1);
    return { s, took };
  }

  it('is not decided by an attempt after the T1 window that fails while the decisive one is still in flight', async () => {
    // Attempts 0–3 are refused, the decisive attempt 4 stalls, attempt 5 is refused, attempt 6 gets through.
    const { s, took } = await round(['refused', 'refused', 'refused', 'refused', 'stall', 'refused', 'up']);
    expect(took).toBeNull();
    expect(s.changes.map((c) => c.state)).toEqual(['online']);
  });

  it('does not count failures of attempts after the window towards the verdict', async () => {
    // Attempts 3 and 4 stall (their timeouts end at 3.5 s and 4 s); attempt 5 is refused at 2.5 s.
    const { took } = await round(['refused', 'refused', 'refused', 'stall', 'stall', 'refused', 'stall', 'stall']);
    expect(took).toBe(t1Ms + probeTimeoutMs);
  });

  it('counts the decisive attempt’s failure even when it comes before an earlier attempt’s', async () => {
    // The decisive attempt 4 is refused at 2 s; attempt 3 stalls until 3.5 s and completes the evidence.
    const { took } = await round(['refused', 'refused', 'refused', 'stall', 'refused', 'refused', 'stall', 'stall']);
    expect(took).toBe(1500 + probeTimeoutMs);
  });

  it('leaves no attempt running once the round is decided, and none that has answered while it goes on', async () => {
    const roundAt = 3000;
    const s = sim({ link: (t) => (t < roundAt ? 'up' : t < roundAt + 500 ? 'refused' : t < roundAt + 1000 ? 'stall' : 'up') });
    await s.advance(roundAt, 10);
    s.actor.send({ type: 'traffic.failed', source: 'sync', detail: 'timeout' });
    await s.advance(600, 10);
    // Attempt 0 was refused and is gone; attempt 1 is waiting for its answer.
    const round = s.actor.getSnapshot().context.network.round;
    expect(attemptsInFlight(s)).toEqual([`probe.${round}.1`]);
    await s.advance(500, 10);
    // Attempt 2 answered: the round is over, and the stalled attempt 1 is stopped with it.
    expect(s.actor.getSnapshot().value).toMatchObject({ network: { up: { waiting: 'fresh' } } });
    expect(attemptsInFlight(s)).toEqual([]);
    await s.advance(3 * probeTimeoutMs, 10);
    expect(s.changes.map((c) => c.state)).toEqual(['online']);
  });
});

describe('live traffic between rounds', () => {
  it('forgets a probe owed to a traffic failure when traffic gets an answer before the evidence settles', async () => {
    const s = sim();
    await s.advance(100, 10);
    s.actor.send({ type: 'traffic.failed', source: 'call', detail: 'reset' });
    await s.advance(500, 10);
    s.actor.send({ type: 'traffic.ok', source: 'call' });
    await s.advance(probeTimeoutMs + 500, 10);
    expect(s.starts).toEqual([0]);
  });
});

describe('HQ’s QoS answers', () => {
  it('a fault that QoS says is fine costs no probe', async () => {
    const s = sim({ qos: () => 'ok' });
    await s.advance(probeTimeoutMs + 500, 10);
    const probes = s.probes();
    s.actor.send({ type: 'service.faultReported', domain: 'checkout' });
    await s.advance(1000, 10);
    expect(s.probes()).toBe(probes);
    expect(s.reasons()).toEqual([]);
  });

  it('takes a domain that QoS says is down offline, and keeps it offline while every poll says so, from the first confirmation', async () => {
    for (const status of ['down', 'degraded'] as const) {
      let word: 'ok' | typeof status = status;
      const s = sim({ qos: (domain) => (domain === 'orders' ? word : 'ok') });
      await s.advance(100, 10);
      s.actor.send({ type: 'service.faultReported', domain: 'orders' });
      await s.advance(200, 10);
      const confirmedAt = s.actor.getSnapshot().context.service.orders.since;
      expect(confirmedAt).not.toBeNull();
      await s.advance(3 * DEFAULT_TIMINGS.qosPollMs + 100, 10);
      expect(s.reasons(), status).toEqual(['service:orders']);
      expect(s.actor.getSnapshot().context.service.orders).toEqual({ since: confirmedAt, status, lastQosError: null });
      word = 'ok';
      await s.advance(DEFAULT_TIMINGS.qosPollMs + 100, 10);
      expect(s.reasons()).toEqual([]);
      expect(s.actor.getSnapshot().context.service.orders).toEqual({ since: null, status: 'ok', lastQosError: null });
    }
  });

  it('ignores service faults in demo mode: there is no HQ service to fault', async () => {
    const asked: string[] = [];
    const s = sim({ hqConfigured: false, qos: (domain) => (asked.push(domain), 'degraded') });
    s.actor.send({ type: 'service.faultReported', domain: 'membership' });
    await s.advance(1000, 10);
    expect(s.reasons()).toEqual([]);
    expect(asked).toEqual([]);
  });
});

/**
 * The machine with probe answers scripted by their result (their `at` included), answered at once; when the
 * script runs out, probes never answer. Delays run on a SimulatedClock.
 */
function scripted(results: ProbeResult[]) {
  const clock = new SimulatedClock();
  // The register's machine, as the service runs it: one built inside a test would have StrykerJS (ignoreStatic) try
  // the machine's static structure against these few tests alone.
  const machine = connectivityMachine.provide({
    actors: {
      probe: fromPromise<ProbeResult, { timeoutMs: number }>(async () => {
        const result = results.shift();
        return result ?? new Promise<ProbeResult>(() => {});
      }),
      qos: fromPromise<QosResult, { domain: ServiceDomain }>(async ({ input }) => ({ domain: input.domain, status: 'ok', at: clock.now() })),
    },
  });
  const actor = createActor(machine, { clock, input: { timings: DEFAULT_TIMINGS, hqConfigured: true, manual: { on: false, by: null, at: 0 }, random: () => 0.5 } });
  actor.start();
  stops.push(() => actor.stop());
  return {
    actor,
    reasons: () => reasonsOf(actor.getSnapshot()),
    advance: (ms: number) => advanceInSteps(clock, ms),
  };
}

const ok = (at: number): ProbeResult => ({ ok: true, at, durationMs: 3 });
const failed = (at: number): ProbeResult => ({ ok: false, at, durationMs: 5, kind: 'refused', message: 'refused' });
/** A failed hedged round: attempts 0 to the decisive one (4 with the defaults) all refused. */
const fall = (at: number) => [0, 1, 2, 3, 4].map(() => failed(at));

describe('recovery and flap damping, at their edges', () => {
  it('comes back when the run of successes spans exactly the stable period T1', async () => {
    const m = scripted([...fall(1000), ok(10_000), ok(10_000 + t1Ms)]);
    await m.advance(2 * t1Ms + t2OfflineMs + 2000);
    expect(m.reasons()).toEqual([]);
    expect(m.actor.getSnapshot().context.network.lastRecoveredAt).toBe(10_000 + t1Ms);
  });

  it('does not come back on a failed probe, however long the run of successes before it', async () => {
    const m = scripted([...fall(1000), ok(10_000), ok(10_000 + t1Ms / 2), failed(10_000 + 2 * t1Ms)]);
    await m.advance(2 * t1Ms + t2OfflineMs + 2000);
    expect(m.reasons()).toEqual(['network']);
    expect(m.actor.getSnapshot().context.network.successes).toBe(0);
  });

  it('damps a fall up to a minute after recovering, and not a fall a full minute after', async () => {
    const recoveredAt = 10_000 + t1Ms;
    for (const [sinceRecovery, stable] of [
      [FLAP_WINDOW_MS - 1, 2 * t1Ms],
      [FLAP_WINDOW_MS, t1Ms],
    ] as const) {
      const fellAt = recoveredAt + sinceRecovery;
      // Down, back at `recoveredAt`, down again `sinceRecovery` later, then successes spanning T1.
      const m = scripted([...fall(1000), ok(10_000), ok(recoveredAt), ...fall(fellAt), ok(fellAt + 10_000), ok(fellAt + 10_000 + t1Ms)]);
      await m.advance(2 * t1Ms + t2OfflineMs + 2000);
      expect(m.reasons()).toEqual([]);
      await m.advance(t2Ms + t1Ms + t2OfflineMs + 2000);
      expect(m.actor.getSnapshot().context.network.damping, `a fall ${sinceRecovery} ms after recovering`).toBe(stable / t1Ms);
      // T1 of successes is enough only when the fall was not damped.
      expect(m.reasons()).toEqual(stable === t1Ms ? [] : ['network']);
    }
  });
});
