import { useState, type FormEvent } from 'react';
import type { AppInfo } from '../../../shared/api';
import { call, errorText } from '../api/client';
import { useTranslation } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';

/** First start in HQ mode: the store's enrolment code connects this register to HQ once. */
export function EnrolScreen({ onEnrolled }: { onEnrolled: (info: AppInfo) => void }) {
  const { t } = useTranslation('common');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onEnrolled(await call('register.enrol', { code }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="login__card" onSubmit={submit} aria-labelledby="enrol-title">
        <h1 id="enrol-title">{t('enrol.title')}</h1>
        <p>{t('enrol.intro')}</p>
        <label htmlFor="enrolment-code">{t('enrol.code')}</label>
        <input id="enrolment-code" className="login__pin" autoFocus autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} maxLength={128} />
        <ErrorAlert error={error} />
        <button type="submit" className="button button--primary" disabled={busy || !code.trim()}>
          {t('enrol.connect')}
        </button>
      </form>
    </main>
  );
}
