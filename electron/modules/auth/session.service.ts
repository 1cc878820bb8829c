import { LoginResponseSchema } from '../../../shared/hq/auth';
import type { User } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import { HqAnswerInvalidError, HqStatusError } from '../../hq/hq-client';
import type { PinLockout } from './lockout';
import { verifyPin } from './pin';
import type { UsersRepository, UserWithPinHash } from './users.repository';

/** How HQ checks a PIN online; null in demo mode or before enrolment. */
export interface OnlinePinCheck {
  available(): boolean;
  login(pin: string): Promise<unknown>;
}

/** The default of `auth.offlineLoginDays`. */
export const OFFLINE_LOGIN_DAYS = 14;

export interface SessionState {
  user: User | null;
  /** The screen is locked (auto-lock): the user stays signed in, their cart and tender are kept. */
  locked: boolean;
}

export interface SessionOptions {
  users: UsersRepository;
  onChange: (state: SessionState) => void;
  online?: OnlinePinCheck | null;
  lockout: PinLockout;
  /** `auth.offlineLoginDays`: users HQ verified on this register within this many days sign in offline. */
  offlineLoginDays?: () => number;
  /** Another user took over a locked register (the open cart may be held for the one who left). */
  onSwitchUser?: (from: User, to: User) => void;
  log?: (message: string, detail: Record<string, unknown>) => void;
  now?: () => number;
}

const toUser = (u: UserWithPinHash): User => ({ id: u.id, name: u.name, role: u.role });

/**
 * Who is signed in at this register (one cashier at a time). Online, HQ checks the PIN and the register
 * caches the user's scrypt hash; offline (or in demo mode) the PIN is checked against that local cache.
 * PINs are checked one at a time and each is counted before it is compared (`PinLockout`, scope `login`);
 * a right PIN does not wipe the wrong ones before it. While sign-in is locked one manager PIN per lock
 * period may lift it. Signing out or locking never touches the cart or the outbox.
 */
export class SessionService {
  private user: User | null = null;
  private locked = false;
  private readonly now: () => number;

  constructor(private readonly o: SessionOptions) {
    this.now = o.now ?? Date.now;
  }

  current(): User | null {
    return this.user;
  }

  isLocked(): boolean {
    return this.user !== null && this.locked;
  }

  state(): SessionState {
    return { user: this.user, locked: this.isLocked() };
  }

  /** The signed-in user, or a NOT_SIGNED_IN error for calls that need one (also while the screen is locked). */
  require(): User {
    if (!this.user) throw new KassaError('NOT_SIGNED_IN', 'Sign in with your PIN first.');
    if (this.locked) throw new KassaError('NOT_SIGNED_IN', 'The register is locked: unlock it with your PIN.');
    return this.user;
  }

  /** Signs in with a PIN (one PIN check at a time on this register; see `PinLockout`). */
  login(pin: string): Promise<User> {
    return this.o.lockout.serially(() => this.signIn(pin));
  }

  /** Signs out. The open cart stays for the next sign-in and queued operations keep uploading. */
  logout(): void {
    this.user = null;
    this.locked = false;
    this.o.onChange(this.state());
  }

  /** Locks the screen over the current work (auto-lock); nothing is discarded. */
  lock(): void {
    if (!this.user || this.locked) return;
    this.locked = true;
    this.o.log?.('screen locked', { user: this.user.name });
    this.o.onChange(this.state());
  }

  /**
   * Unlocks a locked screen: the signed-in user's PIN or a manager's lifts the lock and keeps the
   * session; any other user's PIN signs that user in instead (their own session; see `onSwitchUser`).
   */
  unlock(pin: string): Promise<User> {
    return this.o.lockout.serially(() => this.signIn(pin, true));
  }

  /** Checks a manager's PIN for an approval (never changes who is signed in). Use `Policy.requireManager`. */
  async managerByPin(pin: string): Promise<User> {
    // The same window as offline sign-in: a manager HQ has not verified here recently cannot approve.
    const manager = await this.localManager(pin);
    if (manager) return manager;
    throw new KassaError('NOT_A_MANAGER', 'That is not a manager’s PIN. Ask a manager to enter theirs.');
  }

  /**
   * One PIN check, counted before the PIN is compared. On a locked screen (`screen`), the signed-in user's
   * PIN or a manager's unlocks it; otherwise (or for any other user's PIN) the PIN signs its user in.
   */
  private async signIn(pin: string, screen = false): Promise<User> {
    if (screen && !this.user) screen = false;
    if (screen && !this.locked) return this.user!;
    const lockedUntil = this.o.lockout.take('login');
    if (lockedUntil !== null) return this.managerLiftsLock(pin, lockedUntil);
    let user: User;
    try {
      const owner = screen ? await this.screenOwnerOrManager(pin) : null;
      if (owner) {
        this.o.lockout.succeeded('login');
        this.locked = false;
        this.o.log?.('screen unlocked', { user: this.user!.name, by: owner.name });
        this.o.onChange(this.state());
        return this.user!;
      }
      user = (await this.loginOnline(pin)) ?? (await this.loginOffline(pin));
    } catch (error) {
      throw this.countWrongPin(error);
    }
    this.o.lockout.succeeded('login');
    this.signedIn(user);
    return user;
  }

  private signedIn(user: User): void {
    const previous = this.user;
    this.user = user;
    this.locked = false;
    if (previous && previous.id !== user.id) this.o.onSwitchUser?.(previous, user);
    this.o.onChange(this.state());
  }

  /** The signed-in user or a manager, when the PIN is theirs (the locked screen's own check). */
  private async screenOwnerOrManager(pin: string): Promise<UserWithPinHash | null> {
    for (const candidate of this.o.users.activeUsers(this.offlineWindowStart())) {
      if ((candidate.id === this.user!.id || candidate.role === 'manager') && (await verifyPin(pin, candidate.pinHash, this.o.users.pinSecret))) return candidate;
    }
    return null;
  }

  /**
   * While sign-in is locked, one manager PIN per lock period may lift it (and signs the manager in). The try
   * is taken before the PIN is checked, so a wrong one uses it up; a lift is logged with the manager and the time.
   */
  private async managerLiftsLock(pin: string, lockedUntil: number): Promise<User> {
    if (!this.o.lockout.takeManagerTry('login')) throw this.o.lockout.lockedError('login', lockedUntil);
    const manager = await this.localManager(pin);
    if (!manager) {
      this.o.log?.('a PIN tried to lift the sign-in lock and was not a manager’s', { at: new Date(this.now()).toISOString(), lockedUntil: new Date(lockedUntil).toISOString() });
      throw this.o.lockout.lockedError('login', lockedUntil);
    }
    this.o.lockout.lifted('login');
    this.o.log?.('sign-in lock lifted by a manager', { managerId: manager.id, manager: manager.name, at: new Date(this.now()).toISOString(), lockedUntil: new Date(lockedUntil).toISOString() });
    this.signedIn(manager);
    return manager;
  }

  /** A failed check counts towards the lockout; the one that locks answers with the lock's message. */
  private countWrongPin(error: unknown): unknown {
    const until = this.o.lockout.failed('login');
    return until !== null && error instanceof KassaError && error.code === 'WRONG_PIN' ? this.o.lockout.lockedError('login', until) : error;
  }

  private async localManager(pin: string): Promise<User | null> {
    for (const candidate of this.o.users.activeUsers(this.offlineWindowStart())) {
      if (candidate.role === 'manager' && (await verifyPin(pin, candidate.pinHash, this.o.users.pinSecret))) return toUser(candidate);
    }
    return null;
  }

  /** HQ's verdict, or null when HQ cannot be asked (offline, not enrolled, HQ failing). */
  private async loginOnline(pin: string): Promise<User | null> {
    if (!this.o.online?.available()) return null;
    let answer: unknown;
    try {
      answer = await this.o.online.login(pin);
    } catch (error) {
      if (error instanceof HqStatusError && (error.kind === 'refused' || error.kind === 'not-found')) {
        throw new KassaError('WRONG_PIN', 'That PIN is not right. Try again.');
      }
      // HQ refuses more guesses from this register: never fall back to the offline cache then.
      if (error instanceof HqStatusError && error.kind === 'limited') {
        throw new KassaError('TOO_MANY_ATTEMPTS', 'Too many wrong PINs on this register. Wait a few minutes, then try again.');
      }
      // An answer that breaks HQ's contract is a fault to show, not a reason to trust the offline cache instead.
      if (error instanceof HqAnswerInvalidError) throw error;
      return null;
    }
    const { user, pinHash } = LoginResponseSchema.parse(answer);
    this.o.users.cacheOnlineLogin({ ...user, pinHash }, this.now());
    return user;
  }

  /** Users verified by HQ on this register since then may sign in or approve offline; demo mode has no window. */
  private offlineWindowStart(): number | null {
    const days = this.o.offlineLoginDays?.() ?? OFFLINE_LOGIN_DAYS;
    return this.o.online ? this.now() - days * 24 * 60 * 60 * 1000 : null;
  }

  private async loginOffline(pin: string): Promise<User> {
    for (const candidate of this.o.users.activeUsers(this.offlineWindowStart())) {
      if (await verifyPin(pin, candidate.pinHash, this.o.users.pinSecret)) return toUser(candidate);
    }
    if (this.o.users.withUnusablePin().length > 0) {
      // The device secret was lost: cached PINs cannot be checked until their owners sign in online once.
      throw new KassaError(
        'WRONG_PIN',
        'That PIN is not right, or it cannot be checked on this register yet: its saved PINs were reset because its device secret was missing. ' +
          'Sign in once while HQ is reachable (each cashier), or ask a manager.',
      );
    }
    if (this.o.online) {
      // HQ could not be asked: a PIN that matches nobody verified here recently may be a real user new to this register.
      throw new KassaError(
        'WRONG_PIN',
        'That PIN is not right, or its owner has not signed in on this register while it was online in the last ' +
          `${this.o.offlineLoginDays?.() ?? OFFLINE_LOGIN_DAYS} days. Sign in once while HQ is reachable, or ask a manager.`,
      );
    }
    throw new KassaError('WRONG_PIN', 'That PIN is not right. Try again.');
  }
}
