import type { Promotion } from '../../../../shared/hq/feed';
import { allocateProportionally, mulDivRoundHalfUp } from './rounding';

/**
 * How promotions combine (the product's own rules, so written here rather than taken from a library):
 * - A line gets at most one promotion. Its own promotions (percent off, fixed off) come first: the one
 *   that saves the line most wins (ties: the lower promotion id).
 * - Multi-buys then count the units of lines that have no promotion yet, mixed across the listed products.
 *   Units are lined up dearest first and taken in sets of `quantity`; in each set the customer pays for the
 *   `payFor` dearest and the rest are free (the cheapest in the set, as shelf labels promise), so the
 *   result does not depend on scan order. Units left over after the last full set pay full price. When
 *   several multi-buys compete, the one saving most is applied first and its lines are taken.
 * - Threshold promotions look at the spend after the lines' promotions; the best one reached applies once
 *   to the whole sale and is spread over the lines (rounding rule 3) so tax stays right per class.
 * - Promotions apply to lines with a positive quantity only, never to a line a manager re-priced or
 *   discounted (that price is final); a discount never exceeds what it discounts.
 */

export interface PromotionLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  /** false: a manager set this line's price or discount, which is final — no promotion on top. */
  promotable?: boolean;
}

export interface AppliedPromotion {
  id: string;
  name: string;
}

export interface LineSaving {
  discount: number;
  promotion: AppliedPromotion | null;
}

type LinePromotion = Extract<Promotion, { kind: 'percentOff' | 'fixedOff' }>;
type MultiBuy = Extract<Promotion, { kind: 'multiBuy' }>;
type Threshold = Extract<Promotion, { kind: 'threshold' }>;

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The saving of each line from its own promotion or a multi-buy, in line order. */
export function lineSavings(lines: readonly PromotionLine[], promotions: readonly Promotion[]): LineSaving[] {
  const active = promotions.filter((p) => p.active).sort(byId);
  const savings: LineSaving[] = lines.map(() => ({ discount: 0, promotion: null }));
  const taken = lines.map((line) => line.promotable === false || line.quantity <= 0 || line.unitPrice <= 0);

  const own = active.filter((p): p is LinePromotion => p.kind === 'percentOff' || p.kind === 'fixedOff');
  lines.forEach((line, index) => {
    if (taken[index]) return;
    for (const promotion of own) {
      if (!promotion.skus.includes(line.sku)) continue;
      const discount = ownSaving(line, promotion);
      if (discount > savings[index]!.discount) savings[index] = { discount, promotion: { id: promotion.id, name: promotion.name } };
    }
    if (savings[index]!.discount > 0) taken[index] = true;
  });

  const multiBuys = active.filter((p): p is MultiBuy => p.kind === 'multiBuy');
  for (;;) {
    let best: { promotion: MultiBuy; result: MultiBuyResult } | null = null;
    for (const promotion of multiBuys) {
      const result = multiBuy(lines, taken, promotion);
      if (result.total > (best?.result.total ?? 0)) best = { promotion, result };
    }
    if (!best) break;
    const applied = { id: best.promotion.id, name: best.promotion.name };
    for (const index of best.result.used) taken[index] = true;
    for (const [index, discount] of best.result.free) savings[index] = { discount, promotion: applied };
  }
  return savings;
}

function ownSaving(line: PromotionLine, promotion: LinePromotion): number {
  const gross = line.quantity * line.unitPrice;
  if (promotion.kind === 'percentOff') return Math.min(gross, mulDivRoundHalfUp(gross, promotion.percent, 100));
  return Math.min(promotion.amountOff, line.unitPrice) * line.quantity;
}

interface MultiBuyResult {
  total: number;
  /** Lines whose units went into a full set. */
  used: number[];
  /** Line index → the price of its free units. */
  free: Map<number, number>;
}

function multiBuy(lines: readonly PromotionLine[], taken: readonly boolean[], promotion: MultiBuy): MultiBuyResult {
  const eligible = lines
    .map((line, index) => ({ line, index }))
    .filter(({ line, index }) => !taken[index] && promotion.skus.includes(line.sku))
    .sort((a, b) => b.line.unitPrice - a.line.unitPrice || a.index - b.index);
  const setSize = promotion.quantity;
  const paid = Math.min(promotion.payFor, setSize);
  const units = eligible.reduce((sum, { line }) => sum + line.quantity, 0);
  const inSets = Math.floor(units / setSize) * setSize;
  // Free units among the first n in line-up order: in each set, the positions from `paid` on.
  const freeBefore = (n: number) => Math.floor(n / setSize) * (setSize - paid) + Math.max(0, (n % setSize) - paid);
  const result: MultiBuyResult = { total: 0, used: [], free: new Map() };
  if (paid === setSize) return result;
  let start = 0;
  for (const { line, index } of eligible) {
    const end = start + line.quantity;
    if (start >= inSets) break;
    result.used.push(index);
    const free = freeBefore(Math.min(end, inSets)) - freeBefore(start);
    if (free > 0) {
      result.free.set(index, free * line.unitPrice);
      result.total += free * line.unitPrice;
    }
    start = end;
  }
  return result;
}

export interface SaleDiscount {
  promotion: AppliedPromotion;
  amount: number;
  /** Each line's part of `amount`, in line order. */
  shares: number[];
}

/** The best threshold promotion `lineTotals` reach, spread over the lines; null when none applies. */
export function saleDiscount(lineTotals: readonly number[], promotions: readonly Promotion[]): SaleDiscount | null {
  const spend = lineTotals.reduce((sum, total) => sum + total, 0);
  const reached = promotions
    .filter((p): p is Threshold => p.kind === 'threshold' && p.active && spend >= p.minSpend)
    .sort((a, b) => b.amountOff - a.amountOff || byId(a, b));
  const best = reached[0];
  if (!best) return null;
  const weights = lineTotals.map((total) => Math.max(0, total));
  const amount = Math.min(best.amountOff, spend);
  return { promotion: { id: best.id, name: best.name }, amount, shares: allocateProportionally(amount, weights) };
}
