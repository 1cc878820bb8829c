import { useCallback, useEffect, useState } from 'react';
import type { AppInfo } from '../../../../shared/api';
import type { OrderDetail, OrderSource } from '../../../../shared/modules/orders.api';
import { call, errorText } from '../../api/client';
import { ReceiptView } from '../../components/ReceiptView';
import { dateTime, money } from '../../format';
import { useTranslation } from '../../i18n';
import { RefundDialog } from './RefundDialog';
import { ErrorAlert } from '../../components/ErrorAlert';

/** One order: its lines with what was refunded of each, its payments, the refunds made against it; Reprint and Refund. */
export function OrderDetailView({
  info,
  orderId,
  source,
  onBack,
  onOpen,
}: {
  info: AppInfo;
  orderId: string;
  source: OrderSource;
  onBack: () => void;
  onOpen: (id: string, source: OrderSource) => void;
}) {
  const { t } = useTranslation('orders');
  const locale = info.locale;
  const [detail, setDetail] = useState<OrderDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refunding, setRefunding] = useState(false);
  const [reprint, setReprint] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => call('orders.detail', { orderId, source }).then(setDetail, (e: unknown) => setError(errorText(e))), [orderId, source]);
  useEffect(() => {
    void load();
  }, [load]);

  const reason = (d: OrderDetail) => {
    switch (d.policy.reasonCode) {
      case 'cross-register-offline':
        return t('policy.crossRegisterOffline');
      case 'refund-of-refund':
        return t('policy.refundOfRefund');
      case 'nothing-left':
        return t('policy.nothingLeft');
      default:
        return d.policy.reason ?? '';
    }
  };

  return (
    <main className="orders order-detail" aria-labelledby="order-title">
      <div className="order-detail__head">
        <button type="button" className="button button--secondary" onClick={onBack}>
          {t('back')}
        </button>
        <h1 id="order-title">
          {detail ? (detail.order.kind === 'refund' ? t('detail.refundTitle', { number: detail.order.number }) : t('detail.title', { number: detail.order.number })) : t('detail.loading')}
        </h1>
      </div>
      <ErrorAlert error={error} />
      {notice ? (
        <p role="status" className="message message--notice">
          {notice}
        </p>
      ) : null}
      {detail ? (
        <>
          <p className="order-detail__facts">
            {dateTime(detail.order.createdAt, locale)} · {detail.order.cashier ?? '—'} · {detail.order.thisRegister ? t('source.thisRegister') : t('source.otherRegister', { origin: detail.order.origin })}
            {detail.order.memberId ? ` · ${t('member')}: ${detail.order.memberId}` : ''}
          </p>
          <table className="orders__table" aria-label={t('detail.lines')}>
            <thead>
              <tr>
                <th scope="col">{t('col.item')}</th>
                <th scope="col" className="num">
                  {t('col.quantity')}
                </th>
                <th scope="col" className="num">
                  {t('col.refunded')}
                </th>
                <th scope="col" className="num">
                  {t('col.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {detail.lines.map((line) => (
                <tr key={line.index}>
                  <td>{line.name}</td>
                  <td className="num">{line.quantity}</td>
                  <td className="num">
                    {line.refunded}
                    {line.returned ? <span className="cart__detail" data-testid="line-exchanged">{t('exchanged', { count: line.returned })}</span> : null}
                  </td>
                  <td className="num">{money(line.lineTotal, detail.order.currency, locale)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  {t('col.total')}
                </th>
                <td className="num order-detail__total">{money(detail.order.total, detail.order.currency, locale)}</td>
              </tr>
            </tfoot>
          </table>
          {detail.payments.length > 0 ? (
            <section aria-labelledby="payments-title">
              <h2 id="payments-title">{t('detail.payments')}</h2>
              <ul className="order-detail__list">
                {detail.payments.map((p) => (
                  <li key={p.id}>
                    {p.tender === 'cash' ? t('tenders.cash') : p.tender === 'card' ? t('tenders.card') : t('tenders.points')}
                    {p.last4 ? ` ····${p.last4}` : ''} {money(p.amount, detail.order.currency, locale)}
                    {p.status === 'stored' ? <span className="badge badge--pending">{t('detail.stored')}</span> : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {detail.refunds.length > 0 ? (
            <section aria-labelledby="refunds-title">
              <h2 id="refunds-title">{t('detail.refunds')}</h2>
              <ul className="order-detail__list">
                {detail.refunds.map((r) => (
                  <li key={r.id}>
                    <button type="button" className="button button--secondary" onClick={() => onOpen(r.id, r.source)}>
                      {r.number}
                    </button>{' '}
                    {dateTime(r.createdAt, locale)} · {money(r.total, r.currency, locale)}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {!detail.policy.allowed && detail.order.kind === 'sale' ? (
            <p role="alert" className="message message--error" data-testid="refund-blocked">
              {reason(detail)}
            </p>
          ) : null}
          <div className="order-detail__actions">
            {detail.order.source === 'local' ? (
              <button type="button" className="button button--secondary button--large" onClick={() => setReprint((r) => !r)} aria-expanded={reprint}>
                {t('reprint')}
              </button>
            ) : null}
            {detail.order.kind === 'sale' ? (
              <button type="button" className="button button--primary button--large" disabled={!detail.policy.allowed} onClick={() => setRefunding(true)}>
                {t('refund')}
              </button>
            ) : null}
          </div>
          {reprint && detail.order.source === 'local' ? <ReceiptView saleId={detail.order.id} /> : null}
          {refunding ? (
            <RefundDialog
              info={info}
              detail={detail}
              onClose={() => setRefunding(false)}
              onDone={(number) => {
                setRefunding(false);
                setNotice(t('refunded', { number }));
                void load();
              }}
            />
          ) : null}
        </>
      ) : null}
    </main>
  );
}
