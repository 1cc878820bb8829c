import { v7 as uuidv7 } from 'uuid';
import type { Kysely } from 'kysely';
import type { User } from '../../../shared/api';
import type { HqSchema } from '../db/schema';
import type { Writer } from '../db/writer';
import { hashPin, verifyPin } from './pin';

export interface UserWithPinHash extends User {
  pinHash: string;
}

export class UsersRepository {
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  /** Adds a user; `storeId` null lets the user sign in at every store. */
  async add(user: { id?: string; name: string; role: User['role']; pin: string; storeId: string | null }): Promise<UserWithPinHash> {
    const pinHash = await hashPin(user.pin);
    const id = user.id ?? uuidv7();
    await this.writer.transaction(({ trx, now }) =>
      trx.insertInto('users').values({ id, store_id: user.storeId, name: user.name, role: user.role, pin_hash: pinHash, active: 1, created_at: now }).execute(),
    );
    return { id, name: user.name, role: user.role, pinHash };
  }

  async countForStore(storeId: string): Promise<number> {
    const row = await this.read
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', storeId)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The active user of this store whose PIN this is, or null. Checks all candidates at once (scrypt runs on libuv's pool). */
  async checkPin(storeId: string, pin: string, userId?: string): Promise<UserWithPinHash | null> {
    let query = this.read
      .selectFrom('users')
      .select(['id', 'name', 'role', 'pin_hash'])
      .where('active', '=', 1)
      .where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', storeId)]));
    if (userId) query = query.where('id', '=', userId);
    const candidates = await query.orderBy('created_at').execute();
    const matches = await Promise.all(candidates.map((c) => verifyPin(pin, c.pin_hash)));
    const found = candidates.find((_, i) => matches[i]);
    return found ? { id: found.id, name: found.name, role: found.role, pinHash: found.pin_hash } : null;
  }
}
