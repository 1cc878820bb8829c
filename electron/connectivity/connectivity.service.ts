import { createActor, fromPromise, type Actor, type ActorOptions } from 'xstate';
import type { ConnectivityReason, ConnectivityState, ServiceDomain } from '../../shared/api';
import type { ProbeRecord } from '../../shared/modules/admin.api';
import type { Logger } from '../core/logger';
import type { HqClient } from '../hq/hq-client';
import type { Connectivity } from './connectivity';
import { connectivityMachine, reasonsOf, type ConnectivitySnapshot } from './connectivity.machine';
import type { ManualFlagStore } from './manual-flag';
import type { ConnectivityTimings, ProbeResult, QosResult, TrafficEvidence } from './probe-result';
import type { TransitionLog } from './transition-log';

export interface ConnectivityServiceOptions {
  store: ManualFlagStore;
  log: Logger;
  transitions: TransitionLog;
  timings: ConnectivityTimings;
  /** null in demo mode: no HQ, so only the manual switch can take the till offline. */
  hq: Pick<HqClient, 'probe' | 'qos'> | null;
  now?: () => number;
  clock?: ActorOptions<typeof connectivityMachine>['clock'];
  random?: () => number;
}

/**
 * Runs the connectivity machine for the register: reads the saved switch before anything touches the
 * network, feeds it real probes and QoS answers, persists each press, logs every transition, and
 * offers modules the small `Connectivity` interface.
 */
export class ConnectivityService implements Connectivity {
  private readonly actor: Actor<typeof connectivityMachine>;
  private readonly listeners = new Set<(state: ConnectivityState) => void>();
  private readonly now: () => number;
  private readonly warning: string | null;
  private state: ConnectivityState;
  private lastTrigger = 'start';
  private stopped = false;
  private pressedBy: string | null = null;
  /** The last live traffic with HQ reported as evidence (diagnostics shows it beside the probes). */
  private traffic: { at: number; ok: boolean; source: TrafficEvidence['source']; detail: string | null } | null = null;
  /** The last probes of HQ, oldest first (the diagnostics page charts their latency). */
  private readonly probes: ProbeRecord[] = [];

  constructor(private readonly options: ConnectivityServiceOptions) {
    this.now = options.now ?? Date.now;
    const flag = options.store.read();
    this.warning = flag.warning;
    if (flag.warning) options.log.warn({ file: options.store.file }, flag.warning);
    const hq = options.hq;
    const machine = connectivityMachine.provide({
      actors: {
        probe: fromPromise<ProbeResult, { timeoutMs: number }>(({ input }) => hq!.probe(input.timeoutMs)),
        qos: fromPromise<QosResult, { domain: ServiceDomain }>(({ input }) => hq!.qos(input.domain, options.timings.probeTimeoutMs)),
      },
    });
    this.actor = createActor(machine, {
      // Only when given: an explicit `clock: undefined` replaces XState's real-timer default and breaks every delay.
      ...(options.clock ? { clock: options.clock } : {}),
      input: { timings: options.timings, hqConfigured: hq !== null, manual: { on: flag.manualOffline, by: flag.by, at: flag.at }, random: options.random },
      inspect: (event) => {
        if (event.type === '@xstate.event' && event.actorRef === this.actor) this.lastTrigger = triggerName(event.event.type);
      },
    });
    this.state = { state: 'online', reasons: [], since: this.now(), manualBy: null, warning: this.warning, hq: this.hqView(this.actor.getSnapshot()) };
    this.actor.subscribe((snapshot) => this.update(snapshot));
    this.actor.start();
    this.update(this.actor.getSnapshot(), 'starting');
  }

  current(): ConnectivityState {
    return this.state;
  }

  subscribe(listener: (state: ConnectivityState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One degraded HQ service leaves the others usable; the cashier's switch or the network takes them all. */
  isAvailable(domain: ServiceDomain): boolean {
    return !this.state.reasons.some((reason) => reason === 'manual' || reason === 'network' || reason === `service:${domain}`);
  }

  goOffline(by: string | null): ConnectivityState {
    return this.press(true, by);
  }

  goOnline(by: string | null): ConnectivityState {
    return this.press(false, by);
  }

  /** A whitelisted HQ call failed; HQ's QoS endpoint decides whether the domain is really degraded. */
  reportServiceFault(domain: ServiceDomain, detail: string): void {
    this.options.log.info({ domain, detail }, 'service fault reported; asking HQ QoS');
    this.actor.send({ type: 'service.faultReported', domain });
  }

  /**
   * Live traffic with HQ (the realtime stream's heartbeat, a sync request, a whitelisted call): a failure
   * makes the till probe now, a success pushes the next scheduled probe back. Evidence, never a verdict.
   */
  reportTraffic(evidence: TrafficEvidence): void {
    // A request that ends while the register shuts down reports to a machine that is no longer running.
    if (this.stopped) return;
    this.traffic = { at: this.now(), ok: evidence.ok, source: evidence.source, detail: evidence.ok ? null : (evidence.detail ?? null) };
    if (!evidence.ok) this.options.log.debug({ source: evidence.source, detail: evidence.detail }, 'traffic with HQ failed; probing');
    this.actor.send(evidence.ok ? { type: 'traffic.ok', source: evidence.source, expectNextWithinMs: evidence.expectNextWithinMs ?? null } : { type: 'traffic.failed', source: evidence.source, detail: evidence.detail ?? null });
  }

  /** An OS hint (interface change, resume from sleep): probe now. */
  hint(why: string): void {
    this.options.log.debug({ why }, 'connectivity hint');
    this.actor.send({ type: 'hint.network' });
  }

  stop(): void {
    this.stopped = true;
    this.actor.stop();
  }

  /** The last live traffic with HQ reported as evidence, or null before any. */
  lastTraffic(): { at: number; ok: boolean; source: TrafficEvidence['source']; detail: string | null } | null {
    return this.traffic;
  }

  /** The most recent probes of HQ (at most `PROBE_HISTORY`), oldest first. */
  recentProbes(): ProbeRecord[] {
    return [...this.probes];
  }

  private press(manualOffline: boolean, by: string | null): ConnectivityState {
    const at = this.now();
    // The switch is on disk before the till acts on it: a crash right after the press keeps it.
    this.options.store.write(manualOffline, by, at);
    this.options.log.info({ manualOffline, by }, manualOffline ? 'Go offline pressed' : 'Go online pressed');
    this.pressedBy = by;
    this.actor.send({ type: manualOffline ? 'manual.goOffline' : 'manual.goOnline', by, at });
    this.pressedBy = null;
    return this.state;
  }

  private update(snapshot: ConnectivitySnapshot, from?: 'starting'): void {
    const reasons = reasonsOf(snapshot);
    const previous = this.state;
    const next: ConnectivityState = {
      state: reasons.length ? 'offline' : 'online',
      reasons,
      since: previous.state === (reasons.length ? 'offline' : 'online') && !from ? previous.since : this.now(),
      manualBy: reasons.includes('manual') ? snapshot.context.manual.by : null,
      reasonSince: Object.fromEntries(
        reasons.map((reason) => [reason, previous.reasonSince?.[reason] ?? (reason === 'manual' ? snapshot.context.manual.at : this.now())]),
      ),
      warning: reasons.includes('manual') ? this.warning : null,
      hq: this.hqView(snapshot),
    };
    this.state = next;
    const probe = snapshot.context.network.lastProbe;
    if (probe && probe.at !== this.probes[this.probes.length - 1]?.at) {
      this.probes.push({ at: probe.at, ok: probe.ok, latencyMs: Math.round(probe.durationMs), error: probe.ok ? null : probe.message });
      if (this.probes.length > PROBE_HISTORY) this.probes.shift();
    }
    const reasonsChanged = from !== undefined || !sameReasons(previous.reasons, reasons);
    if (reasonsChanged) {
      this.options.transitions.append({
        at: this.now(),
        from: from ?? previous.state,
        to: next.state,
        fromReasons: from ? [] : previous.reasons,
        reasons,
        trigger: this.lastTrigger,
        user: this.pressedBy,
        detail: reasons.includes('network') ? (snapshot.context.network.evidence?.message ?? null) : null,
      });
      this.options.log.info({ from: from ?? previous.state, to: next.state, reasons, trigger: this.lastTrigger }, 'connectivity changed');
    }
    if (reasonsChanged || previous.hq.reachable !== next.hq.reachable || previous.hq.lastProbeAt !== next.hq.lastProbeAt) {
      for (const listener of this.listeners) listener(next);
    }
  }

  private hqView(snapshot: ConnectivitySnapshot): ConnectivityState['hq'] {
    const probe = snapshot.context.network.lastProbe;
    const failed = probe && !probe.ok ? probe : null;
    return {
      configured: this.options.hq !== null,
      reachable: probe ? probe.ok : null,
      lastProbeAt: probe?.at ?? null,
      latencyMs: probe?.ok ? Math.round(probe.durationMs) : null,
      evidence: failed ? (failed.kind === 'no-network' ? 'no-network' : 'hq-unreachable') : null,
      lastError: failed?.message ?? null,
    };
  }
}

/** How many recent probes the service remembers: an hour at the online interval's default of 15 s. */
export const PROBE_HISTORY = 240;

function sameReasons(a: readonly ConnectivityReason[], b: readonly ConnectivityReason[]): boolean {
  return a.length === b.length && a.every((reason, i) => reason === b[i]);
}

/** The event that caused a transition, named for the log. */
function triggerName(type: string): string {
  if (type === 'xstate.init') return 'start';
  if (type.startsWith('xstate.done.actor.qos')) return 'qos';
  if (type.startsWith('xstate.done.actor.')) return 'probe';
  if (type.startsWith('xstate.after.')) return 'timer';
  if (type === 'network.evidence') return 'qos.unreachable';
  if (type === 'service.faultReported') return 'service.fault';
  if (type === 'hint.network') return 'hint';
  if (type === 'traffic.failed' || type === 'traffic.ok') return 'traffic';
  return type;
}
