import { useEffect, useState } from 'react';
import type { ConnectivityState } from '../../../shared/api';
import { call } from '../api/client';
import { useKassaEvent } from './useKassaEvent';

/** The till's online/offline state as the main process decides it; the renderer never decides it itself. */
export function useConnectivity(): ConnectivityState | null {
  const [state, setState] = useState<ConnectivityState | null>(null);
  useEffect(() => {
    let live = true;
    void call('connectivity.get', {}).then((s) => live && setState((current) => current ?? s));
    return () => {
      live = false;
    };
  }, []);
  useKassaEvent('connectivity.changed', setState);
  return state;
}
