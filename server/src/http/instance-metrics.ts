import os from 'node:os';
import crypto from 'node:crypto';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** HQ_INSTANCE_ID, else this machine and process with a short random part (two HQs in one process differ too). */
export function makeInstanceId(configured?: string): string {
  return configured?.trim() || `${os.hostname()}:${process.pid}:${crypto.randomBytes(2).toString('hex')}`;
}

/** What the report reads from the rest of HQ when it is asked for. */
export interface MetricsSources {
  instanceId: string;
  streams: () => number;
  inFlightWrites: () => number;
  pool: () => { total: number; idle: number; waiting: number } | null;
}

const PUSH_LATENCIES_KEPT = 2048;

/** p-th percentile of an ascending list (nearest rank). */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * This instance's own numbers for GET /metrics, so IT can see each instance behind the load balancer:
 * requests by route and status since start, pushes and their operations, push latency over the last 2048
 * pushes, open realtime streams, the database pool, in-flight writes, event-loop delay, CPU and memory.
 * Other parts of HQ add their own figures with provide() (the realtime fan-out's, for one).
 */
export class InstanceMetrics {
  readonly startedAt = Date.now();
  private readonly requests = new Map<string, { method: string; route: string; status: number; count: number }>();
  private pushes = 0;
  private pushOps = 0;
  private readonly pushMs: number[] = [];
  private pushNext = 0;
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private readonly providers = new Map<string, () => unknown>();

  constructor(private readonly sources: MetricsSources) {
    this.loopDelay.enable();
  }

  /** One answered request: `route` is the route's pattern (unmatched paths count under one name). */
  record(method: string, route: string | undefined, status: number, ms: number, pushedOps?: number): void {
    const key = `${method} ${route} ${status}`;
    const counted = this.requests.get(key);
    if (counted) counted.count++;
    else this.requests.set(key, { method, route: route ?? '(no route)', status, count: 1 });
    if (pushedOps === undefined) return;
    this.pushes++;
    this.pushOps += pushedOps;
    if (this.pushMs.length < PUSH_LATENCIES_KEPT) this.pushMs.push(ms);
    else this.pushMs[this.pushNext] = ms;
    this.pushNext = (this.pushNext + 1) % PUSH_LATENCIES_KEPT;
  }

  /** Adds a named section to the report, read each time the report is made. */
  provide(name: string, stats: () => unknown): void {
    this.providers.set(name, stats);
  }

  report() {
    const sorted = [...this.pushMs].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const cpu = process.cpuUsage();
    const extra = Object.fromEntries([...this.providers].map(([name, stats]) => [name, stats()]));
    return {
      instanceId: this.sources.instanceId,
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      requests: [...this.requests.values()].map((r) => ({ ...r })),
      push: { requests: this.pushes, ops: this.pushOps, p50Ms: p50 === null ? null : round(p50), p99Ms: p99 === null ? null : round(p99), sampled: sorted.length },
      streams: this.sources.streams(),
      inFlightWrites: this.sources.inFlightWrites(),
      databasePool: this.sources.pool(),
      eventLoopDelayMs: { p50: round(this.loopDelay.percentile(50) / 1e6), p99: round(this.loopDelay.percentile(99) / 1e6), max: round(this.loopDelay.max / 1e6) },
      cpuSeconds: { user: round(cpu.user / 1e6), system: round(cpu.system / 1e6) },
      rssBytes: process.memoryUsage.rss(),
      ...extra,
    };
  }

  stop(): void {
    this.loopDelay.disable();
  }
}
