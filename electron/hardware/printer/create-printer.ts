import type { PrinterEncoding } from './escpos';
import { EscPosPrinter } from './escpos-printer';
import type { Printer } from './printer';
import { SystemPrinter, type SystemPrint } from './system-printer';
import { DEFAULT_TIMEOUTS, DeviceFileTransport, isDevicePath, TcpTransport, type TransportTimeouts } from './transport';

/** settings.json's `printer` section. */
export interface PrinterSettings {
  kind: 'system' | 'escpos';
  deviceName: string;
  address: string;
  paperWidthMm: 58 | 80;
  encoding: PrinterEncoding;
}

/**
 * The printer the settings choose. `kind: "system"` needs the host's print function (Electron); without one
 * (the web host) there is no printer here and the browser prints the receipt itself: null.
 */
export function createPrinter(settings: PrinterSettings, systemPrint: SystemPrint | null, options: { timeouts?: TransportTimeouts; now?: () => number } = {}): Printer | null {
  if (settings.kind === 'system') return systemPrint ? new SystemPrinter(systemPrint, settings.deviceName) : null;
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const transport = isDevicePath(settings.address) ? new DeviceFileTransport(settings.address, timeouts) : new TcpTransport(settings.address, timeouts);
  return new EscPosPrinter(transport, { paperWidthMm: settings.paperWidthMm, encoding: settings.encoding }, options.now);
}
