/** The receipt printer and the cash drawer behind it: what the rest of the register uses. */
export { createPrinter, type PrinterSettings } from './create-printer';
export { charactersPerLine, escposReceipt, toReceiptline, type PrinterEncoding } from './escpos';
export { EscPosPrinter } from './escpos-printer';
export type { PrintAlign, PrintDocument, PrintLine } from './print-document';
export { UNKNOWN_STATUS, type Printer, type PrinterFailure, type PrinterOutcome, type PrinterState, type PrinterStatus } from './printer';
export { SystemPrinter, type SystemPrint } from './system-printer';
export { DEFAULT_TIMEOUTS, DeviceFileTransport, TcpTransport, type TransportTimeouts } from './transport';
