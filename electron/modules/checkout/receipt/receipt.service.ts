import type { ReceiptPrint } from '../../../../shared/api';
import { KassaError } from '../../../../shared/errors';
import type { PrintDocument, Printer, SystemPrint } from '../../../hardware/printer';
import { receiptDocument } from './receipt-document';
import type { ReceiptIssuer, ReceiptRepository } from './receipt.repository';

/** The host's print function: sends a receipt's HTML to a system printer (empty device name: the default). */
export type ReceiptPrinter = SystemPrint;

export interface ReceiptServiceOptions {
  receipts: ReceiptRepository;
  issuer: () => ReceiptIssuer;
  locale: string;
  /** The receipt printer the settings chose; null where the browser prints the receipt itself (the web host). */
  printer: Printer | null;
}

/** Receipts of completed sales, rendered once (HTML and lines), printed now or reprinted later. */
export class ReceiptService {
  constructor(private readonly o: ReceiptServiceOptions) {}

  document(saleId: string): PrintDocument {
    const receipt = this.o.receipts.find(saleId, this.o.issuer());
    if (!receipt) throw new KassaError('NOT_FOUND', 'There is no completed sale with that id on this register, so there is no receipt to show.');
    return receiptDocument(receipt, this.o.locale);
  }

  html(saleId: string): string {
    return this.document(saleId).html;
  }

  /**
   * Prints the receipt of a completed sale. The sale is complete whatever happens here: a printer that fails
   * answers PRINT_FAILED with what the cashier can do, and the receipt can be printed again later.
   */
  async print(saleId: string): Promise<ReceiptPrint> {
    const document = this.document(saleId);
    if (!this.o.printer) return { printed: false, html: document.html };
    const outcome = await this.o.printer.print(document);
    if (!outcome.ok) throw new KassaError('PRINT_FAILED', outcome.message);
    return { printed: true, printer: outcome.printer };
  }
}
