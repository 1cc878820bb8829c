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

interface Sample {
  at: number;
  failed: boolean;
  ms: number;
}

/**
 * Per-domain health from a sliding window of its handlers' outcomes (5xx, dropped or timed-out answers
 * are failures) and latency, overridden by any injected fault: rate 1 is down, less is degraded.
 */
export class QosMonitor {
  private readonly samples = new Map<ServiceDomain, Sample[]>(SERVICE_DOMAINS.map((d) => [d, []]));

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

  status(domain: ServiceDomain): QosStatus {
    const injected = this.faults.strongestFor(domain);
    if (injected !== null) return injected >= 1 ? 'down' : 'degraded';
    const since = this.now() - this.options.windowMs;
    const list = this.samples.get(domain)!;
    while (list.length > 0 && list[0]!.at < since) list.shift();
    if (list.length < this.options.minSamples) return 'ok';
    const errorRate = list.filter((s) => s.failed).length / list.length;
    if (errorRate >= this.options.downErrorRate) return 'down';
    if (errorRate >= this.options.degradedErrorRate) return 'degraded';
    const sorted = list.map((s) => s.ms).sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!;
    return p90 > this.options.slowMs ? 'degraded' : 'ok';
  }
}
