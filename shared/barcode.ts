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
