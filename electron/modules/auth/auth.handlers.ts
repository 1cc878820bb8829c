import type { Dispatch, Handlers } from '../../core/handle';
import { allowedWhileLocked, isCashierActivity, type AutoLock } from './auto-lock';
import type { PinLockout } from './lockout';
import type { SessionService } from './session.service';

/** Sign-in, sign-out and unlocking: the session channels. */
export function authHandlers({ session, lockout }: { session: SessionService; lockout: PinLockout }): Pick<Handlers, 'session.get' | 'session.login' | 'session.logout' | 'session.unlock'> {
  return {
    'session.get': () => ({ ...session.state(), signInLockedUntil: lockout.lockedUntil('login') }),
    'session.login': async ({ pin }) => ({ user: await session.login(pin) }),
    'session.logout': () => {
      session.logout();
      return { user: null };
    },
    'session.unlock': async ({ pin }) => ({ user: await session.unlock(pin) }),
  };
}

/**
 * Wraps the register's dispatch: a call the cashier caused restarts the auto-lock's idle time, and while
 * the screen is locked only the status bar, the lock screen and sign-out are answered.
 */
export function guardSession(dispatch: Dispatch, session: SessionService, autoLock: AutoLock): Dispatch {
  return async (channel, input, context) => {
    const name = String(channel);
    if (session.isLocked() && !allowedWhileLocked(name)) {
      return { ok: false, error: { code: 'NOT_SIGNED_IN', message: 'The register is locked: unlock it with your PIN.' } };
    }
    if (isCashierActivity(name)) autoLock.touch();
    return dispatch(channel, input, context);
  };
}
