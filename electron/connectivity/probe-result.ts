import type { ServiceDomain } from '../../shared/api';

/** Why a reachability probe failed, in words IT can act on. */
export type ProbeFailureKind = 'no-network' | 'timeout' | 'refused' | 'dns' | 'reset' | 'http' | 'other';

/** One reachability probe of HQ `GET /health`. Failures are results, never exceptions. */
export type ProbeResult =
  | { ok: true; at: number; durationMs: number }
  | { ok: false; at: number; durationMs: number; kind: ProbeFailureKind; message: string };

/** HQ's word on one business domain, or that the QoS endpoint itself did not answer (network evidence). */
export type QosResult = { domain: ServiceDomain; status: 'ok' | 'degraded' | 'down'; at: number } | { domain: ServiceDomain; status: 'unreachable'; at: number; message: string };

export interface ConnectivityTimings {
  t1Ms: number;
  t2Ms: number;
  t2OfflineMs: number;
  probeTimeoutMs: number;
  /** k: while a probe round has no answer, a new attempt starts every probeTimeoutMs / k (1: no hedging). */
  probeHedging: number;
  recoverSuccesses: number;
  qosPollMs: number;
}

/** A till that falls offline again within this long after recovering is flapping (route-flap damping). */
export const FLAP_WINDOW_MS = 60_000;
/** The stable period needed to come back grows up to this many times T1 on a flapping link. */
export const MAX_DAMPING = 8;

/**
 * Live traffic with HQ, as evidence: a heartbeat of the realtime stream that came (or did not come in
 * time), a sync request or whitelisted call that got an answer (or timed out, was reset or refused).
 * A failure makes the machine probe now; a success pushes the next scheduled probe back. Never a verdict.
 */
export type TrafficSource = 'stream' | 'sync' | 'call';
export interface TrafficEvidence {
  ok: boolean;
  source: TrafficSource;
  /** What failed, in words for the log (failures only). */
  detail?: string;
  /**
   * A source that reports its own silence (the stream's heartbeat watch) says when it will next be heard
   * from or report a miss; the scheduled probe waits beyond that, so a connected stream replaces it.
   */
  expectNextWithinMs?: number;
}
