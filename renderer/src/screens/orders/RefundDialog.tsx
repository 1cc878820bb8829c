import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AppInfo } from '../../../../shared/api';
import type { OrderDetail } from '../../../../shared/modules/orders.api';
import { call, errorText } from '../../api/client';
import { NumberPad, usePadTarget } from '../../components/NumberPad';
import { money } from '../../format';
import { useSelectOnFocus } from '../../hooks/useSelectOnFocus';
import { useTranslation } from '../../i18n';

/** What a refund of `quantity` units of a line gives back, as the register computes it (for the preview and the manager threshold). */
function estimate(line: OrderDetail['lines'][number], quantity: number): number {
  if (line.quantity <= 0) return 0;
  return Math.round((line.lineTotal * (line.refunded + quantity)) / line.quantity) - Math.round((line.lineTotal * line.refunded) / line.quantity);
}

/**
 * The refund: a quantity per line (at most what remains refundable), the tender the money goes back to,
 * a reason, and a manager's PIN when the amount is above the configured limit. Errors in role=alert.
 */
export function RefundDialog({ info, detail, onClose, onDone }: { info: AppInfo; detail: OrderDetail; onClose: () => void; onDone: (number: string) => void }) {
  const { t } = useTranslation('orders');
  const locale = info.locale;
  const ref = useRef<HTMLDialogElement>(null);
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  const [tender, setTender] = useState<'original' | 'cash'>(detail.policy.tenders[0] ?? 'cash');
  const [reason, setReason] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const selectOnFocus = useSelectOnFocus();
  // The number pad types into the quantity or the manager PIN the cashier was last in.
  const pad = usePadTarget();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
    dialog?.querySelector<HTMLInputElement>('input')?.focus();
    return () => dialog?.close?.();
  }, []);

  const refundable = detail.lines.filter((l) => l.refundable > 0);
  const amount = refundable.reduce((sum, l) => sum + estimate(l, quantities[l.index] ?? 0), 0);
  // The limit counts what the order already gave back, so a refund split in parts still needs the manager.
  const needsManager = (detail.policy.refundedAmount ?? 0) + amount > detail.policy.managerAbove;
  const overOffline = detail.policy.offlineLimit !== null && (detail.policy.refundedAmount ?? 0) + amount > detail.policy.offlineLimit;
  const chosen = refundable.filter((l) => (quantities[l.index] ?? 0) > 0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (chosen.length === 0) return setError(t('dialog.nothingChosen'));
    if (!reason.trim()) return setError(t('dialog.reasonNeeded'));
    if (needsManager && !/^\d{4,8}$/.test(pin)) return setError(t('dialog.pinNeeded'));
    setBusy(true);
    try {
      const done = await call('orders.refund', {
        orderId: detail.order.id,
        source: detail.order.source,
        lines: chosen.map((l) => ({ index: l.index, quantity: quantities[l.index]! })),
        tender,
        reason: reason.trim(),
        ...(needsManager ? { managerPin: pin } : {}),
      });
      onDone(done.refund.number);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog dialog--wide refund-dialog refund-dialog--pad" aria-labelledby="refund-title" onCancel={onClose}>
      <div className="dialog__head">
        <h2 id="refund-title">{t('dialog.title', { number: detail.order.number })}</h2>
      </div>
      <form className="dialog__form" onSubmit={(e) => void submit(e)} onFocus={pad.onFocus}>
        <div className="with-number-pad">
          <div className="dialog__form">
            <table className="orders__table">
              <thead>
                <tr>
                  <th scope="col">{t('col.item')}</th>
                  <th scope="col" className="num">
                    {t('dialog.left')}
                  </th>
                  <th scope="col" className="num">
                    {t('dialog.quantity')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {refundable.map((line) => (
                  <tr key={line.index}>
                    <td>{line.name}</td>
                    <td className="num">{line.refundable}</td>
                    <td className="num">
                      <input
                        className="field__input refund-dialog__qty"
                        type="number"
                        min={0}
                        max={line.refundable}
                        step={1}
                        aria-label={t('dialog.quantityOf', { name: line.name })}
                        value={quantities[line.index] ?? 0}
                        {...selectOnFocus}
                        onChange={(e) => setQuantities((q) => ({ ...q, [line.index]: Math.max(0, Math.min(line.refundable, Math.trunc(Number(e.target.value) || 0))) }))}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" className="button button--secondary" onClick={() => setQuantities(Object.fromEntries(refundable.map((l) => [l.index, l.refundable])))}>
              {t('dialog.all')}
            </button>
            <fieldset className="choices">
              <legend>{t('dialog.tender')}</legend>
              {detail.policy.tenders.map((x) => (
                <label key={x} className={`button button--choice${tender === x ? ' is-selected' : ''}`}>
                  <input type="radio" name="refund-tender" value={x} checked={tender === x} onChange={() => setTender(x)} />
                  {x === 'original' ? t('dialog.original') : t('dialog.cash')}
                </label>
              ))}
            </fieldset>
            <label className="field">
              {t('dialog.reason')}
              <input className="field__input" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
            </label>
            {needsManager ? (
              <label className="field">
                {t('dialog.managerPin')}
                <input className="field__input" type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />
              </label>
            ) : null}
            <p className="dialog__context" data-testid="refund-amount">
              {t('dialog.amount', { amount: money(amount, detail.order.currency, locale) })}
            </p>
            {needsManager ? <p className="dialog__hint">{t('dialog.managerHint', { limit: money(detail.policy.managerAbove, detail.order.currency, locale) })}</p> : null}
            {overOffline ? (
              <p role="status" className="dialog__hint">
                {t('dialog.offlineLimit', { limit: money(detail.policy.offlineLimit ?? 0, detail.order.currency, locale) })}
              </p>
            ) : null}
            {error ? (
              <p role="alert" className="message message--error">
                {error}
              </p>
            ) : null}
          </div>
          <div className="refund-dialog__side">
            <NumberPad target={pad.target} disabled={busy} />
            <div className="order-detail__actions">
              <button type="button" className="button button--secondary button--large" onClick={onClose}>
                {t('dialog.cancel')}
              </button>
              <button type="submit" className="button button--primary button--large" disabled={busy || chosen.length === 0}>
                {t('dialog.submit')}
              </button>
            </div>
          </div>
        </div>
      </form>
    </dialog>
  );
}
