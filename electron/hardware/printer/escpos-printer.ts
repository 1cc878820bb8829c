import { conditionOf, escposReceipt, KICK_DRAWER, STATUS_QUERY, type EscPosCondition, type EscPosLayout } from './escpos';
import type { PrintDocument } from './print-document';
import { OneAtATime, StatusTracker, type Printer, type PrinterOutcome, type PrinterStatus } from './printer';
import { TransportError, type PrinterConnection, type PrinterTransport } from './transport';

/** DLE DC4 1 0 1: the real-time drawer pulse (100 ms on pin 2), carried out even while the printer is offline. */
const KICK_DRAWER_NOW = Uint8Array.of(0x10, 0x14, 0x01, 0x00, 0x01);

const AGAIN = 'then print the receipt again';

/** What the cashier reads for each condition the printer reports. */
function conditionMessage(condition: EscPosCondition, paperLow: boolean): string {
  switch (condition) {
    case 'online':
      return paperLow ? 'The receipt printer is ready; its paper roll is nearly finished: have a new one ready.' : 'The receipt printer is ready.';
    case 'paperOut':
      return `The receipt printer is out of paper. Load a new roll and close the cover, ${AGAIN}.`;
    case 'coverOpen':
      return `The receipt printer's cover is open. Close it, ${AGAIN}.`;
    case 'error':
      return `The receipt printer reports an error (a paper jam or the cutter). Clear the paper path, switch it off and on, ${AGAIN}.`;
    case 'offline':
      return `The receipt printer is offline. Check its lights and buttons, ${AGAIN}.`;
  }
}

/**
 * An ESC/POS receipt printer on the network (TCP 9100) or a device file. Before a receipt it asks the printer
 * for its status (DLE EOT), so paper-out and an open cover are said at once and the receipt is not sent into
 * a printer that would hold it; after it, one more status answer confirms the printer has read the receipt.
 * Every failure is a result with a sentence for the cashier.
 */
export class EscPosPrinter implements Printer {
  readonly kind = 'escpos';
  readonly canKickDrawer = true;
  private readonly tracker = new StatusTracker();
  private readonly queue = new OneAtATime();

  constructor(
    private readonly transport: PrinterTransport,
    private readonly layout: EscPosLayout,
    private readonly now: () => number = Date.now,
  ) {}

  get name(): string {
    return this.transport.name;
  }

  status(): PrinterStatus {
    return this.tracker.get();
  }

  onStatus(listener: (status: PrinterStatus) => void): () => void {
    return this.tracker.subscribe(listener);
  }

  print(document: PrintDocument): Promise<PrinterOutcome> {
    return this.queue.run(() =>
      this.withConnection(async (connection) => {
        let bytes: Uint8Array;
        try {
          bytes = escposReceipt(document, this.layout);
        } catch (error) {
          return { ok: false, failure: 'failed', message: `The receipt could not be laid out for the printer (${error instanceof Error ? error.message : String(error)}).` };
        }
        if (connection.canQuery) {
          const before = await this.ask(connection);
          if (before.state !== 'online') return { ok: false, failure: before.state === 'unknown' ? 'failed' : before.state, message: before.message };
        }
        await connection.write(bytes);
        // Real-time queries are read as they arrive: an answer now means the printer has read the receipt.
        if (connection.canQuery) await this.ask(connection);
        else this.sent();
        return { ok: true, printer: this.name };
      }),
    );
  }

  kickDrawer(): Promise<PrinterOutcome> {
    return this.queue.run(() =>
      this.withConnection(async (connection) => {
        const status = connection.canQuery ? await this.ask(connection) : null;
        // Out of paper or with its cover open, the printer holds ESC p with the queued job; DLE DC4 acts at once.
        await connection.write(status === null || status.state === 'online' ? KICK_DRAWER : KICK_DRAWER_NOW);
        // As after a receipt: an answer now means the printer has read the kick.
        if (status === null) this.sent();
        else await this.ask(connection);
        return { ok: true, printer: this.name };
      }),
    );
  }

  checkStatus(): Promise<PrinterStatus> {
    return this.queue.run(async () => {
      await this.withConnection(async (connection) => {
        if (connection.canQuery) await this.ask(connection);
        else this.tracker.set({ state: 'unknown', paperLow: false, message: `The receipt printer at ${this.name} is written to as a device file, which does not report paper or errors.`, checkedAt: this.now() });
        return { ok: true, printer: this.name };
      });
      return this.tracker.get();
    });
  }

  private sent() {
    this.tracker.set({ state: 'unknown', paperLow: false, message: `The receipt printer at ${this.name} took the data; as a device file it does not report paper or errors.`, checkedAt: this.now() });
  }

  private async ask(connection: PrinterConnection): Promise<PrinterStatus> {
    const printer = await connection.query(STATUS_QUERY.printer);
    const paper = await connection.query(STATUS_QUERY.paper);
    const offlineCause = printer & 0x08 ? await connection.query(STATUS_QUERY.offlineCause) : undefined;
    const { condition, paperLow } = conditionOf({ printer, paper, offlineCause });
    return this.tracker.set({ state: condition, paperLow, message: conditionMessage(condition, paperLow), checkedAt: this.now() });
  }

  /** Opens, runs, closes; a transport failure becomes an outcome and the printer's status. Never throws. */
  private async withConnection(work: (connection: PrinterConnection) => Promise<PrinterOutcome>): Promise<PrinterOutcome> {
    let connection: PrinterConnection | null = null;
    try {
      connection = await this.transport.open();
      return await work(connection);
    } catch (error) {
      const failure = error instanceof TransportError ? error.failure : 'failed';
      const reason = error instanceof Error ? error.message : String(error);
      const message =
        failure === 'failed' && !(error instanceof TransportError)
          ? `The receipt printer at ${this.name} failed (${reason}). Check it, ${AGAIN}.`
          : `${reason} Check that it is switched on and connected, ${AGAIN}.`;
      this.tracker.set({ state: 'offline', paperLow: false, message, checkedAt: this.now() });
      return { ok: false, failure, message };
    } finally {
      connection?.close();
    }
  }
}
