import type { ConnectivityState, ServiceDomain } from '../../shared/api';

/** What modules may know about connectivity: they ask this, never the network. */
export interface Connectivity {
  current(): ConnectivityState;
  subscribe(listener: (state: ConnectivityState) => void): () => void;
  isAvailable(domain: ServiceDomain): boolean;
  goOffline(by: string | null): ConnectivityState;
  goOnline(by: string | null): ConnectivityState;
}
