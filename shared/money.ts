/** Money is always an integer amount of minor units (cents) plus an ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

export function assertMinorUnits(amount: number): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Money must be an integer number of minor units, got ${amount}`);
  return amount;
}

export function addMinor(...amounts: number[]): number {
  return amounts.reduce((sum, a) => sum + assertMinorUnits(a), 0);
}

/** One formatter per locale and currency: building an `Intl.NumberFormat` costs far more than using one, and a cart formats every line. */
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** Formats minor units for people, with the currency's own number of decimals (e.g. 2 for EUR, 0 for JPY). */
export function formatMoney(amount: number, currency: string, locale = 'en'): string {
  assertMinorUnits(amount);
  const key = `${locale}\u0000${currency}`;
  let kept = moneyFormats.get(key);
  if (!kept) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    kept = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    moneyFormats.set(key, kept);
  }
  return kept.format.format(amount / 10 ** kept.digits);
}
