import { useRef, useState, type FormEvent } from 'react';
import type { Cart } from '../../../../shared/api';
import { isPin } from '../../../../shared/pin';
import { call, CallError, errorText } from '../../api/client';
import { useTranslation } from '../../i18n';
import { Dialog } from '../../components/Dialog';
import { PinField } from '../../components/PinField';

/**
 * A return without a receipt: the item (scanned or typed), how many, and why. The register prices it at
 * today's price; above `orders.noReceiptManagerAbove` it asks for a manager's PIN, and the dialog shows
 * the PIN field.
 */
export function ReturnItemDialog({ onClose, onReturned, limit }: { onClose: () => void; onReturned: (cart: Cart) => void; limit: string | null }) {
  const { t } = useTranslation('checkout');
  const [code, setCode] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [reason, setReason] = useState('');
  const [pin, setPin] = useState('');
  const [needsPin, setNeedsPin] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pinField = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const count = Number(quantity);
    if (!code.trim()) return setError(t('returns.codeNeeded'));
    if (!Number.isInteger(count) || count < 1 || count > 999) return setError(t('returns.quantityNeeded'));
    if (!reason.trim()) return setError(t('returns.reasonNeeded'));
    if (needsPin && !isPin(pin)) {
      pinField.current?.focus();
      return setError(t('returns.pinNeeded'));
    }
    setBusy(true);
    try {
      const cart = await call('cart.addReturn', { kind: 'noReceipt', code: code.trim(), quantity: count, reason: reason.trim(), ...(needsPin ? { managerPin: pin } : {}) });
      onReturned(cart);
    } catch (e) {
      setError(errorText(e));
      // Above the limit (or a PIN that is not a manager's): the PIN field opens for the manager.
      if (e instanceof CallError && (e.code === 'NOT_ALLOWED' || e.code === 'NOT_A_MANAGER')) {
        setNeedsPin(true);
        setPin('');
        setTimeout(() => pinField.current?.focus(), 0);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('returns.title')} onClose={onClose} error={error}>
      <form onSubmit={(e) => void submit(e)} className="dialog__form">
        <label className="field">
          <span>{t('returns.code')}</span>
          <input className="field__input" autoFocus autoComplete="off" spellCheck={false} maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('returns.quantity')}</span>
          <input className="field__input" inputMode="numeric" autoComplete="off" maxLength={3} value={quantity} onChange={(e) => setQuantity(e.target.value.replace(/\D/g, ''))} />
        </label>
        <label className="field">
          <span>{t('returns.reasonLabel')}</span>
          <input className="field__input" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        {limit ? <p className="dialog__hint">{t('returns.managerAbove', { limit })}</p> : null}
        {needsPin ? (
          <label className="field">
            <span>{t('returns.managerPin')}</span>
            <PinField ref={pinField} className="field__input field__input--big" value={pin} onChange={setPin} />
          </label>
        ) : null}
        <button type="submit" className="button button--primary button--large" disabled={busy}>
          {t('returns.submit')}
        </button>
      </form>
    </Dialog>
  );
}
