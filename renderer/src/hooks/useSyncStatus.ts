import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../../shared/api';
import { call } from '../api/client';
import { useKassaEvent } from './useKassaEvent';

/** The sync engine's status as the main process reports it (pending uploads, last sync, errors). */
export function useSyncStatus(): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let live = true;
    void call('sync.status', {}).then((s) => live && setStatus((current) => current ?? s));
    return () => {
      live = false;
    };
  }, []);
  useKassaEvent('sync.changed', setStatus);
  return status;
}
