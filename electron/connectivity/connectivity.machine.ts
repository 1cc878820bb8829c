import { assertEvent, assign, enqueueActions, fromPromise, not, raise, setup, stopChild, type SnapshotFrom } from 'xstate';
import { SERVICE_DOMAINS, type ConnectivityReason, type ServiceDomain } from '../../shared/api';
import { FLAP_WINDOW_MS, MAX_DAMPING, type ConnectivityTimings, type ProbeResult, type QosResult, type TrafficSource } from './probe-result';

/**
 * The connectivity machine: three independent factors in parallel regions — the cashier's `manual`
 * switch, `network` reachability of HQ, and per-domain `service` health — from which the till's
 * online/offline state and its reasons are derived (see `reasonsOf`). Timers are the machine's own
 * delays, so tests run it on a SimulatedClock.
 */

export interface ConnectivityInput {
  timings: ConnectivityTimings;
  hqConfigured: boolean;
  manual: { on: boolean; by: string | null; at: number };
  /** Jitter source for the offline probe interval; tests pass a fixed one. */
  random?: () => number;
}

export interface NetworkContext {
  /**
   * The hedged probe round in progress while up: its number (answers of earlier rounds are ignored), how
   * many attempts it has started, and how many of those that started inside its T1 window have failed.
   */
  round: number;
  launched: number;
  windowFailures: number;
  /** A traffic failure arrived while the last evidence was still fresh: probe as soon as it is not. */
  owed: boolean;
  /** A source that reports its own silence (the stream's heartbeat) will be heard from, or report a miss, within this long. */
  quietMs: number | null;
  /** Consecutive successful probes while down. */
  successes: number;
  /** When the first probe of the current run of successes finished; recovery needs the run to span a stable period. */
  streakStartedAt: number | null;
  lastRecoveredAt: number | null;
  /** Flap damping: the stable period needed to come back is T1 × damping (1, 2, 4, 8). */
  damping: number;
  downSince: number | null;
  lastProbe: ProbeResult | null;
  /** The failed probe that set the factor, kept as evidence while down. */
  evidence: (ProbeResult & { ok: false }) | null;
}

export interface ConnectivityContext {
  timings: ConnectivityTimings;
  hqConfigured: boolean;
  random: () => number;
  /** The saved switch read at start-up (before any network activity). */
  startsManualOffline: boolean;
  manual: { by: string | null; at: number };
  network: NetworkContext;
  service: Record<ServiceDomain, { since: number | null; status: 'ok' | 'degraded' | 'down'; lastQosError: string | null }>;
}

export type ConnectivityEvent =
  | { type: 'manual.goOffline'; by: string | null; at: number }
  | { type: 'manual.goOnline'; by: string | null; at: number }
  /** An OS hint (interface change, resume from sleep): probe now, never a verdict by itself. */
  | { type: 'hint.network' }
  /** A whitelisted HQ call failed (5xx, timeout, reset); HQ's QoS endpoint decides whether it counts. */
  | { type: 'service.faultReported'; domain: ServiceDomain }
  /** Live traffic with HQ got an answer (a heartbeat, a sync request, a whitelisted call): HQ is reachable now. */
  | { type: 'traffic.ok'; source: TrafficSource; expectNextWithinMs?: number | null }
  /** Live traffic with HQ failed (a missed heartbeat, a sync request or whitelisted call without an answer): probe now. */
  | { type: 'traffic.failed'; source: TrafficSource; detail: string | null }
  /** Something other than a probe (the QoS endpoint) could not reach HQ. */
  | { type: 'network.evidence'; result: ProbeResult & { ok: false } };

type ProbeDone = { type: string; output: ProbeResult };

/** Attempts of a hedged round are children named `probe.<round>.<attempt>`. */
const ATTEMPT_PREFIX = 'xstate.done.actor.probe.';

/** The realtime stream's heartbeats stand in for scheduled probes when they come at most this many × T2 apart. */
export const STREAM_STANDS_IN = 1.5;
function attemptOf(event: { type: string }): { round: number; index: number } | null {
  if (!event.type.startsWith(ATTEMPT_PREFIX)) return null;
  const [round, index] = event.type.slice(ATTEMPT_PREFIX.length).split('.').map(Number);
  return round === undefined || index === undefined || Number.isNaN(round) || Number.isNaN(index) ? null : { round, index };
}

/** The interval between the attempts of a hedged round: the probe timeout over `probeHedging` (k). */
export function hedgeStepMs(timings: ConnectivityTimings): number {
  return Math.max(1, Math.round(timings.probeTimeoutMs / timings.probeHedging));
}

/**
 * The first attempt that starts at or after the end of the T1 window (attempt 0 starts the window). The
 * till is offline for the network only when attempts 0 to this one have all failed: every attempt started
 * over a whole T1 failed, each within its own timeout.
 */
export function decisiveAttempt(timings: ConnectivityTimings): number {
  return Math.ceil(timings.t1Ms / hedgeStepMs(timings));
}

/**
 * Attempts keep starting until the decisive one has had its full timeout, so a round has at most the
 * decisive attempt + k attempts (8 with the defaults), all within T1 + probe timeout.
 */
export function maxAttempts(timings: ConnectivityTimings): number {
  return decisiveAttempt(timings) + timings.probeHedging;
}
type QosDone = { output: QosResult };

const initialNetwork = (): NetworkContext => ({
  round: 0,
  launched: 0,
  windowFailures: 0,
  owed: false,
  quietMs: null,
  successes: 0,
  streakStartedAt: null,
  lastRecoveredAt: null,
  damping: 1,
  downSince: null,
  lastProbe: null,
  evidence: null,
});

const serviceRegion = (domain: ServiceDomain) => ({
  initial: 'ok' as const,
  states: {
    ok: {
      on: { 'service.faultReported': { guard: { type: 'isDomain' as const, params: { domain } }, target: 'confirming' } },
    },
    confirming: {
      invoke: {
        id: `qos-${domain}`,
        src: 'qos' as const,
        input: { domain },
        onDone: [
          { guard: 'qosDegraded' as const, target: 'degraded', actions: { type: 'serviceDegraded' as const, params: { domain } } },
          { guard: 'qosUnreachable' as const, target: 'ok', actions: 'qosIsNetworkEvidence' as const },
          { target: 'ok' },
        ],
      },
    },
    degraded: {
      after: { qosPoll: 'polling' },
    },
    polling: {
      invoke: {
        id: `qos-poll-${domain}`,
        src: 'qos' as const,
        input: { domain },
        onDone: [
          { guard: 'qosOk' as const, target: 'ok', actions: { type: 'serviceRecovered' as const, params: { domain } } },
          { guard: 'qosUnreachable' as const, target: 'degraded', actions: 'qosIsNetworkEvidence' as const },
          { target: 'degraded', actions: { type: 'serviceDegraded' as const, params: { domain } } },
        ],
      },
    },
  },
});

/**
 * Builds the machine for a set of business domains (one service region each). The register runs it for
 * all of them (`connectivityMachine`); model-based tests explore it with fewer, since every region is the
 * same.
 */
export function createConnectivityMachine(domains: readonly ServiceDomain[] = SERVICE_DOMAINS) {
  return setup({
    types: {
      context: {} as ConnectivityContext,
      events: {} as ConnectivityEvent,
      input: {} as ConnectivityInput,
    },
    actors: {
      /** Replaced by the real HTTP probe of HQ `/health` (`HqClient.probe`). */
      probe: fromPromise<ProbeResult, { timeoutMs: number }>(async () => {
        throw new Error('the probe actor must be provided');
      }),
      /** Replaced by the real `GET /qos?domain=` call (`HqClient.qos`). */
      qos: fromPromise<QosResult, { domain: ServiceDomain }>(async () => {
        throw new Error('the qos actor must be provided');
      }),
    },
    delays: {
      /**
       * While online: at most T2 from the start of one probe to the start of the next (jittered down to
       * 0.8 × T2 so registers do not probe in step, nor in step with a flapping link).
       */
      probeInterval: ({ context }) => {
        const scheduled = Math.round(context.timings.t2Ms * (0.8 + 0.2 * context.random()) - (context.network.lastProbe?.durationMs ?? 0));
        // A connected stream reports its own silence: probe only if it has not, one probe timeout later. It
        // stands in for the schedule only when it promises about as often (within 1.5 × T2): a till set to
        // probe more often than HQ's heartbeat keeps its schedule.
        const quietMs = context.network.quietMs;
        const quiet = quietMs === null || quietMs > STREAM_STANDS_IN * context.timings.t2Ms ? 0 : quietMs + context.timings.probeTimeoutMs;
        return Math.max(0, scheduled, quiet);
      },
      /** While offline: T2offline, ±20 % jitter so registers of a store do not probe in step. */
      offlineProbeInterval: ({ context }) => Math.round(context.timings.t2OfflineMs * (0.8 + 0.4 * context.random())),
      /** A hedged round starts a new attempt every probe timeout / k while none has answered. */
      hedgeStep: ({ context }) => hedgeStepMs(context.timings),
      /**
       * Evidence that HQ answers is fresh for one probe timeout: a traffic failure reported inside it
       * belongs to a request that started before it, so the probe it owes waits until then. This bounds
       * probes triggered by traffic to one round per probe timeout.
       */
      settle: ({ context }) => context.timings.probeTimeoutMs,
      qosPoll: ({ context }) => context.timings.qosPollMs,
      confirmInterval: ({ context }) => Math.max(100, Math.round(context.timings.t1Ms / 4)),
    },
    guards: {
      hqConfigured: ({ context }) => context.hqConfigured,
      startsManualOffline: ({ context }) => context.startsManualOffline,
      probeOk: ({ event }) => (event as unknown as ProbeDone).output.ok,
      /** An answer of an attempt of the round in progress (answers of rounds already decided are ignored). */
      currentRound: ({ context, event }) => attemptOf(event)?.round === context.network.round,
      mayHedge: ({ context }) => context.network.launched < maxAttempts(context.timings),
      /** This failure completes the evidence: every attempt from the first to the decisive one has failed. */
      windowFailed: ({ context, event }) => {
        const attempt = attemptOf(event);
        return attempt !== null && attempt.index <= decisiveAttempt(context.timings) && context.network.windowFailures + 1 > decisiveAttempt(context.timings);
      },
      owed: ({ context }) => context.network.owed,
      /** Back online: enough consecutive successes, spanning at least the (damped) stable period T1 × damping. */
      recovered: ({ context, event }) => {
        const result = (event as unknown as ProbeDone).output;
        if (!result.ok) return false;
        const span = result.at - (context.network.streakStartedAt ?? result.at);
        return context.network.successes + 1 >= context.timings.recoverSuccesses && span >= context.timings.t1Ms * context.network.damping;
      },
      /** A fault for this region's domain; without HQ (demo mode) there is no service to fault. */
      isDomain: ({ context, event }, params: { domain: ServiceDomain }) =>
        context.hqConfigured && event.type === 'service.faultReported' && event.domain === params.domain,
      qosOk: ({ event }) => (event as unknown as QosDone).output.status === 'ok',
      qosDegraded: ({ event }) => ['degraded', 'down'].includes((event as unknown as QosDone).output.status),
      qosUnreachable: ({ event }) => (event as unknown as QosDone).output.status === 'unreachable',
    },
    actions: {
      recordPress: assign(({ event }) => {
        assertEvent(event, ['manual.goOffline', 'manual.goOnline']);
        return { manual: { by: event.by, at: event.at } };
      }),
      recordProbe: assign(({ context, event }) => ({ network: { ...context.network, lastProbe: (event as unknown as ProbeDone).output } })),
      /** A hedged round begins: a new number, so answers of earlier rounds are told apart. */
      startRound: assign(({ context }) => ({ network: { ...context.network, round: context.network.round + 1, launched: 0, windowFailures: 0, owed: false, quietMs: null } })),
      launchAttempt: enqueueActions(({ context, enqueue }) => {
        const id = `probe.${context.network.round}.${context.network.launched}`;
        enqueue.spawnChild('probe', { id, input: { timeoutMs: context.timings.probeTimeoutMs } });
        enqueue.assign({ network: { ...context.network, launched: context.network.launched + 1 } });
      }),
      /** An attempt answered: it is done, so it leaves the children. */
      dropAttempt: stopChild(({ event }) => event.type.slice('xstate.done.actor.'.length)),
      /** A failed attempt that started inside the T1 window is counted towards the verdict. */
      countFailure: assign(({ context, event }) => {
        const attempt = attemptOf(event);
        const inWindow = attempt !== null && attempt.index <= decisiveAttempt(context.timings);
        return { network: { ...context.network, lastProbe: (event as unknown as ProbeDone).output, windowFailures: context.network.windowFailures + (inWindow ? 1 : 0) } };
      }),
      /** The round is decided: attempts still in flight are no longer needed. */
      endRound: enqueueActions(({ context, enqueue }) => {
        for (let i = 0; i < context.network.launched; i++) enqueue.stopChild(`probe.${context.network.round}.${i}`);
      }),
      /** Traffic answered; a source that reports its own silence says for how long the till may rely on it. */
      recordQuiet: assign(({ context, event }) => {
        assertEvent(event, 'traffic.ok');
        return { network: { ...context.network, quietMs: event.expectNextWithinMs ?? context.network.quietMs } };
      }),
      markOwed: assign(({ context }) => ({ network: { ...context.network, owed: true } })),
      clearOwed: assign(({ context }) => ({ network: { ...context.network, owed: false } })),
      countSuccess: assign(({ context, event }) => {
        const result = (event as unknown as ProbeDone).output;
        return { network: { ...context.network, successes: context.network.successes + 1, streakStartedAt: context.network.streakStartedAt ?? result.at } };
      }),
      resetSuccesses: assign(({ context }) => ({ network: { ...context.network, successes: 0, streakStartedAt: null } })),
      markDown: assign(({ context, event }) => {
        const result = (event as unknown as ProbeDone).output as ProbeResult & { ok: false };
        const flapped = context.network.lastRecoveredAt !== null && result.at - context.network.lastRecoveredAt < FLAP_WINDOW_MS;
        return {
          network: {
            ...context.network,
            successes: 0,
            streakStartedAt: null,
            downSince: result.at,
            evidence: result,
            quietMs: null,
            damping: flapped ? Math.min(context.network.damping * 2, MAX_DAMPING) : 1,
          },
        };
      }),
      markRecovered: assign(({ context, event }) => {
        const result = (event as unknown as ProbeDone).output;
        return { network: { ...context.network, successes: 0, streakStartedAt: null, downSince: null, evidence: null, lastRecoveredAt: result.at } };
      }),
      serviceDegraded: assign(({ context, event }, params: { domain: ServiceDomain }) => {
        const result = (event as unknown as QosDone).output;
        const current = context.service[params.domain];
        const status = result.status === 'down' ? 'down' : 'degraded';
        return { service: { ...context.service, [params.domain]: { since: current.since ?? result.at, status, lastQosError: null } } };
      }),
      serviceRecovered: assign(({ context }, params: { domain: ServiceDomain }) => ({
        service: { ...context.service, [params.domain]: { since: null, status: 'ok', lastQosError: null } },
      })),
      qosIsNetworkEvidence: raise(({ event }) => {
        const result = (event as unknown as QosDone).output as QosResult & { status: 'unreachable' };
        return {
          type: 'network.evidence' as const,
          result: { ok: false as const, at: result.at, durationMs: 0, kind: 'other' as const, message: `HQ's QoS endpoint did not answer: ${result.message}` },
        };
      }),
    },
  }).createMachine({
    id: 'connectivity',
    type: 'parallel',
    context: ({ input }) => ({
      timings: input.timings,
      hqConfigured: input.hqConfigured,
      random: input.random ?? Math.random,
      startsManualOffline: input.manual.on,
      manual: { by: input.manual.by, at: input.manual.at },
      network: initialNetwork(),
      service: Object.fromEntries(domains.map((d) => [d, { since: null, status: 'ok', lastQosError: null }])) as ConnectivityContext['service'],
    }),
    states: {
      manual: {
        initial: 'start',
        states: {
          start: {
            always: [{ guard: 'startsManualOffline', target: 'on' }, { target: 'off' }],
          },
          off: { on: { 'manual.goOffline': { target: 'on', actions: 'recordPress' } } },
          on: { on: { 'manual.goOnline': { target: 'off', actions: 'recordPress' } } },
        },
      },
      network: {
        initial: 'start',
        states: {
          start: { always: [{ guard: 'hqConfigured', target: 'up' }, { target: 'disabled' }] },
          /** Demo mode: no HQ to reach, so the factor stays clear. */
          disabled: {},
          up: {
            initial: 'probing',
            states: {
              /**
               * Between rounds. The next scheduled round starts at most T2 after the last evidence that HQ
               * answers: a probe or live traffic (a heartbeat, a sync request, a whitelisted call), each of
               * which re-enters this state and so pushes the schedule back. Traffic that fails, an OS hint
               * or a QoS call that got no answer starts a round now.
               */
              waiting: {
                initial: 'fresh',
                entry: 'clearOwed',
                after: { probeInterval: 'probing' },
                on: {
                  'hint.network': 'probing',
                  'traffic.ok': { target: 'waiting', reenter: true, actions: 'recordQuiet' },
                },
                states: {
                  fresh: {
                    after: { settle: 'settled' },
                    on: { 'traffic.failed': { actions: 'markOwed' }, 'network.evidence': { actions: 'markOwed' } },
                  },
                  settled: {
                    always: { guard: 'owed', target: '#connectivity.network.up.probing' },
                    on: { 'traffic.failed': '#connectivity.network.up.probing', 'network.evidence': '#connectivity.network.up.probing' },
                  },
                },
              },
              /**
               * A hedged round: attempt 0 starts the T1 window; while none has answered, a new attempt starts
               * every probe timeout / k without cancelling those in flight. Any answer within its own timeout
               * is a success and ends the round; the till goes offline only when every attempt started in the
               * window (0 to the decisive one) has failed.
               */
              probing: {
                entry: 'startRound',
                exit: 'endRound',
                initial: 'attempt',
                states: {
                  attempt: {
                    entry: 'launchAttempt',
                    after: { hedgeStep: { guard: 'mayHedge', target: 'attempt', reenter: true } },
                  },
                },
                on: {
                  'xstate.done.actor.probe.*': [
                    { guard: not('currentRound'), actions: 'dropAttempt' },
                    { guard: 'probeOk', target: 'waiting', actions: ['dropAttempt', 'recordProbe'] },
                    { guard: 'windowFailed', target: '#connectivity.network.down', actions: ['dropAttempt', 'countFailure', 'markDown'] },
                    { actions: ['dropAttempt', 'countFailure'] },
                  ],
                  'traffic.ok': { target: 'waiting', actions: 'recordQuiet' },
                },
              },
            },
          },
          down: {
            initial: 'waiting',
            states: {
              waiting: {
                after: { offlineProbeInterval: 'probing' },
                on: { 'hint.network': 'probing', 'traffic.ok': 'probing' },
              },
              probing: {
                invoke: {
                  id: 'recovery-probe',
                  src: 'probe',
                  input: ({ context }) => ({ timeoutMs: context.timings.probeTimeoutMs }),
                  onDone: [
                    { guard: 'recovered', target: '#connectivity.network.up.waiting', actions: ['recordProbe', 'markRecovered'] },
                    { guard: 'probeOk', target: 'confirming', actions: ['recordProbe', 'countSuccess'] },
                    { target: 'waiting', actions: ['recordProbe', 'resetSuccesses'] },
                  ],
                },
              },
              /**
               * HQ answered again: probe densely until the stable period is covered, so a link that flaps
               * between two slow probes is not mistaken for a steady one.
               */
              confirming: {
                after: { confirmInterval: 'probing' },
              },
            },
          },
        },
      },
      service: {
        type: 'parallel',
        states: Object.fromEntries(domains.map((domain) => [domain, serviceRegion(domain)])) as Record<ServiceDomain, ReturnType<typeof serviceRegion>>,
      },
    },
  });
}

export const connectivityMachine = createConnectivityMachine();

export type ConnectivitySnapshot = SnapshotFrom<ReturnType<typeof createConnectivityMachine>>;

/** The reasons the till is offline, derived from the three factors; none means online. */
export function reasonsOf(snapshot: ConnectivitySnapshot): ConnectivityReason[] {
  const value = snapshot.value as { manual: string; network: string | Record<string, string>; service: Partial<Record<ServiceDomain, string>> };
  const reasons: ConnectivityReason[] = [];
  if (value.manual === 'on') reasons.push('manual');
  if (typeof value.network === 'object' && 'down' in value.network) reasons.push('network');
  for (const domain of SERVICE_DOMAINS) {
    if (!(domain in value.service)) continue;
    const state = value.service[domain];
    if (state === 'degraded' || state === 'polling') reasons.push(`service:${domain}`);
  }
  return reasons;
}
