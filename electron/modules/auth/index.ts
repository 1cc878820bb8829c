import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { Platform } from '../../core/platform';
import type { KassaModule } from '../../core/module';
import { authHandlers } from './auth.handlers';
import { AutoLock } from './auto-lock';
import { PinLockout } from './lockout';
import { PinPepper } from './pin-pepper';
import { Policy } from './policy';
import { SessionService } from './session.service';
import { usersFeed } from './users.feed';
import { UsersRepository } from './users.repository';

/**
 * HQ checks a PIN with scrypt, slower than a health probe on a busy HQ: a sign-in waits at least this long
 * before the register falls back to its own copy (where a cashier new to this register is not known yet).
 */
const MIN_LOGIN_TIMEOUT_MS = 3_000;

export type AuthModule = KassaModule<'session.get' | 'session.login' | 'session.logout' | 'session.unlock'> & {
  users: UsersRepository;
  session: SessionService;
  autoLock: AutoLock;
  policy: Policy;
  /** Another cashier takes over a locked till (checkout holds the open cart for the one who left). */
  onSwitchUser(listener: (from: { name: string }, to: { id: string }) => void): void;
};

/** Sign-in, the lock screen, wrong-PIN lockout (kept across restarts), auto-lock on idle time, and manager approvals. */
export function createAuthModule({ config, db, settings, log, hq, identity, connectivity, events }: Platform): AuthModule {
  // Cached PIN hashes are kept wrapped with the device secret (<dataDir>/device-secret), never with the database alone.
  const pinPepper = PinPepper.open({ dataDir: config.dataDir, db, log });
  const users = new UsersRepository(db, pinPepper);
  const lockout = new PinLockout(config.dataDir, () => settings.auth);
  const switchListeners: ((from: { name: string }, to: { id: string }) => void)[] = [];
  // Idle time locks the screen; signing in or unlocking starts it counting.
  const autoLock = new AutoLock({ autoLockMs: () => Math.round(settings.auth.autoLockMinutes * 60_000), onIdle: () => session.lock() });
  const session: SessionService = new SessionService({
    users,
    lockout,
    onChange: (state) => {
      if (state.user && !state.locked) autoLock.start();
      else autoLock.stop();
      events.emit({ name: 'session.changed', payload: { ...state, signInLockedUntil: lockout.lockedUntil('login') } });
    },
    online: hq
      ? { available: () => identity.get() !== null && connectivity.isAvailable('auth'), login: (pin) => hq.call(HQ_ROUTES.login, { body: { pin } }, { timeoutMs: Math.max(settings.connectivity.probeTimeoutMs * 2, MIN_LOGIN_TIMEOUT_MS) }) }
      : null,
    offlineLoginDays: () => settings.auth.offlineLoginDays,
    onSwitchUser: (from, to) => switchListeners.forEach((listener) => listener(from, to)),
    log: (message, detail) => log.info(detail, message),
  });
  const policy = new Policy({ managerByPin: (pin) => session.managerByPin(pin), lockout, log });
  return {
    name: 'auth',
    users,
    session,
    autoLock,
    policy,
    onSwitchUser: (listener) => void switchListeners.push(listener),
    handlers: authHandlers({ session, lockout }),
    contributes: {
      secrets: () => [...pinPepper.redactions(), ...users.storedPinHashes()],
      // HQ's people reach the register through the feed; one deactivated while signed in here is signed out.
      feedAppliers: [
        usersFeed(users, (userId) => {
          if (session.current()?.id !== userId) return;
          log.info({ userId }, 'the signed-in user was deactivated at HQ: signed out');
          session.logout();
        }),
      ],
    },
    stop: () => autoLock.stop(),
  };
}
