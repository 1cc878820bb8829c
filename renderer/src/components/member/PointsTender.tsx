import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TenderState } from '../../../../shared/api';
import type { AttachedMember } from '../../../../shared/modules/membership.api';
import { call, errorText } from '../../api/client';
import { useSelectOnFocus } from '../../hooks/useSelectOnFocus';
import { useTranslation } from '../../i18n';
import { formatPoints } from './format-points';
import { MemberSummary } from './MemberSummary';
import { ErrorAlert } from '../ErrorAlert';

/** Points as tender on the tender screen, when a member is attached: what may be redeemed now and why, and a field to redeem. */
export function PointsTender({ state, format, onPaid }: { state: TenderState; format: (amount: number) => string; onPaid: (state: TenderState) => void }) {
  const { t, i18n } = useTranslation('membership');
  const [attached, setAttached] = useState<AttachedMember | null>(null);
  const [pointsText, setPointsText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const selectOnFocus = useSelectOnFocus();

  // HQ is asked for the balance once, when the screen opens; after each payment the register's copy
  // (refreshed then) tells what may still be redeemed.
  const askedHq = useRef(false);
  useEffect(() => {
    let live = true;
    const refresh = !askedHq.current;
    askedHq.current = true;
    call('membership.attached', { refresh }).then(
      (answer) => {
        if (!live) return;
        setAttached(answer);
        setPointsText(String(Math.min(answer.redeemable, Math.floor(state.remaining / answer.pointValue))));
      },
      () => live && setAttached(null),
    );
    return () => {
      live = false;
    };
  }, [state.remaining, state.paid]);

  if (!attached?.member) return null;
  const locale = i18n.language;
  const redeem = (event: FormEvent) => {
    event.preventDefault();
    if (busy || !state.saleId) return;
    setBusy(true);
    setError(null);
    call('membership.redeem', { saleId: state.saleId, points: Number(pointsText) })
      .then(onPaid, (e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="points-tender" aria-label={t('pointsTender')} onSubmit={redeem}>
      <MemberSummary member={attached.member} compact />
      <p className="points-tender__limit" data-testid="points-redeemable">
        {t('redeemable', { points: formatPoints(attached.redeemable, locale), value: format(attached.redeemable * attached.pointValue) })}
        {attached.offlineCap !== null ? ` ${t('offlineCap', { cap: formatPoints(attached.offlineCap, locale) })}` : ''}
      </p>
      {state.remaining > 0 && attached.redeemable > 0 ? (
        <div className="points-tender__row">
          <label className="field">
            <span>{t('pointsToRedeem')}</span>
            <input className="field__input" inputMode="numeric" autoComplete="off" maxLength={9} value={pointsText} onChange={(e) => setPointsText(e.target.value.replace(/\D/g, ''))} {...selectOnFocus} />
          </label>
          <button type="submit" className="button button--secondary" disabled={busy || !pointsText}>
            {t('payWithPoints')}
          </button>
        </div>
      ) : null}
      <ErrorAlert error={error} />
    </form>
  );
}
