/** Money, times and numbers for the console's language, always through `Intl`. Amounts are integer minor units. */
import { formatMoney } from '../../shared/money';

export const money = (amount: number, currency: string, locale: string) => formatMoney(amount, currency, locale);

/** How many digits a currency's minor unit has (EUR 2, JPY 0). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** A price typed as a decimal ("12.5", "12,50") in minor units, or null when it is not one. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const cleaned = text.trim().replace(',', '.');
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units as the decimal a person types (1250 EUR → "12.50"). */
export function toDecimal(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  return digits === 0 ? String(amount) : (amount / 10 ** digits).toFixed(digits);
}

export const dateTime = (iso: string | null, locale: string) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—');

export const number = (value: number, locale: string, fractionDigits = 0) =>
  new Intl.NumberFormat(locale, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);

/** A length of time in the largest unit that reads well. */
export function duration(ms: number, locale: string): string {
  const t = Math.max(0, ms);
  const [value, unit] = t < 90_000 ? [Math.round(t / 1000), 'second'] : t < 5_400_000 ? [Math.round(t / 60_000), 'minute'] : t < 172_800_000 ? [Math.round(t / 360_000) / 10, 'hour'] : [Math.round(t / 8_640_000) / 10, 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/** Today as YYYY-MM-DD (UTC, the calendar the money reports use), and `days` before it. */
export function utcDay(offsetDays = 0, now = Date.now()): string {
  return new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
