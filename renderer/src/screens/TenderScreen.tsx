import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AppInfo, CompletedSaleView, TenderOptions, TenderState } from '../../../shared/api';
import { call, CallError, errorText } from '../api/client';
import { PointsTender } from '../components/member/PointsTender';
import { money } from '../format';
import { useTranslation } from '../i18n';
import { parseMoneyInput, toMoneyInput } from './cart/money-input';

type Tender = 'cash' | 'card';

/** Quick cash amounts: the exact amount, then the next round notes above it. */
function quickAmounts(remaining: number): number[] {
  const notes = [500, 1000, 2000, 5000, 10000];
  return [remaining, ...notes.filter((n) => n > remaining).slice(0, 3)];
}

/** The tender step's state and options, asked together. */
const fetchTender = () => Promise.all([call('checkout.state', {}), call('checkout.options', {})]);

/** What the cash field offers: the amount due in cash, rounded per the store's cash rounding. */
const cashDefault = (s: TenderState) => s.cashDue ?? s.remaining;

/**
 * The tender step: Cash (defaults to the exact amount due, editable, with quick amounts) or Card
 * (authorised now, or stored and sent later when the till is offline — the screen says which and why).
 * Complete sale takes the payment and, once the sale is covered, commits it.
 */
export function TenderScreen({ info, onBack, onCompleted }: { info: AppInfo; onBack: () => void; onCompleted: (sale: CompletedSaleView) => void }) {
  const { t, i18n } = useTranslation('tender');
  const [state, setState] = useState<TenderState | null>(null);
  const [options, setOptions] = useState<TenderOptions | null>(null);
  const [tender, setTender] = useState<Tender>('cash');
  const [cashText, setCashText] = useState('');
  const [cardNumber, setCardNumber] = useState('');
  const [managerPin, setManagerPin] = useState('');
  const [offerStore, setOfferStore] = useState(false);
  const [needsManager, setNeedsManager] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const amountField = useRef<HTMLInputElement>(null);
  const format = (amount: number) => money(amount, state?.currency ?? info.currency, i18n.language);
  /** The cash field as the cashier types amounts of the sale's currency. */
  const cashInput = (amount: number, of: TenderState) => toMoneyInput(amount, of.currency);
  const show = useCallback(([s, o]: [TenderState, TenderOptions]) => {
    setState(s);
    setOptions(o);
    setCashText(toMoneyInput(cashDefault(s), s.currency));
    return s;
  }, []);
  const refresh = useCallback(() => fetchTender().then(show), [show]);

  useEffect(() => {
    let live = true;
    fetchTender().then(
      (answers) => live && show(answers),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [show]);

  const choose = (next: Tender) => {
    setTender(next);
    setError(null);
    setOfferStore(false);
    setNeedsManager(false);
    setTimeout(() => amountField.current?.focus(), 0);
  };

  const finish = async (current: TenderState) => {
    if (current.remaining > 0) {
      setNotice(t('partPaid', { paid: format(current.paid), remaining: format(current.remaining) }));
      setCashText(cashInput(cashDefault(current), current));
      return;
    }
    onCompleted(await call('checkout.complete', { saleId: current.saleId! }));
  };

  const submit = async (event?: FormEvent, storeAndForward = false) => {
    event?.preventDefault();
    if (!state?.saleId || busy) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      let current = state;
      if (current.remaining > 0) {
        if (tender === 'cash') {
          const tendered = parseMoneyInput(cashText, current.currency);
          // 0.00 is accepted only when cash rounding takes what remains to nothing (the register checks it).
          if (tendered === null || tendered < 0 || (tendered === 0 && current.cashDue !== 0)) throw new CallError({ code: 'INVALID_INPUT', message: t('enterCash') });
          current = await call('checkout.addCash', { saleId: current.saleId!, tendered });
        } else {
          current = await call('checkout.addCard', {
            saleId: current.saleId!,
            ...(cardNumber.trim() ? { cardNumber: cardNumber.replace(/\s+/g, '') } : {}),
            ...(storeAndForward ? { storeAndForward: true } : {}),
            ...(managerPin ? { managerPin } : {}),
          });
        }
        setState(current);
        setManagerPin('');
        setOfferStore(false);
        setNeedsManager(false);
      }
      await finish(current);
    } catch (e) {
      const failure = e instanceof CallError ? e : new CallError({ code: 'INTERNAL', message: String(e) });
      setError(errorText(failure));
      setOfferStore(failure.code === 'CARD_TIMEOUT' || failure.code === 'CARD_NO_ANSWER' || failure.code === 'HQ_UNAVAILABLE');
      setNeedsManager(failure.code === 'LIMIT_EXCEEDED' || failure.code === 'NOT_A_MANAGER');
      void refresh();
    } finally {
      setBusy(false);
    }
  };

  if (!state || !options) return <main className="loading">{t('preparing')}</main>;
  const card = options.card;
  // Returned items worth as much as, or more than, what is bought: nothing to take; a negative total goes back in cash.
  const settles = state.due <= 0 && state.payments.length === 0;
  return (
    <main className="tender">
      <section className="tender__due" aria-label={t('amountDue')}>
        <span className="total__label">{t('amountDue')}</span>
        <output className="total__amount" data-testid="tender-due">
          {format(state.remaining)}
        </output>
        {state.paid > 0 ? <span className="tender__paid">{t('paidSoFar', { paid: format(state.paid), due: format(state.due) })}</span> : null}
        <ul className="tender__payments" aria-label={t('paymentsTaken')}>
          {state.payments.map((p) => (
            <li key={p.id}>
              {p.tender === 'cash' ? t('cash') : p.tender === 'points' ? t('membership:pointsTender') : t('cardEnding', { last4: p.last4 ?? '' })} {format(p.amount)}
              {p.status === 'stored' ? ` ${t('storedPayment')}` : ''}
            </li>
          ))}
          {state.cashRounding ? <li data-testid="cash-rounding">{t('cashRounding', { amount: format(state.cashRounding) })}</li> : null}
        </ul>
        {tender === 'cash' && state.cashDue !== undefined && state.cashDue !== state.remaining ? (
          <p className="tender__rounding" data-testid="cash-due">
            {t('cashDue', { amount: format(state.cashDue), exact: format(state.remaining) })}
          </p>
        ) : null}
        <PointsTender
          state={state}
          format={format}
          onPaid={(paid) => {
            setState(paid);
            setCashText(cashInput(cashDefault(paid), paid));
          }}
        />
        <button type="button" className="button button--secondary" onClick={onBack} disabled={busy || state.paid > 0}>
          {t('backToCart')}
        </button>
      </section>
      <form className="tender__form" onSubmit={(e) => void submit(e)}>
        {settles ? (
          <div className="tender__fields">
            {state.payout ? (
              <>
                <p className="tender__payout" role="status" data-testid="tender-payout">
                  {t('payout', { amount: format(state.payout) })}
                </p>
                <p className="tender__mode">{t('payoutNoCard')}</p>
              </>
            ) : (
              <p className="tender__payout" role="status" data-testid="tender-nothing-due">
                {t('nothingDue')}
              </p>
            )}
          </div>
        ) : (
          <>
          <div className="tender__choices" role="group" aria-label={t('tender')}>
            <button type="button" className={`button button--tender${tender === 'cash' ? ' is-selected' : ''}`} aria-pressed={tender === 'cash'} onClick={() => choose('cash')}>
              {t('cash')}
            </button>
            <button type="button" className={`button button--tender${tender === 'card' ? ' is-selected' : ''}`} aria-pressed={tender === 'card'} onClick={() => choose('card')}>
              {t('card')}
            </button>
          </div>
          {tender === 'cash' ? (
            <div className="tender__fields">
              <label htmlFor="cash-received">{t('cashReceived')}</label>
              <input id="cash-received" ref={amountField} className="scan__input" inputMode="decimal" autoComplete="off" value={cashText} onChange={(e) => setCashText(e.target.value.replace(/[^\d.,]/g, ''))} autoFocus />
              <div className="tender__quick" role="group" aria-label={t('quickAmounts')}>
                {quickAmounts(cashDefault(state)).map((amount, i) => (
                  <button key={amount} type="button" className="button button--secondary" onClick={() => setCashText(toMoneyInput(amount, state.currency))}>
                    {i === 0 ? t('exact', { amount: format(amount) }) : format(amount)}
                  </button>
                ))}
              </div>
            </div>
          ) : (
            <div className="tender__fields">
              <p className="tender__mode" role="status">
                {card.mode === 'online'
                  ? t('cardOnline')
                  : `${card.reason && i18n.language === 'en' ? card.reason : t('cardStored')} ${t('cardLimits', {
                      perPayment: format(card.perPaymentLimit),
                      total: format(card.totalLimit),
                      outstanding: format(card.outstanding),
                      hours: card.uploadDeadlineHours,
                    })}`}
              </p>
              <label htmlFor="card-number">{t('cardNumber')}</label>
              <input id="card-number" ref={amountField} className="scan__input" inputMode="numeric" autoComplete="off" maxLength={23} value={cardNumber} onChange={(e) => setCardNumber(e.target.value.replace(/[^\d ]/g, ''))} />
              {needsManager ? (
                <>
                  <label htmlFor="manager-pin">{t('managerPin')}</label>
                  <input id="manager-pin" className="scan__input" type="password" inputMode="numeric" maxLength={8} value={managerPin} onChange={(e) => setManagerPin(e.target.value.replace(/\D/g, ''))} />
                </>
              ) : null}
            </div>
          )}
          </>
        )}
        <div className="messages">
          {error ? (
            <p className="message message--error" role="alert">
              {error}
            </p>
          ) : null}
          <p className="message message--notice" role="status">
            {notice ?? ''}
          </p>
        </div>
        {offerStore ? (
          <button type="button" className="button button--secondary button--large" onClick={() => void submit(undefined, true)} disabled={busy}>
            {t('storeAndSend')}
          </button>
        ) : null}
        <button type="submit" className="button button--primary button--large" disabled={busy}>
          {t('completeSale')}
        </button>
      </form>
    </main>
  );
}
