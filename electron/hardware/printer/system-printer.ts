import type { PrintDocument } from './print-document';
import { OneAtATime, StatusTracker, type Printer, type PrinterOutcome, type PrinterStatus } from './printer';

/** The host's print function: sends HTML to a system printer (empty device name: the default); resolves once it has it. */
export type SystemPrint = (html: string, deviceName: string) => Promise<void>;

const STATUS: PrinterStatus = {
  state: 'unknown',
  paperLow: false,
  message: "The operating system's printer does not report paper or errors to Kassa; its own print queue shows them.",
  checkedAt: 0,
};

/**
 * The operating system's printer, through the host's print function (Electron's silent print): prints the
 * receipt's HTML, cannot open a cash drawer and cannot say whether it has paper.
 */
export class SystemPrinter implements Printer {
  readonly kind = 'system';
  readonly canKickDrawer = false;
  private readonly tracker = new StatusTracker(STATUS);
  private readonly queue = new OneAtATime();

  constructor(
    private readonly systemPrint: SystemPrint,
    readonly name: string,
  ) {}

  print(document: PrintDocument): Promise<PrinterOutcome> {
    return this.queue.run(async () => {
      try {
        await this.systemPrint(document.html, this.name);
        return { ok: true, printer: this.name };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { ok: false, failure: 'failed', message: `The receipt did not print (${reason}). Check that the printer is on and has paper, then press Print receipt again.` };
      }
    });
  }

  kickDrawer(): Promise<PrinterOutcome> {
    return Promise.resolve({
      ok: false,
      failure: 'notSupported',
      message: 'The cash drawer cannot be opened through the system printer: open it with its key, or connect the drawer to an ESC/POS receipt printer (printer.kind "escpos").',
    });
  }

  status(): PrinterStatus {
    return this.tracker.get();
  }

  checkStatus(): Promise<PrinterStatus> {
    return Promise.resolve(this.tracker.get());
  }

  onStatus(listener: (status: PrinterStatus) => void): () => void {
    return this.tracker.subscribe(listener);
  }
}
