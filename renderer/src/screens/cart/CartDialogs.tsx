import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { CartLine, HeldCart, Product } from '../../../../shared/api';
import { isPin } from '../../../../shared/pin';
import { call, errorText } from '../../api/client';
import { NumberPad, usePadTarget } from '../../components/NumberPad';
import { clock } from '../../format';
import { useSelectOnFocus } from '../../hooks/useSelectOnFocus';
import { useTranslation } from '../../i18n';
import { Dialog } from '../../components/Dialog';
import { PinField } from '../../components/PinField';
import { currencyDigits, parseMoneyInput, toMoneyInput } from './money-input';

interface Common {
  onClose: () => void;
  error: string | null;
}

/** Arrow keys move through a list; Enter takes the highlighted entry. */
function useListKeys(count: number, onPick: (index: number) => void) {
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(0, count - 1));
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' && count) {
      event.preventDefault();
      setActive((current + 1) % count);
    } else if (event.key === 'ArrowUp' && count) {
      event.preventDefault();
      setActive((current - 1 + count) % count);
    } else if (event.key === 'Enter' && count) {
      event.preventDefault();
      onPick(current);
    }
  };
  return { active: current, setActive, onKeyDown };
}

/** Search by name or SKU: type, arrows to choose, Enter adds one to the cart. */
export function SearchDialog({ onClose, error, onAdd, format }: Common & { onAdd: (product: Product) => void; format: (amount: number) => string }) {
  const { t } = useTranslation('checkout');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Product[]>([]);
  const [searchError, setSearchError] = useState<string | null>(null);
  const listId = useId();
  const list = useListKeys(results.length, (index) => onAdd(results[index]!));
  const { setActive } = list;

  useEffect(() => {
    const text = query.trim();
    let live = true;
    const timer = setTimeout(() => {
      if (!text) {
        setResults([]);
        return;
      }
      call('cart.search', { query: text }).then(
        (found) => {
          if (!live) return;
          setResults(found.products);
          setActive(0);
          setSearchError(null);
        },
        (e: unknown) => live && setSearchError(errorText(e)),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, setActive]);

  return (
    <Dialog title={t('dialogs.findTitle')} onClose={onClose} error={error ?? searchError} wide>
      <label className="field">
        <span>{t('dialogs.nameOrSku')}</span>
        <input
          className="field__input"
          autoFocus
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          value={query}
          role="combobox"
          aria-expanded={results.length > 0}
          aria-controls={listId}
          aria-activedescendant={results.length ? `${listId}-${list.active}` : undefined}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={list.onKeyDown}
        />
      </label>
      <ul className="picklist" role="listbox" id={listId} aria-label={t('dialogs.productsFound')}>
        {results.map((product, index) => (
          <li
            key={product.sku}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === list.active}
            className={index === list.active ? 'picklist__item is-active' : 'picklist__item'}
            onMouseEnter={() => list.setActive(index)}
            onClick={() => onAdd(product)}
          >
            <span className="picklist__name">{product.name}</span>
            <span className="picklist__meta">{product.sku}</span>
            <span className="picklist__amount">{format(product.price)}</span>
          </li>
        ))}
      </ul>
      <p className="dialog__hint">{query.trim() && !results.length ? t('dialogs.noMatch') : t('dialogs.chooseToAdd')}</p>
    </Dialog>
  );
}

export function QuantityDialog({ onClose, error, line, onSubmit }: Common & { line: CartLine; onSubmit: (quantity: number) => void }) {
  const { t } = useTranslation('checkout');
  const [text, setText] = useState(String(line.quantity));
  const field = useRef<HTMLInputElement>(null);
  const selectOnFocus = useSelectOnFocus();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(/^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : NaN);
  };
  return (
    <Dialog title={t('dialogs.quantityTitle', { name: line.name })} onClose={onClose} error={error} wide>
      <form onSubmit={submit} className="with-number-pad">
        <div className="dialog__form">
          <label className="field">
            <span>{t('dialogs.quantityField')}</span>
            <input ref={field} className="field__input field__input--big" autoFocus inputMode="numeric" maxLength={6} value={text} {...selectOnFocus} onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="submit" className="button button--primary button--large">
            {t('dialogs.setQuantity')}
          </button>
        </div>
        <NumberPad target={field} />
      </form>
    </Dialog>
  );
}


export function VoidSaleDialog({ onClose, error, onSubmit, total }: Common & { onSubmit: (reason: string) => void; total: string }) {
  const { t } = useTranslation('checkout');
  const reasons = [t('dialogs.reasonChangedMind'), t('dialogs.reasonCannotPay'), t('dialogs.reasonWrongCustomer'), t('dialogs.reasonTraining')];
  const [reason, setReason] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(reason);
  };
  return (
    <Dialog title={t('dialogs.voidTitle', { total })} onClose={onClose} error={error}>
      <form onSubmit={submit} className="dialog__form">
        <div className="choices" role="group" aria-label={t('dialogs.commonReasons')}>
          {reasons.map((text) => (
            <button key={text} type="button" className={reason === text ? 'button button--choice is-selected' : 'button button--choice'} aria-pressed={reason === text} onClick={() => setReason(text)}>
              {text}
            </button>
          ))}
        </div>
        <label className="field">
          <span>{t('dialogs.reason')}</span>
          <input className="field__input" autoFocus maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <button type="submit" className="button button--danger button--large">
          {t('voidSale')}
        </button>
      </form>
    </Dialog>
  );
}

/** Price override or line discount: the cashier types the change, a manager types their PIN. */
export function ManagerDialog({
  onClose,
  error,
  line,
  mode,
  currency,
  locale,
  format,
  onSubmit,
}: Common & {
  line: CartLine;
  mode: 'price' | 'discount';
  currency: string;
  locale: string;
  format: (amount: number) => string;
  onSubmit: (change: { price: number } | { percent: number } | { amount: number }, managerPin: string) => void;
}) {
  const { t } = useTranslation('checkout');
  const [value, setValue] = useState(mode === 'price' ? toMoneyInput(line.unitPrice, currency, locale) : '');
  const [kind, setKind] = useState<'percent' | 'amount'>('percent');
  const [pin, setPin] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const valueField = useRef<HTMLInputElement>(null);
  const pinField = useRef<HTMLInputElement>(null);
  const selectOnFocus = useSelectOnFocus();
  const pad = usePadTarget(valueField);
  // A percentage and a PIN are whole numbers; a price or an amount off takes the currency's minor units.
  const padDecimal = pad.field?.type !== 'password' && !(mode === 'discount' && kind === 'percent') && currencyDigits(currency, locale) > 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const number = mode === 'discount' && kind === 'percent' ? (/^\d{1,3}$/.test(value.trim()) ? Number(value.trim()) : null) : parseMoneyInput(value, currency, locale);
    if (number === null) return setLocal(mode === 'price' ? t('dialogs.priceNumber') : t('dialogs.discountNumber'));
    if (!isPin(pin)) {
      pinField.current?.focus();
      return setLocal(t('dialogs.managerMustApprove'));
    }
    setLocal(null);
    onSubmit(mode === 'price' ? { price: number } : kind === 'percent' ? { percent: number } : { amount: number }, pin);
    setPin('');
  };
  const title = mode === 'price' ? t('dialogs.overrideTitle', { name: line.name }) : t('dialogs.discountTitle', { name: line.name });
  return (
    <Dialog title={title} onClose={onClose} error={local ?? error} wide>
      <form onSubmit={submit} className="with-number-pad" onFocus={pad.onFocus}>
        <div className="dialog__form">
          <p className="dialog__context">
            {line.quantity} × {format(line.unitPrice)} = {format(line.lineTotal)}
          </p>
          {mode === 'discount' ? (
            <div className="choices" role="radiogroup" aria-label={t('dialogs.discountAs')}>
              {(['percent', 'amount'] as const).map((k) => (
                <button key={k} type="button" role="radio" aria-checked={kind === k} className={kind === k ? 'button button--choice is-selected' : 'button button--choice'} onClick={() => setKind(k)}>
                  {k === 'percent' ? t('dialogs.percentOff') : t('dialogs.amountOff')}
                </button>
              ))}
            </div>
          ) : null}
          <label className="field">
            <span>{mode === 'price' ? t('dialogs.newPrice', { currency }) : kind === 'percent' ? t('dialogs.percentField') : t('dialogs.amountField', { currency })}</span>
            <input ref={valueField} className="field__input field__input--big" autoFocus inputMode="decimal" maxLength={12} value={value} {...selectOnFocus} onChange={(e) => setValue(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('tender:managerPin')}</span>
            <PinField ref={pinField} className="field__input field__input--big" value={pin} onChange={setPin} />
          </label>
          <button type="submit" className="button button--primary button--large">
            {t('dialogs.approve')}
          </button>
        </div>
        <NumberPad target={pad.target} decimal={padDecimal} />
      </form>
    </Dialog>
  );
}

export function HoldDialog({ onClose, error, onSubmit }: Common & { onSubmit: (label: string) => void }) {
  const { t } = useTranslation('checkout');
  const [label, setLabel] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(label);
  };
  return (
    <Dialog title={t('dialogs.holdTitle')} onClose={onClose} error={error}>
      <form onSubmit={submit} className="dialog__form">
        <label className="field">
          <span>{t('dialogs.holdLabel')}</span>
          <input className="field__input" autoFocus maxLength={40} value={label} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <button type="submit" className="button button--primary button--large">
          {t('dialogs.holdSale')}
        </button>
      </form>
    </Dialog>
  );
}

export function RecallDialog({ onClose, error, carts, onRecall, format, locale }: Common & { carts: HeldCart[] | null; onRecall: (cart: HeldCart) => void; format: (amount: number) => string; locale: string }) {
  const { t } = useTranslation('checkout');
  const listId = useId();
  const list = useListKeys(carts?.length ?? 0, (index) => onRecall(carts![index]!));
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (carts?.length) listRef.current?.focus();
  }, [carts]);
  return (
    <Dialog title={t('dialogs.recallTitle')} onClose={onClose} error={error} wide>
      {carts === null ? (
        <p className="dialog__hint">{t('dialogs.loading')}</p>
      ) : carts.length === 0 ? (
        <p className="dialog__hint">{t('dialogs.noneHeld')}</p>
      ) : (
        <>
          <ul
            ref={listRef}
            className="picklist"
            role="listbox"
            id={listId}
            aria-label={t('dialogs.heldSales')}
            tabIndex={0}
            aria-activedescendant={`${listId}-${list.active}`}
            onKeyDown={list.onKeyDown}
          >
            {carts.map((held, index) => (
              <li
                key={held.id}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === list.active}
                className={index === list.active ? 'picklist__item is-active' : 'picklist__item'}
                onClick={() => onRecall(held)}
              >
                <span className="picklist__name">{held.label}</span>
                <span className="picklist__meta">
                  {t('dialogs.heldAt', { time: clock(held.heldAt, locale) })} · {t('items', { count: held.itemCount })}
                </span>
                <span className="picklist__amount">{format(held.total)}</span>
              </li>
            ))}
          </ul>
          <p className="dialog__hint">{t('dialogs.chooseToRecall')}</p>
        </>
      )}
    </Dialog>
  );
}
