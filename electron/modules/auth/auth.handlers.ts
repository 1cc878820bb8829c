import type { Handlers } from '../../core/handle';
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
