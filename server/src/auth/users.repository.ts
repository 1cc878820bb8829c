import { v7 as uuidv7 } from 'uuid';
import type { Kysely } from 'kysely';
import type { User } from '../../../shared/api';
import type { HqSchema } from '../db/schema';
import type { Writer } from '../db/writer';
import { HqError } from '../http/errors';
import { hashPin, verifyPin } from './pin';

export interface UserWithPinHash extends User {
  pinHash: string;
}

export class UsersRepository {
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  /**
   * Adds a user; `storeId` null lets the user sign in at every store. A PIN names one person at a store,
   * so a PIN an active user who can sign in at the same store already has is refused with 409 PIN_TAKEN.
   * The check runs in the transaction that inserts, with the store rows locked (PostgreSQL; SQLite has one
   * writer), so two users cannot be given the same PIN at once.
   */
  async add(user: { id?: string; name: string; role: User['role']; pin: string; storeId: string | null }): Promise<UserWithPinHash> {
    const pinHash = await hashPin(user.pin);
    const id = user.id ?? uuidv7();
    await this.writer.transaction(async ({ trx, now }) => {
      let stores = trx.selectFrom('stores').select('id');
      if (user.storeId !== null) stores = stores.where('id', '=', user.storeId);
      if (this.writer.dialect === 'postgres') await stores.forUpdate().execute();
      let sharing = trx.selectFrom('users').select(['name', 'pin_hash']).where('active', '=', 1);
      if (user.storeId !== null) sharing = sharing.where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', user.storeId)]));
      const others = await sharing.execute();
      const matches = await Promise.all(others.map((other) => verifyPin(user.pin, other.pin_hash)));
      if (matches.some(Boolean)) {
        throw new HqError(409, 'PIN_TAKEN', 'Another user who signs in at this store already has this PIN. Choose a different PIN; nothing was saved.');
      }
      await trx.insertInto('users').values({ id, store_id: user.storeId, name: user.name, role: user.role, pin_hash: pinHash, active: 1, created_at: now }).execute();
    });
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
