/** Promotions: every promotion with its schedule, a new one (starting now or later, ending when set), ending one now. */
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { ScheduledPromotionSchema } from '../../../shared/hq/console';
import type { Promotion } from '../../../shared/hq/feed';
import { call } from '../api';
import { canChangeChain, ConfirmDialog, Empty, ErrorMessage, Field, Notice, PageHeader, useConsole, useLoad } from '../components';
import { dateTime, money, parseMoney } from '../format';
import { useTranslation } from '../i18n';

type Scheduled = z.infer<typeof ScheduledPromotionSchema>;
const ListSchema = z.object({ promotions: z.array(ScheduledPromotionSchema) });
const KINDS = ['percentOff', 'fixedOff', 'multiBuy', 'threshold'] as const;

function status(p: Scheduled, now: number): 'active' | 'scheduled' | 'ended' {
  if (!p.promotion.active || (p.endsAt && Date.parse(p.endsAt) <= now)) return 'ended';
  if (p.startsAt && Date.parse(p.startsAt) > now) return 'scheduled';
  return 'active';
}

export function PromotionsPage() {
  const { t, i18n } = useTranslation();
  const { user, stores } = useConsole();
  const currency = stores[0]?.currency ?? 'EUR';
  const list = useLoad(() => call(ListSchema, 'GET', '/promotions'), []);
  const [ending, setEnding] = useState<Scheduled | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const chain = canChangeChain(user);
  const now = Date.now();

  const describe = (p: Promotion) => {
    switch (p.kind) {
      case 'percentOff':
        return t('promotions.describe.percentOff', { percent: p.percent });
      case 'fixedOff':
        return t('promotions.describe.fixedOff', { amount: money(p.amountOff, currency, i18n.language) });
      case 'multiBuy':
        return t('promotions.describe.multiBuy', { quantity: p.quantity, payFor: p.payFor });
      case 'threshold':
        return t('promotions.describe.threshold', { amount: money(p.amountOff, currency, i18n.language), minSpend: money(p.minSpend, currency, i18n.language) });
    }
  };
  const end = () => {
    if (!ending) return;
    call(ScheduledPromotionSchema, 'POST', `/promotions/${encodeURIComponent(ending.promotion.id)}/end`).then(
      (p) => (setNotice(t('promotions.ended', { name: p.promotion.name })), setEnding(null), list.reload()),
      (err: unknown) => (setError(err), setEnding(null)),
    );
  };

  return (
    <section className="page__body">
      <PageHeader title={t('promotions.title')} />
      <ErrorMessage error={list.error ?? error} />
      {notice ? <Notice>{notice}</Notice> : null}
      <table className="table">
        <caption className="sr-only">{t('promotions.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('promotions.name')}</th>
            <th scope="col">{t('promotions.offer')}</th>
            <th scope="col">{t('promotions.products')}</th>
            <th scope="col">{t('promotions.startsAt')}</th>
            <th scope="col">{t('promotions.endsAt')}</th>
            <th scope="col">{t('promotions.status')}</th>
            {chain ? <th scope="col">{t('common.actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {list.data?.promotions.length === 0 ? <Empty colSpan={chain ? 7 : 6}>{t('promotions.none')}</Empty> : null}
          {list.data?.promotions.map((p) => {
            const s = status(p, now);
            return (
              <tr key={p.promotion.id}>
                <td>{p.promotion.name}</td>
                <td>{describe(p.promotion)}</td>
                <td className="muted">{'skus' in p.promotion ? p.promotion.skus.join(', ') : t('promotions.wholeSale')}</td>
                <td className="nowrap">{p.startsAt ? dateTime(p.startsAt, i18n.language) : t('promotions.now')}</td>
                <td className="nowrap">{p.endsAt ? dateTime(p.endsAt, i18n.language) : t('promotions.untilEnded')}</td>
                <td>
                  <span className={`pill pill--${s}`}>{t(`promotions.statuses.${s}`)}</span>
                </td>
                {chain ? (
                  <td className="actions">
                    {s !== 'ended' ? (
                      <button type="button" className="button button--secondary button--small" onClick={() => setEnding(p)} aria-label={t('promotions.endOne', { name: p.promotion.name })}>
                        {t('promotions.endNow')}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
      <ConfirmDialog open={ending !== null} title={t('promotions.confirmTitle', { name: ending?.promotion.name ?? '' })} body={t('promotions.confirmBody')} confirm={t('promotions.endNow')} onConfirm={end} onCancel={() => setEnding(null)} />
      {chain ? <NewPromotion currency={currency} onSaved={(name) => (setNotice(t('promotions.saved', { name })), list.reload())} /> : null}
    </section>
  );
}

/** A `datetime-local` value (the browser's time zone) as an ISO time, or null when empty. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : null);

function NewPromotion({ currency, onSaved }: { currency: string; onSaved: (name: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('percentOff');
  const [percent, setPercent] = useState('10');
  const [amount, setAmount] = useState('');
  const [minSpend, setMinSpend] = useState('');
  const [quantity, setQuantity] = useState('3');
  const [payFor, setPayFor] = useState('2');
  const [skus, setSkus] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblem(null);
    const id = `promo-${crypto.randomUUID()}`;
    const skuList = skus.split(/[\s,]+/).filter(Boolean);
    const amountOff = parseMoney(amount, currency);
    const spend = parseMoney(minSpend, currency);
    let promotion: Promotion;
    if (kind !== 'threshold' && skuList.length === 0) return setProblem(t('promotions.needSkus'));
    if ((kind === 'fixedOff' || kind === 'threshold') && !amountOff) return setProblem(t('promotions.badAmount'));
    if (kind === 'threshold' && !spend) return setProblem(t('promotions.badAmount'));
    switch (kind) {
      case 'percentOff':
        promotion = { id, name, kind, percent: Number(percent), skus: skuList, active: true };
        break;
      case 'fixedOff':
        promotion = { id, name, kind, amountOff: amountOff!, skus: skuList, active: true };
        break;
      case 'multiBuy':
        promotion = { id, name, kind, quantity: Number(quantity), payFor: Number(payFor), skus: skuList, active: true };
        break;
      case 'threshold':
        promotion = { id, name, kind, minSpend: spend!, amountOff: amountOff!, active: true };
        break;
    }
    const start = toIso(startsAt);
    const finish = toIso(endsAt);
    if (start && finish && finish <= start) return setProblem(t('promotions.endBeforeStart'));
    call(ScheduledPromotionSchema, 'POST', '/promotions', { body: { promotion, startsAt: start, endsAt: finish } }).then(
      (p) => {
        setName('');
        setSkus('');
        onSaved(p.promotion.name);
      },
      setError,
    );
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-promotion-title">
      <h2 id="new-promotion-title">{t('promotions.new')}</h2>
      <div className="form-row">
        <Field label={t('promotions.name')}>{(id) => <input id={id} required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label={t('promotions.kind')}>
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
              {KINDS.map((k) => (
                <option key={k} value={k}>{t(`promotions.kinds.${k}`)}</option>
              ))}
            </select>
          )}
        </Field>
        {kind === 'percentOff' ? <Field label={t('promotions.percent')}>{(id) => <input id={id} type="number" min={1} max={100} required value={percent} onChange={(e) => setPercent(e.target.value)} />}</Field> : null}
        {kind === 'fixedOff' || kind === 'threshold' ? <Field label={t('promotions.amountOff', { currency })}>{(id) => <input id={id} inputMode="decimal" required size={8} value={amount} onChange={(e) => setAmount(e.target.value)} />}</Field> : null}
        {kind === 'threshold' ? <Field label={t('promotions.minSpend', { currency })}>{(id) => <input id={id} inputMode="decimal" required size={8} value={minSpend} onChange={(e) => setMinSpend(e.target.value)} />}</Field> : null}
        {kind === 'multiBuy' ? (
          <>
            <Field label={t('promotions.quantity')}>{(id) => <input id={id} type="number" min={2} max={100} required value={quantity} onChange={(e) => setQuantity(e.target.value)} />}</Field>
            <Field label={t('promotions.payFor')}>{(id) => <input id={id} type="number" min={1} max={99} required value={payFor} onChange={(e) => setPayFor(e.target.value)} />}</Field>
          </>
        ) : null}
      </div>
      <div className="form-row">
        {kind !== 'threshold' ? <Field label={t('promotions.skus')} hint={t('promotions.skusHint')}>{(id, hint) => <input id={id} size={40} aria-describedby={hint} value={skus} onChange={(e) => setSkus(e.target.value)} />}</Field> : null}
        <Field label={t('promotions.startsAt')} hint={t('promotions.startsHint')}>{(id, hint) => <input id={id} type="datetime-local" aria-describedby={hint} value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />}</Field>
        <Field label={t('promotions.endsAt')} hint={t('promotions.endsHint')}>{(id, hint) => <input id={id} type="datetime-local" aria-describedby={hint} value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />}</Field>
        <button type="submit" className="button button--primary">{t('promotions.create')}</button>
      </div>
      {problem ? <p className="message message--error" role="alert">{problem}</p> : null}
      <ErrorMessage error={error} />
    </form>
  );
}
