import { money } from '../../format';
import { useTranslation } from '../../i18n';
import { parseMoneyInput } from '../cart/money-input';

/** What the cashier entered: counts by denomination (minor units as keys), or a total where the currency has none listed. */
export interface CountEntry {
  counts: Record<string, string>;
  total: string;
}

export const emptyCount = (): CountEntry => ({ counts: {}, total: '' });

/** The amount an entry comes to (minor units), or null while it is not a valid count. */
export function countOf(entry: CountEntry, denominations: readonly number[], currency: string): { amount: number; counts?: Record<string, number> } | null {
  if (denominations.length === 0) {
    const amount = parseMoneyInput(entry.total, currency);
    return amount === null || amount < 0 ? null : { amount };
  }
  const counts: Record<string, number> = {};
  let amount = 0;
  for (const d of denominations) {
    const text = entry.counts[String(d)]?.trim() ?? '';
    if (!text) continue;
    if (!/^\d{1,5}$/.test(text)) return null;
    counts[String(d)] = Number(text);
    amount += d * Number(text);
  }
  return { amount, counts };
}

/**
 * Counting the drawer: one field per note and coin of the store's currency (the total adds up as typed),
 * or one amount where the currency's denominations are not listed. Works from the keyboard (Tab between
 * fields, Enter submits the form around it) and on a touch screen's numeric keyboard.
 */
export function DrawerCount({ entry, onChange, denominations, currency, locale, label }: { entry: CountEntry; onChange: (entry: CountEntry) => void; denominations: readonly number[]; currency: string; locale: string; label: string }) {
  const { t } = useTranslation('cash');
  const counted = countOf(entry, denominations, currency);
  if (denominations.length === 0) {
    return (
      <label className="field">
        {label}
        <input className="field__input" inputMode="decimal" value={entry.total} onChange={(e) => onChange({ ...entry, total: e.target.value })} data-testid="count-total" />
      </label>
    );
  }
  return (
    <fieldset className="drawer-count" data-testid="drawer-count">
      <legend>{label}</legend>
      <div className="drawer-count__grid">
        {denominations.map((d) => (
          <label key={d} className="drawer-count__row">
            <span className="drawer-count__value">{money(d, currency, locale)}</span>
            <span aria-hidden="true">×</span>
            <input
              className="field__input drawer-count__input"
              inputMode="numeric"
              aria-label={t('countOf', { value: money(d, currency, locale) })}
              value={entry.counts[String(d)] ?? ''}
              onChange={(e) => onChange({ ...entry, counts: { ...entry.counts, [String(d)]: e.target.value.replace(/\D/g, '') } })}
              data-testid={`count-${d}`}
            />
          </label>
        ))}
      </div>
      <p className="drawer-count__total" data-testid="count-sum">
        {t('countTotal', { amount: counted ? money(counted.amount, currency, locale) : '—' })}
      </p>
    </fieldset>
  );
}
