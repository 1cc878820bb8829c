import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AppInfo, User } from '../../../../shared/api';
import { PAY_REASONS } from '../../../../shared/cash';
import type { CashState, DrawerReport } from '../../../../shared/modules/cash.api';
import { call, CallError, errorText } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PinField } from '../../components/PinField';
import { clock, money } from '../../format';
import { useTranslation } from '../../i18n';
import { parseMoneyInput } from '../cart/money-input';
import { countOf, DrawerCount, emptyCount, type CountEntry } from './DrawerCount';

type ManualKind = 'paid-in' | 'paid-out' | 'drop' | 'no-sale';
const MANUAL_KINDS: readonly ManualKind[] = ['paid-in', 'paid-out', 'drop', 'no-sale'];
type Mode = { kind: 'idle' } | { kind: 'move'; what: ManualKind } | { kind: 'count' } | { kind: 'report'; report: DrawerReport; title: 'x' | 'z' | 'closed' };

/**
 * Drawer (Alt+W): the drawer session of this register. Open it with a counted float; paid in and out (with a
 * reason, a manager above the limit), safe drops and no-sales; the X report (managers); the blind count —
 * entered before the expected amount is shown — then the Z report with over/short, and the close.
 */
export function CashScreen({ info, user }: { info: AppInfo; user: User }) {
  const { t } = useTranslation('cash');
  const locale = info.locale;
  const [state, setState] = useState<CashState | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'idle' });
  const [entry, setEntry] = useState<CountEntry>(emptyCount);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [pin, setPin] = useState('');
  const [needsManager, setNeedsManager] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  const load = useCallback(() => call('cash.state', {}).then(setState, (e: unknown) => setError(errorText(e))), []);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (mode.kind === 'move') first.current?.focus();
  }, [mode]);

  const reset = (next: Mode = { kind: 'idle' }) => {
    setMode(next);
    setEntry(emptyCount());
    setAmount('');
    setReason('');
    setNote('');
    setPin('');
    setNeedsManager(false);
    setError(null);
  };

  /** Runs a call; a refusal that a manager can lift asks for their PIN. */
  const run = async <T,>(fn: () => Promise<T>, done: (value: T) => void) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      done(await fn());
      void load();
    } catch (e) {
      if (e instanceof CallError && e.code === 'NOT_ALLOWED' && /manager/.test(e.message)) setNeedsManager(true);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!state) return <main className="orders cash" aria-busy="true" />;
  const currency = state.currency;
  const session = state.session;
  const m = (n: number) => money(n, currency, locale);
  const counted = countOf(entry, state.denominations, currency);

  const open = (event: FormEvent) => {
    event.preventDefault();
    if (!counted) return setError(t('badCount'));
    void run(() => call('cash.open', counted), () => {
      setNotice(t('opened', { float: m(counted.amount) }));
      reset();
    });
  };

  const move = (event: FormEvent, what: ManualKind) => {
    event.preventDefault();
    const minor = what === 'no-sale' ? 0 : parseMoneyInput(amount, currency);
    if (minor === null || (what !== 'no-sale' && minor <= 0)) return setError(t('badAmount'));
    const input = {
      kind: what,
      amount: minor,
      ...(reason ? { reason: reason as (typeof PAY_REASONS)['paid-out'][number] } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
      ...(needsManager && pin ? { managerPin: pin } : {}),
    };
    void run(() => call('cash.move', input), (done) => {
      setNotice(t(`done.${what}`, { amount: m(Math.abs(done.amount)) }));
      reset();
    });
  };

  const count = (event: FormEvent) => {
    event.preventDefault();
    if (!counted) return setError(t('badCount'));
    void run(() => call('cash.count', { ...counted, ...(needsManager && pin ? { managerPin: pin } : {}) }), (report) => reset({ kind: 'report', report, title: 'z' }));
  };

  const close = (event: FormEvent) => {
    event.preventDefault();
    void run(() => call('cash.close', { ...(note.trim() ? { note: note.trim() } : {}), ...(needsManager && pin ? { managerPin: pin } : {}) }), (report) => {
      reset({ kind: 'report', report, title: 'closed' });
      setNotice(t('closed'));
    });
  };

  const managerPin = needsManager ? (
    <label className="field">
      {t('managerPin')}
      <PinField value={pin} onChange={setPin} autoFocus data-testid="cash-manager-pin" />
    </label>
  ) : null;

  return (
    <main className="orders cash" aria-labelledby="cash-title">
      <h1 id="cash-title">{t('title')}</h1>
      {notice ? (
        <p role="status" className="message message--notice" data-testid="cash-notice">
          {notice}
        </p>
      ) : null}
      {session ? (
        <p className="cash__session" data-testid="cash-session">
          {t('session', { at: clock(session.openedAt, locale), float: m(session.float) })}
          {session.openedAtFirstSale ? <strong className="cash__flag"> · {t('openedAtFirstSale')}</strong> : null}
        </p>
      ) : (
        <p className="cash__session" data-testid="cash-session">
          {state.requireCountedFloat ? t('closedRequired') : t('closedNow')}
        </p>
      )}

      {mode.kind === 'report' ? (
        <Report report={mode.report} title={t(`report.${mode.title}`)} locale={locale} />
      ) : null}

      {!session && mode.kind !== 'report' ? (
        <form className="cash__form" onSubmit={open} aria-labelledby="cash-open-title">
          <h2 id="cash-open-title">{t('openTitle')}</h2>
          <DrawerCount entry={entry} onChange={setEntry} denominations={state.denominations} currency={currency} locale={locale} label={t('floatLabel')} />
          <ErrorAlert error={error} />
          <button type="submit" className="button button--primary button--large" disabled={busy || !counted} data-testid="cash-open">
            {t('open')}
          </button>
        </form>
      ) : null}

      {session && session.countedAt === null && mode.kind === 'idle' ? (
        <div className="order-detail__actions cash__actions">
          {MANUAL_KINDS.map((what) => (
            <button key={what} type="button" className="button button--secondary button--large" onClick={() => reset({ kind: 'move', what })} data-testid={`cash-${what}`}>
              {t(`kind.${what}`)}
            </button>
          ))}
          {user.role === 'manager' ? (
            <button type="button" className="button button--secondary button--large" onClick={() => void run(() => call('cash.xReport', {}), (report) => setMode({ kind: 'report', report, title: 'x' }))} data-testid="cash-x">
              {t('xReport')}
            </button>
          ) : null}
          <button type="button" className="button button--primary button--large" onClick={() => reset({ kind: 'count' })} data-testid="cash-count">
            {t('countDrawer')}
          </button>
        </div>
      ) : null}

      {mode.kind === 'move' ? (
        <form className="cash__form" onSubmit={(e) => move(e, mode.what)} aria-labelledby="cash-move-title">
          <h2 id="cash-move-title">{t(`kind.${mode.what}`)}</h2>
          {mode.what !== 'no-sale' ? (
            <label className="field">
              {t('amount')}
              <input ref={first} className="field__input" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="cash-amount" />
            </label>
          ) : (
            <p>{t('noSaleHint')}</p>
          )}
          {mode.what === 'paid-in' || mode.what === 'paid-out' ? (
            <label className="field">
              {t('reason')}
              <select className="field__input" value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="cash-reason">
                <option value="">{t('pickReason')}</option>
                {PAY_REASONS[mode.what].map((r) => (
                  <option key={r} value={r}>
                    {t(`reasons.${r}`)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="field">
            {t('note')}
            <input className="field__input" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} data-testid="cash-note" />
          </label>
          {managerPin}
          <ErrorAlert error={error} />
          <div className="order-detail__actions">
            <button type="button" className="button button--secondary button--large" onClick={() => reset()}>
              {t('cancel')}
            </button>
            <button type="submit" className="button button--primary button--large" disabled={busy || (needsManager && pin.length < 4)} data-testid="cash-move-submit">
              {t(`confirm.${mode.what}`)}
            </button>
          </div>
        </form>
      ) : null}

      {mode.kind === 'count' || (session?.countedAt != null && mode.kind === 'idle') ? (
        <form className="cash__form" onSubmit={count} aria-labelledby="cash-count-title">
          <h2 id="cash-count-title">{t('countTitle')}</h2>
          <p>{t('blindHint')}</p>
          <DrawerCount entry={entry} onChange={setEntry} denominations={state.denominations} currency={currency} locale={locale} label={t('countLabel')} />
          {managerPin}
          <ErrorAlert error={error} />
          <div className="order-detail__actions">
            <button type="button" className="button button--secondary button--large" onClick={() => reset()}>
              {t('cancel')}
            </button>
            <button type="submit" className="button button--primary button--large" disabled={busy || !counted} data-testid="cash-count-submit">
              {t('submitCount')}
            </button>
          </div>
        </form>
      ) : null}

      {mode.kind === 'report' && mode.title === 'z' ? (
        <form className="cash__form" onSubmit={close}>
          <label className="field">
            {t('varianceNote')}
            <input className="field__input" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} data-testid="cash-close-note" />
          </label>
          {managerPin}
          <ErrorAlert error={error} />
          <button type="submit" className="button button--primary button--large" disabled={busy || (needsManager && (pin.length < 4 || !note.trim()))} data-testid="cash-close">
            {t('closeDrawer')}
          </button>
        </form>
      ) : mode.kind === 'report' ? (
        <>
          <ErrorAlert error={error} />
          <button type="button" className="button button--secondary button--large" onClick={() => reset()}>
            {t('finish')}
          </button>
        </>
      ) : mode.kind === 'idle' ? (
        <ErrorAlert error={error} />
      ) : null}
    </main>
  );
}

/** The X or Z report: float, each kind's total, expected; after the count, counted and over/short; the movements. */
function Report({ report, title, locale }: { report: DrawerReport; title: string; locale: string }) {
  const { t } = useTranslation('cash');
  const m = (n: number) => money(n, report.session.currency, locale);
  const variance = report.variance;
  return (
    <section className="z-report cash-report" aria-label={title} data-testid="cash-report">
      <h2>{title}</h2>
      <table className="orders__table">
        <tbody>
          <tr>
            <th scope="row">{t('float')}</th>
            <td className="num">{m(report.session.float)}</td>
          </tr>
          {Object.entries(report.totals)
            .filter(([, total]) => total !== 0)
            .map(([kind, total]) => (
              <tr key={kind}>
                <th scope="row">{t(`total.${kind}`)}</th>
                <td className="num">{m(total)}</td>
              </tr>
            ))}
          <tr className="z-report__net">
            <th scope="row">{t('expected')}</th>
            <td className="num" data-testid="cash-expected">
              {m(report.expected)}
            </td>
          </tr>
          {report.counted !== null ? (
            <>
              <tr>
                <th scope="row">{t('counted')}</th>
                <td className="num" data-testid="cash-counted">
                  {m(report.counted)}
                </td>
              </tr>
              <tr className={variance !== 0 ? 'cash-report__variance' : undefined}>
                <th scope="row">{variance! > 0 ? t('over') : variance! < 0 ? t('short') : t('even')}</th>
                <td className="num" data-testid="cash-variance">
                  {m(variance!)}
                </td>
              </tr>
            </>
          ) : null}
        </tbody>
      </table>
      <table className="orders__table cash-report__movements" aria-label={t('movements')}>
        <thead>
          <tr>
            <th scope="col">{t('at')}</th>
            <th scope="col">{t('what')}</th>
            <th scope="col">{t('why')}</th>
            <th scope="col" className="num">
              {t('amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {report.movements.map((mv) => (
            <tr key={mv.id}>
              <td>{clock(mv.at, locale)}</td>
              <td>{t(`total.${mv.kind}`)}</td>
              <td>{[mv.reason ? t(`reasons.${mv.reason}`) : null, mv.note, mv.approvedBy ? t('approvedBy', { name: mv.approvedBy }) : null].filter(Boolean).join(' · ') || '—'}</td>
              <td className="num">{m(mv.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
