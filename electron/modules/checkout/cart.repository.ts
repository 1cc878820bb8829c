import type { Cart, CartLine, Product } from '../../../shared/api';
import type { KassaDatabase } from '../../db/open';
import type { CartPricing } from './cart-pricing';

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

  constructor(
    private readonly db: KassaDatabase,
    /** Prices what `get` returns (promotions, tax, cash due); without it the cart is the plain sum of its lines. */
    private readonly pricing?: CartPricing,
  ) {
    this.openSale = db.prepare<[], { id: string; currency: string }>(
      "SELECT id, currency FROM sales WHERE status = 'open' ORDER BY created_at LIMIT 1",
    );
    this.insertSale = db.prepare<[string, string, string, number]>(
      "INSERT INTO sales (id, status, cashier_id, currency, total, created_at) VALUES (?, 'open', ?, ?, 0, ?)",
    );
    this.lines = db.prepare<[string], LineRow>(
      'SELECT id, sku, name, quantity, unit_price, line_total FROM sale_lines WHERE sale_id = ? ORDER BY position',
    );
    this.sameLine = db.prepare<[string, string, number], { id: string }>(
      'SELECT id FROM sale_lines WHERE sale_id = ? AND sku = ? AND unit_price = ? AND quantity > 0 ORDER BY position DESC LIMIT 1',
    );
    this.bumpLine = db.prepare<[string]>(
      'UPDATE sale_lines SET quantity = quantity + 1, line_total = (quantity + 1) * unit_price WHERE id = ?',
    );
    this.insertLine = db.prepare<[NewLine]>(
      `INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at)
       VALUES (@id, @saleId, (SELECT coalesce(max(position), 0) + 1 FROM sale_lines WHERE sale_id = @saleId),
         @sku, @name, 1, @unitPrice, @taxClass, @unitPrice, @now)`,
    );
    this.updateTotal = db.prepare<[{ saleId: string }]>(
      'UPDATE sales SET total = (SELECT coalesce(sum(line_total), 0) FROM sale_lines WHERE sale_id = @saleId) WHERE id = @saleId',
    );
  }

  /** The open cart, or an empty one (not yet written) when there is none. */
  get(currency: string): Cart {
    const sale = this.openSale.get();
    if (!sale) return { id: null, lines: [], total: 0, currency, itemCount: 0 };
    const lines: CartLine[] = this.lines.all(sale.id).map((row) => ({
      id: row.id,
      sku: row.sku,
      name: row.name,
      quantity: row.quantity,
      unitPrice: row.unit_price,
      lineTotal: row.line_total,
    }));
    const cart: Cart = {
      id: sale.id,
      lines,
      total: lines.reduce((sum, line) => sum + line.lineTotal, 0),
      currency: sale.currency,
      itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
    };
    return this.pricing ? this.pricing.price(cart) : cart;
  }

  /** Adds one of `product` to the open cart (opening one if needed): the same product again raises the quantity. */
  addOne(product: Product, ids: { sale: () => string; line: () => string }, cashierId: string, currency: string, now = Date.now()): void {
    this.db.transaction(() => {
      let saleId = this.openSale.get()?.id;
      if (!saleId) {
        saleId = ids.sale();
        this.insertSale.run(saleId, cashierId, currency, now);
      }
      const existing = this.sameLine.get(saleId, product.sku, product.price);
      if (existing) this.bumpLine.run(existing.id);
      else
        this.insertLine.run({ id: ids.line(), saleId, sku: product.sku, name: product.name, unitPrice: product.price, taxClass: product.taxClass, now });
      this.updateTotal.run({ saleId });
    })();
  }
}
