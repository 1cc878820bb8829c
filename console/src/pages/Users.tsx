/** Console users (owners only): who may sign in to the console, with their role and, for managers, their stores. */
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { CONSOLE_ROLES, ConsoleUserSchema, type ConsoleRole, type ConsoleUser } from '../../../shared/hq/console';
import { call } from '../api';
import { Empty, ErrorMessage, Field, Notice, PageHeader, useConsole, useLoad, useStoreName } from '../components';
import { useTranslation } from '../i18n';

const UsersSchema = z.object({ users: z.array(ConsoleUserSchema) });

export function UsersPage() {
  const { t } = useTranslation();
  const { user: me } = useConsole();
  const list = useLoad(() => call(UsersSchema, 'GET', '/users'), []);
  const storeName = useStoreName();
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const setActive = (u: ConsoleUser, active: boolean) => {
    setError(null);
    call(ConsoleUserSchema, 'POST', `/users/${encodeURIComponent(u.id)}`, { body: { active } }).then(
      (changed) => (setNotice(active ? t('users.reactivated', { name: changed.name }) : t('users.deactivated', { name: changed.name })), list.reload()),
      setError,
    );
  };
  return (
    <section className="page__body">
      <PageHeader title={t('users.title')} />
      <ErrorMessage error={list.error ?? error} />
      {notice ? <Notice>{notice}</Notice> : null}
      <table className="table">
        <caption className="sr-only">{t('users.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('users.name')}</th>
            <th scope="col">{t('users.email')}</th>
            <th scope="col">{t('users.role')}</th>
            <th scope="col">{t('users.stores')}</th>
            <th scope="col">{t('people.status')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.users.length === 0 ? <Empty colSpan={6}>{t('users.none')}</Empty> : null}
          {list.data?.users.map((u) => (
            <tr key={u.id} className={u.active ? undefined : 'row--inactive'}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>{t(`roles.${u.role}`)}</td>
              <td>{u.role === 'owner' ? t('users.everyStore') : u.storeIds.map(storeName).join(', ') || '—'}</td>
              <td>{u.active ? t('people.active') : t('people.inactive')}</td>
              <td className="actions">
                {u.id !== me.id ? (
                  <button type="button" className="button button--secondary button--small" onClick={() => setActive(u, !u.active)} aria-label={u.active ? t('people.deactivateOne', { name: u.name }) : t('people.reactivateOne', { name: u.name })}>
                    {u.active ? t('people.deactivate') : t('people.reactivate')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewUser onAdded={(name) => (setNotice(t('users.added', { name })), list.reload())} />
    </section>
  );
}

function NewUser({ onAdded }: { onAdded: (name: string) => void }) {
  const { t } = useTranslation();
  const { stores } = useConsole();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ConsoleRole>('store-manager');
  const [storeIds, setStoreIds] = useState<string[]>([]);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (role !== 'owner' && storeIds.length === 0) return setProblem(true);
    setProblem(false);
    call(ConsoleUserSchema, 'POST', '/users', { body: { name, email, role, storeIds: role === 'owner' ? [] : storeIds, password } }).then(
      (u) => {
        setName('');
        setEmail('');
        setPassword('');
        setStoreIds([]);
        onAdded(u.name);
      },
      setError,
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-user-title">
      <h2 id="new-user-title">{t('users.add')}</h2>
      <div className="form-row">
        <Field label={t('users.name')}>{(id) => <input id={id} required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label={t('users.email')}>{(id) => <input id={id} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
        <Field label={t('users.role')}>
          {(id) => (
            <select id={id} value={role} onChange={(e) => setRole(e.target.value as ConsoleRole)}>
              {CONSOLE_ROLES.map((r) => (
                <option key={r} value={r}>{t(`roles.${r}`)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('users.password')} hint={t('setup.passwordHint')}>{(id, hint) => <input id={id} type="password" autoComplete="new-password" required minLength={10} aria-describedby={hint} value={password} onChange={(e) => setPassword(e.target.value)} />}</Field>
      </div>
      {role !== 'owner' ? (
        <fieldset className="form-row stores-pick">
          <legend>{t('users.stores')}</legend>
          {stores.map((s) => (
            <label key={s.id} className="check">
              <input type="checkbox" checked={storeIds.includes(s.id)} onChange={(e) => setStoreIds((ids) => (e.target.checked ? [...ids, s.id] : ids.filter((x) => x !== s.id)))} />
              {s.name} ({s.code})
            </label>
          ))}
        </fieldset>
      ) : null}
      {problem ? <p className="message message--error" role="alert">{t('users.needStores')}</p> : null}
      <ErrorMessage error={error} />
      <button type="submit" className="button button--primary">{t('users.addButton')}</button>
    </form>
  );
}
