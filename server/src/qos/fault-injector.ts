import type { ServiceDomain } from '../../../shared/api';
import { domainOfRoute } from '../../../shared/hq/domains';
import type { FaultSpec } from '../../../shared/hq/faults';

export { FaultSchema, type FaultSpec } from '../../../shared/hq/faults';

export interface ActiveFault extends FaultSpec {
  until: number | null;
}

export type FaultAction = { mode: 'error' } | { mode: 'drop' } | { mode: 'slow'; delayMs: number } | { mode: 'timeout'; delayMs: number };

const DEFAULT_DELAY = { slow: 3000, timeout: 30_000 } as const;

function routeMatches(faultRoute: string, method: string, pattern: string, path: string): boolean {
  const [first, second] = faultRoute.trim().split(/\s+/, 2);
  const [wantMethod, wantPath] = second === undefined ? [null, first!] : [first!.toUpperCase(), second];
  if (wantMethod !== null && wantMethod !== method.toUpperCase()) return false;
  return wantPath === pattern || wantPath === path;
}

/** Where faults are kept for every HQ instance to read (qos/shared-faults.ts); without one they live in this process only. */
export interface FaultStore {
  save(fault: ActiveFault): Promise<void>;
  clear(): Promise<void>;
}

/** One fault per domain or route: a new one on the same target replaces the old. */
export const faultKey = (f: FaultSpec): string => (f.domain !== undefined ? `domain:${f.domain}` : `route:${f.route!.trim()}`);

/**
 * Faults an operator or a test injects (`HQ_FAULTS=1`), per domain or route, with a rate and a lifetime.
 * decide() and strongestFor() read memory only: with a store, the faults of every instance reach this
 * list by replace(), never by a database read per request.
 */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private store: FaultStore | null = null;
  /** Bumped by every local change, so a read of the store begun before it does not undo it. */
  version = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  useStore(store: FaultStore): void {
    this.store = store;
  }

  /** Kept first (when there is a store), then in force here at once. */
  async add(spec: FaultSpec): Promise<void> {
    const fault: ActiveFault = { ...spec, until: spec.durationMs === undefined ? null : this.now() + spec.durationMs };
    if (this.store) await this.store.save(fault);
    this.version++;
    this.faults = this.active().filter((f) => faultKey(f) !== faultKey(spec));
    this.faults.push(fault);
  }

  async clear(): Promise<void> {
    if (this.store) await this.store.clear();
    this.version++;
    this.faults = [];
  }

  /** The faults as the store has them (all instances' changes), read at `version`; ignored when a local change came since. */
  replace(faults: ActiveFault[], version: number): void {
    if (version === this.version) this.faults = faults;
  }

  active(): ActiveFault[] {
    const now = this.now();
    this.faults = this.faults.filter((f) => f.until === null || f.until > now);
    return this.faults;
  }

  /** The highest rate of the faults on this domain (route faults count for their route's domain), or null. */
  strongestFor(domain: ServiceDomain): number | null {
    let strongest: number | null = null;
    for (const f of this.active()) {
      const fDomain = f.domain ?? routeDomain(f.route!);
      if (fDomain === domain) strongest = Math.max(strongest ?? 0, f.rate);
    }
    return strongest;
  }

  /** What to do to this request, if a fault hits it (each fault rolls its own rate). */
  decide(method: string, pattern: string, path: string): FaultAction | null {
    const domain = domainOfRoute(method, pattern);
    for (const f of this.active()) {
      const hits = f.domain !== undefined ? f.domain === domain : routeMatches(f.route!, method, pattern, path);
      if (!hits || this.random() >= f.rate) continue;
      if (f.mode === 'slow' || f.mode === 'timeout') return { mode: f.mode, delayMs: f.delayMs ?? DEFAULT_DELAY[f.mode] };
      return { mode: f.mode };
    }
    return null;
  }
}

function routeDomain(route: string): ServiceDomain | null {
  const [first, second] = route.trim().split(/\s+/, 2);
  if (second !== undefined) return domainOfRoute(first!, second);
  for (const method of ['GET', 'POST']) {
    const domain = domainOfRoute(method, first!);
    if (domain) return domain;
  }
  return null;
}
