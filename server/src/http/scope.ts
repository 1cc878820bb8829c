/**
 * The one place HQ checks an id a register names against the register's store. Every store-scoped id a
 * route declares (http/access.ts) and every reference a pushed operation makes (sync/push.service.ts)
 * is resolved here to the store that owns it. Admin callers act across stores.
 *
 * Another store's object is answered exactly as an unknown one (404 with the kind's not-found code), so a
 * register learns nothing of other stores' orders and payments by naming their ids.
 */
import type { Kysely } from 'kysely';
import type { Caller } from '../auth/guards';
import type { HqSchema } from '../db/schema';
import { HqError } from './errors';

const IDS_PER_QUERY = 500;

/** The "store" of what belongs to the whole chain (a person who signs in at every store): no store manager's. */
export const CHAIN = '*';

function chunks(ids: readonly string[]): string[][] {
  const unique = [...new Set(ids)];
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) out.push(unique.slice(i, i + IDS_PER_QUERY));
  return out;
}

/** What a store-scoped id names; each kind finds the stores of many ids at once (ids HQ does not know are absent). */
export const SCOPED_KINDS = {
  order: {
    noun: 'order',
    notFound: 'ORDER_NOT_FOUND',
    async storesOf(db: Kysely<HqSchema>, ids: readonly string[]): Promise<Map<string, string>> {
      const stores = new Map<string, string>();
      for (const part of chunks(ids)) for (const row of await db.selectFrom('orders').select(['id', 'store_id']).where('id', 'in', part).execute()) stores.set(row.id, row.store_id);
      return stores;
    },
  },
  /** A card payment authorised live (or a refund to a card), or one taken offline. */
  cardPayment: {
    noun: 'card payment',
    notFound: 'PAYMENT_NOT_FOUND',
    async storesOf(db: Kysely<HqSchema>, ids: readonly string[]): Promise<Map<string, string>> {
      const stores = new Map<string, string>();
      for (const part of chunks(ids)) {
        const live = await db
          .selectFrom('card_authorizations')
          .innerJoin('registers', 'registers.id', 'card_authorizations.register_id')
          .select(['card_authorizations.payment_id as id', 'registers.store_id'])
          .where('card_authorizations.payment_id', 'in', part)
          .execute();
        for (const row of live) stores.set(row.id, row.store_id);
        for (const row of await db.selectFrom('offline_card_payments').select(['id', 'store_id']).where('id', 'in', part).execute()) if (!stores.has(row.id)) stores.set(row.id, row.store_id);
      }
      return stores;
    },
  },
  /** A register's drawer session (cash management); `ownersOf` also names the register that opened it. */
  cashSession: {
    noun: 'cash drawer session',
    notFound: 'CASH_SESSION_NOT_FOUND',
    async storesOf(db: Kysely<HqSchema>, ids: readonly string[]): Promise<Map<string, string>> {
      return new Map([...(await cashSessionOwners(db, ids))].map(([id, owner]) => [id, owner.storeId]));
    },
  },
  /** A store itself (console routes that name one). */
  store: {
    noun: 'store',
    notFound: 'STORE_NOT_FOUND',
    async storesOf(db: Kysely<HqSchema>, ids: readonly string[]): Promise<Map<string, string>> {
      const stores = new Map<string, string>();
      for (const part of chunks(ids)) for (const row of await db.selectFrom('stores').select('id').where('id', 'in', part).execute()) stores.set(row.id, row.id);
      return stores;
    },
  },
  /** A cashier or manager of the registers; one who signs in at every store belongs to the chain ('*': owners only). */
  person: {
    noun: 'person',
    notFound: 'PERSON_NOT_FOUND',
    async storesOf(db: Kysely<HqSchema>, ids: readonly string[]): Promise<Map<string, string>> {
      const stores = new Map<string, string>();
      for (const part of chunks(ids)) for (const row of await db.selectFrom('users').select(['id', 'store_id']).where('id', 'in', part).execute()) stores.set(row.id, row.store_id ?? CHAIN);
      return stores;
    },
  },
  register: {
    noun: 'register',
    notFound: 'REGISTER_NOT_FOUND',
    async storesOf(db: Kysely<HqSchema>, ids: readonly string[]): Promise<Map<string, string>> {
      const stores = new Map<string, string>();
      for (const part of chunks(ids)) for (const row of await db.selectFrom('registers').select(['id', 'store_id']).where('id', 'in', part).execute()) stores.set(row.id, row.store_id);
      return stores;
    },
  },
} as const;

/** The store and register of each drawer session HQ holds (ids it does not hold are absent). */
export async function cashSessionOwners(db: Kysely<HqSchema>, ids: readonly string[]): Promise<Map<string, { storeId: string; registerId: string }>> {
  const owners = new Map<string, { storeId: string; registerId: string }>();
  for (const part of chunks(ids)) {
    for (const row of await db.selectFrom('cash_sessions').select(['id', 'store_id', 'register_id']).where('id', 'in', part).execute()) owners.set(row.id, { storeId: row.store_id, registerId: row.register_id });
  }
  return owners;
}

/**
 * Where a drawer session stands for a register: its own, another register's of its store ('otherRegister':
 * a session belongs to the one drawer that opened it), another store's, or not on HQ (yet).
 */
export function sessionStandingOf(owner: { storeId: string; registerId: string } | undefined, register: { id: string; storeId: string }): Standing | 'otherRegister' {
  if (!owner) return 'unknown';
  if (owner.storeId !== register.storeId) return 'other';
  return owner.registerId === register.id ? 'own' : 'otherRegister';
}

export type ScopedKind = keyof typeof SCOPED_KINDS;
export const SCOPED_KIND_NAMES = Object.keys(SCOPED_KINDS) as ScopedKind[];

/** Where an id stands for a store: its own, another's, or not on HQ (yet). */
export type Standing = 'own' | 'other' | 'unknown';

/** The caller's store, or null for an admin (every store). For a register's calls (a console user may work for several: callerStores). */
export function callerStoreId(caller: Caller | null): string | null {
  if (!caller) throw new HqError(401, 'UNAUTHORIZED', 'This call needs a device token or the admin token: send Authorization: Bearer <token>.');
  if (caller.kind === 'console') throw new HqError(403, 'REGISTER_ONLY', 'Only an enrolled register or the admin token can make this call.');
  return caller.kind === 'admin' ? null : caller.register.storeId;
}

/**
 * The stores a caller acts for: a register its own, a console owner and the admin token every store
 * (null), an area or store manager the stores they work for.
 */
export function callerStores(caller: Caller | null): ReadonlySet<string> | null {
  if (!caller) throw new HqError(401, 'UNAUTHORIZED', 'This call needs a device token, the admin token or a console session.');
  if (caller.kind === 'admin') return null;
  if (caller.kind === 'register') return new Set([caller.register.storeId]);
  return caller.user.role === 'owner' ? null : new Set(caller.user.storeIds);
}

/** Where each id of a kind stands for a store. Read inside the transaction that acts on them. */
export async function standings(db: Kysely<HqSchema>, storeId: string, kind: ScopedKind, ids: readonly string[]): Promise<Map<string, Standing>> {
  const owners = await SCOPED_KINDS[kind].storesOf(db, ids);
  return new Map(ids.map((id) => [id, standingOf(owners.get(id), storeId)]));
}

export function standingOf(owner: string | undefined, storeId: string): Standing {
  return owner === undefined ? 'unknown' : owner === storeId ? 'own' : 'other';
}

/**
 * Refuses an id of another store (and an unknown one unless `unknown` is 'pass') with 404 and the kind's
 * not-found code. Admins pass.
 */
export async function assertInStore(db: Kysely<HqSchema>, caller: Caller | null, kind: ScopedKind, id: string, unknown: 'pass' | 'refuse'): Promise<void> {
  const stores = callerStores(caller);
  if (stores === null) return;
  const owner = (await SCOPED_KINDS[kind].storesOf(db, [id])).get(id);
  if ((owner !== undefined && stores.has(owner)) || (owner === undefined && unknown === 'pass')) return;
  const { noun, notFound } = SCOPED_KINDS[kind];
  if (caller?.kind === 'console') throw new HqError(404, notFound, `HQ knows no ${noun} ${id} in the stores you work for. Check the id, or ask an owner for access to its store.`);
  throw new HqError(404, notFound, `HQ knows no ${noun} ${id} in this register's store. Check the id; a register acts only on its own store's ${noun}s.`);
}
