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
  private readonly insert;
  private readonly count;

  constructor(db: KassaDatabase) {
    this.active = db.prepare<[], UserRow>('SELECT id, name, role, pin_hash FROM users WHERE active = 1 ORDER BY created_at, id');
    this.insert = db.prepare<[string, string, string, string, number]>(
      'INSERT INTO users (id, name, role, pin_hash, active, created_at) VALUES (?, ?, ?, ?, 1, ?)',
    );
    this.count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  }

  activeUsers(): UserWithPinHash[] {
    return this.active.all().map((row) => ({ id: row.id, name: row.name, role: row.role, pinHash: row.pin_hash }));
  }

  add(user: UserWithPinHash, now = Date.now()): void {
    this.insert.run(user.id, user.name, user.role, user.pinHash, now);
  }

  isEmpty(): boolean {
    return this.count.get()!.n === 0;
  }
}
