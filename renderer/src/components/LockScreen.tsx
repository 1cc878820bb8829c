import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { User } from '../../../shared/api';
import { call } from '../api/client';
import { useTranslation } from '../i18n';
import { NumberPad } from './NumberPad';
import { PinField } from './PinField';
import { pinErrorText } from './pin-errors';
import { ErrorAlert } from './ErrorAlert';

/**
 * Drawn over the current work when the register auto-locks: the sale, its tender and everything typed
 * stay underneath, unreachable (inert) until a PIN unlocks. The signed-in cashier's or a manager's PIN
 * unlocks; another cashier's PIN signs that cashier in. The status bar stays usable.
 */
export function LockScreen({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const { t } = useTranslation('auth');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);

  // Everything but the status bar and this screen becomes inert: no focus, no clicks, no scanner input.
  useEffect(() => {
    const app = root.current?.parentElement;
    if (!app) return;
    // Focus goes back where it was (the scan field, the cash field) once the screen unlocks.
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const others = [...app.children].filter((el): el is HTMLElement => el instanceof HTMLElement && el !== root.current && !el.classList.contains('status-bar'));
    for (const el of others) el.inert = true;
    const bar = app.querySelector('.status-bar');
    if (bar && root.current) root.current.style.top = `${bar.getBoundingClientRect().bottom}px`;
    field.current?.focus();
    return () => {
      for (const el of others) el.inert = false;
      if (before?.isConnected) before.focus();
    };
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || pin.length < 4) return;
    setBusy(true);
    setError(null);
    try {
      await call('session.unlock', { pin });
    } catch (e) {
      setError(await pinErrorText(e, t));
      setPin('');
      field.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    // Keys typed here never reach the screens underneath (their scanner and function-key listeners sit on window).
    <div ref={root} className="lock-screen" role="dialog" aria-modal="true" aria-labelledby="lock-title" onKeyDown={(e) => e.stopPropagation()} data-testid="lock-screen">
      <form className="login__card lock-screen__card login__card--pad" onSubmit={submit}>
        <h1 id="lock-title">{t('locked.title')}</h1>
        <div className="with-number-pad">
          <div className="login__fields">
            <p role="status">{t('locked.signedIn', { name: user.name })}</p>
            <p className="lock-screen__prompt">{t('locked.prompt', { name: user.name })}</p>
            <label htmlFor="unlock-pin">{t('pin')}</label>
            <PinField
              ref={field}
              id="unlock-pin"
              className="login__pin"
              value={pin}
              onChange={setPin}
              aria-describedby={error ? 'unlock-error' : undefined}
              aria-invalid={error ? true : undefined}
            />
            <ErrorAlert error={error} id="unlock-error" />
            <div className="lock-screen__actions">
              <button type="submit" className="button button--primary" disabled={busy || pin.length < 4}>
                {busy ? t('locked.unlocking') : t('locked.unlock')}
              </button>
              <button type="button" className="button button--secondary" onClick={onSignOut}>
                {t('locked.signOut')}
              </button>
            </div>
          </div>
          <NumberPad target={field} disabled={busy} />
        </div>
      </form>
    </div>
  );
}
