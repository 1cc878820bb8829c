import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AppInfo, ChannelOutput } from '../../../../shared/api';
import type { OrderSource, OrderSummary } from '../../../../shared/modules/orders.api';
import type { Tender } from '../../../../shared/tender';
import { call, errorText } from '../../api/client';
import { dateTime, money } from '../../format';
import { useTranslation } from '../../i18n';
import { OrderDetailView } from './OrderDetail';
import { parseMoneyInput } from '../cart/money-input';
import { ErrorAlert } from '../../components/ErrorAlert';

type Scope = 'shift' | 'day' | 'all';
type TenderFilter = '' | Tender;
type SearchAnswer = ChannelOutput<'orders.search'>;

/** The amount searched for, in minor units; undefined when empty, not an amount of the currency, or negative. */
function parseAmount(text: string, currency: string): number | undefined {
  const minor = text.trim() ? parseMoneyInput(text, currency) : null;
  return minor === null || minor < 0 ? undefined : minor;
}

const toMs = (local: string) => (local ? new Date(local).getTime() : undefined);

/**
 * Orders (Alt+O): this shift's, the day's or all kept orders of this register, searched by number,
 * amount, time, tender or member; online HQ's orders of other registers and stores follow, each marked
 * by where it comes from. Offline (or when HQ fails) a notice says only this register was searched.
 */
export function OrdersScreen({ info }: { info: AppInfo }) {
  const { t } = useTranslation('orders');
  const locale = info.locale;
  const [scope, setScope] = useState<Scope>('day');
  const [number, setNumber] = useState('');
  const [amount, setAmount] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [tender, setTender] = useState<TenderFilter>('');
  const [member, setMember] = useState('');
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<{ id: string; source: OrderSource } | null>(null);

  const search = useCallback(
    (input: Parameters<typeof call<'orders.search'>>[1]) => {
      setBusy(true);
      setError(null);
      return call('orders.search', input)
        .then(setAnswer, (e: unknown) => setError(errorText(e)))
        .finally(() => setBusy(false));
    },
    [],
  );

  useEffect(() => {
    let current = true;
    call('orders.search', { scope: 'day' }).then(
      (found) => current && setAnswer(found),
      (e: unknown) => current && setError(errorText(e)),
    );
    return () => {
      current = false;
    };
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const minor = parseAmount(amount, info.currency);
    if (amount.trim() && minor === undefined) {
      setError(t('amountInvalid'));
      return;
    }
    void search({
      scope,
      ...(number.trim() ? { number: number.trim() } : {}),
      ...(minor !== undefined ? { amount: minor } : {}),
      ...(toMs(from) !== undefined ? { from: toMs(from) } : {}),
      ...(toMs(to) !== undefined ? { to: toMs(to) } : {}),
      ...(tender ? { tender } : {}),
      ...(member.trim() ? { memberId: member.trim() } : {}),
    });
  };

  if (open) {
    return <OrderDetailView info={info} orderId={open.id} source={open.source} onBack={() => setOpen(null)} onOpen={(id, source) => setOpen({ id, source })} />;
  }

  const sourceLabel = (o: OrderSummary) => (o.thisRegister ? t('source.thisRegister') : o.origin.split('-')[0] === info.storeCode ? t('source.otherRegister', { origin: o.origin }) : t('source.otherStore', { origin: o.origin }));

  return (
    <main className="orders" aria-labelledby="orders-title">
      <h1 id="orders-title">{t('title')}</h1>
      <form className="orders__search" onSubmit={submit} aria-label={t('searchLabel')}>
        <fieldset className="orders__scope">
          <legend>{t('scope.label')}</legend>
          {(['shift', 'day', 'all'] as const).map((s) => (
            <label key={s} className={`button button--choice${scope === s ? ' is-selected' : ''}`}>
              <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => setScope(s)} />
              {s === 'shift' ? t('scope.shift') : s === 'day' ? t('scope.day') : t('scope.all')}
            </label>
          ))}
        </fieldset>
        <label className="field">
          {t('number')}
          <input className="field__input" value={number} onChange={(e) => setNumber(e.target.value)} placeholder={`${info.storeCode}-${info.registerCode}-42`} autoFocus />
        </label>
        <label className="field">
          {t('amount')}
          <input className="field__input" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </label>
        <label className="field">
          {t('from')}
          <input className="field__input" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field">
          {t('to')}
          <input className="field__input" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label className="field">
          {t('tender')}
          <select className="field__input" value={tender} onChange={(e) => setTender(e.target.value as TenderFilter)}>
            <option value="">{t('tenders.any')}</option>
            <option value="cash">{t('tenders.cash')}</option>
            <option value="card">{t('tenders.card')}</option>
            <option value="points">{t('tenders.points')}</option>
          </select>
        </label>
        <label className="field">
          {t('member')}
          <input className="field__input" value={member} onChange={(e) => setMember(e.target.value)} />
        </label>
        <button type="submit" className="button button--primary orders__go" disabled={busy}>
          {t('search')}
        </button>
      </form>
      <ErrorAlert error={error} />
      {answer?.notice ? (
        <p role="status" className="message orders__notice" data-testid="orders-notice" data-notice={answer.notice}>
          {answer.notice === 'offline' ? t('notice.offline') : answer.notice === 'hq-failed' ? t('notice.hqFailed') : t('notice.demo')}
        </p>
      ) : null}
      {answer ? (
        answer.orders.length === 0 ? (
          <p className="orders__empty" role="status">
            {t('empty')}
          </p>
        ) : (
          <table className="orders__table" aria-label={t('results')}>
            <thead>
              <tr>
                <th scope="col">{t('col.number')}</th>
                <th scope="col">{t('col.time')}</th>
                <th scope="col">{t('col.tenders')}</th>
                <th scope="col">{t('col.source')}</th>
                <th scope="col" className="num">
                  {t('col.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {answer.orders.map((o) => (
                <tr key={`${o.source}:${o.id}`} data-testid="order-row" data-number={o.number} data-source={o.source}>
                  <td>
                    <button type="button" className="button button--secondary orders__open" onClick={() => setOpen({ id: o.id, source: o.source })}>
                      {o.number}
                    </button>
                    {o.kind === 'refund' ? <span className="badge badge--refund">{t('refundBadge')}</span> : null}
                  </td>
                  <td>{dateTime(o.createdAt, locale)}</td>
                  <td>{o.tenders.map((x) => (x === 'cash' ? t('tenders.cash') : x === 'card' ? t('tenders.card') : t('tenders.points'))).join(', ') || '—'}</td>
                  <td>
                    <span className={`badge orders__source orders__source--${o.source}`}>{sourceLabel(o)}</span>
                  </td>
                  <td className="num">{money(o.total, o.currency, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </main>
  );
}
