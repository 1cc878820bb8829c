import type { ConnectivityState, ServiceDomain } from '../../shared/api';
import type { Logger } from '../core/logger';
import type { Connectivity } from './connectivity';
import type { ManualFlag, ManualFlagStore } from './manual-flag';

/**
 * Connectivity decided by the cashier's switch alone. It stands until the connectivity machine (probes and
 * service faults) takes its place behind the same interface.
 */
export class ManualConnectivity implements Connectivity {
  private state: ConnectivityState;
  private readonly listeners = new Set<(state: ConnectivityState) => void>();

  constructor(
    private readonly store: ManualFlagStore,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    const flag = store.read();
    if (flag.warning) log.warn({ file: store.file }, flag.warning);
    this.state = toState(flag, this.now());
  }

  current(): ConnectivityState {
    return this.state;
  }

  subscribe(listener: (state: ConnectivityState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isAvailable(_domain: ServiceDomain): boolean {
    return this.state.state === 'online';
  }

  goOffline(by: string | null): ConnectivityState {
    return this.press(true, by);
  }

  goOnline(by: string | null): ConnectivityState {
    return this.press(false, by);
  }

  private press(manualOffline: boolean, by: string | null): ConnectivityState {
    const at = this.now();
    const flag = this.store.write(manualOffline, by, at);
    this.log.info({ manualOffline, by }, manualOffline ? 'Go offline pressed' : 'Go online pressed');
    const before = this.state;
    this.state = toState(flag, before.state === (manualOffline ? 'offline' : 'online') ? before.since : at);
    for (const listener of this.listeners) listener(this.state);
    return this.state;
  }
}

function toState(flag: ManualFlag, since: number): ConnectivityState {
  return {
    state: flag.manualOffline ? 'offline' : 'online',
    reasons: flag.manualOffline ? ['manual'] : [],
    since,
    manualBy: flag.manualOffline ? flag.by : null,
    warning: flag.warning,
  };
}
