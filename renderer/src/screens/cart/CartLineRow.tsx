import { memo, type ReactNode } from 'react';
import type { CartLine } from '../../../../shared/api';
import { number } from '../../format';
import { useTranslation } from '../../i18n';

/**
 * One line of the cart. A returned item (an exchange, or a return without a receipt) is marked "Return"
 * with its reason and the order it came from, and shows its negative quantity and amount. Re-rendered only
 * when the line, its selection, the language or the money format changed: a scan or a typed key does not
 * redraw every line of a long cart.
 */
export const CartLineRow = memo(CartLineRowView, (before, after) =>
  before.selected === after.selected &&
  before.locale === after.locale &&
  before.format === after.format &&
  before.onSelect === after.onSelect &&
  // The details under the name (children) are drawn from the line and the format, compared here.
  (before.line === after.line || JSON.stringify(before.line) === JSON.stringify(after.line)),
);

function CartLineRowView({
  line,
  selected,
  onSelect,
  format,
  locale,
  children,
}: {
  line: CartLine;
  selected: boolean;
  onSelect: (lineId: string) => void;
  format: (amount: number) => string;
  locale: string;
  /** What changed the line's price, shown under its name. */
  children?: ReactNode;
}) {
  const { t } = useTranslation('checkout');
  const returned = line.returned;
  const className = ['cart__line', selected ? 'is-selected' : '', returned ? 'cart__line--return' : ''].filter(Boolean).join(' ');
  return (
    <tr id={`line-${line.id}`} className={className} aria-current={selected ? 'true' : undefined} data-returned={returned ? 'true' : undefined} onClick={() => onSelect(line.id)}>
      <td>
        {returned ? (
          <span className="cart__return-tag" data-testid="return-tag">
            {t('returns.tag')}
          </span>
        ) : null}
        <span className="cart__name">{line.name}</span>
        {children}
        {returned ? (
          <span className="cart__detail cart__return-reason">
            {returned.orderNumber ? t('returns.reasonFromOrder', { reason: returned.reason, number: returned.orderNumber }) : t('returns.reason', { reason: returned.reason })}
          </span>
        ) : null}
      </td>
      <td className="num cart__qty">{line.weightGrams !== undefined ? t('kilograms', { weight: number(line.weightGrams / 1000, locale, 3) }) : number(line.quantity, locale)}</td>
      <td className="num">
        {format(line.unitPrice)}
        {line.weightGrams !== undefined ? t('perKg') : ''}
      </td>
      <td className="num cart__total">{format(line.lineTotal)}</td>
    </tr>
  );
}
