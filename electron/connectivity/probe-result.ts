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
  recoverSuccesses: number;
  qosPollMs: number;
}

/** A till that falls offline again within this long after recovering is flapping (route-flap damping). */
export const FLAP_WINDOW_MS = 60_000;
/** The stable period needed to come back grows up to this many times T1 on a flapping link. */
export const MAX_DAMPING = 8;
