/** Points and "as of" times in the register's language, through Intl. */
export const formatPoints = (points: number, locale: string) => new Intl.NumberFormat(locale).format(points);

export const formatAsOf = (at: number, locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(at);
