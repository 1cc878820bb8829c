import type { User } from '../../../shared/api';
import type { KassaDatabase } from '../../db/open';
import { UNUSABLE_PIN_HASH } from './pin';
import type { PinPepper } from './pin-pepper';

interface UserRow {
  id: string;
  name: string;
  role: User['role'];
  pin_hash: string;
}

export interface UserWithPinHash extends User {
  pinHash: string;
}

/**
 * The users this register knows, with their cached PIN hashes. With a `PinPepper` (the running register)
 * every hash is stored wrapped with the device secret, and `pinSecret` is what checks them.
 */
export class UsersRepository {
  private readonly active;
  private readonly cache;
  private readonly insert;
  private readonly count;
  private readonly unusable;
  private readonly setHash;
  private readonly storedHashes;
  private readonly fromHq;
  /** The device secret the stored hashes are wrapped with; null where hashes are kept as HQ sent them (tests, tools). */
  readonly pinSecret: Buffer | null;

  constructor(
    db: KassaDatabase,
    private readonly pepper: PinPepper | null = null,
  ) {
    this.pinSecret = pepper?.secret ?? null;
    this.active = db.prepare<[{ since: number | null }], UserRow>(
      'SELECT id, name, role, pin_hash FROM users WHERE active = 1 AND (@since IS NULL OR last_online_login_at >= @since) ORDER BY created_at, id',
    );
    this.cache = db.prepare<[string, string, string, string, number, number]>(
      `INSERT INTO users (id, name, role, pin_hash, active, created_at, last_online_login_at) VALUES (?, ?, ?, ?, 1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash, active = 1, last_online_login_at = excluded.last_online_login_at`,
    );
    this.insert = db.prepare<[string, string, string, string, number]>(
      'INSERT INTO users (id, name, role, pin_hash, active, created_at) VALUES (?, ?, ?, ?, 1, ?)',
    );
    this.count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
    this.unusable = db.prepare<[string], UserRow>('SELECT id, name, role, pin_hash FROM users WHERE active = 1 AND pin_hash = ? ORDER BY created_at, id');
    this.setHash = db.prepare<[string, string]>('UPDATE users SET pin_hash = ? WHERE id = ?');
    this.storedHashes = db.prepare<[], { pin_hash: string }>('SELECT pin_hash FROM users');
    this.fromHq = db.prepare<[{ id: string; name: string; role: string; pinHash: string; active: number; now: number }]>(
      `INSERT INTO users (id, name, role, pin_hash, active, created_at, last_online_login_at) VALUES (@id, @name, @role, @pinHash, @active, @now, CASE WHEN @active = 1 THEN @now END)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash, active = excluded.active,
         last_online_login_at = CASE WHEN excluded.active = 1 THEN excluded.last_online_login_at ELSE users.last_online_login_at END`,
    );
  }

  /** Active users; with `onlineSince`, only those HQ verified on this register since then (offline login). */
  activeUsers(onlineSince: number | null = null): UserWithPinHash[] {
    return this.active.all({ since: onlineSince }).map((row) => ({ id: row.id, name: row.name, role: row.role, pinHash: row.pin_hash }));
  }

  add(user: UserWithPinHash, now = Date.now()): void {
    this.insert.run(user.id, user.name, user.role, this.stored(user.pinHash), now);
  }

  /** Caches a user HQ just verified, with the PIN hash HQ sent, for offline sign-in later. */
  cacheOnlineLogin(user: UserWithPinHash, now: number): void {
    this.cache.run(user.id, user.name, user.role, this.stored(user.pinHash), now, now);
  }

  /**
   * A user as HQ's change feed or snapshot sends them (HQ's hash, wrapped here like any other). An active
   * one counts as verified by HQ now, so a cashier added or given a new PIN at HQ signs in offline at once;
   * an inactive one stays cached (their sales name them) but no longer signs in or approves.
   */
  applyFromHq(user: UserWithPinHash & { active: boolean }, now: number): void {
    this.fromHq.run({ id: user.id, name: user.name, role: user.role, pinHash: this.stored(user.pinHash), active: user.active ? 1 : 0, now });
  }

  /** Active users whose cached PIN can no longer be checked here (the device secret was lost): they sign in online once. */
  withUnusablePin(): User[] {
    return this.unusable.all(UNUSABLE_PIN_HASH).map((row) => ({ id: row.id, name: row.name, role: row.role }));
  }

  /** Gives a user a new PIN hash (in HQ's form; wrapped here). */
  setPinHash(id: string, pinHash: string): void {
    this.setHash.run(this.stored(pinHash), id);
  }

  /** Every PIN hash as stored, of active and former users (secrets a support bundle must never hold). */
  storedPinHashes(): string[] {
    return this.storedHashes.all().map((row) => row.pin_hash);
  }

  isEmpty(): boolean {
    return this.count.get()!.n === 0;
  }

  private stored(pinHash: string): string {
    return this.pepper ? this.pepper.wrap(pinHash) : pinHash;
  }
}
