import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AppInfo, Cart } from '../../../shared/api';
import { call, CallError } from '../api/client';
import { money } from '../format';
import { useKassaEvent } from '../hooks/useKassaEvent';

/** The cart: the scan field always has focus, so a barcode scanner (a keyboard wedge) just works. */
export function CheckoutScreen({ info, onPay }: { info: AppInfo; onPay: () => void }) {
  const [cart, setCart] = useState<Cart | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const scan = useRef<HTMLInputElement>(null);
  const focusScan = useCallback(() => scan.current?.focus(), []);

  useEffect(() => {
    void call('cart.get', {}).then(setCart, (e: unknown) => setError(e instanceof CallError ? e.message : String(e)));
  }, []);
  useKassaEvent('cart.changed', setCart);

  // Keys typed anywhere on this screen (a scanner does not aim) go to the scan field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, button')) return;
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) focusScan();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [focusScan]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = code.trim();
    setCode('');
    if (!typed) return;
    try {
      const updated = await call('cart.scan', { code: typed });
      setCart(updated);
      setError(null);
      const added = updated.lines.find((line) => cart?.lines.find((old) => old.id === line.id)?.quantity !== line.quantity);
      setNotice(added ? `Added ${added.name}` : null);
    } catch (e) {
      setNotice(null);
      setError(e instanceof CallError ? e.message : String(e));
    } finally {
      focusScan();
    }
  };

  const format = (amount: number) => money(amount, cart?.currency ?? info.currency, info.locale);
  return (
    <main className="checkout">
      <section className="checkout__cart" aria-label="Cart">
        <table className="cart">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col" className="num">
                Qty
              </th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {cart?.lines.length ? (
              cart.lines.map((line) => (
                <tr key={line.id}>
                  <td>{line.name}</td>
                  <td className="num">{line.quantity}</td>
                  <td className="num">{format(line.unitPrice)}</td>
                  <td className="num">{format(line.lineTotal)}</td>
                </tr>
              ))
            ) : (
              <tr>
                <td colSpan={4} className="cart__empty">
                  Scan an item to start a sale.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      <aside className="checkout__side">
        <form onSubmit={submit} className="scan">
          <label htmlFor="scan">Barcode or SKU</label>
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
            aria-describedby={error ? 'scan-error' : undefined}
          />
        </form>
        <div className="messages">
          {error ? (
            <p id="scan-error" className="message message--error" role="alert">
              {error}
            </p>
          ) : null}
          <p className="message message--notice" role="status">
            {notice ?? ''}
          </p>
        </div>
        <div className="total">
          <span className="total__label">Total{cart?.itemCount ? ` · ${cart.itemCount} ${cart.itemCount === 1 ? 'item' : 'items'}` : ''}</span>
          <output className="total__amount" data-testid="cart-total" aria-label="Amount due">
            {format(cart?.total ?? 0)}
          </output>
          <button type="button" className="button button--primary button--large" onClick={onPay} disabled={!cart?.lines.length}>
            Pay
          </button>
        </div>
      </aside>
    </main>
  );
}
