import { useEffect, useState } from 'react';
import type { PrinterStatusView } from '../../../shared/api';
import { call } from '../api/client';
import { useKassaEvent } from './useKassaEvent';

/** The receipt printer's state as the register last learnt it (the status bar's printer warning); null where it cannot say. */
export function usePrinterStatus(): PrinterStatusView | null {
  const [status, setStatus] = useState<PrinterStatusView | null>(null);
  useEffect(() => {
    let live = true;
    void call('printer.status', {})
      .then((s) => live && setStatus((current) => current ?? s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  useKassaEvent('printer.changed', setStatus);
  return status;
}
