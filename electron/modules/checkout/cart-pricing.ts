import { TAX_CLASSES, type Cart, type CartLine } from '../../../shared/api';
import { promotionInEffect, PromotionSchema, type ChangeKind, type Promotion } from '../../../shared/hq/feed';
import type { KassaDatabase } from '../../db/open';
import { DEFAULT_TAX_RATES, priceCart, type PricingLine, type TaxClassCode, type TaxRates } from './pricing/price-cart';
import { mulDivRoundHalfUp, roundCash, type CashRoundingStep } from './pricing/rounding';

export interface StorePricing {
  pricesIncludeTax: boolean;
  cashRoundingMinor: CashRoundingStep;
}

/** Lines as the cart operations keep them: a manager's price, discount or a weight label may have set the total. */
type StoredCartLine = CartLine & { originalPrice?: number; discount?: number; weightGrams?: number };

/** What tells the pricing that HQ's rules changed: the change feed's notice after each applied page or snapshot. */
export interface RuleChanges {
  onApplied(listener: (applied: number, kinds: ReadonlySet<ChangeKind>) => void): () => void;
}

/** Changes after which the cached rules (and what they priced) may be stale. */
const RULE_KINDS: readonly ChangeKind[] = ['taxClass', 'promotion', 'product'];

/**
 * Prices the open cart with the rules HQ sent (the `tax_classes` and `promotions` tables filled by the change
 * feed), falling back to the default rates for a class HQ has not sent (demo mode has none). The rules are read
 * once and kept, since the cart is priced on every scan; the change feed is what writes them, and `followFeed`
 * drops them whenever it applied a change to them.
 */
export class CartPricing {
  private readonly taxClasses;
  private readonly promotionRows;
  private readonly lineTaxClasses;
  private rules: { rates: TaxRates; promotions: Promotion[] } | null = null;

  constructor(
    db: KassaDatabase,
    private readonly store: () => StorePricing,
    /** The register's clock: a promotion applies only inside its schedule, which starts and ends with no feed change. */
    private readonly now: () => number = Date.now,
  ) {
    this.taxClasses = db.prepare<[], { code: string; rate_basis_points: number }>('SELECT code, rate_basis_points FROM tax_classes');
    this.promotionRows = db.prepare<[], { id: string; data: string }>('SELECT id, data FROM promotions');
    this.lineTaxClasses = db.prepare<[string], { id: string; tax_class: TaxClassCode }>('SELECT id, tax_class FROM sale_lines WHERE sale_id = ?');
  }

  /** `taxClassOf`: the lines' tax classes by line id when the caller read them with the lines; otherwise they are read here. */
  price(cart: Cart, taxClassOf?: ReadonlyMap<string, TaxClassCode>): Cart {
    // Object.assign, not `{ ...cart, more }`: Node 20's V8 spends tens of µs on each such spread, and a cart is priced on every scan.
    if (!cart.id || cart.lines.length === 0) return Object.assign({}, cart, { subtotal: cart.total, discountTotal: 0, saleDiscount: null, tax: [], cashDue: cart.total });
    taxClassOf ??= new Map(this.lineTaxClasses.all(cart.id).map((row) => [row.id, row.tax_class]));
    const store = this.store();
    const { rates } = this.cached();
    const promotions = this.promotions();
    // Returned items are priced as they were paid (or at today's price without a receipt): no promotion,
    // no share of a sale-wide discount; their amount comes off the total with the tax it carried.
    const selling = cart.lines.filter((line) => !line.returned);
    const returning = cart.lines.filter((line) => line.returned);
    const priced = priceCart(
      selling.map((line) => toPricingLine(line, taxClassOf.get(line.id) ?? 'standard')),
      { pricesIncludeTax: store.pricesIncludeTax, cashRoundingMinor: 0, taxRates: rates, promotions },
    );
    const tax = [...priced.tax];
    for (const line of returning) {
      const taxClass = taxClassOf.get(line.id) ?? 'standard';
      const rate = rates[taxClass];
      const extracted = mulDivRoundHalfUp(line.lineTotal, rate, 10_000 + rate);
      const at = tax.findIndex((t) => t.taxClass === taxClass);
      const before = at >= 0 ? tax[at]! : { taxClass, rateBasisPoints: rate, net: 0, tax: 0, gross: 0 };
      const after = Object.assign({}, before, { net: before.net + line.lineTotal - extracted, tax: before.tax + extracted, gross: before.gross + line.lineTotal });
      if (at >= 0) tax[at] = after;
      else tax.push(after);
    }
    const returned = returning.reduce((sum, line) => sum + line.lineTotal, 0);
    const total = priced.total + returned;
    const pricedById = new Map(selling.map((line, index) => [line.id, priced.lines[index]!]));
    return Object.assign({}, cart, {
      lines: cart.lines.map((line) => {
        const { discount, promotion } = pricedById.get(line.id) ?? { discount: 0, promotion: null };
        if (!promotion || discount === 0) return line;
        return Object.assign({}, line, { lineTotal: line.lineTotal - discount, promotion: { id: promotion.id, name: promotion.name, saving: discount } });
      }),
      subtotal: priced.subtotal + returned,
      discountTotal: priced.discountTotal,
      saleDiscount: priced.saleDiscount ? Object.assign({}, priced.saleDiscount.promotion, { amount: priced.saleDiscount.amount }) : null,
      pricesIncludeTax: priced.pricesIncludeTax,
      tax: TAX_CLASSES.flatMap((code) => tax.filter((t) => t.taxClass === code)),
      total,
      cashDue: roundCash(total, store.cashRoundingMinor),
    });
  }

  /** A returned item's amount at today's price: with the tax added when the store's prices exclude it. */
  grossOf(amount: number, taxClass: TaxClassCode): number {
    if (this.store().pricesIncludeTax) return amount;
    return amount + mulDivRoundHalfUp(amount, this.cached().rates[taxClass], 10_000);
  }

  rates(): TaxRates {
    return { ...this.cached().rates };
  }

  /**
   * The promotions HQ sent that apply now: active and inside their schedule (checked at each call, since the
   * rules are kept between feed changes). One the register cannot read is skipped rather than guessed at.
   */
  promotions(): Promotion[] {
    const now = this.now();
    return this.cached().promotions.filter((promotion) => promotionInEffect(promotion, now));
  }

  /** Drops the kept rules: the next price reads them again (HQ's feed changed them). */
  forget(): void {
    this.rules = null;
  }

  /** Forgets the kept rules whenever the feed applied a tax class, promotion or product change, or a snapshot. */
  followFeed(feed: RuleChanges): () => void {
    return feed.onApplied((_applied, kinds) => {
      if (RULE_KINDS.some((kind) => kinds.has(kind))) this.forget();
    });
  }

  private cached(): { rates: TaxRates; promotions: Promotion[] } {
    if (this.rules) return this.rules;
    const rates = { ...DEFAULT_TAX_RATES };
    for (const row of this.taxClasses.all()) if (row.code in rates) rates[row.code as TaxClassCode] = row.rate_basis_points;
    const promotions = this.promotionRows.all().flatMap((row) => parsePromotion(row.data) ?? []);
    this.rules = { rates, promotions };
    return this.rules;
  }
}

function parsePromotion(data: string): Promotion | null {
  try {
    const parsed = PromotionSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A line the register priced by weight, or one a manager re-priced or discounted, goes to pricing as one unit at
 * its line total; only the latter is closed to promotions.
 */
function toPricingLine(line: StoredCartLine, taxClass: TaxClassCode): PricingLine {
  const managed = line.originalPrice !== undefined || (line.discount ?? 0) > 0;
  const asOneUnit = managed || line.weightGrams !== undefined || line.lineTotal !== line.quantity * line.unitPrice;
  return {
    id: line.id,
    sku: line.sku,
    quantity: asOneUnit ? 1 : line.quantity,
    unitPrice: asOneUnit ? line.lineTotal : line.unitPrice,
    taxClass,
    promotable: !managed,
  };
}
