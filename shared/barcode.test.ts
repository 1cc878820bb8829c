import { describe, expect, it } from 'vitest';
import { gtinCheckDigit, isValidGtin, readScanCode } from './barcode';

describe('barcodes', () => {
  it('computes GS1 check digits for EAN-13, UPC-A and EAN-8', () => {
    expect(gtinCheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(gtinCheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gtinCheckDigit('9638507')).toBe(4); // EAN-8 96385074
  });

  it('reads an EAN-13 and refuses one with a wrong check digit', () => {
    expect(readScanCode('4006381333931')).toEqual({ kind: 'gtin', gtin: '4006381333931' });
    expect(readScanCode('4006381333932')).toEqual({ kind: 'invalid', reason: 'check-digit' });
  });

  it('reads UPC-A as the EAN-13 with a leading zero, and keeps EAN-8 as it is', () => {
    expect(readScanCode('036000291452')).toEqual({ kind: 'gtin', gtin: '0036000291452' });
    expect(readScanCode('96385074')).toEqual({ kind: 'gtin', gtin: '96385074' });
  });

  it('trims what a scanner adds and tells a SKU from a barcode', () => {
    expect(readScanCode('  4006381333931\r')).toEqual({ kind: 'gtin', gtin: '4006381333931' });
    expect(readScanCode('sku-000001')).toEqual({ kind: 'sku', sku: 'SKU-000001' });
  });

  it('refuses empty input, odd lengths and stray characters', () => {
    expect(readScanCode('   ')).toEqual({ kind: 'invalid', reason: 'empty' });
    expect(readScanCode('12345')).toEqual({ kind: 'invalid', reason: 'length' });
    expect(readScanCode('40063813;3931')).toEqual({ kind: 'invalid', reason: 'characters' });
    expect(isValidGtin('abc')).toBe(false);
  });
});
