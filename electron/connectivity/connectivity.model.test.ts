import { getAdjacencyMap } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import type { ServiceDomain } from '../../shared/api';
import { createConnectivityMachine, decisiveAttempt, reasonsOf, type ConnectivityEvent, type ConnectivitySnapshot } from './connectivity.machine';
import { FLAP_WINDOW_MS, type ProbeResult, type QosResult } from './probe-result';
import { DEFAULT_TIMINGS } from './simulation/simulated-link';

/*
 * Model-based tests: explore every state the machine can reach from start-up, with every event the world
 * can send it in each state — the cashier's presses, OS hints, service faults, each timer that is running
 * and each answer an invoked probe or QoS call can give — and check that every state node is reached,
 * every transition is taken, and the derived state is consistent everywhere.
 */

/** One service region: every region is built by the same function (that a fault reaches only its own domain is a machine test). */
const DOMAINS: readonly ServiceDomain[] = ['membership'];
/** Two attempts per probe timeout keep hedged rounds small enough to explore (attempts 0–2 decide, 4 at most). */
const TIMINGS = { ...DEFAULT_TIMINGS, probeHedging: 2 };
const machine = createConnectivityMachine(DOMAINS);
type AnyEvent = ConnectivityEvent | { type: string; output?: unknown };

/** The ids of the active state nodes, e.g. connectivity.network.up.waiting. */
function activeIds(value: unknown, prefix = 'connectivity'): string[] {
  if (typeof value === 'string') return [prefix, `${prefix}.${value}`];
  return [prefix, ...Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => activeIds(child, `${prefix}.${key}`))];
}

const failure = (at: number, kind: 'timeout' | 'refused' = 'timeout'): ProbeResult => ({ ok: false, at, durationMs: kind === 'timeout' ? TIMINGS.probeTimeoutMs : 5, kind, message: kind });

/** Everything the world can send the machine in this state. */
function eventsFor(snapshot: ConnectivitySnapshot): AnyEvent[] {
  const { network } = snapshot.context;
  const t = Math.max(network.lastRecoveredAt ?? 0, network.streakStartedAt ?? 0, network.downSince ?? 0) + 1;
  const events: AnyEvent[] = [
    { type: 'manual.goOffline', by: 'Ana', at: t },
    { type: 'manual.goOnline', by: 'Ana', at: t },
    { type: 'hint.network' },
    { type: 'traffic.ok', source: 'stream', expectNextWithinMs: 15_100 },
    { type: 'traffic.ok', source: 'call' },
    { type: 'traffic.failed', source: 'sync', detail: 'no answer' },
    { type: 'network.evidence', result: failure(t) as ProbeResult & { ok: false } },
    ...DOMAINS.map((domain) => ({ type: 'service.faultReported' as const, domain })),
  ];
  for (const id of activeIds(snapshot.value)) {
    for (const delayed of machine.getStateNodeById(id).after) events.push({ type: delayed.eventType });
  }
  for (const [id] of Object.entries(snapshot.children)) {
    const done = `xstate.done.actor.${id}`;
    if (id.startsWith('qos')) {
      const domain = id.replace(/^qos(-poll)?-/, '') as ServiceDomain;
      for (const status of ['ok', 'degraded', 'down', 'unreachable'] as const) {
        const output: QosResult = status === 'unreachable' ? { domain, status, at: t, message: 'no answer' } : { domain, status, at: t };
        events.push({ type: done, output });
      }
    } else {
      const streak = network.streakStartedAt ?? t;
      const recovered = network.lastRecoveredAt ?? -FLAP_WINDOW_MS * 2;
      const stable = TIMINGS.t1Ms * network.damping;
      const outputs: ProbeResult[] = [
        { ok: true, at: streak + stable - 1, durationMs: 3 }, // one millisecond short of the (damped) stable period
        { ok: true, at: streak + stable, durationMs: 3 }, // exactly the stable period
        failure(recovered + 1000, 'refused'), // soon after a recovery: flapping
        failure(recovered + FLAP_WINDOW_MS - 1), // the last moment that is still flapping
        failure(recovered + FLAP_WINDOW_MS), // the first moment that is not
      ];
      for (const output of outputs) events.push({ type: done, output });
    }
  }
  return events;
}

/** States that differ only in timestamps are the same state for the model. */
function serialize(snapshot: ConnectivitySnapshot): string {
  const { network, manual, service } = snapshot.context;
  return JSON.stringify([
    snapshot.value,
    Math.min(network.successes, TIMINGS.recoverSuccesses),
    network.launched,
    network.windowFailures,
    network.owed,
    network.quietMs,
    // Which attempts of the round in progress are still in flight (rounds are numbered; the model is not).
    Object.keys(snapshot.children).filter((id) => id.startsWith(`probe.${network.round}.`)).map((id) => id.split('.')[2]).sort(),
    network.streakStartedAt !== null,
    network.damping,
    network.lastRecoveredAt !== null,
    network.evidence?.kind ?? null,
    manual.by,
    DOMAINS.map((d) => service[d].status),
  ]);
}

function explore(hqConfigured: boolean, manualOn = false) {
  return getAdjacencyMap(machine, {
    input: { timings: TIMINGS, hqConfigured, manual: { on: manualOn, by: manualOn ? 'Ana' : null, at: manualOn ? 1 : 0 }, random: () => 0.5 },
    events: eventsFor as (s: ConnectivitySnapshot) => ConnectivityEvent[],
    serializeState: serialize,
  });
}

describe('the connectivity machine, explored as a model', () => {
  const withHq = explore(true);
  const manualAtStart = explore(true, true);
  const demo = explore(false);
  const graphs = [withHq, manualAtStart, demo];
  const edges = graphs.flatMap((graph) =>
    Object.values(graph).flatMap(({ state, transitions }) =>
      Object.values(transitions as Record<string, { event: AnyEvent; state: ConnectivitySnapshot }>).map((edge) => ({ from: state, event: edge.event, to: edge.state })),
    ),
  );
  const states = graphs.flatMap((graph) => Object.values(graph).map((v) => v.state));

  it('reaches every state node', () => {
    const reached = new Set(states.flatMap((s) => activeIds(s.value)));
    // Start-up states are transient (eventless): the machine passes through them to one of their targets.
    const resting = allStateNodeIds().filter((id) => machine.getStateNodeById(id).always === undefined);
    expect(resting.filter((id) => !reached.has(id))).toEqual([]);
    const initial = graphs.map((graph) => activeIds(Object.values(graph)[0]!.state.value));
    expect(initial.map((ids) => ids.filter((id) => /^connectivity\.(manual|network)\.[a-z]+$/.test(id)))).toEqual([
      ['connectivity.manual.off', 'connectivity.network.up'],
      ['connectivity.manual.on', 'connectivity.network.up'],
      ['connectivity.manual.off', 'connectivity.network.disabled'],
    ]);
    expect(states.length).toBeGreaterThan(100);
  });

  it('takes every transition of every state node (each guarded branch to its target)', () => {
    const missing: string[] = [];
    for (const id of allStateNodeIds()) {
      const node = machine.getStateNodeById(id);
      for (const [eventType, candidates] of node.transitions) {
        for (const candidate of candidates) {
          const targets = (candidate.target ?? []).map((t) => t.id);
          const taken = edges.some(
            (edge) =>
              (eventType.endsWith('.*') ? edge.event.type.startsWith(eventType.slice(0, -1)) : edge.event.type === eventType) &&
              activeIds(edge.from.value).includes(id) &&
              targets.every((target) => activeIds(edge.to.value).includes(target)) &&
              (targets.length > 0 || serialize(edge.from) !== serialize(edge.to)),
          );
          if (!taken) missing.push(`${id} --${eventType}--> ${targets.join(', ') || '(self)'}${candidate.guard ? ' [guarded]' : ''}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('derives a consistent state everywhere', () => {
    for (const state of states) {
      const reasons = reasonsOf(state);
      const ids = activeIds(state.value);
      const { network, service } = state.context;
      expect(reasons.includes('manual')).toBe(ids.includes('connectivity.manual.on'));
      expect(reasons.includes('network')).toBe(ids.includes('connectivity.network.down'));
      expect(network.downSince !== null).toBe(reasons.includes('network'));
      expect(network.evidence !== null).toBe(reasons.includes('network'));
      expect([1, 2, 4, 8]).toContain(network.damping);
      for (const domain of DOMAINS) expect(service[domain].since !== null, domain).toBe(reasons.includes(`service:${domain}`));
      if (!state.context.hqConfigured) expect(reasons.filter((r) => r !== 'manual')).toEqual([]);
    }
  });

  it('never lets a probe or QoS answer change the cashier’s switch', () => {
    for (const edge of edges) {
      if (edge.event.type.startsWith('manual.')) continue;
      expect(reasonsOf(edge.to).includes('manual'), edge.event.type).toBe(reasonsOf(edge.from).includes('manual'));
    }
  });

  it('goes offline for the network only through a failed re-probe, and back only through a stable run of successes', () => {
    for (const edge of edges) {
      const wasDown = reasonsOf(edge.from).includes('network');
      const isDown = reasonsOf(edge.to).includes('network');
      if (!wasDown && isDown) {
        // The decisive failure of a hedged round: every attempt from the first to the decisive one failed.
        expect(edge.event.type).toMatch(/^xstate\.done\.actor\.probe\.\d+\.\d+$/);
        expect(activeIds(edge.from.value)).toContain('connectivity.network.up.probing');
        expect(edge.from.context.network.windowFailures).toBe(decisiveAttempt(TIMINGS));
        expect((edge.event as { output: ProbeResult }).output.ok).toBe(false);
      }
      if (wasDown && !isDown) {
        expect(edge.event.type).toBe('xstate.done.actor.recovery-probe');
        const result = (edge.event as { output: ProbeResult }).output;
        expect(result.ok).toBe(true);
        expect(result.at - (edge.from.context.network.streakStartedAt ?? result.at)).toBeGreaterThanOrEqual(TIMINGS.t1Ms * edge.from.context.network.damping);
      }
    }
  });
});

function allStateNodeIds(): string[] {
  const ids: string[] = [];
  const walk = (node: { id: string; states: Record<string, unknown> }) => {
    ids.push(node.id);
    for (const child of Object.values(node.states)) walk(child as { id: string; states: Record<string, unknown> });
  };
  walk(machine.root as unknown as { id: string; states: Record<string, unknown> });
  return ids;
}
