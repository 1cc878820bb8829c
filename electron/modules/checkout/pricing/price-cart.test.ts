import { describe, expect, it } from 'vitest';
import demoCatalog from '../../../../shared/demo/catalog.json' with { type: 'json' };
import { CatalogFileSchema } from '../../../../shared/catalog';
import type { Promotion } from '../../../../shared/hq/feed';
import { DEFAULT_TAX_RATES, priceCart, type PricingLine, type PricingRules } from './price-cart';

let lineNo = 0;
function makeLine(overrides: Partial<PricingLine> = {}): PricingLine {
  lineNo += 1;
  return { id: `line-${lineNo}`, sku: `SKU-${lineNo}`, quantity: 1, unitPrice: 100, taxClass: 'standard', ...overrides };
}

function makeRules(overrides: Partial<PricingRules> = {}): PricingRules {
  return { pricesIncludeTax: true, taxRates: DEFAULT_TAX_RATES, promotions: [], cashRoundingMinor: 0, ...overrides };
}

const percentOff = (percent: number, skus: string[], id = 'pct'): Promotion => ({ id, name: `${percent}% off`, kind: 'percentOff', percent, skus, active: true });
const fixedOff = (amountOff: number, skus: string[], id = 'fix'): Promotion => ({ id, name: `${amountOff} off`, kind: 'fixedOff', amountOff, skus, active: true });
const multiBuy = (quantity: number, payFor: number, skus: string[], id = 'multi'): Promotion => ({ id, name: `${quantity} for ${payFor}`, kind: 'multiBuy', quantity, payFor, skus, active: true });
const threshold = (minSpend: number, amountOff: number, id = 'spend'): Promotion => ({ id, name: `Spend ${minSpend}, save ${amountOff}`, kind: 'threshold', minSpend, amountOff, active: true });

describe('percentage off', () => {
  it('2 × 1.29 with 10 % off is 2.32: the 0.258 saving rounds to 0.26', () => {
    const cart = priceCart([makeLine({ sku: 'MILK', quantity: 2, unitPrice: 129 })], makeRules({ promotions: [percentOff(10, ['MILK'])] }));
    expect(cart.lines[0]).toMatchObject({ gross: 258, discount: 26, lineTotal: 232, promotion: { id: 'pct', name: '10% off' } });
    expect(cart.total).toBe(232);
    expect(cart.discountTotal).toBe(26);
    expect(cart.subtotal).toBe(258);
  });

  it('1 × 0.25 with 10 % off is 0.22: the 0.025 saving rounds half up to 0.03', () => {
    const cart = priceCart([makeLine({ sku: 'GUM', unitPrice: 25 })], makeRules({ promotions: [percentOff(10, ['GUM'])] }));
    expect(cart.lines[0]!.discount).toBe(3);
    expect(cart.total).toBe(22);
  });

  it('an inactive promotion or another product is not discounted: 1.29 stays 1.29', () => {
    const inactive = { ...percentOff(50, ['MILK']), active: false };
    const cart = priceCart([makeLine({ sku: 'MILK', unitPrice: 129 }), makeLine({ sku: 'BREAD', unitPrice: 189 })], makeRules({ promotions: [inactive, percentOff(10, ['EGGS'])] }));
    expect(cart.lines.map((l) => l.discount)).toEqual([0, 0]);
    expect(cart.lines.map((l) => l.promotion)).toEqual([null, null]);
    expect(cart.total).toBe(318);
  });
});

describe('fixed amount off', () => {
  it('3 × 0.99 with 0.30 off each is 2.07: a saving of 0.90', () => {
    const cart = priceCart([makeLine({ sku: 'PASTA', quantity: 3, unitPrice: 99 })], makeRules({ promotions: [fixedOff(30, ['PASTA'])] }));
    expect(cart.lines[0]).toMatchObject({ discount: 90, lineTotal: 207 });
  });

  it('a 0.20 item with 0.50 off costs 0.00, never less', () => {
    const cart = priceCart([makeLine({ sku: 'BAG', unitPrice: 20 })], makeRules({ promotions: [fixedOff(50, ['BAG'])] }));
    expect(cart.lines[0]).toMatchObject({ discount: 20, lineTotal: 0 });
    expect(cart.total).toBe(0);
  });

  it('a 2.00 item with both 10 % off and 0.50 off takes the 0.50: the bigger saving wins, one promotion a line', () => {
    const cart = priceCart([makeLine({ sku: 'OIL', unitPrice: 200 })], makeRules({ promotions: [percentOff(10, ['OIL']), fixedOff(50, ['OIL'])] }));
    expect(cart.lines[0]).toMatchObject({ discount: 50, lineTotal: 150, promotion: { id: 'fix' } });
  });
});

describe('buy X get Y (multi-buy)', () => {
  it('3 for 2 over 2.00, 1.50 and 1.00 makes the 1.00 free: 3.50 due, the saving shown on the 1.00 line', () => {
    const lines = [makeLine({ sku: 'A', unitPrice: 100 }), makeLine({ sku: 'B', unitPrice: 200 }), makeLine({ sku: 'C', unitPrice: 150 })];
    const cart = priceCart(lines, makeRules({ promotions: [multiBuy(3, 2, ['A', 'B', 'C'])] }));
    expect(cart.lines.map((l) => l.discount)).toEqual([100, 0, 0]);
    expect(cart.lines[0]!.promotion).toEqual({ id: 'multi', name: '3 for 2' });
    expect(cart.total).toBe(350);
  });

  it('4 × 1.00 with 3 for 2 is 3.00: one full set, the fourth unit pays full price', () => {
    const cart = priceCart([makeLine({ sku: 'A', quantity: 4, unitPrice: 100 })], makeRules({ promotions: [multiBuy(3, 2, ['A'])] }));
    expect(cart.lines[0]).toMatchObject({ discount: 100, lineTotal: 300 });
  });

  it('3 for 2 over 0.05, 0.04, 0.03, 0.02, 0.01, 0.01 frees the cheapest of each set (0.03 and 0.01): 0.12 due, in any scan order', () => {
    const prices = [5, 4, 3, 2, 1, 1];
    const forward = priceCart(prices.map((unitPrice, i) => makeLine({ sku: `P${i}`, unitPrice })), makeRules({ promotions: [multiBuy(3, 2, prices.map((_, i) => `P${i}`))] }));
    const backward = priceCart([...prices].reverse().map((unitPrice, i) => makeLine({ sku: `P${i}`, unitPrice })), makeRules({ promotions: [multiBuy(3, 2, prices.map((_, i) => `P${i}`))] }));
    expect(forward.discountTotal).toBe(4);
    expect(forward.total).toBe(12);
    expect(backward.total).toBe(12);
  });

  it('2 × 1.00 with 3 for 2 is 2.00: no full set, no saving', () => {
    const cart = priceCart([makeLine({ sku: 'A', quantity: 2, unitPrice: 100 })], makeRules({ promotions: [multiBuy(3, 2, ['A'])] }));
    expect(cart.lines[0]).toMatchObject({ discount: 0, promotion: null, lineTotal: 200 });
  });

  it('a line with its own 10 % off stays out of a 3 for 2: 3 × 1.00 at 10 % off is 2.70, not 2.00', () => {
    const cart = priceCart([makeLine({ sku: 'A', quantity: 3, unitPrice: 100 })], makeRules({ promotions: [percentOff(10, ['A']), multiBuy(3, 2, ['A'])] }));
    expect(cart.lines[0]).toMatchObject({ discount: 30, lineTotal: 270, promotion: { id: 'pct' } });
  });
  it('a line a manager re-priced takes no promotion: 1.00 stays 1.00 under 10 % off', () => {
    const cart = priceCart([makeLine({ sku: 'A', promotable: false })], makeRules({ promotions: [percentOff(10, ['A']), multiBuy(2, 1, ['A'])] }));
    expect(cart.lines[0]).toMatchObject({ discount: 0, promotion: null, lineTotal: 100 });
  });
});

describe('threshold discount', () => {
  it('spend 20.00, save 2.00: 20.00 + 5.00 pays 23.00, the 2.00 spread 1.60 / 0.40 over the lines', () => {
    const cart = priceCart([makeLine({ unitPrice: 2000 }), makeLine({ unitPrice: 500, taxClass: 'reduced' })], makeRules({ promotions: [threshold(2000, 200)] }));
    expect(cart.saleDiscount).toEqual({ promotion: { id: 'spend', name: 'Spend 2000, save 200' }, amount: 200 });
    expect(cart.lines.map((l) => l.saleDiscountShare)).toEqual([160, 40]);
    expect(cart.total).toBe(2300);
    expect(cart.discountTotal).toBe(200);
  });

  it('spend 20.00, save 2.00: 19.99 pays 19.99', () => {
    const cart = priceCart([makeLine({ unitPrice: 1999 })], makeRules({ promotions: [threshold(2000, 200)] }));
    expect(cart.saleDiscount).toBeNull();
    expect(cart.total).toBe(1999);
  });

  it('1.00 off spread over three 1.00 lines is 0.34 + 0.33 + 0.33: the left-over cent goes to the first line', () => {
    const cart = priceCart([makeLine(), makeLine(), makeLine()], makeRules({ promotions: [threshold(300, 100)] }));
    expect(cart.lines.map((l) => l.saleDiscountShare)).toEqual([34, 33, 33]);
    expect(cart.total).toBe(200);
  });

  it('spend is counted after line promotions: 2 × 10.50 at 10 % off is 18.90, below a 20.00 threshold', () => {
    const cart = priceCart([makeLine({ sku: 'WINE', quantity: 2, unitPrice: 1050 })], makeRules({ promotions: [percentOff(10, ['WINE']), threshold(2000, 500)] }));
    expect(cart.saleDiscount).toBeNull();
    expect(cart.total).toBe(1890);
  });

  it('of spend-10 save-1 and spend-20 save-3, a 25.00 sale gets the 3.00 off: the best reached applies once', () => {
    const cart = priceCart([makeLine({ unitPrice: 2500 })], makeRules({ promotions: [threshold(1000, 100, 'small'), threshold(2000, 300, 'big')] }));
    expect(cart.saleDiscount?.amount).toBe(300);
    expect(cart.total).toBe(2200);
  });
});

describe('tax', () => {
  it('prices include tax: a 1.29 item at 7 % carries 0.08 (129 × 700 / 10700 = 8.44 rounds to 8), net 1.21', () => {
    const cart = priceCart([makeLine({ unitPrice: 129, taxClass: 'reduced' })], makeRules());
    expect(cart.tax).toEqual([{ taxClass: 'reduced', rateBasisPoints: 700, net: 121, tax: 8, gross: 129 }]);
    expect(cart.total).toBe(129);
  });

  it('prices include tax: three 0.07 items at 20 % carry 0.04, rounded once on the class total 0.21 (3.5 rounds up), not 3 × 0.01', () => {
    const cart = priceCart([makeLine({ unitPrice: 7 }), makeLine({ unitPrice: 7 }), makeLine({ unitPrice: 7 })], makeRules());
    expect(cart.tax).toEqual([{ taxClass: 'standard', rateBasisPoints: 2000, net: 17, tax: 4, gross: 21 }]);
  });

  it('prices exclude tax: 1.00 at 20 % and 0.50 at 7 % add 0.20 and 0.04 (0.035 rounds half up): 1.74 due', () => {
    const cart = priceCart([makeLine({ unitPrice: 100 }), makeLine({ unitPrice: 50, taxClass: 'reduced' })], makeRules({ pricesIncludeTax: false }));
    expect(cart.tax).toEqual([
      { taxClass: 'standard', rateBasisPoints: 2000, net: 100, tax: 20, gross: 120 },
      { taxClass: 'reduced', rateBasisPoints: 700, net: 50, tax: 4, gross: 54 },
    ]);
    expect(cart.taxTotal).toBe(24);
    expect(cart.total).toBe(174);
  });

  it('zero-rated 2.50 carries 0.00 tax and is listed under its class', () => {
    const cart = priceCart([makeLine({ unitPrice: 250, taxClass: 'zero' })], makeRules({ pricesIncludeTax: false }));
    expect(cart.tax).toEqual([{ taxClass: 'zero', rateBasisPoints: 0, net: 250, tax: 0, gross: 250 }]);
    expect(cart.total).toBe(250);
  });

  it('tax is on the discounted amount: 25.00 at 20 % included, spend-20 save-5 → tax on 20.00 is 3.33', () => {
    const cart = priceCart([makeLine({ unitPrice: 2500 })], makeRules({ promotions: [threshold(2000, 500)] }));
    expect(cart.tax).toEqual([{ taxClass: 'standard', rateBasisPoints: 2000, net: 1667, tax: 333, gross: 2000 }]);
  });

  it('HQ rates replace the defaults: 1.00 exclusive at 19 % is 1.19', () => {
    const cart = priceCart([makeLine({ unitPrice: 100 })], makeRules({ pricesIncludeTax: false, taxRates: { ...DEFAULT_TAX_RATES, standard: 1900 } }));
    expect(cart.total).toBe(119);
  });

  it('a rate outside 0–10000 basis points or a fractional price is refused, never guessed', () => {
    expect(() => priceCart([makeLine()], makeRules({ taxRates: { ...DEFAULT_TAX_RATES, standard: 20.5 } }))).toThrow(/basis points/);
    expect(() => priceCart([makeLine({ unitPrice: 1.29 })], makeRules())).toThrow(/minor units/);
  });
});

describe('cash rounding', () => {
  it.each([
    [0, 1234, 1234],
    [5, 1002, 1000],
    [5, 1003, 1005],
    [5, 1007, 1005],
    [5, 1008, 1010],
    [10, 1004, 1000],
    [10, 1005, 1010],
    [10, 1096, 1100],
  ] as const)('step %i: %i due is %i in cash', (step, price, cash) => {
    const cart = priceCart([makeLine({ unitPrice: price })], makeRules({ cashRoundingMinor: step }));
    expect(cart.total).toBe(price);
    expect(cart.cashDue).toBe(cash);
  });
});

describe('the demo store', () => {
  it('the first ten demo products, prices including tax and no promotions, cost exactly the sum of their prices', () => {
    const products = CatalogFileSchema.parse(demoCatalog).products.slice(0, 10);
    const cart = priceCart(products.map((p) => makeLine({ sku: p.sku, unitPrice: p.price, taxClass: p.taxClass })), makeRules());
    expect(cart.total).toBe(products.reduce((sum, p) => sum + p.price, 0));
    expect(cart.discountTotal).toBe(0);
  });
});
