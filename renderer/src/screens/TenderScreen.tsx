import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type SyntheticEvent } from 'react';
import type { AppInfo, CompletedSaleView, TenderOptions, TenderState } from '../../../shared/api';
import type { MoneyTender } from '../../../shared/tender';
import { call, CallError, errorText } from '../api/client';
import { PointsTender } from '../components/member/PointsTender';
import { NumberPad, usePadTarget } from '../components/NumberPad';
import { PinField } from '../components/PinField';
import { money } from '../format';
import { useSelectOnFocus } from '../hooks/useSelectOnFocus';
import { useTranslation } from '../i18n';
import { currencyDigits, parseMoneyInput } from './cart/money-input';
import { addQuickCash, prefillCash, QUICK_NOTES, typeCash, type CashEntry } from './quick-cash';
import { BurstDetector } from '../scanner/burst';
import { ErrorAlert } from '../components/ErrorAlert';

type Tender = MoneyTender;

/** A press on a quick amount leaves focus (and the keyboard) in the cash field. */
const keepFocus = (event: SyntheticEvent) => event.preventDefault();

/** The tender step's state and options, asked together. */
const fetchTender = () => Promise.all([call('checkout.state', {}), call('checkout.options', {})]);

/** What the cash field offers: the amount due in cash, rounded per the store's cash rounding. */
const cashDefault = (s: TenderState) => s.cashDue ?? s.remaining;

/**
 * The tender step: Cash (defaults to the exact amount due, selected so typing replaces it; quick amounts
 * add up, Exact puts the amount due back) or Card (authorised now, or stored and sent later when the till
 * is offline — the screen says which and why). The number pad types into the field in use. Complete sale
 * takes the payment and, once the sale is covered, commits it.
 */
export function TenderScreen({
  info,
  onBack,
  onCompleted,
  onScan,
}: {
  info: AppInfo;
  onBack: () => void;
  onCompleted: (sale: CompletedSaleView) => void;
  /** An item scanned on this screen (the customer remembered one more): back to the cart with it. */
  onScan?: (code: string) => void;
}) {
  const { t, i18n } = useTranslation('tender');
  const [state, setState] = useState<TenderState | null>(null);
  const [options, setOptions] = useState<TenderOptions | null>(null);
  const [tender, setTender] = useState<Tender>('cash');
  const [cash, setCashEntry] = useState<CashEntry>({ text: '', prefilled: true });
  const [cardNumber, setCardNumber] = useState('');
  const [managerPin, setManagerPin] = useState('');
  const [offerStore, setOfferStore] = useState(false);
  const [needsManager, setNeedsManager] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const amountField = useRef<HTMLInputElement>(null);
  const selectOnFocus = useSelectOnFocus();
  // A scanner burst into the cash field is an item, not an amount: the field gets back what it held before.
  const bursts = useRef(new BurstDetector());
  const beforeBurst = useRef<CashEntry | null>(null);
  const onCashKey = (event: React.KeyboardEvent<HTMLInputElement>) => {
    const at = event.timeStamp || performance.now();
    if (event.key === 'Enter') {
      const code = bursts.current.enter(at);
      if (code === null || !state) return;
      event.preventDefault();
      if (beforeBurst.current) setCashEntry(beforeBurst.current);
      if (state.paid > 0) setError(t('scanAfterPayment', { code }));
      else onScan?.(code);
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      if (!bursts.current.active(at)) beforeBurst.current = cash;
      bursts.current.char(event.key, at);
    }
  };
  const pad = usePadTarget(amountField);
  // An amount the till put in the cash field is selected, so what the cashier types next replaces it.
  const selectCash = useRef(false);
  const setCash = useCallback((entry: CashEntry) => {
    selectCash.current = true;
    setCashEntry(entry);
  }, []);
  useLayoutEffect(() => {
    const field = amountField.current;
    if (selectCash.current && field?.id === 'cash-received' && field.ownerDocument.activeElement === field) field.select();
    selectCash.current = false;
  }, [cash]);
  const format = (amount: number) => money(amount, state?.currency ?? info.currency, i18n.language);
  /** The cash field filled with what is due in cash. */
  const prefill = (of: TenderState) => setCash(prefillCash(cashDefault(of), of.currency));
  const show = useCallback(
    ([s, o]: [TenderState, TenderOptions]) => {
      setState(s);
      setOptions(o);
      setCash(prefillCash(cashDefault(s), s.currency));
      return s;
    },
    [setCash],
  );
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
      prefill(current);
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
          const tendered = parseMoneyInput(cash.text, current.currency);
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
  const received = tender === 'cash' ? parseMoneyInput(cash.text, state.currency) : null;
  // The decimal key is for the cash amount; points, card numbers and PINs are whole numbers.
  const padOnCash = tender === 'cash' && (pad.field === null || pad.field.id === 'cash-received');
  const change = received !== null && received > cashDefault(state) ? received - cashDefault(state) : 0;
  const quick = (note: number) => {
    setCash(addQuickCash(cash, note, state.currency));
    amountField.current?.focus();
  };
  const exact = () => {
    prefill(state);
    amountField.current?.focus();
  };
  return (
    <main className="tender" onFocus={pad.onFocus}>
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
            prefill(paid);
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
        <div className="tender__entry with-number-pad">
          {tender === 'cash' ? (
            <div className="tender__fields">
              <label htmlFor="cash-received">{t('cashReceived')}</label>
              <input
                id="cash-received"
                ref={amountField}
                className="scan__input"
                inputMode="decimal"
                autoComplete="off"
                value={cash.text}
                onChange={(e) => setCashEntry(typeCash(e.target.value.replace(/[^\d.,]/g, '')))}
                onKeyDown={onCashKey}
                {...selectOnFocus}
                autoFocus
              />
              <div className="tender__quick" role="group" aria-label={t('quickAmounts')}>
                <button type="button" className="button button--secondary" onPointerDown={keepFocus} onMouseDown={keepFocus} onClick={exact}>
                  {t('exact', { amount: format(cashDefault(state)) })}
                </button>
                {QUICK_NOTES.map((note) => (
                  <button key={note} type="button" className="button button--secondary" onPointerDown={keepFocus} onMouseDown={keepFocus} onClick={() => quick(note)}>
                    {t('addNote', { amount: format(note) })}
                  </button>
                ))}
              </div>
              <p className="tender__change" data-testid="tender-change">
                {change > 0 ? t('changeDue', { amount: format(change) }) : ''}
              </p>
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
                  <PinField id="manager-pin" className="scan__input" value={managerPin} onChange={setManagerPin} />
                </>
              ) : null}
            </div>
          )}
          <NumberPad target={pad.target} decimal={padOnCash && currencyDigits(state.currency) > 0} disabled={busy} />
        </div>
          </>
        )}
        <div className="messages">
          <ErrorAlert error={error} />
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
