import type { User } from '../../../shared/api';
import type { KassaDatabase } from '../../db/open';

interface UserRow {
  id: string;
  name: string;
  role: User['role'];
  pin_hash: string;
}

export interface UserWithPinHash extends User {
  pinHash: string;
}

export class UsersRepository {
  private readonly active;
  private readonly cache;
  private readonly insert;
  private readonly count;

  constructor(db: KassaDatabase) {
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
  }

  /** Active users; with `onlineSince`, only those HQ verified on this register since then (offline login). */
  activeUsers(onlineSince: number | null = null): UserWithPinHash[] {
    return this.active.all({ since: onlineSince }).map((row) => ({ id: row.id, name: row.name, role: row.role, pinHash: row.pin_hash }));
  }

  add(user: UserWithPinHash, now = Date.now()): void {
    this.insert.run(user.id, user.name, user.role, user.pinHash, now);
  }

  /** Caches a user HQ just verified, with the PIN hash HQ sent, for offline sign-in later. */
  cacheOnlineLogin(user: UserWithPinHash, now: number): void {
    this.cache.run(user.id, user.name, user.role, user.pinHash, now, now);
  }

  isEmpty(): boolean {
    return this.count.get()!.n === 0;
  }
}
