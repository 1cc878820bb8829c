import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KassaError } from '../../../shared/errors';
import { writeFileAtomic } from '../../fs/atomic-write';

export const LOCKOUT_FILE = 'pin-lockout.json';

/**
 * Where wrong PINs are counted. A PIN alone names no user, so the register (not a user) is locked:
 * `login` for the sign-in and unlock screens, `approval` for manager PINs typed into approval dialogs.
 */
export type PinScope = 'login' | 'approval';

export interface LockoutLimits {
  maxAttempts: number;
  lockoutMinutes: number;
}

const ScopeStateSchema = z.object({
  failures: z.number().int().min(0),
  lockedUntil: z.number().int().nullable(),
  /** A lock can be lifted early by one manager PIN per lock period; a wrong one uses the chance up. */
  managerTryUsed: z.boolean(),
});
type ScopeState = z.infer<typeof ScopeStateSchema>;
const FileSchema = z.object({ login: ScopeStateSchema, approval: ScopeStateSchema });
type LockoutFile = z.infer<typeof FileSchema>;

const fresh = (): ScopeState => ({ failures: 0, lockedUntil: null, managerTryUsed: false });

/**
 * Wrong PINs in a row per scope; `maxAttempts` of them lock the scope for `lockoutMinutes`. Kept in
 * `<dataDir>/pin-lockout.json` (atomic write) as a deadline timestamp, so a restart neither resets nor
 * extends a lock. A file that cannot be read counts as a fresh start (it holds nothing worth refusing
 * every cashier for) and is rewritten on the next wrong PIN.
 */
export class PinLockout {
  private state: LockoutFile;
  private readonly file: string | null;

  constructor(
    dataDir: string | null,
    private readonly limits: () => LockoutLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.file = dataDir ? path.join(dataDir, LOCKOUT_FILE) : null;
    this.state = this.read();
  }

  /** When the scope's lock ends, or null when PINs may be tried. */
  lockedUntil(scope: PinScope): number | null {
    const until = this.state[scope].lockedUntil;
    return until !== null && until > this.now() ? until : null;
  }

  /** Refuses with TOO_MANY_ATTEMPTS (and the time left) while the scope is locked. */
  assertOpen(scope: PinScope): void {
    const until = this.lockedUntil(scope);
    if (until !== null) throw this.lockedError(scope, until);
  }

  /** Counts a wrong PIN; the one that reaches `maxAttempts` locks the scope. Returns the lock's end, if any. */
  failed(scope: PinScope): number | null {
    const current = this.expire(scope);
    const failures = current.failures + 1;
    const locks = failures >= this.limits().maxAttempts;
    const lockedUntil = locks ? this.now() + Math.round(this.limits().lockoutMinutes * 60_000) : null;
    this.save(scope, { failures: locks ? 0 : failures, lockedUntil, managerTryUsed: false });
    return lockedUntil;
  }

  /** A right PIN: the count starts again. */
  succeeded(scope: PinScope): void {
    const current = this.state[scope];
    if (current.failures !== 0 || current.lockedUntil !== null || current.managerTryUsed) this.save(scope, fresh());
  }

  /** Takes the one manager try of the current lock; false when it was already used. */
  takeManagerTry(scope: PinScope): boolean {
    const current = this.state[scope];
    if (current.managerTryUsed) return false;
    this.save(scope, { ...current, managerTryUsed: true });
    return true;
  }

  /** Wrong PINs so far in the scope (0 after a lock ends or a right PIN). */
  failures(scope: PinScope): number {
    return this.expire(scope).failures;
  }

  lockedError(scope: PinScope, until: number): KassaError {
    const minutes = Math.max(1, Math.ceil((until - this.now()) / 60_000));
    const time = `${minutes} more minute${minutes === 1 ? '' : 's'}`;
    return scope === 'login'
      ? new KassaError(
          'TOO_MANY_ATTEMPTS',
          `Too many wrong PINs: sign-in on this register is locked for ${time}.${this.state.login.managerTryUsed ? '' : ' A manager can unlock it now with their PIN.'}`,
        )
      : new KassaError('TOO_MANY_ATTEMPTS', `Too many wrong manager PINs: approvals on this register are locked for ${time}.`);
  }

  /** A lock whose time is over is forgotten (its count starts at zero). */
  private expire(scope: PinScope): ScopeState {
    const current = this.state[scope];
    if (current.lockedUntil !== null && current.lockedUntil <= this.now()) {
      this.save(scope, fresh());
      return this.state[scope];
    }
    return current;
  }

  private save(scope: PinScope, next: ScopeState): void {
    this.state = { ...this.state, [scope]: next };
    if (this.file) writeFileAtomic(this.file, `${JSON.stringify(this.state)}\n`);
  }

  private read(): LockoutFile {
    const empty = { login: fresh(), approval: fresh() };
    if (!this.file) return empty;
    try {
      return FileSchema.parse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
    } catch {
      return empty;
    }
  }
}
