import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KassaError } from '../../../shared/errors';
import { KeyedLock } from '../../core/keyed-lock';
import { writeFileAtomic } from '../../fs/atomic-write';

export const LOCKOUT_FILE = 'pin-lockout.json';

/** How long a wrong PIN counts towards a lock. A right PIN never takes it back: only time (or a lock ending) does. */
export const WRONG_PIN_WINDOW_MS = 60 * 60_000;

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
  /** When each wrong PIN of the window was typed (an attempt is written here before its PIN is checked). */
  wrong: z.array(z.number().int()).default([]),
  lockedUntil: z.number().int().nullable(),
  /** A lock can be lifted early by one manager PIN per lock period; a wrong one uses the chance up. */
  managerTryUsed: z.boolean(),
});
type ScopeState = z.infer<typeof ScopeStateSchema>;
const FileSchema = z.object({ login: ScopeStateSchema, approval: ScopeStateSchema });
type LockoutFile = z.infer<typeof FileSchema>;

const fresh = (): ScopeState => ({ wrong: [], lockedUntil: null, managerTryUsed: false });

/**
 * The register's PIN attempt counter, one per scope. PINs are checked one at a time (`serially`), and each
 * check is counted (`take`) before the PIN is compared, so neither a burst of PINs at once nor a crash in
 * the middle of a check gets a guess for free. `maxAttempts` wrong PINs within `WRONG_PIN_WINDOW_MS` lock
 * the scope for `lockoutMinutes`. A right PIN only takes back its own attempt: PINs name their user only
 * after the check, so wrong PINs typed before it (whoever typed them) still count until they age out.
 * Kept in `<dataDir>/pin-lockout.json` (atomic write), with the lock as a deadline timestamp, so a restart
 * neither resets nor extends a lock. A file that cannot be read counts as a fresh start (it holds nothing
 * worth refusing every cashier for) and is rewritten on the next attempt.
 */
export class PinLockout {
  private state: LockoutFile;
  private readonly file: string | null;
  /** The scopes whose latest attempt was taken and is being checked (not kept: after a crash it stays wrong). */
  private readonly pending = new Set<PinScope>();
  /** PIN checks of this register, one at a time (one key: a PIN names no user before it is checked). */
  private readonly checks = new KeyedLock();

  constructor(
    dataDir: string | null,
    private readonly limits: () => LockoutLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.file = dataDir ? path.join(dataDir, LOCKOUT_FILE) : null;
    this.state = this.read();
  }

  /**
   * Runs one PIN check after the ones before it have finished: the count a check reads is the one the checks
   * before it left.
   */
  serially<T>(check: () => Promise<T>): Promise<T> {
    return this.checks.run('pin', check);
  }

  /** When the scope's lock ends, or null when PINs may be tried. */
  lockedUntil(scope: PinScope): number | null {
    const until = this.state[scope].lockedUntil;
    return until !== null && until > this.now() ? until : null;
  }

  /**
   * Counts an attempt before its PIN is checked (it stays counted as wrong unless `succeeded` follows).
   * While the scope is locked nothing is counted and the lock's end is returned instead.
   */
  take(scope: PinScope): number | null {
    const current = this.expire(scope);
    const until = this.lockedUntil(scope);
    if (until !== null) return until;
    this.save(scope, { ...current, wrong: [...current.wrong, this.now()] });
    this.pending.add(scope);
    return null;
  }

  /** The PIN was wrong; the attempt that reaches `maxAttempts` in the window locks the scope. Returns the lock's end, if any. */
  failed(scope: PinScope): number | null {
    const current = this.expire(scope);
    const wrong = this.pending.delete(scope) ? current.wrong : [...current.wrong, this.now()];
    if (wrong.length < this.limits().maxAttempts) {
      this.save(scope, { ...current, wrong });
      return null;
    }
    const lockedUntil = this.now() + Math.round(this.limits().lockoutMinutes * 60_000);
    this.save(scope, { wrong: [], lockedUntil, managerTryUsed: false });
    return lockedUntil;
  }

  /** The PIN was right: its own attempt is taken back; wrong PINs before it still count. */
  succeeded(scope: PinScope): void {
    if (!this.pending.delete(scope)) return;
    const current = this.state[scope];
    this.save(scope, { ...current, wrong: current.wrong.slice(0, -1) });
  }

  /** Takes the one manager try of the current lock before the PIN is checked; false when it was already used. */
  takeManagerTry(scope: PinScope): boolean {
    const current = this.state[scope];
    if (current.managerTryUsed) return false;
    this.save(scope, { ...current, managerTryUsed: true });
    return true;
  }

  /** A manager lifted the lock: PINs may be tried again, the count starting from zero. */
  lifted(scope: PinScope): void {
    this.pending.delete(scope);
    this.save(scope, fresh());
  }

  /** Wrong PINs in the scope's window (0 after a lock ends or is lifted). */
  failures(scope: PinScope): number {
    return this.expire(scope).wrong.length;
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

  /** A lock whose time is over is forgotten (its count starts at zero); wrong PINs older than the window no longer count. */
  private expire(scope: PinScope): ScopeState {
    const current = this.state[scope];
    if (current.lockedUntil !== null && current.lockedUntil <= this.now()) {
      this.save(scope, fresh());
      return this.state[scope];
    }
    const since = this.now() - WRONG_PIN_WINDOW_MS;
    if (current.wrong.some((at) => at <= since)) {
      this.save(scope, { ...current, wrong: current.wrong.filter((at) => at > since) });
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
