import { SERVICE_DOMAINS, type ServiceDomain } from '../../../shared/api';
import type { FaultInjector } from './fault-injector';

export type QosStatus = 'ok' | 'degraded' | 'down';

export interface QosOptions {
  /** How far back the window reaches. */
  windowMs: number;
  /** Fewer samples than this say nothing about the domain (ok). */
  minSamples: number;
  /** Error share at or above which the domain is degraded, and down. */
  degradedErrorRate: number;
  downErrorRate: number;
  /** A 90th-percentile latency above this is degraded. */
  slowMs: number;
}

export const DEFAULT_QOS: QosOptions = { windowMs: 30_000, minSamples: 5, degradedErrorRate: 0.1, downErrorRate: 0.5, slowMs: 2000 };

/** A peer instance's summary older than this is left out: that instance stopped reporting (gone, idle, or cut off from the database). */
export const PEER_FRESH_MS = 3000;

interface Sample {
  at: number;
  failed: boolean;
  ms: number;
}

/** One instance's window of a domain, summed up. */
export interface WindowSummary {
  samples: number;
  failures: number;
  p90Ms: number;
}

/** Another instance's summary as it wrote it (qos/qos-board.ts). */
export interface PeerWindow extends WindowSummary {
  instanceId: string;
  domain: ServiceDomain;
  at: number;
}

/**
 * Per-domain health from a sliding window of its handlers' outcomes (5xx, dropped or timed-out answers
 * are failures) and latency, overridden by any injected fault: rate 1 is down, less is degraded.
 *
 * Behind a load balancer a register's call and its /qos question may reach different instances, so the
 * status adds the fresh summaries of the other instances (setPeers) to this instance's own live window:
 * samples and failures are summed, and the domain is slow when the p90 of any instance holding at least a
 * tenth of the samples is. This instance's own window always counts, read live: an instance cut off from
 * the database still reports its own trouble, and its peers' summaries age out after PEER_FRESH_MS.
 */
export class QosMonitor {
  private readonly samples = new Map<ServiceDomain, Sample[]>(SERVICE_DOMAINS.map((d) => [d, []]));
  private peers: PeerWindow[] = [];

  constructor(
    private readonly faults: FaultInjector,
    private readonly options: QosOptions = DEFAULT_QOS,
    private readonly now: () => number = Date.now,
  ) {}

  record(domain: ServiceDomain, failed: boolean, ms: number): void {
    const list = this.samples.get(domain)!;
    list.push({ at: this.now(), failed, ms });
    if (list.length > 10_000) list.splice(0, list.length - 10_000);
  }

  /** This instance's own window of the domain. */
  summary(domain: ServiceDomain): WindowSummary {
    const since = this.now() - this.options.windowMs;
    const list = this.samples.get(domain)!;
    while (list.length > 0 && list[0]!.at < since) list.shift();
    if (list.length === 0) return { samples: 0, failures: 0, p90Ms: 0 };
    const sorted = list.map((s) => s.ms).sort((a, b) => a - b);
    const p90Ms = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!;
    return { samples: list.length, failures: list.filter((s) => s.failed).length, p90Ms };
  }

  setPeers(peers: PeerWindow[]): void {
    this.peers = peers;
  }

  status(domain: ServiceDomain): QosStatus {
    const injected = this.faults.strongestFor(domain);
    if (injected !== null) return injected >= 1 ? 'down' : 'degraded';
    const freshSince = this.now() - PEER_FRESH_MS;
    const parts = [this.summary(domain), ...this.peers.filter((p) => p.domain === domain && p.at >= freshSince)];
    const samples = parts.reduce((n, p) => n + p.samples, 0);
    if (samples < this.options.minSamples) return 'ok';
    const errorRate = parts.reduce((n, p) => n + p.failures, 0) / samples;
    if (errorRate >= this.options.downErrorRate) return 'down';
    if (errorRate >= this.options.degradedErrorRate) return 'degraded';
    const slow = parts.some((p) => p.samples * 10 >= samples && p.p90Ms > this.options.slowMs);
    return slow ? 'degraded' : 'ok';
  }
}
