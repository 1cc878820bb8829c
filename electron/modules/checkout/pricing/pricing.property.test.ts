import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TAX_CLASSES } from '../../../../shared/api';
import type { Promotion } from '../../../../shared/hq/feed';
import { priceCart, type PricingLine, type PricingRules } from './price-cart';
import { allocateProportionally, CASH_ROUNDING_STEPS, roundCash } from './rounding';

const SKUS = ['A', 'B', 'C', 'D', 'E'];
const sku = fc.constantFrom(...SKUS);
const skus = fc.uniqueArray(sku, { minLength: 1, maxLength: SKUS.length });
const base = { id: fc.uuid(), name: fc.constant('promo'), active: fc.boolean() };

const promotion: fc.Arbitrary<Promotion> = fc.oneof(
  fc.record({ ...base, kind: fc.constant('percentOff' as const), percent: fc.integer({ min: 1, max: 100 }), skus }),
  fc.record({ ...base, kind: fc.constant('fixedOff' as const), amountOff: fc.integer({ min: 1, max: 5_000 }), skus }),
  fc.record({ ...base, kind: fc.constant('multiBuy' as const), quantity: fc.integer({ min: 2, max: 6 }), payFor: fc.integer({ min: 1, max: 6 }), skus }),
  fc.record({ ...base, kind: fc.constant('threshold' as const), minSpend: fc.integer({ min: 1, max: 50_000 }), amountOff: fc.integer({ min: 1, max: 60_000 }) }),
);

const line: fc.Arbitrary<PricingLine> = fc.record({
  id: fc.uuid(),
  sku,
  quantity: fc.integer({ min: 1, max: 9_999 }),
  unitPrice: fc.integer({ min: 0, max: 100_000 }),
  taxClass: fc.constantFrom(...TAX_CLASSES),
});

const rules: fc.Arbitrary<PricingRules> = fc.record({
  pricesIncludeTax: fc.boolean(),
  taxRates: fc.record({ standard: fc.integer({ min: 0, max: 10_000 }), reduced: fc.integer({ min: 0, max: 10_000 }), zero: fc.constant(0) }),
  promotions: fc.array(promotion, { maxLength: 6 }),
  cashRoundingMinor: fc.constantFrom(...CASH_ROUNDING_STEPS),
});

const lines = fc.array(line, { maxLength: 12 });

describe('pricing properties', () => {
  it('the total equals the sum of the lines (after the sale-wide discount), plus the tax when prices exclude it', () => {
    fc.assert(
      fc.property(lines, rules, (ls, r) => {
        const cart = priceCart(ls, r);
        const ofLines = cart.lines.reduce((sum, l) => sum + l.lineTotal - l.saleDiscountShare, 0);
        expect(cart.total).toBe(ofLines + (r.pricesIncludeTax ? 0 : cart.taxTotal));
        expect(cart.subtotal - cart.discountTotal).toBe(ofLines);
        expect(cart.lines.map((l) => l.gross - l.discount)).toEqual(cart.lines.map((l) => l.lineTotal));
        expect(cart.tax.reduce((sum, t) => sum + t.gross, 0)).toBe(cart.total);
      }),
    );
  });

  it('discounts never make a line or the total negative, nor exceed what they discount', () => {
    fc.assert(
      fc.property(lines, rules, (ls, r) => {
        const cart = priceCart(ls, r);
        for (const l of cart.lines) {
          expect(l.discount).toBeGreaterThanOrEqual(0);
          expect(l.saleDiscountShare).toBeGreaterThanOrEqual(0);
          expect(l.lineTotal).toBeGreaterThanOrEqual(0);
          expect(l.lineTotal - l.saleDiscountShare).toBeGreaterThanOrEqual(0);
          if (l.discount > 0) expect(l.promotion).not.toBeNull();
        }
        expect(cart.total).toBeGreaterThanOrEqual(0);
        expect(cart.cashDue).toBeGreaterThanOrEqual(0);
        expect(cart.discountTotal).toBeLessThanOrEqual(cart.subtotal);
      }),
    );
  });

  it('tax per class: net + tax = gross, and the tax is the rate of the net within half a minor unit of rounding', () => {
    fc.assert(
      fc.property(lines, rules, (ls, r) => {
        const cart = priceCart(ls, r);
        for (const t of cart.tax) {
          expect(t.net + t.tax).toBe(t.gross);
          expect(t.tax).toBeGreaterThanOrEqual(0);
          // |tax × 10000 − net × rate| ≤ half a minor unit, scaled: inclusive rounding spreads over 10000 + rate.
          const exact = r.pricesIncludeTax ? Math.abs(t.tax * (10_000 + t.rateBasisPoints) - t.gross * t.rateBasisPoints) : Math.abs(t.tax * 10_000 - t.net * t.rateBasisPoints);
          expect(exact * 2).toBeLessThanOrEqual(r.pricesIncludeTax ? 10_000 + t.rateBasisPoints : 10_000);
        }
        expect(cart.tax.reduce((sum, t) => sum + t.tax, 0)).toBe(cart.taxTotal);
      }),
    );
  });

  it('without promotions or tax added, the amount due is exactly the sum of quantity × price', () => {
    fc.assert(
      fc.property(lines, rules, (ls, r) => {
        const cart = priceCart(ls, { ...r, pricesIncludeTax: true, promotions: [] });
        expect(cart.total).toBe(ls.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0));
      }),
    );
  });

  it('the result does not depend on the order the lines were scanned in', () => {
    fc.assert(
      fc.property(lines, rules, (ls, r) => {
        const reversed = [...ls].reverse();
        expect(priceCart(reversed, r).total).toBe(priceCart(ls, r).total);
      }),
      { numRuns: 200 },
    );
  });

  it('cash rounding lands on a multiple of the step and moves the amount by at most half the step (strictly less for 0.05)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.constantFrom(...CASH_ROUNDING_STEPS), (amount, step) => {
        const cash = roundCash(amount, step);
        if (step === 0) {
          expect(cash).toBe(amount);
          return;
        }
        expect(Math.abs(cash % step)).toBe(0);
        expect(Math.abs(cash - amount) * 2).toBeLessThanOrEqual(step);
        if (step === 5) expect(Math.abs(cash - amount) * 2).toBeLessThan(step);
      }),
    );
  });

  it('a spread discount adds up exactly and no share exceeds its line', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (weights, fraction) => {
        const sum = weights.reduce((s, w) => s + w, 0);
        const total = Math.floor(sum * fraction);
        const shares = allocateProportionally(total, weights);
        expect(shares.reduce((s, x) => s + x, 0)).toBe(total);
        shares.forEach((share, i) => {
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(weights[i]!);
          // Within one minor unit of the exact proportional share.
          expect(Math.abs(share * sum - weights[i]! * total)).toBeLessThan(Math.max(sum, 1));
        });
      }),
    );
  });
});
