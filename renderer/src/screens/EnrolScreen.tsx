import { useState, type FormEvent } from 'react';
import type { AppInfo } from '../../../shared/api';
import { call, CallError } from '../api/client';

/** First start in HQ mode: the store's enrolment code connects this register to HQ once. */
export function EnrolScreen({ onEnrolled }: { onEnrolled: (info: AppInfo) => void }) {
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
      setError(e instanceof CallError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="login__card" onSubmit={submit} aria-labelledby="enrol-title">
        <h1 id="enrol-title">Connect this register</h1>
        <p>Enter the store’s enrolment code from HQ. This is needed once.</p>
        <label htmlFor="enrolment-code">Enrolment code</label>
        <input id="enrolment-code" className="login__pin" autoFocus autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} maxLength={128} />
        {error ? (
          <p className="message message--error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button button--primary" disabled={busy || !code.trim()}>
          Connect
        </button>
      </form>
    </main>
  );
}
