import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { AppInfo, Cart, CartLine, HeldCart, Product } from '../../../shared/api';
import type { AttachedMember } from '../../../shared/modules/membership.api';
import { call, errorText } from '../api/client';
import { money, percent } from '../format';
import { useTranslation, type TFunction } from '../i18n';
import { useKassaEvent } from '../hooks/useKassaEvent';
import { MemberPanel } from '../components/member/MemberPanel';
import { flashScanField, playError, playTick } from '../feedback/sound';
import { HoldDialog, ManagerDialog, QuantityDialog, RecallDialog, SearchDialog, VoidSaleDialog } from './cart/CartDialogs';
import { SALE_NUMBER, useReceiptReturn } from './orders/ReceiptReturn';
import { CartLineRow } from './cart/CartLineRow';
import { ReturnItemDialog } from './cart/ReturnItemDialog';

type DialogKind = 'search' | 'quantity' | 'void' | 'price' | 'discount' | 'hold' | 'recall' | 'return';

/** How long "Voided <item> — Undo" stays. */
const UNDO_MS = 5_000;

/** What the price check (F5) shows for a scanned item. */
interface PriceCheck {
  product: Product;
  promotions: { id: string; name: string }[];
}

/** Function keys for the cart's actions; each is also a large button on screen. */
const SHORTCUTS: Record<string, DialogKind> = { F2: 'search', F3: 'quantity', F4: 'void', F6: 'price', F7: 'discount', F8: 'hold', F9: 'recall' };
const LINE_DIALOGS: readonly DialogKind[] = ['quantity', 'price', 'discount'];


/**
 * The cart: the scan field always has focus, so a barcode scanner (a keyboard wedge) just works; a key typed
 * while a button has focus goes to the scan field too, and every button gives focus back after it is pressed.
 * ↑ ↓ in the scan field select a line; + and − change its quantity; "3 *" makes the next scan 3 of the item;
 * Shift+Delete voids the selected line (with Undo for a few seconds); Enter on an empty scan field, or F12,
 * goes to Pay; F5 checks a price without adding the item; the function keys open the other actions. Every
 * dialog gives focus back to the scan field when it closes.
 */
export function CheckoutScreen({
  info,
  onPay,
  pendingScan = null,
  onScanTaken,
}: {
  info: AppInfo;
  onPay: () => void;
  /** A code scanned on another screen (the completed sale, Orders, …) that belongs in this sale. */
  pendingScan?: { code: string; seq: number } | null;
  onScanTaken?: () => void;
}) {
  const { t, i18n } = useTranslation('checkout');
  const locale = i18n.language;
  const [cart, setCart] = useState<Cart | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [held, setHeld] = useState<HeldCart[] | null>(null);
  /** "n *" typed with no line needed: the quantity of the next scan. */
  const [nextQuantity, setNextQuantity] = useState<number | null>(null);
  const [undo, setUndo] = useState<{ lineId: string; name: string; seq: number } | null>(null);
  const [priceCheck, setPriceCheck] = useState<PriceCheck | 'waiting' | null>(null);
  /** The member a loyalty card scanned in the scan field put on the sale (the scan's answer says so). */
  const [memberByCard, setMemberByCard] = useState<AttachedMember | null>(null);
  const scan = useRef<HTMLInputElement>(null);
  const focusScan = useCallback(() => scan.current?.focus(), []);
  const selectLine = useCallback(
    (lineId: string) => {
      setSelectedId(lineId);
      focusScan();
    },
    [focusScan],
  );
  /** A good scan ticks; an error plays the error tone and flashes the scan field (sound per settings `checkout.sound`). */
  const feedback = (kind: 'ok' | 'error') => {
    if (kind === 'ok') playTick();
    else {
      playError();
      flashScanField(scan.current);
    }
  };
  // A receipt's barcode (a sale number) opens that sale's refund over this screen.
  const receiptReturn = useReceiptReturn({ info, setNotice, setError, focusScan, onCart: setCart });

  const refreshHeld = useCallback(() => call('cart.held', {}).then((answer) => setHeld(answer.carts), () => setHeld([])), []);
  useEffect(() => {
    void call('cart.get', {}).then(setCart, (e: unknown) => setError(errorText(e)));
    void refreshHeld();
  }, [refreshHeld]);
  useKassaEvent('cart.changed', setCart);

  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(() => setUndo((current) => (current?.seq === undo.seq ? null : current)), UNDO_MS);
    return () => clearTimeout(timer);
  }, [undo]);

  const lines = cart?.lines ?? [];
  const selected: CartLine | null = lines.find((line) => line.id === selectedId) ?? lines.at(-1) ?? null;

  // Back to the scan field whenever no dialog is open, also after a language switch (the scanner types on).
  useEffect(() => {
    if (!dialog) focusScan();
  }, [dialog, focusScan, locale]);
  useEffect(() => {
    if (selected) document.getElementById(`line-${selected.id}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  const open = useCallback(
    (kind: DialogKind) => {
      if (LINE_DIALOGS.includes(kind) && !selected) {
        setNotice(null);
        setError(t('scanFirst'));
        return;
      }
      if (kind === 'recall') {
        setHeld(null);
        void refreshHeld();
      }
      setDialogError(null);
      setDialog(kind);
    },
    [selected, refreshHeld, t],
  );
  const close = () => {
    setDialog(null);
    setDialogError(null);
  };

  /** Runs a cart operation: on success the new cart and a notice; on failure the register's sentence, in the dialog if one is open. */
  const run = async (action: () => Promise<Cart>, done: (updated: Cart) => string | null): Promise<boolean> => {
    try {
      const updated = await action();
      setCart(updated);
      setError(null);
      setNotice(done(updated));
      close();
      return true;
    } catch (e) {
      if (dialog) setDialogError(errorText(e));
      else {
        setNotice(null);
        setError(errorText(e));
      }
      return false;
    } finally {
      if (!dialog) focusScan();
    }
  };

  // Keys typed anywhere on this screen (a scanner does not aim) go to the scan field; function keys open actions.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (dialog) return;
      const kind = event.altKey && event.key.toLowerCase() === 'r' ? 'return' : SHORTCUTS[event.key];
      if (kind) {
        event.preventDefault();
        open(kind);
        return;
      }
      if (event.key === 'F12') {
        event.preventDefault();
        if (lines.length) onPay();
        return;
      }
      if (event.key === 'F5') {
        event.preventDefault();
        setPriceCheck((mode) => (mode ? null : 'waiting'));
        focusScan();
        return;
      }
      if (event.key === 'z' && (event.ctrlKey || event.metaKey) && undo) {
        event.preventDefault();
        void restore();
        return;
      }
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, dialog')) return;
      // A key typed while a button (or nothing) has focus belongs to the scan field: a scanner does not aim.
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) focusScan();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // Buttons give focus back to the scan field once pressed (unless they opened a dialog, which does so on closing).
  const dialogOpen = useRef(false);
  useLayoutEffect(() => {
    dialogOpen.current = dialog !== null;
  });
  const onButtonPressed = (event: React.MouseEvent) => {
    if (!(event.target as HTMLElement).closest('button')) return;
    requestAnimationFrame(() => {
      if (!dialogOpen.current && !document.querySelector('dialog[open]')) focusScan();
    });
  };

  // A code scanned on another screen is scanned here once.
  const taken = useRef<number | null>(null);
  useEffect(() => {
    if (!pendingScan || taken.current === pendingScan.seq) return;
    taken.current = pendingScan.seq;
    onScanTaken?.();
    void scanCode(pendingScan.code);
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = code.trim();
    setCode('');
    if (!typed) {
      // Enter on an empty scan field is the Pay key once there is something to pay.
      if (lines.length && !priceCheck) onPay();
      return;
    }
    await scanCode(typed);
  };

  const checkPrice = async (typed: string) => {
    try {
      const answer = await call('catalog.priceCheck', { code: typed });
      setError(null);
      setPriceCheck(answer);
      feedback('ok');
    } catch (e) {
      setPriceCheck('waiting');
      setNotice(null);
      setError(errorText(e));
      feedback('error');
    } finally {
      focusScan();
    }
  };

  const scanCode = async (typed: string) => {
    if (priceCheck) return checkPrice(typed);
    const quantity = nextQuantity ?? undefined;
    try {
      // A sale number (a receipt) opens its refund; anything else is sent at once, before this screen re-renders.
      if (SALE_NUMBER.test(typed.trim()) && (await receiptReturn.tryOpen(typed))) {
        setNextQuantity(null);
        return;
      }
      const scanning = call('cart.scan', quantity ? { code: typed, quantity } : { code: typed });
      setNextQuantity(null);
      // The register answers once: a product on its line, or a member's loyalty card on the sale; any other code is an error.
      const updated = await scanning;
      setCart(updated);
      setError(null);
      feedback('ok');
      if (updated.member) {
        setMemberByCard(updated.member);
        setNotice(updated.member.member ? t('membership:cardAttached', { name: updated.member.member.name }) : null);
        return;
      }
      const added = updated.lines.find((line) => cart?.lines.find((old) => old.id === line.id)?.quantity !== line.quantity);
      if (added) setSelectedId(added.id);
      setNotice(added ? t('added', { name: added.name }) : null);
    } catch (e) {
      setNotice(null);
      setError(errorText(e));
      feedback('error');
    } finally {
      focusScan();
    }
  };

  const setQuantity = (line: CartLine, quantity: number) =>
    run(
      () => call('cart.setQuantity', { lineId: line.id, quantity }),
      () => t('quantitySet', { name: line.name, quantity }),
    );
  const voidLine = (line: CartLine) =>
    run(
      () => call('cart.voidLine', { lineId: line.id }),
      () => null,
    ).then((ok) => {
      if (!ok) return;
      setSelectedId(null);
      setUndo({ lineId: line.id, name: line.name, seq: Date.now() });
    });
  async function restore() {
    if (!undo) return;
    const { lineId, name } = undo;
    setUndo(null);
    const ok = await run(
      () => call('cart.restoreLine', { lineId }),
      () => t('restored', { name }),
    );
    if (ok) setSelectedId(lineId);
  }
  const addProduct = (product: Product) =>
    run(
      () => call('cart.scan', { code: product.sku }),
      (updated) => {
        const line = updated.lines.filter((l) => l.sku === product.sku).at(-1);
        if (line) setSelectedId(line.id);
        return t('added', { name: product.name });
      },
    );

  // The scan field's own keys: a scanner types digits and letters, never these.
  const onScanKey = (event: ReactKeyboardEvent<HTMLInputElement>) => {
    const index = selected ? lines.indexOf(selected) : -1;
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      if (!lines.length) return;
      const next = event.key === 'ArrowUp' ? Math.max(0, index - 1) : Math.min(lines.length - 1, index + 1);
      setSelectedId(lines[next]!.id);
    } else if (selected && !selected.returned && code === '' && (event.key === '+' || event.key === '-')) {
      event.preventDefault();
      void setQuantity(selected, selected.quantity + (event.key === '+' ? 1 : -1));
    } else if (code === '' && event.key === 'Delete') {
      // Shift+Delete, not Delete alone: a stray Delete must not take a line off (and a void has Undo besides).
      event.preventDefault();
      if (!selected) return;
      if (event.shiftKey) void voidLine(selected);
      else {
        setError(null);
        setNotice(t('deleteHint', { name: selected.name }));
      }
    } else if (event.key === '*' && /^\d{1,4}$/.test(code.trim())) {
      // "3 *": the next scan adds 3 of the item. The selected line's quantity stays on + − and F3.
      event.preventDefault();
      const quantity = Number(code.trim());
      setCode('');
      if (quantity < 1) {
        setNotice(null);
        setError(t('nextQuantityInvalid'));
        feedback('error');
        return;
      }
      setError(null);
      setNextQuantity(quantity);
    } else if (event.key === 'Escape' && code === '' && (nextQuantity !== null || priceCheck)) {
      event.preventDefault();
      setNextQuantity(null);
      setPriceCheck(null);
    }
  };

  const currency = cart?.currency ?? info.currency;
  // Kept while the currency and language are: a cart line re-renders only when it changed (a scan adds one row, not every row).
  const format = useCallback((amount: number) => money(amount, currency, locale), [currency, locale]);
  const heldCount = held?.length ?? 0;
  return (
    <main className="checkout" onClick={onButtonPressed}>
      <section className="checkout__cart" aria-label={t('cart')}>
        <MemberPanel saleId={cart?.id ?? null} attachedByScan={memberByCard} onDialogClosed={focusScan} />
        <div className="checkout__lines">
          <table className="cart">
            <thead>
              <tr>
                <th scope="col">{t('item')}</th>
                <th scope="col" className="num">
                  {t('qty')}
                </th>
                <th scope="col" className="num">
                  {t('price')}
                </th>
                <th scope="col" className="num">
                  {t('lineTotal')}
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.length ? (
                lines.map((line) => (
                  <CartLineRow
                    key={line.id}
                    line={line}
                    selected={line.id === selected?.id}
                    onSelect={selectLine}
                    format={format}
                    locale={locale}
                  >
                    <LineDetails line={line} format={format} t={t} />
                  </CartLineRow>
                ))
              ) : (
                <tr>
                  <td colSpan={4} className="cart__empty">
                    {t('empty')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <div className="line-actions" role="group" aria-label={t('selectedLine')}>
          <p className="line-actions__selected">{selected ? selected.name : t('noLine')}</p>
          <div className="line-actions__buttons">
            <button
              type="button"
              className="button button--secondary button--square"
              aria-label={t('decrease')}
              disabled={!selected || selected.quantity <= 1 || selected.weightGrams !== undefined || !!selected.returned}
              onClick={() => selected && void setQuantity(selected, selected.quantity - 1)}
            >
              −
            </button>
            <button type="button" className="button button--secondary" disabled={!selected} onClick={() => open('quantity')}>
              {t('quantity')} <kbd aria-hidden="true">F3</kbd>
            </button>
            <button
              type="button"
              className="button button--secondary button--square"
              aria-label={t('increase')}
              disabled={!selected || selected.weightGrams !== undefined || !!selected.returned}
              onClick={() => selected && void setQuantity(selected, selected.quantity + 1)}
            >
              +
            </button>
            <button type="button" className="button button--secondary" disabled={!selected} onClick={() => open('price')}>
              {t('overridePrice')} <kbd aria-hidden="true">F6</kbd>
            </button>
            <button type="button" className="button button--secondary" disabled={!selected} onClick={() => open('discount')}>
              {t('discount')} <kbd aria-hidden="true">F7</kbd>
            </button>
            <button type="button" className="button button--danger-outline line-actions__void" disabled={!selected} onClick={() => selected && void voidLine(selected)}>
              {t('voidLine')} <kbd aria-hidden="true">⇧Del</kbd>
            </button>
          </div>
        </div>
      </section>
      <aside className="checkout__side">
        <form onSubmit={submit} className="scan">
          <label htmlFor="scan">{t('scanLabel')}</label>
          <input
            ref={scan}
            id="scan"
            data-testid="scan-input"
            className="scan__input"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            onKeyDown={onScanKey}
            aria-describedby={error ? 'scan-error' : 'scan-hint'}
          />
          <p id="scan-hint" className="scan__hint">
            {nextQuantity !== null ? (
              <span className="scan__mode" data-testid="next-quantity">
                {t('nextQuantity', { quantity: nextQuantity })}
              </span>
            ) : priceCheck ? (
              <span className="scan__mode scan__mode--check" data-testid="price-check-mode">
                {t('priceCheckMode')}
              </span>
            ) : (
              t('scanHint')
            )}
          </p>
        </form>
        {/* One fixed slot for messages: a message never pushes the buttons under the cashier's finger. */}
        <div className="messages" data-testid="messages">
          {error ? (
            <p id="scan-error" className="message message--error" role="alert">
              {error}
            </p>
          ) : undo ? (
            <p className="message message--notice message--undo" role="status" data-testid="undo-void">
              <span>{t('voided', { name: undo.name })}</span>
              <button type="button" className="button button--secondary button--small" onClick={() => void restore()}>
                {t('undo')} <kbd aria-hidden="true">Ctrl+Z</kbd>
              </button>
            </p>
          ) : priceCheck && priceCheck !== 'waiting' ? (
            <p className="message message--check" role="status" data-testid="price-check">
              <strong>{priceCheck.product.name}</strong> <span className="message__price">{format(priceCheck.product.price)}</span>
              {priceCheck.promotions.length ? <span className="message__promo"> · {priceCheck.promotions.map((promotion) => promotion.name).join(' · ')}</span> : null}
            </p>
          ) : notice ? (
            <p className="message message--notice" role="status">
              {notice}
            </p>
          ) : (
            <p className="message message--notice" role="status" />
          )}
        </div>
        <div className="sale-actions" role="group" aria-label={t('sale')}>
          <button type="button" className="button button--secondary" onClick={() => open('search')}>
            {t('findProduct')} <kbd aria-hidden="true">F2</kbd>
          </button>
          <button type="button" className="button button--secondary" disabled={!lines.length} onClick={() => open('hold')}>
            {t('hold')} <kbd aria-hidden="true">F8</kbd>
          </button>
          <button type="button" className="button button--secondary" onClick={() => open('recall')}>
            {t('recall')}{heldCount ? <span className="count"> ({heldCount})</span> : null} <kbd aria-hidden="true">F9</kbd>
          </button>
          <button type="button" className="button button--danger-outline" disabled={!lines.length} onClick={() => open('void')}>
            {t('voidSale')} <kbd aria-hidden="true">F4</kbd>
          </button>
          <button type="button" className="button button--secondary" data-testid="return-item" onClick={() => open('return')}>
            {t('returns.button')} <kbd aria-hidden="true">Alt+R</kbd>
          </button>
        </div>
        <div className="total">
          <span className="total__label">
            {t('total')}
            {cart?.itemCount ? ` · ${t('items', { count: cart.itemCount })}` : ''}
          </span>
          <output className="total__amount" data-testid="cart-total" aria-label={t('amountDue')}>
            {format(cart?.total ?? 0)}
          </output>
          {cart?.lines.length ? (
            <dl className="total__details">
              {cart.discountTotal ? (
                <>
                  <dt>{cart.saleDiscount ? t('savingsIncl', { name: cart.saleDiscount.name }) : t('savings')}</dt>
                  <dd>−{format(cart.discountTotal)}</dd>
                </>
              ) : null}
              {(cart.tax ?? [])
                .filter((line) => line.tax !== 0)
                .map((line) => (
                  <Fragment key={line.taxClass}>
                    <dt>
                      {t(cart.pricesIncludeTax ? 'taxIncluded' : 'taxAdded', {
                        taxClass: { standard: t('taxClass.standard'), reduced: t('taxClass.reduced'), zero: t('taxClass.zero') }[line.taxClass],
                        rate: percent(line.rateBasisPoints / 10000, locale),
                      })}
                    </dt>
                    <dd>{format(line.tax)}</dd>
                  </Fragment>
                ))}
              {cart.cashDue !== undefined && cart.cashDue !== cart.total ? (
                <>
                  <dt>{t('cashDue')}</dt>
                  <dd>{format(cart.cashDue)}</dd>
                </>
              ) : null}
            </dl>
          ) : null}
          <button type="button" className="button button--primary button--large" onClick={onPay} disabled={!cart?.lines.length}>
            {t('pay')} <kbd aria-hidden="true">F12</kbd>
          </button>
        </div>
      </aside>
      {dialog === 'search' ? <SearchDialog onClose={close} error={dialogError} format={format} onAdd={(product) => void addProduct(product)} /> : null}
      {dialog === 'quantity' && selected ? <QuantityDialog onClose={close} error={dialogError} line={selected} onSubmit={(quantity) => void setQuantity(selected, quantity)} /> : null}
      {(dialog === 'price' || dialog === 'discount') && selected ? (
        <ManagerDialog
          onClose={close}
          error={dialogError}
          line={selected}
          mode={dialog}
          currency={currency}
          locale={locale}
          format={format}
          onSubmit={(change, managerPin) =>
            void run(
              () => ('price' in change ? call('cart.overridePrice', { lineId: selected.id, price: change.price, managerPin }) : call('cart.discount', { lineId: selected.id, ...change, managerPin })),
              () => ('price' in change ? t('priceApproved', { name: selected.name, price: format(change.price) }) : t('discountApproved', { name: selected.name })),
            )
          }
        />
      ) : null}
      {dialog === 'return' ? (
        <ReturnItemDialog
          onClose={close}
          limit={info.till ? format(info.till.noReceiptManagerAbove) : null}
          onReturned={(updated) => {
            setCart(updated);
            setError(null);
            const line = updated.lines.at(-1);
            if (line) setSelectedId(line.id);
            setNotice(line ? t('returns.added', { name: line.name, amount: format(-line.lineTotal) }) : null);
            close();
          }}
        />
      ) : null}
      {dialog === 'void' ? (
        <VoidSaleDialog
          onClose={close}
          error={dialogError}
          total={format(cart?.total ?? 0)}
          onSubmit={(reason) =>
            void run(
              () => call('cart.void', { reason }),
              () => t('saleVoided'),
            )
          }
        />
      ) : null}
      {dialog === 'hold' ? (
        <HoldDialog
          onClose={close}
          error={dialogError}
          onSubmit={(label) =>
            void run(
              () => call('cart.hold', label.trim() ? { label: label.trim() } : {}),
              () => t('saleHeld'),
            ).then(() => refreshHeld())
          }
        />
      ) : null}
      {dialog === 'recall' ? (
        <RecallDialog
          onClose={close}
          error={dialogError}
          carts={held}
          format={format}
          locale={locale}
          onRecall={(chosen) =>
            void run(
              () => call('cart.recall', { saleId: chosen.id }),
              () => t('recalled', { label: chosen.label }),
            ).then(() => refreshHeld())
          }
        />
      ) : null}
      {receiptReturn.dialog}
    </main>
  );
}

/** What changed a line's price, under its name: weight, override, discount, promotion. */
function LineDetails({ line, format, t }: { line: CartLine; format: (amount: number) => string; t: TFunction<'checkout'> }) {
  const details: string[] = [];
  if (line.originalPrice !== undefined) details.push(t('priceChanged', { price: format(line.originalPrice) }));
  if (line.discount) details.push(`${line.discountPercent ? t('percentOff', { percent: line.discountPercent }) : t('discount')}: −${format(line.discount)}`);
  if (line.promotion) details.push(`${line.promotion.name}: −${format(line.promotion.saving)}`);
  if (!details.length) return null;
  return <span className="cart__detail">{details.join(' · ')}</span>;
}
