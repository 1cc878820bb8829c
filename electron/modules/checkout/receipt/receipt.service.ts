import type { ReceiptPrint } from '../../../../shared/api';
import { KassaError } from '../../../../shared/errors';
import { renderReceiptHtml } from './receipt';
import type { ReceiptIssuer, ReceiptRepository } from './receipt.repository';

/** Sends a receipt's HTML to a printer (empty device name: the system default); resolves once it has it. */
export type ReceiptPrinter = (html: string, deviceName: string) => Promise<void>;

export interface ReceiptServiceOptions {
  receipts: ReceiptRepository;
  issuer: () => ReceiptIssuer;
  locale: string;
  /** The host's printer (Electron); null where the browser prints the receipt itself. */
  printer: ReceiptPrinter | null;
  deviceName: () => string;
}

/** Receipts of completed sales, rendered for 80 mm paper, printed now or reprinted later. */
export class ReceiptService {
  constructor(private readonly o: ReceiptServiceOptions) {}

  html(saleId: string): string {
    const receipt = this.o.receipts.find(saleId, this.o.issuer());
    if (!receipt) throw new KassaError('NOT_FOUND', 'There is no completed sale with that id on this register, so there is no receipt to show.');
    return renderReceiptHtml(receipt, this.o.locale);
  }

  async print(saleId: string): Promise<ReceiptPrint> {
    const html = this.html(saleId);
    if (!this.o.printer) return { printed: false, html };
    const deviceName = this.o.deviceName();
    try {
      await this.o.printer(html, deviceName);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new KassaError('PRINT_FAILED', `The receipt did not print (${reason}). Check that the printer is on and has paper, then press Print receipt again.`);
    }
    return { printed: true, printer: deviceName };
  }
}
