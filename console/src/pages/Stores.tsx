/** Stores: the list, a new store, a store's name and tax setting, and enrolment codes for its registers (shown once). */
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { ConsoleStoreSchema, EnrolmentCodeIssuedSchema, type ConsoleStore } from '../../../shared/hq/console';
import { call } from '../api';
import { canChangeChain, CopyButton, Empty, ErrorMessage, Field, Notice, PageHeader, useConsole } from '../components';
import { dateTime } from '../format';
import { useTranslation } from '../i18n';

type Panel = { kind: 'edit' | 'code'; store: ConsoleStore } | null;

export function StoresPage() {
  const { t, i18n } = useTranslation();
  const { user, stores, reloadStores } = useConsole();
  const [panel, setPanel] = useState<Panel>(null);
  const chain = canChangeChain(user);
  return (
    <section className="page__body">
      <PageHeader title={t('stores.title')} />
      <table className="table">
        <caption className="sr-only">{t('stores.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('stores.code')}</th>
            <th scope="col">{t('stores.name')}</th>
            <th scope="col">{t('stores.currency')}</th>
            <th scope="col">{t('stores.pricesIncludeTax')}</th>
            <th scope="col" className="num">{t('stores.registers')}</th>
            <th scope="col">{t('stores.createdAt')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {stores.length === 0 ? <Empty colSpan={7}>{t('stores.none')}</Empty> : null}
          {stores.map((s) => (
            <tr key={s.id}>
              <td><code>{s.code}</code></td>
              <td>{s.name}</td>
              <td>{s.currency}</td>
              <td>{s.pricesIncludeTax ? t('common.yes') : t('common.no')}</td>
              <td className="num">{s.registers}</td>
              <td className="nowrap">{dateTime(s.createdAt, i18n.language)}</td>
              <td className="actions">
                <button type="button" className="button button--secondary button--small" onClick={() => setPanel({ kind: 'edit', store: s })} aria-label={t('stores.editOne', { name: s.name })}>
                  {t('common.edit')}
                </button>
                <button type="button" className="button button--secondary button--small" onClick={() => setPanel({ kind: 'code', store: s })} aria-label={t('stores.codeFor', { name: s.name })}>
                  {t('stores.issueCode')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {panel?.kind === 'edit' ? <EditStore key={panel.store.id} store={panel.store} onDone={() => (setPanel(null), reloadStores())} onCancel={() => setPanel(null)} /> : null}
      {panel?.kind === 'code' ? <IssueCode key={panel.store.id} store={panel.store} onClose={() => (setPanel(null), reloadStores())} /> : null}
      {chain ? <NewStore onCreated={reloadStores} /> : null}
    </section>
  );
}

function NewStore({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const [pricesIncludeTax, setPricesIncludeTax] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    call(ConsoleStoreSchema, 'POST', '/stores', { body: { code, name, currency: currency.toUpperCase(), pricesIncludeTax } }).then(
      (store) => {
        setCreated(store.name);
        setCode('');
        setName('');
        setBusy(false);
        onCreated();
      },
      (err: unknown) => (setError(err), setBusy(false)),
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-store-title">
      <h2 id="new-store-title">{t('stores.new')}</h2>
      <div className="form-row">
        <Field label={t('stores.code')} hint={t('stores.codeHint')}>{(id, hint) => <input id={id} required pattern="[A-Za-z0-9]{1,12}" maxLength={12} aria-describedby={hint} value={code} onChange={(e) => setCode(e.target.value)} />}</Field>
        <Field label={t('stores.name')}>{(id) => <input id={id} required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label={t('stores.currency')}>{(id) => <input id={id} required pattern="[A-Za-z]{3}" maxLength={3} size={4} value={currency} onChange={(e) => setCurrency(e.target.value)} />}</Field>
        <label className="check">
          <input type="checkbox" checked={pricesIncludeTax} onChange={(e) => setPricesIncludeTax(e.target.checked)} />
          {t('stores.pricesIncludeTax')}
        </label>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('stores.create')}
        </button>
      </div>
      <ErrorMessage error={error} />
      {created ? <Notice>{t('stores.created', { name: created })}</Notice> : null}
    </form>
  );
}

function EditStore({ store, onDone, onCancel }: { store: ConsoleStore; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(store.name);
  const [pricesIncludeTax, setPricesIncludeTax] = useState(store.pricesIncludeTax);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    call(ConsoleStoreSchema, 'POST', `/stores/${encodeURIComponent(store.id)}`, { body: { name, pricesIncludeTax } }).then(onDone, setError);
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="edit-store-title">
      <h2 id="edit-store-title">{t('stores.editTitle', { code: store.code })}</h2>
      <div className="form-row">
        <Field label={t('stores.name')}>{(id) => <input id={id} required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}</Field>
        <label className="check">
          <input type="checkbox" checked={pricesIncludeTax} onChange={(e) => setPricesIncludeTax(e.target.checked)} />
          {t('stores.pricesIncludeTax')}
        </label>
        <button type="submit" className="button button--primary">{t('common.save')}</button>
        <button type="button" className="button button--secondary" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

function IssueCode({ store, onClose }: { store: ConsoleStore; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<'once' | 'expiring'>('once');
  const [hours, setHours] = useState('24');
  const [uses, setUses] = useState('1');
  const [issued, setIssued] = useState<z.infer<typeof EnrolmentCodeIssuedSchema> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body = kind === 'once' ? { maxUses: 1 } : { maxUses: uses.trim() === '' ? null : Number(uses), ttlSeconds: Math.round(Number(hours) * 3600) };
    call(EnrolmentCodeIssuedSchema, 'POST', `/stores/${encodeURIComponent(store.id)}/enrolment-codes`, { body }).then(setIssued, setError);
  };
  return (
    <section className="panel" aria-labelledby="code-title" aria-live="polite">
      <h2 id="code-title">{t('stores.codeTitle', { name: store.name })}</h2>
      {issued ? (
        <div className="issued">
          <p>{t('stores.codeOnce')}</p>
          <p className="issued__code">
            <code data-testid="enrolment-code">{issued.code}</code> <CopyButton text={issued.code} />
          </p>
          <p className="muted">
            {issued.maxUses === null ? t('stores.usesUnlimited') : t('stores.uses', { count: issued.maxUses })} ·{' '}
            {issued.expiresAt ? t('stores.expires', { at: dateTime(issued.expiresAt, i18n.language) }) : t('stores.noExpiry')}
          </p>
          <button type="button" className="button button--secondary" onClick={onClose}>{t('common.done')}</button>
        </div>
      ) : (
        <form onSubmit={submit}>
          <fieldset className="form-row">
            <legend>{t('stores.codeKind')}</legend>
            <label className="check">
              <input type="radio" name="code-kind" checked={kind === 'once'} onChange={() => setKind('once')} />
              {t('stores.oneTime')}
            </label>
            <label className="check">
              <input type="radio" name="code-kind" checked={kind === 'expiring'} onChange={() => setKind('expiring')} />
              {t('stores.expiring')}
            </label>
            {kind === 'expiring' ? (
              <>
                <Field label={t('stores.hours')}>{(id) => <input id={id} type="number" min={1} max={8784} required value={hours} onChange={(e) => setHours(e.target.value)} />}</Field>
                <Field label={t('stores.maxUses')} hint={t('stores.maxUsesHint')}>{(id, hint) => <input id={id} type="number" min={1} max={10000} aria-describedby={hint} value={uses} onChange={(e) => setUses(e.target.value)} />}</Field>
              </>
            ) : null}
            <button type="submit" className="button button--primary">{t('stores.issue')}</button>
            <button type="button" className="button button--secondary" onClick={onClose}>{t('common.cancel')}</button>
          </fieldset>
          <ErrorMessage error={error} />
        </form>
      )}
    </section>
  );
}
