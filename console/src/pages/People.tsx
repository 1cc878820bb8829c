/** People: a store's cashiers and managers on the registers; a PIN is set or reset here and never shown again. */
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { PersonSchema, type Person } from '../../../shared/hq/console';
import { PIN_MAX_LENGTH } from '../../../shared/pin';
import { call } from '../api';
import { Empty, ErrorMessage, Field, Notice, PageHeader, StoreSelect, useChosenStore, useLoad } from '../components';
import { dateTime } from '../format';
import { useTranslation } from '../i18n';

const PeopleSchema = z.object({ people: z.array(PersonSchema) });

export function PeoplePage() {
  const { t, i18n } = useTranslation();
  const [storeId, setStoreId] = useChosenStore();
  const list = useLoad(() => (storeId ? call(PeopleSchema, 'GET', '/people', { query: { storeId } }) : Promise.resolve({ people: [] })), [storeId]);
  // A new PIN for someone, or a deactivated person coming back: HQ reactivates only with a new PIN (their old one may be someone else's by now).
  const [resetting, setResetting] = useState<{ person: Person; reactivate: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const deactivate = (person: Person) => {
    setError(null);
    call(PersonSchema, 'POST', `/people/${encodeURIComponent(person.id)}`, { body: { active: false } }).then((p) => (setNotice(t('people.deactivated', { name: p.name })), list.reload()), setError);
  };

  return (
    <section className="page__body">
      <PageHeader title={t('people.title')}>
        <StoreSelect value={storeId} onChange={(id) => (setStoreId(id), setResetting(null))} />
      </PageHeader>
      <ErrorMessage error={list.error ?? error} />
      {notice ? <Notice>{notice}</Notice> : null}
      <table className="table">
        <caption className="sr-only">{t('people.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('people.name')}</th>
            <th scope="col">{t('people.role')}</th>
            <th scope="col">{t('people.status')}</th>
            <th scope="col">{t('people.createdAt')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.people.length ?? 0) === 0 && !list.loading ? <Empty colSpan={5}>{t('people.none')}</Empty> : null}
          {list.data?.people.map((p) => (
            <tr key={p.id} className={p.active ? undefined : 'row--inactive'}>
              <td>{p.name}</td>
              <td>{t(`people.roles.${p.role}`)}</td>
              <td>{p.active ? t('people.active') : t('people.inactive')}</td>
              <td className="nowrap">{dateTime(p.createdAt, i18n.language)}</td>
              <td className="actions">
                <button type="button" className="button button--secondary button--small" onClick={() => setResetting({ person: p, reactivate: false })} aria-label={t('people.resetOne', { name: p.name })}>
                  {t('people.resetPin')}
                </button>
                <button type="button" className="button button--secondary button--small" onClick={() => (p.active ? deactivate(p) : setResetting({ person: p, reactivate: true }))} aria-label={p.active ? t('people.deactivateOne', { name: p.name }) : t('people.reactivateOne', { name: p.name })}>
                  {p.active ? t('people.deactivate') : t('people.reactivate')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {resetting ? (
        <ResetPin
          key={resetting.person.id}
          person={resetting.person}
          reactivate={resetting.reactivate}
          onDone={(name) => (setResetting(null), setNotice(t(resetting.reactivate ? 'people.reactivated' : 'people.pinReset', { name })), list.reload())}
          onCancel={() => setResetting(null)}
        />
      ) : null}
      {storeId ? <NewPerson storeId={storeId} onAdded={(name) => (setNotice(t('people.added', { name })), list.reload())} /> : null}
    </section>
  );
}

function PinInput({ id, value, onChange, describedBy }: { id: string; value: string; onChange: (pin: string) => void; describedBy?: string }) {
  return (
    <input
      id={id}
      className="pin"
      type="password"
      inputMode="numeric"
      autoComplete="off"
      required
      pattern="\d{4,8}"
      minLength={4}
      maxLength={PIN_MAX_LENGTH}
      aria-describedby={describedBy}
      value={value}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
    />
  );
}

function NewPerson({ storeId, onAdded }: { storeId: string; onAdded: (name: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [role, setRole] = useState<'cashier' | 'manager'>('cashier');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    call(PersonSchema, 'POST', '/people', { body: { storeId, name, role, pin } }).then(
      (p) => {
        // The PIN leaves the page as soon as HQ has it: it is never shown again.
        setName('');
        setPin('');
        setBusy(false);
        onAdded(p.name);
      },
      (err: unknown) => (setError(err), setPin(''), setBusy(false)),
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-person-title">
      <h2 id="new-person-title">{t('people.add')}</h2>
      <div className="form-row">
        <Field label={t('people.name')}>{(id) => <input id={id} required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label={t('people.role')}>
          {(id) => (
            <select id={id} value={role} onChange={(e) => setRole(e.target.value as 'cashier' | 'manager')}>
              <option value="cashier">{t('people.roles.cashier')}</option>
              <option value="manager">{t('people.roles.manager')}</option>
            </select>
          )}
        </Field>
        <Field label={t('people.pin')} hint={t('people.pinHint')}>{(id, hint) => <PinInput id={id} value={pin} onChange={setPin} describedBy={hint} />}</Field>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('people.addButton')}
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

function ResetPin({ person, reactivate, onDone, onCancel }: { person: Person; reactivate: boolean; onDone: (name: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    call(PersonSchema, 'POST', `/people/${encodeURIComponent(person.id)}`, { body: reactivate ? { pin, active: true } : { pin } }).then(
      (p) => onDone(p.name),
      (err: unknown) => (setError(err), setPin('')),
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="reset-pin-title">
      <h2 id="reset-pin-title">{t(reactivate ? 'people.reactivateTitle' : 'people.resetTitle', { name: person.name })}</h2>
      <div className="form-row">
        <Field label={t('people.newPin')} hint={t('people.pinHint')}>{(id, hint) => <PinInput id={id} value={pin} onChange={setPin} describedBy={hint} />}</Field>
        <button type="submit" className="button button--primary">{t('people.setPin')}</button>
        <button type="button" className="button button--secondary" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}
