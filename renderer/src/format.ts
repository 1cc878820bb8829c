import { formatMoney } from '../../shared/money';

export const money = (amount: number, currency: string, locale = 'en') => formatMoney(amount, currency, locale);

export const clock = (at: number, locale = 'en') => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);
