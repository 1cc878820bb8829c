import { TAX_CLASSES } from '../../../../shared/api';
import { DEFAULT_TAX_CLASSES, type Promotion } from '../../../../shared/hq/feed';
import { lineSavings, saleDiscount, type AppliedPromotion } from './promotions';
import { mulDivRoundHalfUp, roundCash, type CashRoundingStep } from './rounding';

export type TaxClassCode = (typeof TAX_CLASSES)[number];
export type TaxRates = Record<TaxClassCode, number>;

/** The rates used until HQ has sent its own (demo mode): basis points per class. */
export const DEFAULT_TAX_RATES: TaxRates = Object.fromEntries(DEFAULT_TAX_CLASSES.map((t) => [t.code, t.rateBasisPoints])) as TaxRates;

export interface PricingLine {
  id: string;
  sku: string;
  quantity: number;
  /** Minor units per unit, as the shelf shows it (with tax when the store's prices include tax). */
  unitPrice: number;
  taxClass: TaxClassCode;
  /** false: a manager's price or discount on this line is final, no promotion applies (default true). */
  promotable?: boolean;
}

export interface PricingRules {
  pricesIncludeTax: boolean;
  /** Basis points per class (2000 = 20 %). */
  taxRates: TaxRates;
  promotions: readonly Promotion[];
  cashRoundingMinor: CashRoundingStep;
}

export interface PricedLine extends PricingLine {
  /** quantity × unitPrice. */
  gross: number;
  /** The saving of the line's promotion, shown on the line. */
  discount: number;
  promotion: AppliedPromotion | null;
  /** gross − discount: what the line shows. */
  lineTotal: number;
  /** The line's part of a sale-wide (threshold) discount, for tax per class. */
  saleDiscountShare: number;
}

export interface TaxSummary {
  taxClass: TaxClassCode;
  rateBasisPoints: number;
  net: number;
  tax: number;
  gross: number;
}

export interface PricedCart {
  lines: PricedLine[];
  /** Σ gross: before any discount. */
  subtotal: number;
  saleDiscount: { promotion: AppliedPromotion; amount: number } | null;
  /** Line savings plus the sale-wide discount. */
  discountTotal: number;
  pricesIncludeTax: boolean;
  /** Per class present in the cart, in TAX_CLASSES order. */
  tax: TaxSummary[];
  taxTotal: number;
  /** The amount due: subtotal − discountTotal, plus the tax when prices exclude it. */
  total: number;
  /** The amount due when paid in cash, after cash rounding. */
  cashDue: number;
}

/** Prices a cart: promotions, tax per class, amount due and cash due. Pure: the caller reads the rules. */
export function priceCart(lines: readonly PricingLine[], rules: PricingRules): PricedCart {
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || !Number.isSafeInteger(line.unitPrice)) {
      throw new RangeError(`line ${line.id}: quantity and unit price must be integers (minor units), got ${line.quantity} × ${line.unitPrice}`);
    }
  }
  for (const code of TAX_CLASSES) {
    const rate = rules.taxRates[code];
    if (!Number.isSafeInteger(rate) || rate < 0 || rate > 10_000) throw new RangeError(`tax rate of ${code} must be 0 to 10000 basis points, got ${rate}`);
  }

  const savings = lineSavings(lines, rules.promotions);
  const withSavings = lines.map((line, index) => {
    const gross = line.quantity * line.unitPrice;
    const { discount, promotion } = savings[index]!;
    // Object.assign, not `{ ...line, more }`: Node 20's V8 spends tens of µs on each such spread, and a cart is priced on every scan.
    return Object.assign({}, line, { gross, discount, promotion, lineTotal: gross - discount });
  });
  const sale = saleDiscount(
    withSavings.map((l) => l.lineTotal),
    rules.promotions,
  );
  const priced: PricedLine[] = withSavings.map((line, index) => Object.assign({}, line, { saleDiscountShare: sale?.shares[index] ?? 0 }));

  const tax: TaxSummary[] = [];
  for (const code of TAX_CLASSES) {
    const inClass = priced.filter((l) => l.taxClass === code);
    if (inClass.length === 0) continue;
    const amount = inClass.reduce((sum, l) => sum + l.lineTotal - l.saleDiscountShare, 0);
    const rate = rules.taxRates[code];
    if (rules.pricesIncludeTax) {
      const extracted = mulDivRoundHalfUp(amount, rate, 10_000 + rate);
      tax.push({ taxClass: code, rateBasisPoints: rate, net: amount - extracted, tax: extracted, gross: amount });
    } else {
      const added = mulDivRoundHalfUp(amount, rate, 10_000);
      tax.push({ taxClass: code, rateBasisPoints: rate, net: amount, tax: added, gross: amount + added });
    }
  }

  const subtotal = priced.reduce((sum, l) => sum + l.gross, 0);
  const discountTotal = priced.reduce((sum, l) => sum + l.discount, 0) + (sale?.amount ?? 0);
  const taxTotal = tax.reduce((sum, t) => sum + t.tax, 0);
  const total = tax.reduce((sum, t) => sum + t.gross, 0);
  return {
    lines: priced,
    subtotal,
    saleDiscount: sale ? { promotion: sale.promotion, amount: sale.amount } : null,
    discountTotal,
    pricesIncludeTax: rules.pricesIncludeTax,
    tax,
    taxTotal,
    total,
    cashDue: roundCash(total, rules.cashRoundingMinor),
  };
}
