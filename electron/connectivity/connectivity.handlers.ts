import type { Handlers } from '../core/handle';
import type { KassaModule } from '../core/module';
import type { ConnectivityService } from './connectivity.service';
import type { TransitionLog } from './transition-log';

type ConnectivityChannels = 'connectivity.get' | 'connectivity.goOffline' | 'connectivity.goOnline' | 'connectivity.log';

/** The status bar's connectivity and the cashier's offline switch (a cashier's act: the log names who pressed it). */
export function createConnectivityModule({ connectivity, transitions }: { connectivity: ConnectivityService; transitions: TransitionLog }): KassaModule<ConnectivityChannels> {
  const handlers: Pick<Handlers, ConnectivityChannels> = {
    'connectivity.get': () => connectivity.current(),
    'connectivity.goOffline': (_input, { user }) => connectivity.goOffline(user.name),
    'connectivity.goOnline': (_input, { user }) => connectivity.goOnline(user.name),
    'connectivity.log': ({ limit, beforeId }) => ({ entries: transitions.list(limit, beforeId) }),
  };
  return { name: 'connectivity', handlers };
}
