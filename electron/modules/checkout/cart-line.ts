import { KassaError } from '../../../shared/errors';
import type { StoredLine } from './cart.repository';

export const MAX_QUANTITY = 9_999;
/** No till line costs more than this; a bigger typed price is a slip of the finger. */
export const MAX_PRICE = 10_000_000;

/** What a line costs before any discount: quantity × unit price, or a weight priced per kilogram. */
export function grossOf(line: Pick<StoredLine, 'quantity' | 'unitPrice' | 'weightGrams'>): number {
  if (line.weightGrams !== null) return Math.round((line.unitPrice * line.weightGrams) / 1000);
  return line.quantity * line.unitPrice;
}

/** Recomputes a line's discount and total after its quantity or price changed; a discount never exceeds the line. */
export function priced(line: StoredLine): StoredLine {
  const gross = grossOf(line);
  const discount = line.discountPercent !== null ? Math.round((gross * line.discountPercent) / 100) : Math.min(line.discount, gross);
  return { ...line, discount, lineTotal: gross - discount };
}

export function checkQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1)
    throw new KassaError('INVALID_INPUT', 'A quantity must be at least 1. To take the item off, use Void line.');
  if (quantity > MAX_QUANTITY) throw new KassaError('INVALID_INPUT', `A quantity above ${MAX_QUANTITY.toLocaleString('en')} is not accepted. Check the number and type it again.`);
}

export function checkPrice(price: number): void {
  if (!Number.isInteger(price) || price < 0) throw new KassaError('INVALID_INPUT', 'A price cannot be negative. Type the new price again.');
  if (price > MAX_PRICE) throw new KassaError('INVALID_INPUT', 'That price is far higher than any item in the store. Check it and type it again.');
}
