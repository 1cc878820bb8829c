import type { SalePayload, PaymentPayload } from '../../../shared/hq/ops';
import type { KassaDatabase } from '../../db/open';

/** Completing the open sale: the gap-free sequence, the sale's number, its payment. */
export class SaleRepository {
  private readonly nextSequence;
  private readonly complete;
  private readonly insertPayment;
  private readonly lines;
  private readonly sale;

  constructor(db: KassaDatabase) {
    this.nextSequence = db.prepare<[], { last: number }>('UPDATE register_sequence SET last = last + 1 WHERE singleton = 1 RETURNING last');
    this.complete = db.prepare<[number, string, number, number, string]>(
      "UPDATE sales SET status = 'completed', sequence = ?, number = ?, total = ?, completed_at = ? WHERE id = ? AND status = 'open'",
    );
    this.insertPayment = db.prepare<[string, string, string, number, string, string | null, number]>(
      'INSERT INTO payments (id, sale_id, tender, amount, status, reference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.lines = db.prepare<[string], { sku: string; name: string; quantity: number; unit_price: number; tax_class: 'standard' | 'reduced' | 'zero'; line_total: number }>(
      'SELECT sku, name, quantity, unit_price, tax_class, line_total FROM sale_lines WHERE sale_id = ? ORDER BY position',
    );
    this.sale = db.prepare<[string], { cashier_id: string; currency: string; created_at: number }>('SELECT cashier_id, currency, created_at FROM sales WHERE id = ?');
  }

  /**
   * Marks the open sale completed with the next number of this register and records its payment.
   * Runs inside the caller's outbox transaction; returns what HQ must hear about it.
   */
  completeOpenSale(
    saleId: string,
    numberPrefix: string,
    payment: { id: string; tender: 'cash' | 'card'; amount: number; status: 'approved' | 'stored'; reference: string | null },
    now: number,
  ): { number: string; sequence: number; sale: SalePayload; payment: PaymentPayload } {
    const header = this.sale.get(saleId)!;
    const lines = this.lines.all(saleId).map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unitPrice: l.unit_price, taxClass: l.tax_class, lineTotal: l.line_total }));
    const total = lines.reduce((sum, line) => sum + line.lineTotal, 0);
    const { last: sequence } = this.nextSequence.get()!;
    const number = `${numberPrefix}-${sequence}`;
    if (this.complete.run(sequence, number, total, now, saleId).changes !== 1) throw new Error(`sale ${saleId} is not open`);
    this.insertPayment.run(payment.id, saleId, payment.tender, payment.amount, payment.status, payment.reference, now);
    const createdAt = new Date(header.created_at).toISOString();
    return {
      number,
      sequence,
      sale: { id: saleId, number, cashierId: header.cashier_id, currency: header.currency, lines, total, createdAt },
      payment: { id: payment.id, orderId: saleId, tender: payment.tender, amount: payment.amount, status: payment.status, ...(payment.reference ? { reference: payment.reference } : {}), createdAt: new Date(now).toISOString() },
    };
  }
}
