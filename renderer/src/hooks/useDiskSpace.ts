import { useEffect, useState } from 'react';
import type { DiskSpace } from '../../../shared/api';
import { call } from '../api/client';
import { useKassaEvent } from './useKassaEvent';

/** Free space on the register's data folder, as the main process measures it (the status bar's disk warning). */
export function useDiskSpace(): DiskSpace | null {
  const [space, setSpace] = useState<DiskSpace | null>(null);
  useEffect(() => {
    let live = true;
    void call('storage.status', {})
      .then((s) => live && setSpace((current) => current ?? s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  useKassaEvent('storage.changed', setSpace);
  return space;
}
