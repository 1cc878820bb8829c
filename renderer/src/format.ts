import { formatMoney } from '../../shared/money';

/**
 * Money, numbers and times for the register's language, always through `Intl` (the active locale is
 * i18next's language, which follows `AppInfo.locale`).
 */
export const money = (amount: number, currency: string, locale = 'en') => formatMoney(amount, currency, locale);

/** Formatters kept by locale and options: the cart formats every line on every scan, and building one costs far more than using it. */
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

export const number = (value: number, locale = 'en', fractionDigits?: number) =>
  numberFormat(locale, fractionDigits === undefined ? {} : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);

/** A ratio as a percentage: `0.2` → `20%` (en), `20%` (zh-CN). */
export const percent = (ratio: number, locale = 'en') => numberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(ratio);

export const clock = (at: number, locale = 'en') => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);

export const dateTime = (at: number, locale = 'en') => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * A length of time in the largest unit that reads well: seconds under a minute and a half, minutes under
 * an hour and a half, hours (to a tenth) under two days, then days (to a tenth). Negative is 0.
 */
export function duration(ms: number, locale = 'en'): string {
  const t = Math.max(0, ms);
  const [value, unit] =
    t < 90_000 ? [Math.round(t / 1000), 'second'] : t < 90 * MINUTE_MS ? [Math.round(t / MINUTE_MS), 'minute'] : t < 48 * HOUR_MS ? [Math.round((t / HOUR_MS) * 10) / 10, 'hour'] : [Math.round((t / (24 * HOUR_MS)) * 10) / 10, 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}
