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
