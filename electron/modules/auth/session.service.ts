import { LoginResponseSchema } from '../../../shared/hq/auth';
import type { User } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import { HqStatusError } from '../../hq/hq-client';
import { verifyPin } from './pin';
import type { UsersRepository } from './users.repository';

/** How HQ checks a PIN online; null in demo mode or before enrolment. */
export interface OnlinePinCheck {
  available(): boolean;
  login(pin: string): Promise<unknown>;
}

/** Users who signed in online on this register within this many days may sign in offline. */
export const OFFLINE_LOGIN_DAYS = 14;

/**
 * Who is signed in at this register (one cashier at a time). Online, HQ checks the PIN and the register
 * caches the user's scrypt hash; offline (or in demo mode) the PIN is checked against that local cache.
 */
export class SessionService {
  private user: User | null = null;

  constructor(
    private readonly users: UsersRepository,
    private readonly onChange: (user: User | null) => void,
    private readonly online: OnlinePinCheck | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  current(): User | null {
    return this.user;
  }

  /** The signed-in user, or a NOT_SIGNED_IN error for calls that need one. */
  require(): User {
    if (!this.user) throw new KassaError('NOT_SIGNED_IN', 'Sign in with your PIN first.');
    return this.user;
  }

  async login(pin: string): Promise<User> {
    const user = (await this.loginOnline(pin)) ?? (await this.loginOffline(pin));
    this.user = user;
    this.onChange(user);
    return user;
  }

  logout(): void {
    this.user = null;
    this.onChange(null);
  }

  /** Checks a manager's PIN for an approval (never changes who is signed in). */
  async managerByPin(pin: string): Promise<User> {
    // The same window as offline sign-in: a manager HQ has not verified here recently cannot approve.
    for (const candidate of this.users.activeUsers(this.offlineWindowStart())) {
      if (candidate.role === 'manager' && (await verifyPin(pin, candidate.pinHash))) return { id: candidate.id, name: candidate.name, role: candidate.role };
    }
    throw new KassaError('NOT_A_MANAGER', 'That is not a manager’s PIN. Ask a manager to enter theirs.');
  }

  /** HQ's verdict, or null when HQ cannot be asked (offline, not enrolled, HQ failing). */
  private async loginOnline(pin: string): Promise<User | null> {
    if (!this.online?.available()) return null;
    let answer: unknown;
    try {
      answer = await this.online.login(pin);
    } catch (error) {
      if (error instanceof HqStatusError && (error.status === 401 || error.status === 403 || error.status === 404)) {
        throw new KassaError('WRONG_PIN', 'That PIN is not right. Try again.');
      }
      // HQ refuses more guesses from this register: never fall back to the offline cache then.
      if (error instanceof HqStatusError && error.status === 429) {
        throw new KassaError('TOO_MANY_ATTEMPTS', 'Too many wrong PINs on this register. Wait a few minutes, then try again.');
      }
      return null;
    }
    const { user, pinHash } = LoginResponseSchema.parse(answer);
    this.users.cacheOnlineLogin({ ...user, pinHash }, this.now());
    return user;
  }

  /** Users verified by HQ on this register since then may sign in or approve offline; demo mode has no window. */
  private offlineWindowStart(): number | null {
    return this.online ? this.now() - OFFLINE_LOGIN_DAYS * 24 * 60 * 60 * 1000 : null;
  }

  private async loginOffline(pin: string): Promise<User> {
    for (const candidate of this.users.activeUsers(this.offlineWindowStart())) {
      if (await verifyPin(pin, candidate.pinHash)) return { id: candidate.id, name: candidate.name, role: candidate.role };
    }
    throw new KassaError('WRONG_PIN', 'That PIN is not right. Try again.');
  }
}
