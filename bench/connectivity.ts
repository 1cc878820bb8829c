/**
 * `npm run bench:connectivity`: replays the same recorded fault schedules against Kassa's connectivity
 * machine and two baselines in one run, on simulated time:
 *
 * - kassa: the real machine (`simulate()`: SimulatedClock, probes that take the time they would take),
 *   fed the OS's online/offline events as hints, the way the register feeds Electron's `net` events.
 * - naive: the same probes at the same intervals (and on the same hints), but each probe result sets the
 *   state: no debounce, no run of successes, no damping, no service factor.
 * - os-hint: follows the OS's online/offline events only; it never sees HQ or a service fault.
 *
 * Then the clean outage once more in real time: the register's connectivity service and HQ client against
 * a loopback HQ stand-in behind the fault proxy, with short timings, beside the simulated figure for the
 * same timings. Results are printed and written to bench/results/connectivity.json.
 * `--strict` exits with 1 when a target is not met.
 */
import { writeBenchResults } from './support/results';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServiceDomain } from '../shared/api';
import { startFaultProxy, type FaultProxy } from '../e2e/support/fault-proxy';
import { startHqStandIn } from '../e2e/support/hq-stand-in';
import { ConnectivityService } from '../electron/connectivity/connectivity.service';
import { ManualFlagStore } from '../electron/connectivity/manual-flag';
import type { ConnectivityTimings } from '../electron/connectivity/probe-result';
import { DEFAULT_TIMINGS, simulate, type LinkState, type QosState } from '../electron/connectivity/simulation/simulated-link';
import { TransitionLog } from '../electron/connectivity/transition-log';
import { silentLogger } from '../electron/core/logger';
import { openDatabase } from '../electron/db/open';
import { HqClient } from '../electron/hq/hq-client';
import { seededRandom } from '../shared/seeded-random';

const T = DEFAULT_TIMINGS;
const SEEDS = 30;
/** 20 seeds × 30 min: 10 simulated hours per loss rate. */
const LOSS_SEEDS = 20;
/** p99 over 200 outages is the 198th: one in a hundred may be later. */
const STREAM_SEEDS = 200;
/** HQ's heartbeat on the realtime stream (its default, `heartbeatMs`). */
const HEARTBEAT_MS = 15_000;
const PROBE_LATENCY_MS = 20;
const started = performance.now();

// ---------------------------------------------------------------------------------------------------
// Recorded schedules: what the link, HQ's QoS and the OS do over time, generated once per seed and then
// replayed unchanged against every detector.

interface Schedule {
  name: string;
  durationMs: number;
  /** The trouble a detector should report, [start, end); null when none should be reported. */
  trouble: { start: number; end: number } | null;
  link: (t: number) => LinkState;
  qos: (domain: ServiceDomain, t: number) => QosState;
  /** The OS's online/offline events (Electron `net`), in time order. */
  os: { at: number; online: boolean }[];
  /** Whitelisted HQ calls that failed (the register reports each as a service fault). */
  faults: { at: number; domain: ServiceDomain }[];
  /** Simulation step; 1 ms where delays are measured. */
  stepMs: number;
  /** How long a probe that HQ answers takes. */
  latencyMs: number;
  /** The realtime stream is connected while the till is online, with HQ's heartbeat every `heartbeatMs`. */
  stream?: { heartbeatMs: number };
}

interface ScheduleKind {
  id: string;
  title: string;
  seeds: number;
  record: (random: () => number) => Schedule;
}

const allOk = (): QosState => 'ok';

/** 1 Hz for 60 s: 60 cycles of down 500 ms, up 500 ms; the trouble ends when the link comes up for good. */
function flapping(random: () => number, id: string, down: LinkState, osSees: boolean): Schedule {
  const start = 30_000 + Math.round(random() * T.t2Ms);
  const steady = start + 59_500;
  const isDown = (t: number) => t >= start && t < steady && Math.floor((t - start) / 500) % 2 === 0;
  const os = osSees ? Array.from({ length: 120 }, (_, i) => ({ at: start + i * 500, online: i % 2 === 1 })) : [];
  return { name: id, durationMs: steady + 60_000, trouble: { start, end: steady }, link: (t) => (isDown(t) ? down : 'up'), qos: allOk, os, faults: [], stepMs: 1, latencyMs: PROBE_LATENCY_MS };
}

/** Random probe loss for 30 min per seed: each 100 ms slot is lost with probability p; a probe started in a lost slot times out. */
function lossy(id: string, p: number): ScheduleKind {
  return {
    id,
    title: `${Math.round(p * 100)} % random probe loss for 30 min (each 100 ms slot lost with p = ${p}; a lost probe times out)`,
    seeds: LOSS_SEEDS,
    record: (random) => {
      const durationMs = 30 * 60_000;
      const lost = Array.from({ length: durationMs / 100 + 1 }, () => random() < p);
      return { name: id, durationMs, trouble: null, link: (t) => (lost[Math.floor(t / 100)] ? 'stall' : 'up'), qos: allOk, os: [], faults: [], stepMs: 10, latencyMs: PROBE_LATENCY_MS };
    },
  };
}

/** An hour of one link state, to count the probes each detector sends online and offline. */
function steadyHour(id: string, state: LinkState, stream: boolean): ScheduleKind {
  return {
    id,
    title: `an hour with HQ ${state === 'up' ? 'answering' : 'unreachable'}${stream ? ', the realtime stream connected' : ''} (probe load)`,
    seeds: 1,
    record: () => ({ name: id, durationMs: 3_600_000, trouble: null, link: () => state, qos: allOk, os: [], faults: [], stepMs: 10, latencyMs: PROBE_LATENCY_MS, stream: stream ? { heartbeatMs: HEARTBEAT_MS } : undefined }),
  };
}

const SCHEDULES: ScheduleKind[] = [
  {
    id: 'outage-hq',
    title: 'clean outage: HQ unreachable for 60 s (probes time out; the OS sees nothing)',
    seeds: SEEDS,
    record: (random) => {
      const start = 60_000 + Math.round(random() * T.t2Ms);
      const end = start + 60_000;
      return { name: 'outage-hq', durationMs: end + 30_000, trouble: { start, end }, link: (t) => (t >= start && t < end ? 'stall' : 'up'), qos: allOk, os: [], faults: [], stepMs: 1, latencyMs: PROBE_LATENCY_MS };
    },
  },
  {
    id: 'outage-stream',
    title: `clean outage with the realtime stream connected: HQ unreachable for 60 s (heartbeat every ${HEARTBEAT_MS / 1000} s)`,
    seeds: STREAM_SEEDS,
    record: (random) => {
      const start = 60_000 + Math.round(random() * HEARTBEAT_MS * 2);
      const end = start + 60_000;
      return { name: 'outage-stream', durationMs: end + 30_000, trouble: { start, end }, link: (t) => (t >= start && t < end ? 'stall' : 'up'), qos: allOk, os: [], faults: [], stepMs: 1, latencyMs: PROBE_LATENCY_MS, stream: { heartbeatMs: HEARTBEAT_MS } };
    },
  },
  {
    id: 'outage-link',
    title: 'clean outage: the register loses its link for 60 s (connections fail at once; the OS reports it)',
    seeds: SEEDS,
    record: (random) => {
      const start = 60_000 + Math.round(random() * T.t2Ms);
      const end = start + 60_000;
      const os = [
        { at: start, online: false },
        { at: end, online: true },
      ];
      return { name: 'outage-link', durationMs: end + 30_000, trouble: { start, end }, link: (t) => (t >= start && t < end ? 'refused' : 'up'), qos: allOk, os, faults: [], stepMs: 1, latencyMs: PROBE_LATENCY_MS };
    },
  },
  {
    id: 'flap-link',
    title: '1 Hz flapping for 60 s of the register’s link (fails at once; the OS reports every change)',
    seeds: SEEDS,
    record: (random) => flapping(random, 'flap-link', 'refused', true),
  },
  {
    id: 'flap-path',
    title: '1 Hz flapping for 60 s of the path to HQ (probes time out; the OS sees nothing)',
    seeds: SEEDS,
    record: (random) => flapping(random, 'flap-path', 'stall', false),
  },
  lossy('loss-10', 0.1),
  lossy('loss-20', 0.2),
  {
    id: 'flap-damped',
    title: 'a link that comes back for 1.5–3 × T1 and drops again (6 s outages) for 2 min, then stays up',
    seeds: SEEDS,
    record: (random) => {
      const periods: { from: number; to: number }[] = [];
      let at = 30_000 + Math.round(random() * T.t2Ms);
      const start = at;
      while (at < start + 120_000) {
        periods.push({ from: at, to: at + 6000 });
        at += 6000 + Math.round(T.t1Ms * (1.5 + 1.5 * random()));
      }
      const steady = periods.at(-1)!.to;
      return { name: 'flap-damped', durationMs: steady + 60_000, trouble: { start, end: steady }, link: (t) => (periods.some((p) => t >= p.from && t < p.to) ? 'refused' : 'up'), qos: allOk, os: [], faults: [], stepMs: 5, latencyMs: PROBE_LATENCY_MS };
    },
  },
  steadyHour('load-up', 'up', false),
  steadyHour('load-up-stream', 'up', true),
  steadyHour('load-down', 'stall', false),
  {
    id: 'service',
    title: 'service fault, network up: membership degraded for 60–65 s; a member lookup fails every 10 s',
    seeds: SEEDS,
    record: (random) => {
      const start = 30_000 + Math.round(random() * T.t2Ms);
      const end = start + 60_000 + Math.round(random() * T.qosPollMs);
      const faults = Array.from({ length: 6 }, (_, k) => ({ at: start + k * 10_000, domain: 'membership' as const }));
      const qos = (domain: ServiceDomain, t: number): QosState => (domain === 'membership' && t >= start && t < end ? 'degraded' : 'ok');
      return { name: 'service', durationMs: end + 30_000, trouble: { start, end }, link: () => 'up', qos, os: [], faults, stepMs: 1, latencyMs: PROBE_LATENCY_MS };
    },
  },
];

// ---------------------------------------------------------------------------------------------------
// Detectors. Each replays a schedule and returns the till's online/offline changes.

type Change = { at: number; online: boolean };
type Run = { changes: Change[]; probes: number };
type Detector = { id: 'kassa' | 'unhedged' | 'naive' | 'os-hint'; run: (schedule: Schedule, jitter: () => number, timings: ConnectivityTimings) => Promise<Run> };

const kassa: Detector = {
  id: 'kassa',
  run: async (schedule, jitter, timings) => {
    const sim = simulate({ timings, link: schedule.link, qos: schedule.qos, random: jitter, latencyMs: schedule.latencyMs, stream: schedule.stream });
    const events = [
      ...schedule.os.map((e) => ({ at: e.at, send: () => sim.actor.send({ type: 'hint.network' }) })),
      ...schedule.faults.map((f) => ({ at: f.at, send: () => sim.actor.send({ type: 'service.faultReported', domain: f.domain }) })),
    ].sort((a, b) => a.at - b.at);
    for (const event of events) {
      await sim.advance(event.at - sim.clock.now(), schedule.stepMs);
      event.send();
    }
    await sim.advance(schedule.durationMs - sim.clock.now(), schedule.stepMs);
    sim.stop();
    const changes: Change[] = [];
    for (const c of sim.changes) if (changes.at(-1)?.online !== (c.state === 'online')) changes.push({ at: c.at, online: c.state === 'online' });
    return { changes, probes: sim.probes() };
  },
};

/** The same probes as the machine's (duration by link state, the same jittered intervals, a probe on each OS hint). */
const naive: Detector = {
  id: 'naive',
  run: async (schedule, jitter, timings) => {
    const changes: Change[] = [{ at: 0, online: true }];
    const hints = schedule.os.map((e) => e.at);
    let online = true;
    let next = 0;
    let h = 0;
    let probes = 0;
    while (next <= schedule.durationMs) {
      probes++;
      const state = schedule.link(next);
      const end = next + (state === 'up' ? schedule.latencyMs : state === 'refused' ? 5 : timings.probeTimeoutMs);
      if ((state === 'up') !== online) {
        online = state === 'up';
        changes.push({ at: end, online });
      }
      next = end + (online ? Math.round(timings.t2Ms * (0.9 + 0.2 * jitter())) : Math.round(timings.t2OfflineMs * (0.8 + 0.4 * jitter())));
      while (h < hints.length && hints[h]! < end) h++; // hints while probing are ignored, as the machine does
      if (h < hints.length && hints[h]! < next) next = hints[h++]!;
    }
    return { changes, probes };
  },
};

const osHint: Detector = {
  id: 'os-hint',
  run: async (schedule) => {
    const changes: Change[] = [{ at: 0, online: true }];
    for (const e of schedule.os) if (changes.at(-1)!.online !== e.online) changes.push({ at: e.at, online: e.online });
    return { changes, probes: 0 };
  },
};

/** The machine without hedging (k = 1: one re-probe at the end of T1) and without live traffic: the detector before both. */
const unhedged: Detector = {
  id: 'unhedged',
  run: (schedule, jitter, timings) => kassa.run({ ...schedule, stream: undefined }, jitter, { ...timings, probeHedging: 1 }),
};

const DETECTORS = [kassa, unhedged, naive, osHint];

// ---------------------------------------------------------------------------------------------------
// Measures.

interface RunMeasures {
  detectionMs: number | null;
  recoveryMs: number | null;
  flips: number;
  maxFlipsPerT1: number;
  falseOffline: number;
  probesPerHour: number;
}

function measure({ changes, probes }: Run, schedule: Schedule, timings: ConnectivityTimings): RunMeasures {
  const offline: { from: number; to: number }[] = [];
  for (let i = 0; i < changes.length; i++) {
    if (!changes[i]!.online) offline.push({ from: changes[i]!.at, to: changes[i + 1]?.at ?? schedule.durationMs });
  }
  const flipTimes = changes.slice(1).map((c) => c.at);
  let maxFlipsPerT1 = 0;
  for (let i = 0, j = 0; j < flipTimes.length; j++) {
    while (flipTimes[j]! - flipTimes[i]! >= timings.t1Ms) i++;
    maxFlipsPerT1 = Math.max(maxFlipsPerT1, j - i + 1);
  }
  const trouble = schedule.trouble;
  // An offline period is due to the trouble if it starts during it, or within one probe timeout after it
  // (the verdict of a probe that went out while the link was down); any other is a false offline period.
  const dueToTrouble = (p: { from: number }) => trouble !== null && p.from >= trouble.start && p.from <= trouble.end + timings.probeTimeoutMs;
  let detectionMs: number | null = null;
  let recoveryMs: number | null = null;
  if (trouble) {
    const first = offline.find(dueToTrouble);
    if (first) {
      detectionMs = first.from - trouble.start;
      // How long after the trouble ends the till is online again (0 if it already is).
      const last = offline.filter(dueToTrouble).at(-1)!;
      recoveryMs = Math.max(0, last.to - trouble.end);
    }
  }
  return { detectionMs, recoveryMs, flips: flipTimes.length, maxFlipsPerT1, falseOffline: offline.filter((p) => !dueToTrouble(p)).length, probesPerHour: (probes * 3_600_000) / schedule.durationMs };
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}


const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);

interface Aggregate {
  schedule: string;
  detector: Detector['id'];
  runs: number;
  detected: number;
  detection: { p50: number | null; p99: number | null; max: number | null };
  /** Every run's detection delay (ms), in seed order. */
  detections: number[];
  recovery: { p50: number | null; p99: number | null };
  flipsMean: number;
  flipsMax: number;
  maxFlipsPerT1: number;
  falseOffline: number;
  /** Probe requests per hour, over the whole schedule (mean over seeds). */
  probesPerHour: number;
  /** Simulated hours replayed. */
  hours: number;
}

async function replay(kind: ScheduleKind, timings: ConnectivityTimings, detectors = DETECTORS): Promise<Aggregate[]> {
  const perDetector = new Map<Detector['id'], RunMeasures[]>();
  let hours = 0;
  for (let seed = 1; seed <= kind.seeds; seed++) {
    const schedule = kind.record(seededRandom(seed * 7919 + kind.id.length));
    for (const detector of detectors) {
      const run = await detector.run(schedule, seededRandom(seed), timings);
      perDetector.set(detector.id, [...(perDetector.get(detector.id) ?? []), measure(run, schedule, timings)]);
    }
    hours += schedule.durationMs / 3_600_000;
  }
  return detectors.map((detector) => {
    const runs = perDetector.get(detector.id)!;
    const detections = runs.flatMap((r) => (r.detectionMs === null ? [] : [r.detectionMs]));
    const recoveries = runs.flatMap((r) => (r.recoveryMs === null ? [] : [r.recoveryMs]));
    return {
      schedule: kind.id,
      detector: detector.id,
      runs: runs.length,
      detected: detections.length,
      detection: { p50: percentile(detections, 50), p99: percentile(detections, 99), max: percentile(detections, 100) },
      detections,
      recovery: { p50: percentile(recoveries, 50), p99: percentile(recoveries, 99) },
      flipsMean: runs.reduce((a, r) => a + r.flips, 0) / runs.length,
      flipsMax: Math.max(...runs.map((r) => r.flips)),
      maxFlipsPerT1: Math.max(...runs.map((r) => r.maxFlipsPerT1)),
      falseOffline: runs.reduce((a, r) => a + r.falseOffline, 0),
      probesPerHour: runs.reduce((a, r) => a + r.probesPerHour, 0) / runs.length,
      hours,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Simulated replay with the product's default timings.

const results: Aggregate[] = [];
for (const kind of SCHEDULES) results.push(...(await replay(kind, T)));

console.log(`Connectivity: Kassa's machine against two baselines on the same recorded schedules (simulated time)`);
console.log(`timings: T1 ${T.t1Ms} ms, probe timeout ${T.probeTimeoutMs} ms, T2 ${T.t2Ms} ms, T2offline ${T.t2OfflineMs} ms, recoverSuccesses ${T.recoverSuccesses}, T3 ${T.qosPollMs} ms`);
for (const kind of SCHEDULES) console.log(`  ${kind.id.padEnd(15)} ${kind.title}; ${kind.seeds} seeds`);
const rows = results.map((r) => ({
  schedule: r.schedule,
  detector: r.detector,
  detected: `${r.detected}/${r.runs}`,
  'detect p50': secs(r.detection.p50),
  'detect p99': secs(r.detection.p99),
  'recover p50': secs(r.recovery.p50),
  'recover p99': secs(r.recovery.p99),
  'flips/run': Number(r.flipsMean.toFixed(1)),
  'max flips/T1': r.maxFlipsPerT1,
  'false offline': r.falseOffline,
  'probes/h': Math.round(r.probesPerHour),
}));
console.table(rows);

// ---------------------------------------------------------------------------------------------------
// Targets (on Kassa's rows), with the baselines of the same run beside them.

const row = (schedule: string, detector: Detector['id']) => results.find((r) => r.schedule === schedule && r.detector === detector)!;
const perHour = (r: Aggregate) => `${(r.falseOffline / r.hours).toFixed(2)}/h`;
const detectionBound = T.t1Ms + T.probeTimeoutMs + T.t2Ms;
const streamBound = HEARTBEAT_MS + T.t1Ms + T.probeTimeoutMs;
const targets: { target: string; met: boolean; detail: string }[] = [];
for (const schedule of ['outage-hq', 'outage-link']) {
  const k = row(schedule, 'kassa');
  const u = row(schedule, 'unhedged');
  targets.push({
    target: `${schedule}: detection ≤ T2 + T1 + probe timeout (${secs(detectionBound)}) in every run`,
    met: k.detected === k.runs && (k.detection.max ?? Infinity) <= detectionBound,
    detail: `detected ${k.detected}/${k.runs}, p50 ${secs(k.detection.p50)}, max ${secs(k.detection.max)} (unhedged: max ${secs(u.detection.max)})`,
  });
}
for (const schedule of ['loss-10', 'loss-20']) {
  const k = row(schedule, 'kassa');
  targets.push({
    target: `${schedule}: zero false offline periods in ≥ 10 simulated hours`,
    met: k.falseOffline === 0 && k.hours >= 10,
    detail: `${k.falseOffline} in ${k.hours} h (unhedged ${row(schedule, 'unhedged').falseOffline} = ${perHour(row(schedule, 'unhedged'))}; naive ${row(schedule, 'naive').falseOffline} = ${perHour(row(schedule, 'naive'))})`,
  });
}
{
  const k = row('outage-stream', 'kassa');
  const u = row('outage-stream', 'unhedged');
  targets.push({
    target: `outage-stream: detection p99 ≤ heartbeat + T1 + probe timeout (${secs(streamBound)})`,
    met: k.detected === k.runs && (k.detection.p99 ?? Infinity) <= streamBound,
    detail: `detected ${k.detected}/${k.runs}, p50 ${secs(k.detection.p50)}, p99 ${secs(k.detection.p99)}, max ${secs(k.detection.max)}; ${k.probesPerHour.toFixed(0)} probes/h (without live traffic: p99 ${secs(u.detection.p99)}, ${u.probesPerHour.toFixed(0)} probes/h)`,
  });
}
for (const schedule of ['flap-link', 'flap-path']) {
  const k = row(schedule, 'kassa');
  const n = row(schedule, 'naive');
  targets.push({
    target: `${schedule}: at most 2 transitions for the disturbance, never more than 1 in any T1`,
    met: k.flipsMax <= 2 && k.maxFlipsPerT1 <= 1,
    detail: `at most ${k.flipsMax} per run (mean ${k.flipsMean.toFixed(1)}), max ${k.maxFlipsPerT1} in ${secs(T.t1Ms)} (naive: mean ${n.flipsMean.toFixed(1)}, max ${n.maxFlipsPerT1} in T1)`,
  });
}
{
  const k = row('flap-damped', 'kassa');
  const n = row('flap-damped', 'naive');
  targets.push({
    target: 'flap-damped: never more than 1 transition in any T1 (damping stretches the stable period the link must hold)',
    met: k.maxFlipsPerT1 <= 1,
    detail: `mean ${k.flipsMean.toFixed(1)}, at most ${k.flipsMax} transitions per run, max ${k.maxFlipsPerT1} in T1 (naive: mean ${n.flipsMean.toFixed(1)})`,
  });
}
{
  const k = row('service', 'kassa');
  const o = row('service', 'os-hint');
  targets.push({
    target: 'service: the service fault is detected (the OS-hint baseline never sees it)',
    met: k.detected === k.runs && o.detected === 0,
    detail: `kassa ${k.detected}/${k.runs} (p99 ${secs(k.detection.p99)}), os-hint ${o.detected}/${o.runs}`,
  });
}
console.log('Targets:');
for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${t.detail}`);

// Probe load: requests to HQ's /health per hour and per minute, by what the link does.
const LOAD_ROWS = ['load-up', 'load-up-stream', 'loss-10', 'loss-20', 'load-down'];
const load = LOAD_ROWS.map((schedule) => {
  const k = row(schedule, 'kassa');
  const n = row(schedule, 'naive');
  const u = row(schedule, 'unhedged');
  return { schedule, 'kassa /h': Math.round(k.probesPerHour), 'kassa /min': Number((k.probesPerHour / 60).toFixed(1)), 'unhedged /h': Math.round(u.probesPerHour), 'naive /h': Math.round(n.probesPerHour) };
});
console.log('Probe load (requests to /health):');
console.table(load);

// ---------------------------------------------------------------------------------------------------
// The clean outage in real time: the register's service and HQ client, a loopback HQ stand-in behind
// the fault proxy, short timings; beside the simulated figure for the same timings.

const SHORT: ConnectivityTimings = { t1Ms: 300, probeTimeoutMs: 200, probeHedging: 4, t2Ms: 400, t2OfflineMs: 200, recoverSuccesses: 2, qosPollMs: 300 };
const REAL_RUNS = 8;
const SHORT_OUTAGE_MS = 1_500;
const shortBound = SHORT.t1Ms + SHORT.probeTimeoutMs + SHORT.t2Ms;

const shortOutage: ScheduleKind = {
  id: 'outage-hq',
  title: 'clean outage, short timings',
  seeds: SEEDS,
  record: (random) => {
    const start = 2_000 + Math.round(random() * SHORT.t2Ms);
    const end = start + SHORT_OUTAGE_MS;
    return { name: 'outage-hq', durationMs: end + 3_000, trouble: { start, end }, link: (t) => (t >= start && t < end ? 'stall' : 'up'), qos: allOk, os: [], faults: [], stepMs: 1, latencyMs: 2 };
  },
};
const simulatedShort = (await replay(shortOutage, SHORT, [kassa]))[0]!;

async function waitFor(predicate: () => boolean, limitMs: number, what: string): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (predicate()) return performance.now() - start;
    if (performance.now() - start > limitMs) throw new Error(`${what} did not happen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function realOutage(proxy: FaultProxy, random: () => number): Promise<{ detectionMs: number; recoveryMs: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-'));
  const db = openDatabase(path.join(dir, 'kassa.db'));
  const service = new ConnectivityService({
    store: new ManualFlagStore(dir),
    log: silentLogger(),
    transitions: new TransitionLog(db),
    timings: SHORT,
    hq: new HqClient({ baseUrl: proxy.url }),
    random,
  });
  try {
    await waitFor(() => service.current().hq.reachable === true, 2_000, 'the first good probe');
    // Start the outage at a random phase of the probe interval, as the simulated schedule does.
    await new Promise((resolve) => setTimeout(resolve, Math.round(random() * SHORT.t2Ms)));
    await proxy.set('stall');
    const detectionMs = await waitFor(() => service.current().reasons.includes('network'), 5_000, 'going offline');
    await new Promise((resolve) => setTimeout(resolve, SHORT_OUTAGE_MS - detectionMs));
    await proxy.set('pass');
    const recoveryMs = await waitFor(() => service.current().state === 'online', 5_000, 'coming back');
    return { detectionMs, recoveryMs };
  } finally {
    service.stop();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const hq = await startHqStandIn();
const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: hq.port } });
const real: { detectionMs: number; recoveryMs: number }[] = [];
try {
  const random = seededRandom(2024);
  for (let i = 0; i < REAL_RUNS; i++) real.push(await realOutage(proxy, random));
} finally {
  await proxy.close();
  await hq.close();
}
const realDetections = real.map((r) => r.detectionMs);
const realRecoveries = real.map((r) => r.recoveryMs);
const side = [
  {
    run: `simulated (${simulatedShort.runs} seeds)`,
    'detect p50': `${simulatedShort.detection.p50} ms`,
    'detect p99': `${simulatedShort.detection.p99} ms`,
    'detect max': `${simulatedShort.detection.max} ms`,
    'recover p50': `${simulatedShort.recovery.p50} ms`,
    'within bound': `${simulatedShort.detections.filter((d) => d <= shortBound).length}/${simulatedShort.runs}`,
    bound: `${shortBound} ms`,
  },
  {
    run: `real time, loopback (${REAL_RUNS} outages)`,
    'detect p50': `${Math.round(percentile(realDetections, 50)!)} ms`,
    'detect p99': `${Math.round(percentile(realDetections, 99)!)} ms`,
    'detect max': `${Math.round(percentile(realDetections, 100)!)} ms`,
    'recover p50': `${Math.round(percentile(realRecoveries, 50)!)} ms`,
    'within bound': `${realDetections.filter((d) => d <= shortBound).length}/${REAL_RUNS}`,
    bound: `${shortBound} ms`,
  },
];
console.log(`Clean outage (HQ stops answering), short timings T1 ${SHORT.t1Ms}, probe timeout ${SHORT.probeTimeoutMs}, T2 ${SHORT.t2Ms}, T2offline ${SHORT.t2OfflineMs} ms:`);
console.table(side);

const out = writeBenchResults('connectivity', {
  timings: T,
  probeLatencyMs: PROBE_LATENCY_MS,
  schedules: SCHEDULES.map((s) => ({ id: s.id, title: s.title, seeds: s.seeds })),
  results,
  targets,
  probeLoad: load,
  realTime: {
    timings: SHORT,
    boundMs: shortBound,
    simulated: simulatedShort,
    real: { runs: real, detection: { p50: percentile(realDetections, 50), p99: percentile(realDetections, 99) }, recovery: { p50: percentile(realRecoveries, 50) } },
  },
  elapsedMs: Math.round(performance.now() - started),
});
console.log(`written to ${path.relative(process.cwd(), out)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (process.argv.includes('--strict') && targets.some((t) => !t.met)) process.exitCode = 1;
