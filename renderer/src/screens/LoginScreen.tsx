import { useRef, useState, type FormEvent } from 'react';
import type { User } from '../../../shared/api';
import { call } from '../api/client';
import { NumberPad } from '../components/NumberPad';
import { PinField } from '../components/PinField';
import { pinErrorText } from '../components/pin-errors';
import { useTranslation } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';

/** PIN sign-in: the field is focused; a PIN and Enter (or the number pad and OK) signs in. A lockout says how long it lasts. */
export function LoginScreen({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const { t } = useTranslation('auth');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const { user } = await call('session.login', { pin });
      onSignedIn(user);
    } catch (e) {
      setError(await pinErrorText(e, t));
      setPin('');
      field.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login__card login__card--pad" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('signIn')}</h1>
        <div className="with-number-pad">
          <div className="login__fields">
            <label htmlFor="pin">{t('pin')}</label>
            <PinField
              ref={field}
              id="pin"
              className="login__pin"
              autoFocus
              value={pin}
              onChange={setPin}
              aria-describedby={error ? 'login-error' : 'login-hint'}
              aria-invalid={error ? true : undefined}
            />
            <p id="login-hint" className="login__hint">
              {t('pinHint')}
            </p>
            <ErrorAlert error={error} id="login-error" />
            <button type="submit" className="button button--primary" disabled={busy || pin.length < 4}>
              {t('signIn')}
            </button>
          </div>
          <NumberPad target={field} disabled={busy} />
        </div>
      </form>
    </main>
  );
}
