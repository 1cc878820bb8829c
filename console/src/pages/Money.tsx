/**
 * Money: for a range of days and a store or register, the takings by store, register, day and tender with
 * totals, the refunds, the card payments taken offline (those HQ declined stand out, with sale, register,
 * cashier and amount), and the cash sessions with their variance. Each table exports as CSV.
 */
import { useState } from 'react';
import { z } from 'zod';
import { CashSessionsSchema, ConsoleRegisterSchema, OfflineCardsSchema, PersonSchema, RefundsSchema, TakingsSchema } from '../../../shared/hq/console';
import { call, exportLink, type Query } from '../api';
import { Empty, ErrorMessage, Field, PageHeader, StoreSelect, useLoad, useStoreName } from '../components';
import { dateTime, money, utcDay } from '../format';
import { useTranslation } from '../i18n';

const RegistersSchema = z.object({ registers: z.array(ConsoleRegisterSchema) });
const PeopleSchema = z.object({ people: z.array(PersonSchema) });
const STATUSES = ['pending', 'settling', 'settled', 'declined'] as const;

export function MoneyPage() {
  const { t, i18n } = useTranslation();
  const [from, setFrom] = useState(() => utcDay(-6));
  const [to, setTo] = useState(() => utcDay());
  const [storeId, setStoreId] = useState('');
  const [registerId, setRegisterId] = useState('');
  const [cardStatus, setCardStatus] = useState<'' | (typeof STATUSES)[number]>('');
  const storeName = useStoreName();
  const registers = useLoad(() => call(RegistersSchema, 'GET', '/registers', { query: { storeId } }), [storeId]);
  const people = useLoad(() => call(PeopleSchema, 'GET', '/people'), []);
  const registerName = (id: string) => {
    const r = registers.data?.registers.find((x) => x.id === id);
    return r ? r.name || r.code : id;
  };
  const cashierName = (id: string | null) => (id ? (people.data?.people.find((p) => p.id === id)?.name ?? id) : '—');
  const valid = from <= to;
  const query: Query = { from, to, storeId, registerId };
  const key = [from, to, storeId, registerId];
  const skip = <T,>(empty: T) => Promise.resolve(empty);
  // Across stores, a row per store (registers summed): a chain's week per register is too many rows to read.
  const takings = useLoad(() => (valid ? call(TakingsSchema, 'GET', '/money/takings', { query: { ...query, by: storeId || registerId ? 'register' : 'store' } }) : skip({ rows: [] })), key);
  const refunds = useLoad(() => (valid ? call(RefundsSchema, 'GET', '/money/refunds', { query }) : skip({ refunds: [] })), key);
  const cards = useLoad(() => (valid ? call(OfflineCardsSchema, 'GET', '/money/offline-cards', { query: { ...query, status: cardStatus } }) : skip({ payments: [] })), [...key, cardStatus]);
  const sessions = useLoad(() => (valid ? call(CashSessionsSchema, 'GET', '/money/cash-sessions', { query }) : skip({ sessions: [] })), key);
  const m = (amount: number, currency: string) => money(amount, currency, i18n.language);

  // Totals per currency: a chain may run stores in more than one.
  const totals = new Map<string, { sales: number; refunds: number; net: number; orders: number }>();
  const byTender = new Map<string, { sales: number; refunds: number; net: number; orders: number }>();
  for (const r of takings.data?.rows ?? []) {
    for (const [map, k] of [[totals, r.currency], [byTender, `${r.tender}\u0000${r.currency}`]] as const) {
      const sum = map.get(k) ?? { sales: 0, refunds: 0, net: 0, orders: 0 };
      map.set(k, { sales: sum.sales + r.sales, refunds: sum.refunds + r.refunds, net: sum.net + r.net, orders: sum.orders + r.orders });
    }
  }

  const ExportButton = ({ report, extra }: { report: string; extra?: Query }) => (
    <a className="button button--secondary button--small" href={exportLink(report, { ...query, ...extra })} download>
      {t('money.exportCsv')}
    </a>
  );

  return (
    <section className="page__body">
      <PageHeader title={t('money.title')} />
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('money.filters')}>
        <Field label={t('money.from')}>{(id) => <input id={id} type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />}</Field>
        <Field label={t('money.to')}>{(id) => <input id={id} type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />}</Field>
        <StoreSelect value={storeId} onChange={(id) => (setStoreId(id), setRegisterId(''))} allowAll />
        <Field label={t('money.register')}>
          {(id) => (
            <select id={id} value={registerId} onChange={(e) => setRegisterId(e.target.value)}>
              <option value="">{t('money.allRegisters')}</option>
              {registers.data?.registers.map((r) => (
                <option key={r.id} value={r.id}>{r.name || r.code}</option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {!valid ? <p className="message message--error" role="alert">{t('money.badRange')}</p> : null}

      <section aria-labelledby="takings-title" className="section">
        <header className="section__header">
          <h2 id="takings-title">{t('money.takings')}</h2>
          <ExportButton report="takings" />
        </header>
        <ErrorMessage error={takings.error} />
        <table className="table" data-testid="takings">
          <thead>
            <tr>
              <th scope="col">{t('money.day')}</th>
              <th scope="col">{t('common.store')}</th>
              <th scope="col">{t('money.register')}</th>
              <th scope="col">{t('money.tender')}</th>
              <th scope="col" className="num">{t('money.orders')}</th>
              <th scope="col" className="num">{t('money.sales')}</th>
              <th scope="col" className="num">{t('money.refunds')}</th>
              <th scope="col" className="num">{t('money.net')}</th>
            </tr>
          </thead>
          <tbody>
            {takings.data?.rows.length === 0 ? <Empty colSpan={8}>{t('money.noTakings')}</Empty> : null}
            {takings.data?.rows.map((r) => (
              <tr key={`${r.day}-${r.storeId}-${r.registerId}-${r.tender}-${r.currency}`}>
                <td className="nowrap">{r.day}</td>
                <td>{storeName(r.storeId)}</td>
                <td>{r.registerId === null ? t('money.allRegisters') : registerName(r.registerId)}</td>
                <td>{t(`tenders.${r.tender}`)}</td>
                <td className="num">{r.orders}</td>
                <td className="num">{m(r.sales, r.currency)}</td>
                <td className="num">{m(r.refunds, r.currency)}</td>
                <td className="num">{m(r.net, r.currency)}</td>
              </tr>
            ))}
          </tbody>
          {totals.size > 0 ? (
            <tfoot>
              {[...byTender].map(([k, s]) => {
                const [tender, currency] = k.split('\u0000') as [string, string];
                return (
                  <tr key={k} className="subtotal">
                    <th scope="row" colSpan={4}>{t('money.tenderTotal', { tender: t(`tenders.${tender}`) })}</th>
                    <td className="num">{s.orders}</td>
                    <td className="num">{m(s.sales, currency)}</td>
                    <td className="num">{m(s.refunds, currency)}</td>
                    <td className="num">{m(s.net, currency)}</td>
                  </tr>
                );
              })}
              {[...totals].map(([currency, s]) => (
                <tr key={currency} className="total-row">
                  <th scope="row" colSpan={4}>{t('money.total', { currency })}</th>
                  <td className="num">{s.orders}</td>
                  <td className="num">{m(s.sales, currency)}</td>
                  <td className="num">{m(s.refunds, currency)}</td>
                  <td className="num" data-testid="takings-net">{m(s.net, currency)}</td>
                </tr>
              ))}
            </tfoot>
          ) : null}
        </table>
      </section>

      <section aria-labelledby="cards-title" className="section">
        <header className="section__header">
          <h2 id="cards-title">{t('money.offlineCards')}</h2>
          <Field label={t('money.settlement')}>
            {(id) => (
              <select id={id} value={cardStatus} onChange={(e) => setCardStatus(e.target.value as typeof cardStatus)}>
                <option value="">{t('money.allStatuses')}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>{t(`money.statuses.${s}`)}</option>
                ))}
              </select>
            )}
          </Field>
          <ExportButton report="offline-cards" extra={{ status: cardStatus }} />
        </header>
        <ErrorMessage error={cards.error} />
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('money.capturedAt')}</th>
              <th scope="col">{t('money.sale')}</th>
              <th scope="col">{t('common.store')}</th>
              <th scope="col">{t('money.register')}</th>
              <th scope="col">{t('money.cashier')}</th>
              <th scope="col">{t('money.card')}</th>
              <th scope="col" className="num">{t('money.amount')}</th>
              <th scope="col">{t('money.settlement')}</th>
            </tr>
          </thead>
          <tbody>
            {cards.data?.payments.length === 0 ? <Empty colSpan={8}>{t('money.noCards')}</Empty> : null}
            {cards.data?.payments.map((p) => (
              <tr key={p.id} className={p.status === 'declined' ? 'row--declined' : undefined}>
                <td className="nowrap">{dateTime(p.capturedAt, i18n.language)}</td>
                <td>{p.orderNumber ?? p.orderId}</td>
                <td>{storeName(p.storeId)}</td>
                <td>{registerName(p.registerId)}</td>
                <td>{cashierName(p.cashierId)}</td>
                <td>•••• {p.last4}</td>
                <td className="num">{m(p.amount, p.currency)}</td>
                <td>
                  <span className={`pill pill--${p.status}`}>{t(`money.statuses.${p.status}`)}</span>
                  {p.reason ? <small className="muted"> {p.reason}</small> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="refunds-title" className="section">
        <header className="section__header">
          <h2 id="refunds-title">{t('money.refundsTitle')}</h2>
          <ExportButton report="refunds" />
        </header>
        <ErrorMessage error={refunds.error} />
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('money.when')}</th>
              <th scope="col">{t('money.refund')}</th>
              <th scope="col">{t('common.store')}</th>
              <th scope="col">{t('money.register')}</th>
              <th scope="col">{t('money.cashier')}</th>
              <th scope="col" className="num">{t('money.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {refunds.data?.refunds.length === 0 ? <Empty colSpan={6}>{t('money.noRefunds')}</Empty> : null}
            {refunds.data?.refunds.map((r) => (
              <tr key={r.id}>
                <td className="nowrap">{dateTime(r.createdAt, i18n.language)}</td>
                <td>{r.number}</td>
                <td>{storeName(r.storeId)}</td>
                <td>{registerName(r.registerId)}</td>
                <td>{cashierName(r.cashierId)}</td>
                <td className="num">{m(r.total, r.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="sessions-title" className="section">
        <header className="section__header">
          <h2 id="sessions-title">{t('money.cashSessions')}</h2>
          <ExportButton report="cash-sessions" />
        </header>
        <ErrorMessage error={sessions.error} />
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('money.opened')}</th>
              <th scope="col">{t('money.closed')}</th>
              <th scope="col">{t('common.store')}</th>
              <th scope="col">{t('money.register')}</th>
              <th scope="col" className="num">{t('money.float')}</th>
              <th scope="col" className="num">{t('money.expected')}</th>
              <th scope="col" className="num">{t('money.counted')}</th>
              <th scope="col" className="num">{t('money.variance')}</th>
              <th scope="col">{t('money.note')}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.data?.sessions.length === 0 ? <Empty colSpan={9}>{t('money.noSessions')}</Empty> : null}
            {sessions.data?.sessions.map((s) => (
              <tr key={s.id}>
                <td className="nowrap">{dateTime(s.openedAt, i18n.language)}</td>
                <td className="nowrap">{s.closedAt ? dateTime(s.closedAt, i18n.language) : t('money.stillOpen')}</td>
                <td>{storeName(s.storeId)}</td>
                <td>{registerName(s.registerId)}</td>
                <td className="num">{m(s.float, s.currency)}</td>
                <td className="num">{s.expected === null ? '—' : m(s.expected, s.currency)}</td>
                <td className="num">{s.counted === null ? '—' : m(s.counted, s.currency)}</td>
                <td className={`num${s.variance ? ' warn' : ''}`}>{s.variance === null ? '—' : m(s.variance, s.currency)}</td>
                <td>{s.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
