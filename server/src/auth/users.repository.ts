import { v7 as uuidv7 } from 'uuid';
import type { Kysely } from 'kysely';
import type { User } from '../../../shared/api';
import type { FeedUser } from '../../../shared/hq/feed';
import type { HqSchema, UsersTable } from '../db/schema';
import type { WriteTx, Writer } from '../db/writer';
import { HqError } from '../http/errors';
import { hashPin, verifyPin } from './pin';

export interface UserWithPinHash extends User {
  pinHash: string;
}

export interface NewUser {
  id?: string;
  name: string;
  role: User['role'];
  pin: string;
  storeId: string | null;
}

/** What may change of a person; a new PIN is hashed here and never kept in the clear. */
export interface UserChange {
  name?: string;
  role?: User['role'];
  active?: boolean;
  pin?: string;
}

/** What registers cache of a user, as the feed and the snapshot send it. */
export function feedUserOf(row: Pick<UsersTable, 'id' | 'name' | 'role' | 'pin_hash' | 'active' | 'store_id'>): FeedUser {
  return { id: row.id, name: row.name, role: row.role, active: Number(row.active) === 1, pinHash: row.pin_hash, storeId: row.store_id };
}

const PIN_TAKEN = () => new HqError(409, 'PIN_TAKEN', 'Another user who signs in at this store already has this PIN. Choose a different PIN; nothing was saved.');

export class UsersRepository {
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  /**
   * Adds a user; `storeId` null lets the user sign in at every store. A PIN names one person at a store,
   * so a PIN an active user who can sign in at the same store already has is refused with 409 PIN_TAKEN.
   * The check runs in the transaction that inserts, with the store rows locked (PostgreSQL; SQLite has one
   * writer), so two users cannot be given the same PIN at once. The store's registers get the user
   * through the change feed, appended in the same write.
   */
  async add(user: NewUser): Promise<UserWithPinHash> {
    const pinHash = await hashPin(user.pin);
    return this.writer.transaction((tx) => this.addIn(tx, user, pinHash));
  }

  /** `add` inside the caller's write (which may record more, such as the console's audit entry). Hash the PIN first: `hashPin`. */
  async addIn(tx: WriteTx, user: NewUser, pinHash: string): Promise<UserWithPinHash> {
    const id = user.id ?? uuidv7();
    await this.refuseTakenPin(tx, user.storeId, user.pin, null);
    const row: UsersTable = { id, store_id: user.storeId, name: user.name, role: user.role, pin_hash: pinHash, active: 1, created_at: tx.now };
    await tx.trx.insertInto('users').values(row).execute();
    await this.appendToFeed(tx, row);
    return { id, name: user.name, role: user.role, pinHash };
  }

  /**
   * Changes a person inside the caller's write: name, role, active, or a new PIN (`pinHash`, hashed by the
   * caller from `change.pin`, checked unique like `add`'s, the person themself aside). Reactivating needs a
   * new PIN: while they were away their old one may have been given to someone else, and HQ cannot tell
   * from two hashes. Null when HQ has no such user; the feed gets the user as they now are.
   */
  async changeIn(tx: WriteTx, id: string, change: UserChange, pinHash: string | null): Promise<UsersTable | null> {
    const before = await tx.trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) return null;
    const active = change.active === undefined ? Number(before.active) === 1 : change.active;
    if (active && Number(before.active) !== 1 && change.pin === undefined) {
      throw new HqError(400, 'PIN_NEEDED', `${before.name} was deactivated: give them a new PIN to reactivate them, since their old one may belong to someone else now. Nothing was saved.`);
    }
    if (change.pin !== undefined && active) await this.refuseTakenPin(tx, before.store_id, change.pin, id);
    const after: UsersTable = {
      ...before,
      name: change.name ?? before.name,
      role: change.role ?? before.role,
      active: active ? 1 : 0,
      pin_hash: pinHash ?? before.pin_hash,
    };
    await tx.trx.updateTable('users').set({ name: after.name, role: after.role, active: after.active, pin_hash: after.pin_hash }).where('id', '=', id).execute();
    await this.appendToFeed(tx, after);
    return after;
  }

  /** The cashiers and managers of these stores (null: every store, with those of every store), by store and name. */
  async list(stores: string[] | null): Promise<UsersTable[]> {
    let query = this.read.selectFrom('users').selectAll().orderBy('store_id').orderBy('name').orderBy('id');
    if (stores !== null) query = stores.length === 0 ? query.where('id', 'in', ['']) : query.where('store_id', 'in', stores);
    return query.execute();
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

  /**
   * 409 PIN_TAKEN when an active user who signs in where this person does (the store, or every store for a
   * chain-wide person) already has this PIN. The store rows are locked first on PostgreSQL (SQLite has one
   * writer), so two writes cannot hand out the same PIN at once.
   */
  private async refuseTakenPin(tx: WriteTx, storeId: string | null, pin: string, except: string | null): Promise<void> {
    let stores = tx.trx.selectFrom('stores').select('id');
    if (storeId !== null) stores = stores.where('id', '=', storeId);
    if (this.writer.dialect === 'postgres') await stores.forUpdate().execute();
    let sharing = tx.trx.selectFrom('users').select(['id', 'pin_hash']).where('active', '=', 1);
    if (storeId !== null) sharing = sharing.where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', storeId)]));
    if (except !== null) sharing = sharing.where('id', '<>', except);
    const others = await sharing.execute();
    const matches = await Promise.all(others.map((other) => verifyPin(pin, other.pin_hash)));
    if (matches.some(Boolean)) throw PIN_TAKEN();
  }

  /** The user as registers cache it, to their store's registers only (a chain-wide person: every register). */
  private async appendToFeed(tx: WriteTx, row: UsersTable): Promise<void> {
    await tx.append([{ kind: 'user', entityId: row.id, data: feedUserOf(row), storeId: row.store_id }]);
  }
}
