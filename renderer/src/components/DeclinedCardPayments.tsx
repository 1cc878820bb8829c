import { useState } from 'react';
import type { z } from 'zod';
import type { DeclinedCardPaymentSchema } from '../../../shared/api';
import { call, errorText } from '../api/client';
import { Dialog } from './Dialog';
import { clock, money } from '../format';
import { useTranslation } from '../i18n';

type Declined = z.infer<typeof DeclinedCardPaymentSchema>;

/**
 * Card payments taken offline that HQ declined when they were sent: the alert in the status bar, and
 * the list a manager follows up (sale number, amount, card, HQ's reason).
 */
export function DeclinedCardPayments({ count, currency, locale }: { count: number; currency: string; locale: string }) {
  const { t } = useTranslation('status');
  const [shown, setShown] = useState(false);
  const [payments, setPayments] = useState<Declined[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    setError(null);
    try {
      setPayments((await call('checkout.declinedCardPayments', {})).payments);
    } catch (e) {
      setError(errorText(e));
    }
    setShown(true);
  };
  return (
    <span className="status-bar__warning status-bar__declined" role="alert" title={t('declined.alert', { count })}>
      <span className="status-bar__text">{t('declined.alert', { count })}</span>{' '}
      <button type="button" className="button button--secondary button--small" onClick={() => void open()}>
        {t('declined.show')}
      </button>
      {shown ? (
        <Dialog title={t('declined.title')} onClose={() => setShown(false)} wide closeLabel={null} error={error} restoreFocus>
          <table className="cart">
            <thead>
              <tr>
                <th scope="col">{t('declined.sale')}</th>
                <th scope="col">{t('declined.taken')}</th>
                <th scope="col">{t('declined.card')}</th>
                <th scope="col" className="num">
                  {t('declined.amount')}
                </th>
                <th scope="col">{t('declined.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {(payments ?? []).map((p) => (
                <tr key={p.paymentId}>
                  <td>{p.saleNumber ?? '—'}</td>
                  <td>{clock(p.capturedAt, locale)}</td>
                  <td>····{p.last4 ?? ''}</td>
                  <td className="num">{money(p.amount, currency, locale)}</td>
                  <td>{p.reason ?? t('declined.declined')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>{t('declined.advice')}</p>
          <button type="button" className="button button--primary" onClick={() => setShown(false)}>
            {t('declined.close')}
          </button>
        </Dialog>
      ) : null}
    </span>
  );
}
