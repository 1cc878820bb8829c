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

/** Formats minor units for people, with the currency's own number of decimals (e.g. 2 for EUR, 0 for JPY). */
export function formatMoney(amount: number, currency: string, locale = 'en'): string {
  assertMinorUnits(amount);
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}
