import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AppInfo } from '../../../../shared/api';
import type { ZReport } from '../../../../shared/modules/orders.api';
import { call, CallError, errorText } from '../../api/client';
import { PinField } from '../../components/PinField';
import { useKassaEvent } from '../../hooks/useKassaEvent';
import { dateTime, money } from '../../format';
import { useTranslation } from '../../i18n';
import { PaperPrint, printCopyOf, type PrintCopy } from '../../components/PaperPrint';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * End of day (Alt+E): the Z-report of the open day (totals by tender, refunds, offline card payments
 * outstanding, operations waiting to upload, dead letters) and Close day. Closing with operations not yet
 * on HQ needs a manager's PIN; closing never discards anything.
 */
export function DayScreen({ info }: { info: AppInfo }) {
  const { t } = useTranslation('day');
  const locale = info.locale;
  const [report, setReport] = useState<ZReport | null>(null);
  const [closed, setClosed] = useState<ZReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [needsManager, setNeedsManager] = useState(false);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [printCopy, setPrintCopy] = useState<PrintCopy | null>(null);
  const printed = useCallback(() => setPrintCopy(null), []);
  const pinField = useRef<HTMLInputElement>(null);

  /** Close day was refused for unsynced operations; once they have all reached HQ the cashier may close alone. */
  const refused = useRef(false);
  const load = useCallback(
    () =>
      call('day.report', {}).then(
        (next) => {
          setReport(next);
          if (refused.current && next.pendingSync === 0 && next.deadLetters === 0) {
            refused.current = false;
            setNeedsManager(false);
            setPin('');
            setError(null);
          }
        },
        (e: unknown) => setError(errorText(e)),
      ),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useKassaEvent('sync.changed', () => void load());

  useEffect(() => {
    if (needsManager) pinField.current?.focus();
  }, [needsManager]);

  const close = async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const done = await call('day.close', needsManager ? { managerPin: pin } : {});
      setClosed(done);
      setNeedsManager(false);
      setPin('');
      void load();
    } catch (e) {
      if (e instanceof CallError && e.code === 'NOT_ALLOWED') {
        refused.current = true;
        setNeedsManager(true);
      }
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const print = async () => {
    setError(null);
    try {
      const { html } = await call('day.reportHtml', {});
      setPrintCopy(printCopyOf(html));
    } catch (e) {
      setError(errorText(e));
    }
  };

  const shown = closed ?? report;
  const tenderName = (x: ZReport['tenders'][number]['tender']) => (x === 'cash' ? t('tenders.cash') : x === 'card' ? t('tenders.card') : t('tenders.points'));

  return (
    <main className="orders day" aria-labelledby="day-title">
      <h1 id="day-title">{t('title')}</h1>
      {closed?.closed ? (
        <p role="status" className="message message--notice" data-testid="day-closed">
          {closed.closed.unsyncedOperations > 0
            ? t('closedUnsynced', { by: closed.closed.by, count: closed.closed.unsyncedOperations, at: dateTime(closed.closed.at, locale) })
            : t('closed', { by: closed.closed.by, at: dateTime(closed.closed.at, locale) })}
        </p>
      ) : null}
      {shown ? (
        <section className="z-report" aria-labelledby="z-title" data-testid="z-report">
          <h2 id="z-title">{closed ? t('closedReport') : t('report')}</h2>
          <p className="z-report__period">
            {shown.from === null ? t('noOrders') : t('period', { from: dateTime(shown.from, locale), to: dateTime(shown.closed?.at ?? shown.to, locale) })}
          </p>
          <table className="orders__table">
            <tbody>
              <tr>
                <th scope="row">{t('sales', { count: shown.salesCount })}</th>
                <td className="num" data-testid="z-sales">
                  {money(shown.salesTotal, shown.currency, locale)}
                </td>
              </tr>
              <tr>
                <th scope="row">{t('refunds', { count: shown.refundsCount })}</th>
                <td className="num" data-testid="z-refunds">
                  {money(shown.refundsTotal, shown.currency, locale)}
                </td>
              </tr>
              <tr className="z-report__net">
                <th scope="row">{t('net')}</th>
                <td className="num">{money(shown.net, shown.currency, locale)}</td>
              </tr>
              {shown.tenders.map((x) => (
                <tr key={x.tender}>
                  <th scope="row">{t('tender', { tender: tenderName(x.tender), in: money(x.in, shown.currency, locale), out: money(x.out, shown.currency, locale) })}</th>
                  <td className="num">{money(x.net, shown.currency, locale)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">{t('offlineCards')}</th>
                <td className="num">{money(shown.offlineCardOutstanding, shown.currency, locale)}</td>
              </tr>
              <tr>
                <th scope="row">{t('pendingSync')}</th>
                <td className="num" data-testid="z-pending">
                  {shown.pendingSync}
                </td>
              </tr>
              <tr>
                <th scope="row">{t('deadLetters')}</th>
                <td className="num">{shown.deadLetters}</td>
              </tr>
              {(shown.drawers ?? []).map((d) => (
                <tr key={d.id} data-testid="z-drawer">
                  <th scope="row">
                    {t('drawer', { at: dateTime(d.openedAt, locale), float: money(d.float, shown.currency, locale) })}
                    {d.openedAtFirstSale ? ` · ${t('drawerFirstSale')}` : ''}
                  </th>
                  <td className="num">
                    {d.closedAt === null
                      ? t('drawerOpen')
                      : t('drawerFigures', { expected: money(d.expected!, shown.currency, locale), counted: money(d.counted!, shown.currency, locale), variance: money(d.variance!, shown.currency, locale) })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <ErrorAlert error={error} />
      <form className="order-detail__actions" onSubmit={(e) => void close(e)}>
        {needsManager ? (
          <label className="field">
            {t('managerPin')}
            <PinField ref={pinField} value={pin} onChange={setPin} />
          </label>
        ) : null}
        <button type="button" className="button button--secondary button--large" onClick={() => void print()} disabled={!shown}>
          {t('print')}
        </button>
        <button type="submit" className="button button--primary button--large" disabled={busy || (needsManager && pin.length < 4)}>
          {needsManager ? t('closeWithManager') : t('close')}
        </button>
      </form>
      {printCopy && <PaperPrint copy={printCopy} onDone={printed} testId="z-report-print" />}
    </main>
  );
}
