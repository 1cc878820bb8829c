/**
 * The console: HQ's session decides what shows. Nobody signed in → sign-in (or the first owner's setup,
 * opened from the link HQ printed); signed in → the left navigation and the chosen page.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { SessionResponseSchema, SignedInSchema, type ConsoleUser } from '../../shared/hq/console';
import { call, setCsrf, whenSignedOut } from './api';
import { ConsoleContext, ErrorMessage, Field, useLoad } from './components';
import { LANGUAGES, setLanguage, useTranslation, type Language } from './i18n';
import { AuditPage } from './pages/Audit';
import { CatalogPage } from './pages/Catalog';
import { FleetPage } from './pages/Fleet';
import { MoneyPage } from './pages/Money';
import { PeoplePage } from './pages/People';
import { PromotionsPage } from './pages/Promotions';
import { RegistersPage } from './pages/Registers';
import { StoresPage } from './pages/Stores';
import { UsersPage } from './pages/Users';
import { navigate, PAGES, usePath, type Page } from './router';
import { ConsoleStoreSchema } from '../../shared/hq/console';

type Session = { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'out'; setupNeeded: boolean } | { state: 'in'; user: ConsoleUser };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const path = usePath();
  const { t } = useTranslation();

  const loadSession = useCallback(() => {
    call(SessionResponseSchema, 'GET', '/session').then(
      (s) => {
        setCsrf(s.csrf);
        setSession(s.user ? { state: 'in', user: s.user } : { state: 'out', setupNeeded: s.setupNeeded });
      },
      (error: unknown) => setSession({ state: 'failed', error }),
    );
  }, []);
  useEffect(() => {
    loadSession();
    whenSignedOut(() => {
      setCsrf(null);
      setSession({ state: 'out', setupNeeded: false });
    });
    return () => whenSignedOut(null);
  }, [loadSession]);

  const signedIn = (user: ConsoleUser, csrf: string) => {
    setCsrf(csrf);
    setSession({ state: 'in', user });
  };

  if (session.state === 'loading') return <main className="centre">{t('common.loading')}</main>;
  if (session.state === 'failed')
    return (
      <main className="centre">
        <div className="card">
          <h1>{t('app.title')}</h1>
          <ErrorMessage error={session.error} />
          <button type="button" className="button button--primary" onClick={loadSession}>
            {t('common.retry')}
          </button>
        </div>
      </main>
    );
  if (session.state === 'out') {
    if (path === 'setup') return <SetupPage onDone={(user, csrf) => (signedIn(user, csrf), navigate('stores'))} />;
    return <SignInPage setupNeeded={session.setupNeeded} onDone={signedIn} />;
  }
  return <SignedIn user={session.user} path={path} onSignedOut={() => (setCsrf(null), setSession({ state: 'out', setupNeeded: false }))} />;
}

function LanguagePicker() {
  const { t, i18n } = useTranslation();
  return (
    <div className="language">
      <label htmlFor="console-language">{t('app.language')}</label>
      <select id="console-language" value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t(`app.languages.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

function SignInPage({ setupNeeded, onDone }: { setupNeeded: boolean; onDone: (user: ConsoleUser, csrf: string) => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    call(SignedInSchema, 'POST', '/sign-in', { body: { email, password } }).then(
      (r) => onDone(r.user, r.csrf),
      (err: unknown) => (setError(err), setBusy(false)),
    );
  };
  return (
    <main className="centre">
      <form className="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <p className="muted">{t('app.title')}</p>
        {setupNeeded ? <p className="message message--notice">{t('signIn.setupNeeded')}</p> : null}
        <Field label={t('signIn.email')}>{(id) => <input id={id} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
        <Field label={t('signIn.password')}>{(id) => <input id={id} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}</Field>
        <ErrorMessage error={error} />
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
        <LanguagePicker />
      </form>
    </main>
  );
}

function SetupPage({ onDone }: { onDone: (user: ConsoleUser, csrf: string) => void }) {
  const { t } = useTranslation();
  // The token travels in the link's fragment, which the browser never sends to a server or a proxy log.
  const [token] = useState(() => decodeURIComponent(window.location.hash.replace(/^#/, '')));
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) return setMismatch(true);
    setMismatch(false);
    setBusy(true);
    setError(null);
    call(SignedInSchema, 'POST', '/setup', { body: { token, email, name, password } }).then(
      (r) => {
        window.history.replaceState(null, '', '/console/stores');
        onDone(r.user, r.csrf);
      },
      (err: unknown) => (setError(err), setBusy(false)),
    );
  };
  return (
    <main className="centre">
      <form className="card" onSubmit={submit} aria-labelledby="setup-title">
        <h1 id="setup-title">{t('setup.title')}</h1>
        <p className="muted">{t('setup.intro')}</p>
        {token ? null : <p className="message message--error" role="alert">{t('setup.noToken')}</p>}
        <Field label={t('setup.name')}>{(id) => <input id={id} autoComplete="name" required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
        <Field label={t('setup.email')}>{(id) => <input id={id} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
        <Field label={t('setup.password')} hint={t('setup.passwordHint')}>
          {(id, hint) => <input id={id} type="password" autoComplete="new-password" required minLength={10} aria-describedby={hint} value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field label={t('setup.repeat')}>{(id) => <input id={id} type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />}</Field>
        {mismatch ? <p className="message message--error" role="alert">{t('setup.mismatch')}</p> : null}
        <ErrorMessage error={error} />
        <button type="submit" className="button button--primary" disabled={busy || !token}>
          {t('setup.submit')}
        </button>
        <LanguagePicker />
      </form>
    </main>
  );
}

const StoresSchema = z.object({ stores: z.array(ConsoleStoreSchema) });

function SignedIn({ user, path, onSignedOut }: { user: ConsoleUser; path: string; onSignedOut: () => void }) {
  const { t } = useTranslation();
  const stores = useLoad(() => call(StoresSchema, 'GET', '/stores'), []);
  const pages = PAGES.filter((p) => p !== 'users' || user.role === 'owner');
  const page: Page = (pages as readonly string[]).includes(path) ? (path as Page) : 'stores';
  useEffect(() => {
    document.title = `${t(`nav.${page}`)} · ${t('app.title')}`;
  }, [page, t]);
  const signOut = () => {
    call(z.unknown(), 'POST', '/sign-out').finally(onSignedOut);
  };
  return (
    <ConsoleContext.Provider value={{ user, stores: stores.data?.stores ?? [], reloadStores: stores.reload }}>
      <div className="shell">
        <a className="skip" href="#main">
          {t('app.skip')}
        </a>
        <nav className="nav" aria-label={t('nav.label')}>
          <div className="nav__brand">{t('app.brand')}</div>
          <ul>
            {pages.map((p) => (
              <li key={p}>
                <a
                  href={`/console/${p}`}
                  aria-current={p === page ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(p);
                  }}
                >
                  {t(`nav.${p}`)}
                </a>
              </li>
            ))}
          </ul>
          <div className="nav__user">
            <span className="nav__name">{user.name}</span>
            <span className="nav__role">{t(`roles.${user.role}`)}</span>
            <LanguagePicker />
            <button type="button" className="button button--secondary" onClick={signOut}>
              {t('nav.signOut')}
            </button>
          </div>
        </nav>
        <main id="main" className="page" tabIndex={-1}>
          <ErrorMessage error={stores.error} />
          {stores.data ? <PageView page={page} /> : stores.error ? null : <p>{t('common.loading')}</p>}
        </main>
      </div>
    </ConsoleContext.Provider>
  );
}

function PageView({ page }: { page: Page }) {
  switch (page) {
    case 'stores':
      return <StoresPage />;
    case 'registers':
      return <RegistersPage />;
    case 'people':
      return <PeoplePage />;
    case 'catalog':
      return <CatalogPage />;
    case 'promotions':
      return <PromotionsPage />;
    case 'money':
      return <MoneyPage />;
    case 'fleet':
      return <FleetPage />;
    case 'audit':
      return <AuditPage />;
    case 'users':
      return <UsersPage />;
  }
}
