import bwipjs from 'bwip-js/node';
import { describe, expect, it } from 'vitest';
import { renderReceiptHtml, type Receipt } from './receipt';
import { RECEIPT_BARCODE_MAX_WIDTH_MM, receiptBarcode } from './receipt-barcode';

/** The bars of an SVG drawn by bwip-js, left edge and width in modules, left to right. */
function barsOf(svg: string): { x: number; width: number }[] {
  const bars: { x: number; width: number }[] = [];
  for (const path of svg.matchAll(/<path stroke="#000000" stroke-width="([\d.]+)" d="([^"]+)"/g)) {
    const width = Number(path[1]);
    for (const move of path[2]!.matchAll(/M([\d.]+) [\d.]+L/g)) bars.push({ x: Number(move[1]) - width / 2, width });
  }
  return bars.sort((a, b) => a.x - b.x);
}

/** Bar and space widths in modules, from the first bar to the last (what a scanner measures). */
function widthsOf(svg: string): number[] {
  const bars = barsOf(svg);
  const widths: number[] = [];
  bars.forEach((bar, i) => {
    if (i > 0) widths.push(Math.round(bar.x - (bars[i - 1]!.x + bars[i - 1]!.width)));
    widths.push(Math.round(bar.width));
  });
  return widths;
}

const sale = (number: string): Receipt => ({
  store: { name: 'Corner Shop', code: 'S01' },
  registerCode: 'R01',
  number,
  completedAt: Date.UTC(2026, 11, 6, 10, 42),
  cashier: 'Ana',
  currency: 'EUR',
  lines: [{ name: 'Milk 1L', sku: 'SKU-1', quantity: 1, unitPrice: 129, lineTotal: 129, weightGrams: null, originalPrice: null, adjustments: [] }],
  taxes: [],
  pricesIncludeTax: true,
  total: 129,
  change: 0,
  payments: [{ tender: 'cash', amount: 129, tendered: null, status: 'approved', last4: null, reference: null }],
});

describe('the sale number as a Code 128 barcode', () => {
  it('encodes exactly the sale number: the bars are Code 128 (start B, 11-module symbols, the stop) and match what bwip-js encodes for it', () => {
    const barcode = receiptBarcode('S01-R01-1');
    expect(barcode.value).toBe('S01-R01-1');
    const widths = widthsOf(barcode.svg);
    // Start B is 2 1 1 2 1 4; the stop is 2 3 3 1 1 1 2; every symbol in between is 11 modules wide.
    expect(widths.slice(0, 6)).toEqual([2, 1, 1, 2, 1, 4]);
    expect(widths.slice(-7)).toEqual([2, 3, 3, 1, 1, 1, 2]);
    const total = widths.reduce((sum, w) => sum + w, 0);
    // start + 9 characters + check symbol, 11 modules each, and the 13-module stop.
    expect(total).toBe(11 * 11 + 13);
    // And the same bars bwip-js's encoder gives for this text and no other.
    const [symbol] = bwipjs.raw('code128', 'S01-R01-1', {}) as unknown as [{ sbs: number[] }];
    expect(widths).toEqual(symbol.sbs.slice(0, widths.length));
    expect(widthsOf(receiptBarcode('S01-R01-2').svg)).not.toEqual(widths);
  });

  it('keeps a quiet zone of 10 modules each side and fits the 72 mm a receipt prints on, even for the longest number', () => {
    const short = receiptBarcode('S01-R01-1');
    const bars = barsOf(short.svg);
    expect(bars[0]!.x).toBe(10);
    expect(short.modules - (bars.at(-1)!.x + bars.at(-1)!.width)).toBe(10);
    expect(short.widthMm).toBeCloseTo(short.modules * 0.33, 1);
    expect(short.svg).toMatch(new RegExp(`^<svg width="${short.widthMm}mm" height="12mm"`));

    // Store and register codes are up to 12 characters, the sequence up to 12 digits.
    const longest = receiptBarcode('ABCDEFGHIJKL-ABCDEFGHIJKL-999999999999');
    expect(longest.widthMm).toBeLessThanOrEqual(RECEIPT_BARCODE_MAX_WIDTH_MM);
    expect(longest.modules).toBeGreaterThan(RECEIPT_BARCODE_MAX_WIDTH_MM / 0.33);
  });

  it('is printed on the sale receipt with its value and the number in words beneath; no style attribute the CSP would block', () => {
    const html = renderReceiptHtml(sale('S01-R01-42'));
    const block = /<div class="center" data-testid="receipt-barcode" data-value="([^"]*)">(<svg[\s\S]*?<\/svg>)\s*<p class="center" data-receipt="barcode-text">([^<]*)<\/p><\/div>/.exec(html);
    expect(block).not.toBeNull();
    expect(block![1]).toBe('S01-R01-42');
    expect(block![3]).toBe('S01-R01-42');
    expect(block![2]).toBe(receiptBarcode('S01-R01-42').svg);
    expect(block![2]).not.toMatch(/style=|<script|<text/);
  });

  it('is not printed on a refund receipt, whose number opens nothing to refund', () => {
    const html = renderReceiptHtml({ ...sale('S01-R01-43'), total: -129, refund: { originalNumber: 'S01-R01-42', reason: 'Damaged' } });
    expect(html).not.toContain('receipt-barcode');
  });
});
