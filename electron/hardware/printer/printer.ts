import type { PrintDocument } from './print-document';

/**
 * - `online`: ready to print.
 * - `paperOut`, `coverOpen`, `error`: the printer said so (ESC/POS real-time status).
 * - `offline`: it could not be reached, did not answer in time, or said it is offline.
 * - `unknown`: this printer cannot say (the system printer, a device file), or nothing was asked yet.
 */
export type PrinterState = 'online' | 'paperOut' | 'coverOpen' | 'error' | 'offline' | 'unknown';

export interface PrinterStatus {
  state: PrinterState;
  /** The paper roll is near its end (ESC/POS printers with a near-end sensor); still printing. */
  paperLow: boolean;
  /** A sentence for the status bar and the cashier: what is wrong and what to do. */
  message: string;
  /** When this was learnt (ms since the epoch); 0 before the first check. */
  checkedAt: number;
}

/** Why a print or a drawer kick did not happen. */
export type PrinterFailure = 'offline' | 'paperOut' | 'coverOpen' | 'error' | 'timeout' | 'notSupported' | 'failed';

/**
 * What a print or a drawer kick came to. A failure is a result, never a thrown error: a sale is complete
 * before its receipt prints, and nothing a printer does may undo or hold it up.
 */
export type PrinterOutcome = { ok: true; printer: string } | { ok: false; failure: PrinterFailure; message: string };

/** The receipt printer and the cash drawer connected to it. */
export interface Printer {
  readonly kind: 'system' | 'escpos';
  /** The device name (system printer; empty: the default) or the address (ESC/POS). */
  readonly name: string;
  /** Whether `kickDrawer()` can open a drawer here (ESC/POS only). */
  readonly canKickDrawer: boolean;
  print(document: PrintDocument): Promise<PrinterOutcome>;
  /**
   * Opens the cash drawer wired to the printer's drawer port (ESC p). The system printer cannot: it resolves
   * with `notSupported`, and the cashier opens the drawer with its key.
   */
  kickDrawer(): Promise<PrinterOutcome>;
  /** The status last learnt (from the last print, kick or check). */
  status(): PrinterStatus;
  /** Asks the printer now (ESC/POS DLE EOT over the network); others answer `unknown`. Never throws. */
  checkStatus(): Promise<PrinterStatus>;
  /** Told of each change of state (or of paperLow); returns the unsubscribe function. */
  onStatus(listener: (status: PrinterStatus) => void): () => void;
}

export const UNKNOWN_STATUS: PrinterStatus = { state: 'unknown', paperLow: false, message: 'The printer has not been checked yet.', checkedAt: 0 };

/** Holds a printer's last status and tells listeners when it changes. */
export class StatusTracker {
  private current: PrinterStatus;
  private readonly listeners = new Set<(status: PrinterStatus) => void>();

  constructor(initial: PrinterStatus = UNKNOWN_STATUS) {
    this.current = initial;
  }

  get(): PrinterStatus {
    return this.current;
  }

  set(next: PrinterStatus): PrinterStatus {
    const changed = next.state !== this.current.state || next.paperLow !== this.current.paperLow || next.message !== this.current.message;
    this.current = next;
    if (changed) {
      for (const listener of [...this.listeners]) {
        try {
          listener(next);
        } catch {
          // A listener's fault is its own; the printer goes on.
        }
      }
    }
    return next;
  }

  subscribe(listener: (status: PrinterStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Runs one printer operation at a time, in order: a print and a drawer kick never interleave their bytes. */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
