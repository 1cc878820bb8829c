/** Reads an amount the cashier typed ("2", "2.5", "2,50", "-1") as minor units of the currency; null when it is not a number. */
export function parseMoneyInput(text: string, currency: string, locale = 'en'): number | null {
  const cleaned = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^-?\d{1,9}(\.\d*)?$/.test(cleaned)) return null;
  const digits = currencyDigits(currency, locale);
  const [whole = '0', fraction = ''] = cleaned.replace('-', '').split('.');
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return cleaned.startsWith('-') ? -minor : minor;
}

/** Minor units as the cashier types them back: 349 → "3.49". */
export function toMoneyInput(amount: number, currency: string, locale = 'en'): string {
  const digits = currencyDigits(currency, locale);
  return (amount / 10 ** digits).toFixed(digits);
}

/** How many minor-unit digits a currency has: 2 for EUR, 0 for JPY (whose amounts take no decimal point). */
export function currencyDigits(currency: string, locale = 'en'): number {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}
