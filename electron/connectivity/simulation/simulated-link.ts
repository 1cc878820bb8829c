import { createActor, fromPromise, SimulatedClock, type Actor } from 'xstate';
import type { ServiceDomain } from '../../../shared/api';
import { connectivityMachine, reasonsOf, type ConnectivityInput } from '../connectivity.machine';
import { HeartbeatWatch } from '../heartbeat-watch';
import type { ConnectivityTimings, ProbeResult, QosResult } from '../probe-result';

/** What a probe started at time t meets: a working link, a refused connection, or silence until the timeout. */
export type LinkState = 'up' | 'refused' | 'stall';
export type QosState = 'ok' | 'degraded' | 'down' | 'unreachable';

export const DEFAULT_TIMINGS: ConnectivityTimings = { t1Ms: 2000, t2Ms: 15000, t2OfflineMs: 3000, probeTimeoutMs: 2000, probeHedging: 4, recoverSuccesses: 2, qosPollMs: 5000 };

export interface SimulationOptions {
  timings?: Partial<ConnectivityTimings>;
  link?: (t: number) => LinkState;
  qos?: (domain: ServiceDomain, t: number) => QosState;
  manual?: ConnectivityInput['manual'];
  hqConfigured?: boolean;
  latencyMs?: number;
  random?: () => number;
  /**
   * The realtime stream, connected while the till is online: HQ sends a heartbeat every `heartbeatMs`
   * from the moment it connects; one sent while the link is up arrives `latencyMs` later. The register's
   * heartbeat watch reports each arrival and each miss to the machine as live traffic.
   */
  stream?: { heartbeatMs: number };
}

/**
 * The real connectivity machine on a SimulatedClock, with probes and QoS calls answered by scripted
 * link and QoS schedules that take simulated time (a stalled probe lasts its full timeout). Used by the
 * machine's tests and by `npm run bench:connectivity`.
 */
export function simulate(options: SimulationOptions = {}) {
  const clock = new SimulatedClock();
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const link = options.link ?? (() => 'up');
  const qos = options.qos ?? (() => 'ok');
  const latency = options.latencyMs ?? 20;
  const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  let probes = 0;

  const machine = connectivityMachine.provide({
    actors: {
      probe: fromPromise<ProbeResult, { timeoutMs: number }>(async ({ input }) => {
        probes++;
        const state = link(clock.now());
        const took = state === 'up' ? latency : state === 'refused' ? 5 : input.timeoutMs;
        await wait(took);
        if (state === 'up') return { ok: true, at: clock.now(), durationMs: took };
        return { ok: false, at: clock.now(), durationMs: took, kind: state === 'refused' ? 'refused' : 'timeout', message: state === 'refused' ? 'connection refused' : `no answer within ${took} ms` };
      }),
      qos: fromPromise<QosResult, { domain: ServiceDomain }>(async ({ input }) => {
        const status = link(clock.now()) === 'up' ? qos(input.domain, clock.now()) : 'unreachable';
        await wait(status === 'unreachable' ? timings.probeTimeoutMs : latency);
        return status === 'unreachable' ? { domain: input.domain, status, at: clock.now(), message: 'no answer' } : { domain: input.domain, status, at: clock.now() };
      }),
    },
  });
  const actor: Actor<typeof machine> = createActor(machine, {
    clock,
    input: { timings, hqConfigured: options.hqConfigured ?? true, manual: options.manual ?? { on: false, by: null, at: 0 }, random: options.random ?? (() => 0.5) },
  });

  /** Every change of the derived online/offline state, with its simulated time. */
  const changes: { at: number; state: 'online' | 'offline'; reasons: string[] }[] = [];
  let last: string | null = null;
  const record = () => {
    const reasons = reasonsOf(actor.getSnapshot());
    const key = reasons.join(' ');
    if (key !== last) {
      last = key;
      changes.push({ at: clock.now(), state: reasons.length ? 'offline' : 'online', reasons });
    }
  };
  actor.subscribe(record);
  actor.start();
  record();

  // The realtime stream and the register's heartbeat watch on it.
  let heartbeats = 0;
  if (options.stream) {
    const { heartbeatMs } = options.stream;
    let connection = 0;
    let connected = false;
    const watch = new HeartbeatWatch({
      intervalMs: heartbeatMs,
      onBeat: (nextWithinMs) => actor.send({ type: 'traffic.ok', source: 'stream', expectNextWithinMs: nextWithinMs }),
      onMissed: (ms) => actor.send({ type: 'traffic.failed', source: 'stream', detail: `no heartbeat for ${ms} ms` }),
      setTimer: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimer: (handle) => clock.clearTimeout(handle as Parameters<typeof clock.clearTimeout>[0]),
      now: () => clock.now(),
    });
    const sendHeartbeat = (of: number) => {
      if (of !== connection) return;
      if (link(clock.now()) === 'up') {
        heartbeats++;
        clock.setTimeout(() => of === connection && watch.beat(), latency);
      }
      clock.setTimeout(() => sendHeartbeat(of), heartbeatMs);
    };
    const follow = () => {
      const online = reasonsOf(actor.getSnapshot()).length === 0;
      if (online && !connected && link(clock.now()) === 'up') {
        connected = true;
        const of = ++connection;
        watch.start();
        clock.setTimeout(() => sendHeartbeat(of), heartbeatMs);
      } else if (!online && connected) {
        connected = false;
        connection++;
        watch.stop();
      }
    };
    actor.subscribe(follow);
    follow();
  }

  return {
    actor,
    clock,
    changes,
    probes: () => probes,
    heartbeats: () => heartbeats,
    reasons: () => reasonsOf(actor.getSnapshot()),
    /** Moves simulated time forward in small steps, letting promises settle between them. */
    async advance(ms: number, stepMs = 10): Promise<void> {
      for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
        clock.increment(Math.min(stepMs, ms - elapsed));
        await settle();
      }
    },
    /** Advances until `predicate` holds or `limitMs` passes; returns the simulated time it took, or null. */
    async until(predicate: () => boolean, limitMs: number, stepMs = 10): Promise<number | null> {
      const start = clock.now();
      while (clock.now() - start <= limitMs) {
        if (predicate()) return clock.now() - start;
        clock.increment(stepMs);
        await settle();
      }
      return null;
    },
    stop: () => actor.stop(),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) await Promise.resolve();
}
