import type { Cart, CartLine, HeldCart, Product } from '../../../shared/api';
import { draftTransaction, type KassaDatabase } from '../../db/open';
import type { SaleItem } from '../catalog';
import type { CartPricing } from './cart-pricing';
import type { TaxClassCode } from './pricing/price-cart';

interface NewLine {
  id: string;
  saleId: string;
  sku: string;
  name: string;
  unitPrice: number;
  taxClass: string;
  now: number;
}

interface LineRow {
  id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_price: number;
  line_total: number;
  original_price: number | null;
  discount: number;
  discount_percent: number | null;
  weight_grams: number | null;
  return_reason: string | null;
  return_order_id: string | null;
  return_order_number: string | null;
  original_line_index: number | null;
  tax_class: TaxClassCode;
}

/** A returned item entering the cart as a negative line: at the price paid (with a receipt) or today's. */
export interface NewReturnLine {
  sku: string;
  name: string;
  /** Positive: how many come back. */
  quantity: number;
  unitPrice: number;
  taxClass: string;
  /** Positive: what goes back to the customer for them. */
  amount: number;
  reason: string;
  from: { orderId: string; orderNumber: string; lineIndex: number } | null;
}

/** A line as the cart operations change it: the priced fields and who approved the last price change. */
export interface StoredLine {
  id: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  originalPrice: number | null;
  discount: number;
  discountPercent: number | null;
  weightGrams: number | null;
  lineTotal: number;
  approvedBy: string | null;
  /** Set on a returned item: such a line is only ever voided, never changed. */
  returnReason: string | null;
}

/** A line read from a scale label: its own price, or a weight priced per kilogram. */
export interface EmbeddedLine {
  product: Pick<Product, 'sku' | 'name' | 'taxClass'>;
  unitPrice: number;
  weightGrams: number | null;
  lineTotal: number;
}

export interface JournalEntry {
  id: string;
  saleId: string;
  lineId: string | null;
  action: 'quantity' | 'void-line' | 'void-sale' | 'price-override' | 'discount' | 'hold' | 'recall' | 'restore-line' | 'return-line';
  detail: Record<string, unknown>;
  userId: string;
  managerId: string | null;
  at: number;
}

interface HeldRow {
  id: string;
  held_label: string;
  held_at: number;
  total: number;
  items: number;
  currency: string;
}

/** The open sale (the cart) and its lines; every change is written at once so a crash loses nothing. */
export class CartRepository {
  private readonly openSale;
  private readonly insertSale;
  private readonly lines;
  private readonly sameLine;
  private readonly bumpLine;
  private readonly insertLine;
  private readonly updateTotal;
  private readonly oneLine;
  private readonly writeLine;
  private readonly deleteLine;
  private readonly insertEmbedded;
  private readonly journal;
  private readonly voidSale;
  private readonly holdSale;
  private readonly heldSales;
  private readonly recallSale;
  private readonly takenPayments;
  private readonly insertReturn;

  constructor(
    private readonly db: KassaDatabase,
    /** Prices what `get` returns (promotions, tax, cash due); without it the cart is the plain sum of its lines. */
    private readonly pricing?: CartPricing,
  ) {
    this.oneLine = db.prepare<[string, string], StoredLine>(
      `SELECT id, sku, name, quantity, unit_price AS unitPrice, original_price AS originalPrice, discount, discount_percent AS discountPercent,
         weight_grams AS weightGrams, line_total AS lineTotal, approved_by AS approvedBy, return_reason AS returnReason
       FROM sale_lines WHERE sale_id = ? AND id = ?`,
    );
    this.writeLine = db.prepare<[StoredLine]>(
      `UPDATE sale_lines SET quantity = @quantity, unit_price = @unitPrice, original_price = @originalPrice, discount = @discount,
         discount_percent = @discountPercent, line_total = @lineTotal, approved_by = @approvedBy WHERE id = @id`,
    );
    this.deleteLine = db.prepare<[string, string]>('DELETE FROM sale_lines WHERE sale_id = ? AND id = ?');
    this.insertEmbedded = db.prepare<[NewLine & { weightGrams: number | null; lineTotal: number }]>(
      `INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, weight_grams, created_at)
       VALUES (@id, @saleId, (SELECT coalesce(max(position), 0) + 1 FROM sale_lines WHERE sale_id = @saleId),
         @sku, @name, 1, @unitPrice, @taxClass, @lineTotal, @weightGrams, @now)`,
    );
    this.journal = db.prepare<[Omit<JournalEntry, 'detail'> & { detail: string }]>(
      `INSERT INTO cart_journal (id, sale_id, line_id, action, detail, user_id, manager_id, at)
       VALUES (@id, @saleId, @lineId, @action, @detail, @userId, @managerId, @at)`,
    );
    this.voidSale = db.prepare<[string, string, number, string]>(
      "UPDATE sales SET status = 'voided', void_reason = ?, voided_by = ?, voided_at = ? WHERE id = ? AND status = 'open' AND held_at IS NULL",
    );
    this.holdSale = db.prepare<[number, string, string]>(
      "UPDATE sales SET held_at = ?, held_label = ? WHERE id = ? AND status = 'open' AND held_at IS NULL",
    );
    this.heldSales = db.prepare<[], HeldRow>(
      `SELECT s.id, s.held_label, s.held_at, s.total, s.currency,
         (SELECT coalesce(sum(abs(quantity)), 0) FROM sale_lines WHERE sale_id = s.id) AS items
       FROM sales s WHERE s.status = 'open' AND s.held_at IS NOT NULL ORDER BY s.held_at`,
    );
    this.insertReturn = db.prepare<[NewReturnLine & { id: string; saleId: string; now: number; orderId: string | null; orderNumber: string | null; lineIndex: number | null }]>(
      `INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at, return_reason, return_order_id, return_order_number, original_line_index)
       VALUES (@id, @saleId, (SELECT coalesce(max(position), 0) + 1 FROM sale_lines WHERE sale_id = @saleId),
         @sku, @name, -@quantity, @unitPrice, @taxClass, -@amount, @now, @reason, @orderId, @orderNumber, @lineIndex)`,
    );
    this.takenPayments = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM payments WHERE sale_id = ? AND status IN ('approved', 'stored')");
    this.recallSale = db.prepare<[string]>(
      "UPDATE sales SET held_at = NULL, held_label = NULL WHERE id = ? AND status = 'open' AND held_at IS NOT NULL",
    );
    this.openSale = db.prepare<[], { id: string; currency: string }>(
      "SELECT id, currency FROM sales WHERE status = 'open' AND held_at IS NULL ORDER BY created_at LIMIT 1",
    );
    this.insertSale = db.prepare<[string, string, string, number]>(
      "INSERT INTO sales (id, status, cashier_id, currency, total, created_at) VALUES (?, 'open', ?, ?, 0, ?)",
    );
    this.lines = db.prepare<[string], LineRow>(
      `SELECT id, sku, name, quantity, unit_price, line_total, original_price, discount, discount_percent, weight_grams,
         return_reason, return_order_id, return_order_number, original_line_index, tax_class
       FROM sale_lines WHERE sale_id = ? ORDER BY position`,
    );
    this.sameLine = db.prepare<[string, string, number], { id: string }>(
      `SELECT id FROM sale_lines WHERE sale_id = ? AND sku = ? AND unit_price = ? AND quantity > 0
         AND discount = 0 AND original_price IS NULL AND weight_grams IS NULL ORDER BY position DESC LIMIT 1`,
    );
    this.bumpLine = db.prepare<[{ id: string; add: number }]>(
      'UPDATE sale_lines SET quantity = quantity + @add, line_total = (quantity + @add) * unit_price WHERE id = @id',
    );
    this.insertLine = db.prepare<[NewLine & { quantity: number }]>(
      `INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at)
       VALUES (@id, @saleId, (SELECT coalesce(max(position), 0) + 1 FROM sale_lines WHERE sale_id = @saleId),
         @sku, @name, @quantity, @unitPrice, @taxClass, @quantity * @unitPrice, @now)`,
    );
    this.updateTotal = db.prepare<[{ saleId: string }]>(
      'UPDATE sales SET total = (SELECT coalesce(sum(line_total), 0) FROM sale_lines WHERE sale_id = @saleId) WHERE id = @saleId',
    );
  }

  /** The open cart, or an empty one (not yet written) when there is none. */
  get(currency: string): Cart {
    const sale = this.openSale.get();
    if (!sale) return { id: null, lines: [], total: 0, currency, itemCount: 0 };
    const rows = this.lines.all(sale.id);
    const lines: CartLine[] = rows.map((row) => ({
      id: row.id,
      sku: row.sku,
      name: row.name,
      quantity: row.quantity,
      unitPrice: row.unit_price,
      lineTotal: row.line_total,
      ...(row.original_price !== null ? { originalPrice: row.original_price } : {}),
      ...(row.discount ? { discount: row.discount } : {}),
      ...(row.discount_percent !== null ? { discountPercent: row.discount_percent } : {}),
      ...(row.weight_grams !== null ? { weightGrams: row.weight_grams } : {}),
      ...(row.return_reason !== null
        ? {
            returned: {
              reason: row.return_reason,
              ...(row.return_order_id !== null ? { orderId: row.return_order_id, orderNumber: row.return_order_number ?? undefined, orderLineIndex: row.original_line_index ?? undefined } : {}),
            },
          }
        : {}),
    }));
    const cart: Cart = {
      id: sale.id,
      lines,
      total: lines.reduce((sum, line) => sum + line.lineTotal, 0),
      currency: sale.currency,
      itemCount: lines.reduce((sum, line) => sum + Math.abs(line.quantity), 0),
    };
    // The lines' tax classes come with them: pricing needs no read of its own.
    return this.pricing ? this.pricing.price(cart, new Map(rows.map((row) => [row.id, row.tax_class]))) : cart;
  }

  /** Adds one (or `quantity`) of `product` to the open cart (opening one if needed): the same product again raises the quantity. */
  addOne(product: Pick<SaleItem, 'sku' | 'name' | 'price' | 'taxClass'>, ids: { sale: () => string; line: () => string }, cashierId: string, currency: string, now = Date.now(), quantity = 1): void {
    draftTransaction(this.db, () => {
      let saleId = this.openSale.get()?.id;
      if (!saleId) {
        saleId = ids.sale();
        this.insertSale.run(saleId, cashierId, currency, now);
      }
      const existing = this.sameLine.get(saleId, product.sku, product.price);
      if (existing) this.bumpLine.run({ id: existing.id, add: quantity });
      else
        this.insertLine.run({ id: ids.line(), saleId, sku: product.sku, name: product.name, unitPrice: product.price, taxClass: product.taxClass, now, quantity });
      this.updateTotal.run({ saleId });
    });
  }

  /**
   * The open cart's id, opening an empty one when there is none; `within` runs in the same transaction with
   * that id, so what opens the sale (a member shown before the first item) is written with it or not at all.
   */
  open(ids: { sale: () => string }, cashierId: string, currency: string, within: (saleId: string) => void = () => {}, now = Date.now()): string {
    return draftTransaction(this.db, () => {
      let saleId = this.openSale.get()?.id;
      if (!saleId) {
        saleId = ids.sale();
        this.insertSale.run(saleId, cashierId, currency, now);
      }
      within(saleId);
      return saleId;
    });
  }

  /**
   * Adds returned items to the open cart (opening one if needed) as negative lines. Runs inside the
   * caller's transaction when there is one (the check of what the original order still has to give back).
   */
  addReturns(lines: readonly NewReturnLine[], ids: { sale: () => string; line: () => string }, cashierId: string, currency: string, now = Date.now()): void {
    // A plain (nestable) transaction: inside the caller's, the synchronous level cannot change.
    this.db.transaction(() => {
      let saleId = this.openSale.get()?.id;
      if (!saleId) {
        saleId = ids.sale();
        this.insertSale.run(saleId, cashierId, currency, now);
      }
      for (const line of lines) {
        this.insertReturn.run({
          ...line,
          id: ids.line(),
          saleId,
          now,
          orderId: line.from?.orderId ?? null,
          orderNumber: line.from?.orderNumber ?? null,
          lineIndex: line.from?.lineIndex ?? null,
        });
      }
      this.updateTotal.run({ saleId });
    })();
  }

  /** The id of the cart in front of the cashier, or null when there is none. */
  openId(): string | null {
    return this.openSale.get()?.id ?? null;
  }

  /** Payments already taken on this sale (approved or stored for later upload). */
  paymentsTaken(saleId: string): number {
    return this.takenPayments.get(saleId)!.n;
  }

  line(saleId: string, lineId: string): StoredLine | undefined {
    return this.oneLine.get(saleId, lineId);
  }

  /** Adds a scale label's line to the open cart (opening one if needed); such a line is never merged. */
  addEmbedded(line: EmbeddedLine, ids: { sale: () => string; line: () => string }, cashierId: string, currency: string, now = Date.now()): void {
    draftTransaction(this.db, () => {
      let saleId = this.openSale.get()?.id;
      if (!saleId) {
        saleId = ids.sale();
        this.insertSale.run(saleId, cashierId, currency, now);
      }
      const { product } = line;
      this.insertEmbedded.run({
        id: ids.line(),
        saleId,
        sku: product.sku,
        name: product.name,
        unitPrice: line.unitPrice,
        taxClass: product.taxClass,
        weightGrams: line.weightGrams,
        lineTotal: line.lineTotal,
        now,
      });
      this.updateTotal.run({ saleId });
    });
  }

  /** Writes a changed line, or removes it when `line` is null, with its journal entry, in one transaction. */
  changeLine(saleId: string, lineId: string, line: StoredLine | null, entry: JournalEntry): void {
    draftTransaction(this.db, () => {
      if (line) this.writeLine.run(line);
      else this.deleteLine.run(saleId, lineId);
      this.record(entry);
      this.updateTotal.run({ saleId });
    });
  }

  /**
   * Voids a line of the open cart, keeping its whole row in the journal entry so Undo can bring it back as it
   * was (same id, place, price, discount and approver).
   */
  voidLine(saleId: string, lineId: string, entry: JournalEntry): void {
    draftTransaction(this.db, () => {
      const row = this.db.prepare<[string, string], Record<string, unknown>>('SELECT * FROM sale_lines WHERE sale_id = ? AND id = ?').get(saleId, lineId);
      if (!row) return;
      this.deleteLine.run(saleId, lineId);
      this.record({ ...entry, detail: { ...entry.detail, row } });
      this.updateTotal.run({ saleId });
    });
  }

  /**
   * Brings back the line last voided under `lineId` in the open, unpaid cart `saleId`, exactly as it was; null when
   * there is nothing to bring back (the line is there, the sale moved on, or a payment was taken).
   */
  restoreLine(saleId: string, lineId: string, entry: Omit<JournalEntry, 'detail'>): { name: string } | null {
    return draftTransaction(this.db, () => {
      if (this.openSale.get()?.id !== saleId || this.paymentsTaken(saleId) > 0) return null;
      if (this.oneLine.get(saleId, lineId)) return null;
      const voided = this.db
        .prepare<[string, string], { detail: string }>("SELECT detail FROM cart_journal WHERE sale_id = ? AND line_id = ? AND action = 'void-line' ORDER BY at DESC, rowid DESC LIMIT 1")
        .get(saleId, lineId);
      const row = voided ? (JSON.parse(voided.detail) as { row?: Record<string, unknown> }).row : undefined;
      if (!row || row['sale_id'] !== saleId) return null;
      const columns = Object.keys(row).filter((column) => /^[a-z_]+$/.test(column));
      this.db.prepare(`INSERT INTO sale_lines (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(Object.fromEntries(columns.map((c) => [c, row[c]])));
      this.record({ ...entry, detail: { sku: row['sku'], quantity: row['quantity'], lineTotal: row['line_total'] } });
      this.updateTotal.run({ saleId });
      return { name: String(row['name']) };
    });
  }

  /** Voids the open cart; false when it is no longer the open cart. */
  void(saleId: string, reason: string, entry: JournalEntry): boolean {
    return draftTransaction(this.db, () => {
      if (this.voidSale.run(reason, entry.userId, entry.at, saleId).changes !== 1) return false;
      this.record(entry);
      return true;
    });
  }

  hold(saleId: string, label: string, entry: JournalEntry): boolean {
    return draftTransaction(this.db, () => {
      if (this.holdSale.run(entry.at, label, saleId).changes !== 1) return false;
      this.record(entry);
      return true;
    });
  }

  held(): HeldCart[] {
    return this.heldSales.all().map((row) => ({ id: row.id, label: row.held_label, heldAt: row.held_at, total: row.total, itemCount: row.items, currency: row.currency }));
  }

  /** Brings a held cart back as the open cart; false when no held cart has that id. */
  recall(saleId: string, entry: JournalEntry): boolean {
    return draftTransaction(this.db, () => {
      if (this.recallSale.run(saleId).changes !== 1) return false;
      this.record(entry);
      return true;
    });
  }

  private record(entry: JournalEntry): void {
    this.journal.run({ ...entry, detail: JSON.stringify(entry.detail) });
  }
}
