import { afterEach, describe, expect, it } from 'vitest';
import { decisiveAttempt, maxAttempts } from './connectivity.machine';
import { HEARTBEAT_GRACE_MS } from './heartbeat-watch';
import { DEFAULT_TIMINGS, simulate } from './simulation/simulated-link';

const { t1Ms, t2Ms, probeTimeoutMs } = DEFAULT_TIMINGS;
const sims: ReturnType<typeof simulate>[] = [];
const sim = (options: Parameters<typeof simulate>[0] = {}) => {
  const s = simulate(options);
  sims.push(s);
  return s;
};
afterEach(() => sims.splice(0).forEach((s) => s.stop()));

describe('the connectivity machine', () => {
  it('starts online when HQ answers', async () => {
    const s = sim();
    await s.advance(100);
    expect(s.reasons()).toEqual([]);
  });

  it('in demo mode (no HQ) keeps the network and service factors clear and never probes', async () => {
    const s = sim({ hqConfigured: false, link: () => 'stall' });
    await s.advance(60_000, 100);
    expect(s.reasons()).toEqual([]);
    expect(s.probes()).toBe(0);
  });

  it('swallows a single failed probe (debounce)', async () => {
    // The link is down only around the first scheduled probe after start-up.
    const s = sim({ link: (t) => (t >= t2Ms && t < t2Ms + 100 ? 'stall' : 'up') });
    await s.advance(t2Ms + t1Ms + probeTimeoutMs * 2 + 1000, 20);
    expect(s.changes.map((c) => c.state)).toEqual(['online']);
  });

  it('detects a sustained outage within T2 + T1 + probe timeout', async () => {
    const outageAt = 1000;
    const s = sim({ link: (t) => (t >= outageAt ? 'stall' : 'up') });
    await s.advance(outageAt);
    const took = await s.until(() => s.reasons().includes('network'), t2Ms + t1Ms + probeTimeoutMs + 100);
    expect(took).not.toBeNull();
    expect(took!).toBeLessThanOrEqual(t2Ms + t1Ms + probeTimeoutMs);
    expect(s.actor.getSnapshot().context.network.evidence).toMatchObject({ ok: false, kind: 'timeout' });
  });

  it('hedges a round: a new attempt every probe timeout / k, and an answer of any of them keeps the till online', async () => {
    // The scheduled round at 13.48 s (T2 × 0.9 − the first probe's 20 ms): its attempts of the first T1 + 1.5 s are lost.
    const lostFrom = 13_000;
    const s = sim({ link: (t) => (t >= lostFrom && t < lostFrom + t1Ms + 1500 ? 'stall' : 'up') });
    await s.advance(60_000, 10);
    expect(s.changes.map((c) => c.state)).toEqual(['online']);
    // The decisive attempt (the first at or after T1) failed, but an attempt started after it answered first.
    expect(s.probes()).toBeGreaterThanOrEqual(decisiveAttempt(DEFAULT_TIMINGS) + 2);
  });

  it('goes offline when every attempt started over T1 fails, within T1 + probe timeout of the round’s start, and starts no more than decisive + k attempts', async () => {
    // After the first probe's answer is one probe timeout old, so the failure probes at once.
    const s = sim({ link: (t) => (t >= 3000 ? 'stall' : 'up') });
    await s.advance(3000);
    const before = s.probes();
    s.actor.send({ type: 'traffic.failed', source: 'sync', detail: 'timeout' });
    const took = await s.until(() => s.reasons().includes('network'), t1Ms + probeTimeoutMs + 100, 1);
    expect(took).toBe(t1Ms + probeTimeoutMs);
    expect(s.probes() - before).toBe(maxAttempts(DEFAULT_TIMINGS));
    expect(maxAttempts(DEFAULT_TIMINGS)).toBe(8);
  });

  it('reads a slow but working link as online (every answer within its own timeout), and a slower one as offline', async () => {
    const slow = sim({ latencyMs: probeTimeoutMs - 200 });
    await slow.advance(120_000, 50);
    expect(slow.changes.map((c) => c.state)).toEqual(['online']);
    const tooSlow = sim({ latencyMs: probeTimeoutMs + 200, link: () => 'stall' });
    await tooSlow.advance(60_000, 50);
    expect(tooSlow.reasons()).toEqual(['network']);
  });

  it('probes at once when live traffic fails, and lets traffic that gets answers push the scheduled probe back', async () => {
    const s = sim();
    await s.advance(100);
    const first = s.probes();
    // Traffic answered every 10 s for a minute: no scheduled probe (T2 = 15 s) is needed.
    for (let i = 0; i < 6; i++) {
      await s.advance(10_000, 50);
      s.actor.send({ type: 'traffic.ok', source: 'stream' });
    }
    expect(s.probes()).toBe(first);
    // A failure right after an answer waits until the answer is one probe timeout old, then probes.
    s.actor.send({ type: 'traffic.failed', source: 'call', detail: 'timeout' });
    await s.advance(probeTimeoutMs - 50, 10);
    expect(s.probes()).toBe(first);
    await s.advance(100, 10);
    expect(s.probes()).toBe(first + 1);
    // Once settled, a failure probes at once.
    await s.advance(probeTimeoutMs + 100, 10);
    s.actor.send({ type: 'traffic.failed', source: 'sync', detail: 'reset' });
    await s.advance(10, 10);
    expect(s.probes()).toBe(first + 2);
    // Without traffic, the schedule resumes T2 after the last evidence.
    await s.advance(t2Ms, 50);
    expect(s.probes()).toBe(first + 3);
  });

  it('with the realtime stream connected, detects an outage within heartbeat + T1 + probe timeout, probing only when a heartbeat is missed', async () => {
    const heartbeatMs = 5000;
    const outageAt = 32_345;
    const s = sim({ stream: { heartbeatMs }, link: (t) => (t >= outageAt ? 'stall' : 'up') });
    await s.advance(outageAt, 10);
    // Heartbeats pushed every scheduled probe back: only the probe at start-up ran.
    expect(s.heartbeats()).toBe(Math.floor(outageAt / heartbeatMs));
    expect(s.probes()).toBe(1);
    const took = await s.until(() => s.reasons().includes('network'), heartbeatMs + t1Ms + probeTimeoutMs + 200, 5);
    expect(took).not.toBeNull();
    expect(took!).toBeLessThanOrEqual(heartbeatMs + HEARTBEAT_GRACE_MS + 20 + t1Ms + probeTimeoutMs);
  });

  it('sends no scheduled probe while the stream’s heartbeats arrive, even when the heartbeat is as long as T2', async () => {
    const s = sim({ stream: { heartbeatMs: t2Ms } });
    await s.advance(10 * 60_000, 50);
    expect(s.heartbeats()).toBe(40);
    // The probe at start-up and the scheduled one before the first heartbeat (T2 after the stream connected); none after.
    expect(s.probes()).toBe(2);
    expect(s.reasons()).toEqual([]);
  });

  it('keeps its own schedule when set to probe more often than the stream’s heartbeat comes', async () => {
    const s = sim({ timings: { t2Ms: 3000 }, stream: { heartbeatMs: t2Ms } });
    await s.advance(60_000, 50);
    expect(s.heartbeats()).toBe(4);
    // A round every 2.4–3 s (T2 × 0.8–1), not one per heartbeat: the heartbeat (15 s) is more than 1.5 × T2 apart.
    expect(s.probes()).toBeGreaterThanOrEqual(20);
  });

  it('needs recoverSuccesses consecutive successes, spanning at least T1, to come back', async () => {
    for (const [recoverSuccesses, expectedProbes] of [
      [8, 8], // the count decides: 8 probes, 500 ms apart, span 3.5 s
      [1, 5], // the span decides: probes every T1/4, so 5 probes to span T1 = 2 s
    ] as const) {
      let up = false;
      const s = sim({ timings: { recoverSuccesses }, link: () => (up ? 'up' : 'refused') });
      await s.until(() => s.reasons().includes('network'), 30_000);
      up = true;
      const probesBefore = s.probes();
      await s.until(() => !s.reasons().includes('network'), 60_000);
      expect(s.probes() - probesBefore, `recoverSuccesses ${recoverSuccesses}`).toBe(expectedProbes);
    }
  });

  it('keeps the manual flag over healthy probes, and keeps probing so HQ is known to be reachable', async () => {
    const s = sim({ manual: { on: true, by: 'Ana', at: 1 } });
    await s.advance(t2Ms * 3, 50);
    expect(s.reasons()).toEqual(['manual']);
    expect(s.probes()).toBeGreaterThanOrEqual(3);
    expect(s.actor.getSnapshot().context.network.lastProbe).toMatchObject({ ok: true });
    s.actor.send({ type: 'manual.goOnline', by: 'Ana', at: s.clock.now() });
    expect(s.reasons()).toEqual([]);
  });

  it('ignores a service fault that HQ’s QoS says is fine', async () => {
    const s = sim({ qos: () => 'ok' });
    await s.advance(100);
    s.actor.send({ type: 'service.faultReported', domain: 'membership' });
    await s.advance(1000);
    expect(s.reasons()).toEqual([]);
  });

  it('goes offline for a confirmed degraded domain and comes back when QoS recovers', async () => {
    let degraded = true;
    const s = sim({ qos: (domain) => (domain === 'membership' && degraded ? 'degraded' : 'ok') });
    await s.advance(100);
    s.actor.send({ type: 'service.faultReported', domain: 'membership' });
    await s.advance(200);
    expect(s.reasons()).toEqual(['service:membership']);
    degraded = false;
    const took = await s.until(() => s.reasons().length === 0, DEFAULT_TIMINGS.qosPollMs + 500);
    expect(took).not.toBeNull();
  });

  it('asks QoS only for the domain whose call failed, so a fault degrades that domain alone', async () => {
    const asked: string[] = [];
    const s = sim({ qos: (domain) => (asked.push(domain), 'degraded') });
    await s.advance(100);
    s.actor.send({ type: 'service.faultReported', domain: 'membership' });
    await s.advance(200);
    expect(s.reasons()).toEqual(['service:membership']);
    expect(asked).toEqual(['membership']);
  });

  it('treats a QoS endpoint that does not answer as network evidence, not a service fault', async () => {
    let up = true;
    const s = sim({ link: () => (up ? 'up' : 'stall') });
    await s.advance(100);
    up = false;
    s.actor.send({ type: 'service.faultReported', domain: 'checkout' });
    const took = await s.until(() => s.reasons().includes('network'), probeTimeoutMs + t1Ms + probeTimeoutMs + 200);
    expect(took).not.toBeNull();
    expect(s.reasons()).not.toContain('service:checkout');
  });

  it('damps a flapping link: each fall within a minute of recovering doubles the stable period needed to come back', async () => {
    // Outages of 6 s; between them the link is up for 1.5, 1.5, 2.5 and 3 × T1, then for good.
    const downMs = 6000;
    const ups = [1.5, 1.5, 2.5, 3].map((x) => x * t1Ms);
    const periods: { from: number; to: number }[] = [];
    let at = 10_000;
    for (const up of ups) {
      periods.push({ from: at, to: at + downMs });
      at += downMs + up;
    }
    periods.push({ from: at, to: at + downMs });
    const steadyAt = at + downMs;
    // Probes every 3 s online and 0.5 s offline, so each outage is seen and each up period starts counting at once.
    const s = sim({ timings: { t2Ms: 3000, t2OfflineMs: 500 }, link: (t) => (periods.some((p) => t >= p.from && t < p.to) ? 'refused' : 'up') });
    await s.advance(steadyAt + 8 * t1Ms + 5000, 10);
    const changes = s.changes.map((c) => ({ state: c.state, at: c.at }));
    // Down 1: back after 1.5 × T1 (damping 1 needs T1). Down 2 (within a minute): damping 2 needs 2 × T1,
    // so 1.5 × T1 is not enough, nor is the rest of the up period; 2.5 × T1 is. Down 4: damping 4 needs
    // 4 × T1, so 3 × T1 is not enough; back only 4 × T1 into the steady link.
    expect(changes.map((c) => c.state)).toEqual(['online', 'offline', 'online', 'offline', 'online', 'offline', 'online']);
    const [, down1, back1, down2, back2, down3, back3] = changes;
    expect(down1!.at).toBeLessThan(periods[0]!.to);
    expect(back1!.at).toBeGreaterThanOrEqual(periods[0]!.to + t1Ms);
    expect(back1!.at).toBeLessThan(periods[1]!.from);
    expect(down2!.at).toBeLessThan(periods[1]!.to);
    // Skipped over the second up period (1.5 × T1 < 2 × T1), back in the third (2.5 × T1).
    expect(back2!.at).toBeGreaterThanOrEqual(periods[2]!.to + 2 * t1Ms);
    expect(back2!.at).toBeLessThan(periods[3]!.from);
    expect(down3!.at).toBeLessThan(periods[3]!.to);
    expect(back3!.at).toBeGreaterThanOrEqual(steadyAt + 4 * t1Ms);
    expect(s.actor.getSnapshot().context.network.damping).toBe(4);
  });
});
