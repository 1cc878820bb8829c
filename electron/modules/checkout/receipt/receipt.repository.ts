import type { KassaDatabase } from '../../../db/open';
import type { Tender } from '../../../../shared/tender';
import type { Receipt, ReceiptAdjustment } from './receipt';

interface SaleRow {
  status: string;
  number: string | null;
  total: number;
  change_due: number;
  currency: string;
  completed_at: number | null;
  cashier: string | null;
  /** The tax per class the pricing recorded at completion (JSON). */
  taxes: string | null;
  sale_discount: number;
  sale_discount_name: string | null;
  kind: 'sale' | 'refund';
  original_number: string | null;
  refund_reason: string | null;
}

type LineRow = { sku: string; name: string; quantity: number; unit_price: number; line_total: number } & Record<string, unknown>;

interface PaymentRow {
  tender: Tender;
  amount: number;
  tendered: number | null;
  status: 'approved' | 'stored' | 'declined';
  card_last4: string | null;
  reference: string | null;
  settlement: string | null;
}

/** Where the receipt's header comes from: the register's enrolment with HQ, else its settings. */
export interface ReceiptIssuer {
  storeName: string;
  storeCode: string;
  registerCode: string;
  pricesIncludeTax: boolean;
}

/**
 * Line savings recorded on a sale line, each read only when its column exists in this schema: a manager's
 * discount (with its percentage when given as one) and a promotion's saving with its name.
 */
const LINE_ADJUSTMENTS = [
  { amount: 'discount', label: 'discount_percent', fallback: 'Discount' },
  { amount: 'promotion_saving', label: 'promotion_name', fallback: 'Promotion' },
] as const;

/** Reads a completed sale, its lines and its payments back as a receipt (for printing and reprinting). */
export class ReceiptRepository {
  private readonly sale;
  private readonly lines;
  private readonly payments;
  private readonly adjustments: { amount: string; label: string | null; fallback: string }[];
  private readonly optional: { weight: boolean; originalPrice: boolean };

  constructor(db: KassaDatabase) {
    this.sale = db.prepare<[string], SaleRow>(
      `SELECT s.status, s.number, s.total, s.change_due, s.currency, s.completed_at, s.taxes, s.sale_discount, s.sale_discount_name, s.kind, s.original_number, s.refund_reason, u.name AS cashier
       FROM sales s LEFT JOIN users u ON u.id = s.cashier_id WHERE s.id = ?`,
    );
    this.lines = db.prepare<[string], LineRow>('SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY position');
    this.payments = db.prepare<[string], PaymentRow>(
      "SELECT tender, amount, tendered, status, card_last4, reference, settlement FROM payments WHERE sale_id = ? AND status <> 'declined' ORDER BY created_at, id",
    );
    const columns = new Set((db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('sale_lines') as string[]));
    this.adjustments = LINE_ADJUSTMENTS.filter((a) => columns.has(a.amount)).map((a) => ({ amount: a.amount, label: columns.has(a.label) ? a.label : null, fallback: a.fallback }));
    this.optional = { weight: columns.has('weight_grams'), originalPrice: columns.has('original_price') };
  }

  /** The receipt of a completed sale; undefined when there is no such sale or it is not completed yet. */
  find(saleId: string, issuer: ReceiptIssuer): Receipt | undefined {
    const sale = this.sale.get(saleId);
    if (!sale || sale.status !== 'completed' || sale.number === null || sale.completed_at === null) return undefined;
    const payments = this.payments.all(saleId);
    return {
      store: { name: issuer.storeName, code: issuer.storeCode },
      registerCode: issuer.registerCode,
      number: sale.number,
      completedAt: sale.completed_at,
      cashier: sale.cashier ?? 'Unknown cashier',
      currency: sale.currency,
      lines: this.lines.all(saleId).map((line) => ({
        name: line.name,
        sku: line.sku,
        quantity: line.quantity,
        unitPrice: line.unit_price,
        lineTotal: line.line_total,
        weightGrams: this.optional.weight && typeof line.weight_grams === 'number' ? line.weight_grams : null,
        originalPrice: this.optional.originalPrice && typeof line.original_price === 'number' ? line.original_price : null,
        adjustments: this.adjustmentsOf(line),
        returned: typeof line.return_reason === 'string' ? { reason: line.return_reason, orderNumber: typeof line.return_order_number === 'string' ? line.return_order_number : null } : null,
      })),
      taxes: (JSON.parse(sale.taxes ?? '[]') as { taxClass: string; rateBasisPoints: number; tax: number }[])
        .filter((t) => t.tax !== 0)
        .map((t) => ({ label: `Tax ${t.taxClass} ${t.rateBasisPoints / 100}%`, amount: t.tax })),
      pricesIncludeTax: issuer.pricesIncludeTax,
      total: sale.total,
      saleDiscount: sale.sale_discount > 0 ? { label: sale.sale_discount_name ?? 'Sale discount', amount: sale.sale_discount } : null,
      // A sale settled in cash under cash rounding kept the rounded amount: the payments' sum minus the total.
      cashRounding: payments.reduce((sum, p) => sum + p.amount, 0) - sale.total,
      change: sale.change_due,
      refund: sale.kind === 'refund' ? { originalNumber: sale.original_number, reason: sale.refund_reason } : null,
      payments: payments.map((p) => ({
        tender: p.tender,
        amount: p.amount,
        tendered: p.tendered,
        // Once HQ has settled a stored card payment, the receipt no longer says it is waiting.
        status: p.status === 'stored' && p.settlement === 'settled' ? 'approved' : p.status,
        last4: p.card_last4,
        reference: p.reference,
      })),
    };
  }

  private adjustmentsOf(line: LineRow): ReceiptAdjustment[] {
    return this.adjustments.flatMap((a) => {
      const amount = line[a.amount];
      if (typeof amount !== 'number' || amount === 0) return [];
      const label = a.label ? line[a.label] : null;
      const text = typeof label === 'string' && label ? label : typeof label === 'number' ? `${a.fallback} ${label}%` : a.fallback;
      return [{ label: text, amount: Math.abs(amount) }];
    });
  }
}
