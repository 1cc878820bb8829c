import { useState, type FormEvent } from 'react';
import type { AppInfo } from '../../../../shared/api';
import type { OrderDetail, OrderSummary } from '../../../../shared/modules/orders.api';
import { call, errorText } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { PinField } from '../../components/PinField';
import { NO_REASON, ReasonPicker, reasonText, type ReasonChoice } from '../../components/ReasonPicker';
import { NumberPad, usePadTarget } from '../../components/NumberPad';
import { refundAmounts, refundChecks } from '../../../../shared/refund';
import { isPin } from '../../../../shared/pin';
import { money } from '../../format';
import { useSelectOnFocus } from '../../hooks/useSelectOnFocus';
import { useTranslation } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';

/** The chosen lines, the reason and the manager's PIN (when needed) of a refund or an exchange. */
export interface ReturnChoice {
  lines: { index: number; quantity: number }[];
  reason: string;
  managerPin?: string;
}

/**
 * The refund: a quantity per line (at most what remains refundable), the tender the money goes back to,
 * a reason (a preset or free words), and a manager's PIN when the amount is above the configured limit.
 * With `onExchange` (opened from the sale screen) an Exchange button hands the chosen lines to the cart
 * instead of refunding them. Errors in role=alert.
 */
export function RefundDialog({
  info,
  detail,
  onClose,
  onDone,
  onExchange,
}: {
  info: AppInfo;
  detail: OrderDetail;
  onClose: () => void;
  onDone: (number: string, refund: OrderSummary) => void;
  onExchange?: (choice: ReturnChoice) => Promise<void>;
}) {
  const { t } = useTranslation('orders');
  const { t: tr } = useTranslation('returns');
  const locale = info.locale;
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  const [tender, setTender] = useState<'original' | 'cash'>(detail.policy.tenders[0] ?? 'cash');
  const [reason, setReason] = useState<ReasonChoice>(NO_REASON);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const selectOnFocus = useSelectOnFocus();
  // The number pad types into the quantity or the manager PIN the cashier was last in.
  const pad = usePadTarget();

  const refundable = detail.lines.filter((l) => l.refundable > 0);
  const chosen = refundable.filter((l) => (quantities[l.index] ?? 0) > 0);
  // What the register will give back: each line's share of the order's total (after a sale-wide discount).
  const { amount } = refundAmounts(
    { total: detail.order.total, lines: detail.lines },
    (index) => detail.lines[index]?.refunded ?? 0,
    chosen.map((l) => ({ index: l.index, quantity: quantities[l.index]! })),
  );
  // The limit counts what the order already gave back, so a refund split in parts still needs the manager.
  const { managerNeeded: needsManager, overOfflineLimit: overOffline } = refundChecks(detail.policy.refundedAmount ?? 0, amount, detail.policy);

  /** The lines, reason and PIN, or null after saying in the alert what is missing. */
  const choice = (): ReturnChoice | null => {
    const words = reasonText(reason, tr);
    const missing = chosen.length === 0 ? t('dialog.nothingChosen') : !words ? t('dialog.reasonNeeded') : needsManager && !isPin(pin) ? t('dialog.pinNeeded') : null;
    setError(missing);
    if (missing) return null;
    return { lines: chosen.map((l) => ({ index: l.index, quantity: quantities[l.index]! })), reason: words, ...(needsManager ? { managerPin: pin } : {}) };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const chose = choice();
    if (!chose) return;
    setBusy(true);
    try {
      const done = await call('orders.refund', { orderId: detail.order.id, source: detail.order.source, tender, ...chose });
      onDone(done.refund.number, done.refund);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const exchange = async () => {
    const chose = onExchange && choice();
    if (!chose) return;
    setBusy(true);
    try {
      await onExchange(chose);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('dialog.title', { number: detail.order.number })} onClose={onClose} wide className="refund-dialog refund-dialog--pad" closeLabel={null} focus="input">
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
            <ReasonPicker value={reason} onChange={setReason} label={t('dialog.reason')} />
            {needsManager ? (
              <label className="field">
                {t('dialog.managerPin')}
                <PinField value={pin} onChange={setPin} />
              </label>
            ) : null}
          </div>
          <div className="refund-dialog__side">
            <NumberPad target={pad.target} disabled={busy} />
            {/* The amount and what it needs stay in view beside the Refund button, however far the form scrolls. */}
            <p className="dialog__context" data-testid="refund-amount">
              {t('dialog.amount', { amount: money(amount, detail.order.currency, locale) })}
            </p>
            {needsManager ? <p className="dialog__hint">{t('dialog.managerHint', { limit: money(detail.policy.managerAbove, detail.order.currency, locale) })}</p> : null}
            {overOffline ? (
              <p role="status" className="dialog__hint">
                {t('dialog.offlineLimit', { limit: money(detail.policy.offlineLimit ?? 0, detail.order.currency, locale) })}
              </p>
            ) : null}
            <ErrorAlert error={error} />
            <div className="order-detail__actions">
              <button type="button" className="button button--secondary button--large" onClick={onClose}>
                {t('dialog.cancel')}
              </button>
              {onExchange ? (
                <button type="button" className="button button--secondary button--large" disabled={busy || chosen.length === 0} onClick={() => void exchange()} title={tr('exchange.hint')}>
                  {tr('exchange.button')}
                </button>
              ) : null}
              <button type="submit" className="button button--primary button--large" disabled={busy || chosen.length === 0}>
                {t('dialog.submit')}
              </button>
            </div>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
