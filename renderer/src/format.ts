import { formatMoney } from '../../shared/money';

/**
 * Money, numbers and times for the register's language, always through `Intl` (the active locale is
 * i18next's language, which follows `AppInfo.locale`).
 */
export const money = (amount: number, currency: string, locale = 'en') => formatMoney(amount, currency, locale);

export const number = (value: number, locale = 'en', fractionDigits?: number) =>
  new Intl.NumberFormat(locale, fractionDigits === undefined ? {} : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value);

/** A ratio as a percentage: `0.2` → `20%` (en), `20%` (zh-CN). */
export const percent = (ratio: number, locale = 'en') => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(ratio);

export const clock = (at: number, locale = 'en') => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);

export const dateTime = (at: number, locale = 'en') => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
