/** Barcode reading rules: GTIN check digits for EAN-13, UPC-A and EAN-8, and telling a SKU from a barcode. */

export type ScanCode =
  | { kind: 'gtin'; gtin: string }
  | { kind: 'sku'; sku: string }
  | { kind: 'invalid'; reason: 'check-digit' | 'length' | 'characters' | 'empty' };

/** GS1 check digit for the digits before it (weights 3,1,3,… from the right). */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const fromRight = body.length - i;
    sum += Number(body[i]) * (fromRight % 2 === 1 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin(code: string): boolean {
  if (!/^\d{8}$|^\d{12,14}$/.test(code)) return false;
  return gtinCheckDigit(code.slice(0, -1)) === Number(code[code.length - 1]);
}

const SKU_PATTERN = /^[A-Za-z][A-Za-z0-9-]{1,39}$/;

/**
 * Reads what the scanner (or the cashier's keyboard) typed: EAN-13, UPC-A (12 digits, read as EAN-13
 * with a leading 0) and EAN-8 with their check digits, or a SKU.
 */
export function readScanCode(raw: string): ScanCode {
  const code = raw.trim();
  if (code === '') return { kind: 'invalid', reason: 'empty' };
  if (/^\d+$/.test(code)) {
    if (code.length !== 8 && code.length !== 12 && code.length !== 13) return { kind: 'invalid', reason: 'length' };
    if (!isValidGtin(code)) return { kind: 'invalid', reason: 'check-digit' };
    return { kind: 'gtin', gtin: code.length === 12 ? `0${code}` : code };
  }
  if (SKU_PATTERN.test(code)) return { kind: 'sku', sku: code.toUpperCase() };
  return { kind: 'invalid', reason: 'characters' };
}

/** Which in-store EAN-13 codes carry a price or a weight: the store's prefix and what the value digits mean. */
export interface EmbeddedBarcodeRule {
  /** 1 or 2 digits; the GS1 in-store range starts with 2. */
  prefix: string;
  value: 'price' | 'weight';
}

export interface EmbeddedBarcode {
  /** The digits between the prefix and the value: the item, as the scale knows it. */
  itemCode: string;
  /** The same code with the value digits zeroed and its check digit recomputed: the item's own barcode. */
  zeroed: string;
  value: 'price' | 'weight';
  /** Minor units for a price, grams for a weight. */
  amount: number;
}

/**
 * Reads an in-store label printed by a scale. Layout (EAN-13, 13 digits):
 * `prefix` · item code (12 − prefix length − 5 digits) · value (5 digits) · check digit.
 * With the default prefix `2`: `2 IIIIII VVVVV C`, e.g. `2000003012343` is item `000003` with value 01234
 * (12.34 in price mode, 1.234 kg in weight mode). Null when the code is not such a label.
 */
export function readEmbeddedBarcode(gtin: string, rule: EmbeddedBarcodeRule): EmbeddedBarcode | null {
  if (!/^\d{13}$/.test(gtin) || !gtin.startsWith(rule.prefix)) return null;
  const itemCode = gtin.slice(rule.prefix.length, 7);
  const amount = Number(gtin.slice(7, 12));
  const zeroedBody = `${gtin.slice(0, 7)}00000`;
  return { itemCode, zeroed: zeroedBody + gtinCheckDigit(zeroedBody), value: rule.value, amount };
}

/** Builds such a label (for tests and the scale simulator): prefix, item code, value, check digit. */
export function makeEmbeddedBarcode(prefix: string, itemCode: string, amount: number): string {
  const body = `${prefix}${itemCode}${String(amount).padStart(5, '0')}`;
  if (!/^\d{12}$/.test(body)) throw new Error('an embedded barcode has 12 digits before its check digit');
  return body + gtinCheckDigit(body);
}
