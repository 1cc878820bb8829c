import crypto from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { sql, type Kysely } from 'kysely';
import type { HqSchema } from '../db/schema';
import type { PgListener } from '../db/pg-listener';
import type { Writer, WriteTx } from '../db/writer';
import { HqError } from '../http/errors';
import { hashSecret, newDeviceToken } from '../auth/tokens';

export interface Store {
  id: string;
  code: string;
  name: string;
  currency: string;
  pricesIncludeTax: boolean;
}

export interface AuthenticatedRegister {
  id: string;
  code: string;
  storeId: string;
}

export interface NewStore {
  code: string;
  name: string;
  currency: string;
  pricesIncludeTax: boolean;
  enrolmentCode: string;
  /** Registers the store's code may enrol (null: any number, as the demo store's); expiry in ms UTC (null: never). */
  enrolmentCodeLimits?: EnrolmentCodeLimits;
}

export interface EnrolmentCodeLimits {
  maxUses: number | null;
  expiresAt: number | null;
}

export interface IssuedEnrolmentCode extends EnrolmentCodeLimits {
  code: string;
  storeId: string;
}

/** Letters and digits a person reads off a screen without confusing them (no 0/O, 1/I). */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;

function newEnrolmentCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]).join('');
}

const revokedError = () =>
  new HqError(401, 'REGISTER_REVOKED', 'HQ revoked this register\'s device token. It no longer syncs; enrol it again with an enrolment code from HQ (its unsent sales are kept and go up once it is enrolled).');

export const TOKEN_CACHE_MS = 30_000;

/** The channel on which HQ instances sharing a PostgreSQL database tell each other of a revoked device token (payload: its hash). */
export const REVOKED_CHANNEL = 'kassa_revoked';

/** A register's open realtime stream, told when its device token was revoked on another instance, or may have been. */
export interface TokenWatcher {
  revoked(): void;
  /** A revocation may have been missed (the LISTEN connection was lost): check the token again. */
  recheck(): void;
}

export class RegistersRepository {
  /** Token hash → register, so a busy register's pushes do not each cost a lookup. */
  private readonly tokenCache = new Map<string, { register: AuthenticatedRegister; until: number }>();
  private readonly watchers = new Map<string, Set<TokenWatcher>>();

  /**
   * `tokenCacheMs`: how long a device token HQ checked stays trusted without a lookup. A revocation drops
   * it at once here and, on PostgreSQL, on every other instance (follow()); the time bounds only a
   * revocation missed while an instance's LISTEN connection was down.
   */
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
    private readonly tokenCacheMs = TOKEN_CACHE_MS,
  ) {}

  /**
   * Creates the store, or updates its name, currency and enrolment code when its code exists. The store's
   * code replaces its previous one (which stops working) with the given limits (default: any number of
   * registers, no expiry).
   */
  async upsertStore(store: NewStore): Promise<Store> {
    const limits = store.enrolmentCodeLimits ?? { maxUses: null, expiresAt: null };
    return this.writer.transaction(async ({ trx, now }) => {
      const codeHash = hashSecret(store.enrolmentCode);
      const values = {
        name: store.name,
        currency: store.currency,
        prices_include_tax: store.pricesIncludeTax ? 1 : 0,
        enrolment_code_hash: codeHash,
      };
      const clash = await trx
        .selectFrom('enrolment_codes')
        .innerJoin('stores', 'stores.id', 'enrolment_codes.store_id')
        .select('stores.code')
        .where('enrolment_codes.code_hash', '=', codeHash)
        .where('stores.code', '<>', store.code)
        .executeTakeFirst();
      if (clash) throw new HqError(409, 'ENROLMENT_CODE_TAKEN', `Store ${clash.code} already uses this enrolment code; give each store its own.`);
      const existing = await trx.selectFrom('stores').select(['id', 'enrolment_code_hash']).where('code', '=', store.code).executeTakeFirst();
      const id = existing?.id ?? uuidv7();
      if (existing) {
        await trx.deleteFrom('enrolment_codes').where('code_hash', 'in', [codeHash, existing.enrolment_code_hash ?? codeHash]).execute();
        await trx.updateTable('stores').set(values).where('id', '=', id).execute();
      } else await trx.insertInto('stores').values({ id, code: store.code, created_at: now, ...values }).execute();
      await trx.insertInto('enrolment_codes').values({ code_hash: codeHash, store_id: id, max_uses: limits.maxUses, expires_at: limits.expiresAt, created_at: now }).execute();
      return { id, code: store.code, name: store.name, currency: store.currency, pricesIncludeTax: store.pricesIncludeTax };
    });
  }

  /** A new enrolment code for a store, made by HQ; shown once, only its hash kept. Null when the store does not exist. */
  async issueEnrolmentCode(storeId: string, limits: EnrolmentCodeLimits, inTx?: WriteTx): Promise<IssuedEnrolmentCode | null> {
    const code = newEnrolmentCode();
    return this.within(inTx, async ({ trx, now }) => {
      const store = await trx.selectFrom('stores').select('id').where('id', '=', storeId).executeTakeFirst();
      if (!store) return null;
      await trx.insertInto('enrolment_codes').values({ code_hash: hashSecret(code), store_id: storeId, max_uses: limits.maxUses, expires_at: limits.expiresAt, created_at: now }).execute();
      return { code, storeId, ...limits };
    });
  }

  async storeById(id: string): Promise<Store | null> {
    const row = await this.read.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, code: row.code, name: row.name, currency: row.currency, pricesIncludeTax: row.prices_include_tax === 1 } : null;
  }

  /** Enrols a register with its store's enrolment code; the token is returned once and only its hash kept. */
  async enrol(enrolmentCode: string, wanted: { registerCode?: string; name?: string }): Promise<{ register: AuthenticatedRegister; token: string; store: Store }> {
    const token = newDeviceToken();
    return this.writer.transaction(async ({ trx, now }) => {
      const codeHash = hashSecret(enrolmentCode);
      const entry = await trx.selectFrom('enrolment_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      if (!entry) throw new HqError(403, 'WRONG_ENROLMENT_CODE', 'No store has this enrolment code. Check the code with HQ and try again.');
      if (entry.expires_at !== null && entry.expires_at <= now) {
        throw new HqError(410, 'ENROLMENT_CODE_EXPIRED', `This enrolment code expired at ${new Date(entry.expires_at).toISOString()}. Ask HQ for a new one.`);
      }
      // Counted in the row itself, so two registers racing for a one-time code cannot both take it.
      const used = await trx
        .updateTable('enrolment_codes')
        .set({ uses: sql<number>`uses + 1` })
        .where('code_hash', '=', codeHash)
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) === 0) {
        throw new HqError(410, 'ENROLMENT_CODE_USED', `This enrolment code has already enrolled ${entry.max_uses === 1 ? 'its register' : `its ${entry.max_uses} registers`}. Ask HQ for a new one.`);
      }
      const store = await trx.selectFrom('stores').selectAll().where('id', '=', entry.store_id).executeTakeFirstOrThrow();
      const taken = new Set((await trx.selectFrom('registers').select('code').where('store_id', '=', store.id).execute()).map((r) => r.code.toUpperCase()));
      let code = wanted.registerCode;
      if (code && taken.has(code.toUpperCase())) throw new HqError(409, 'REGISTER_CODE_TAKEN', `Store ${store.code} already has a register ${code}; choose another code or leave it out to get the next free one.`);
      for (let n = 1; !code; n++) if (!taken.has(`R${String(n).padStart(2, '0')}`)) code = `R${String(n).padStart(2, '0')}`;
      const id = uuidv7();
      await trx
        .insertInto('registers')
        .values({ id, store_id: store.id, code, name: wanted.name ?? `Register ${code}`, token_hash: hashSecret(token), enrolled_at: now, last_seen_at: now })
        .execute();
      return {
        register: { id, code, storeId: store.id },
        token,
        store: { id: store.id, code: store.code, name: store.name, currency: store.currency, pricesIncludeTax: store.prices_include_tax === 1 },
      };
    });
  }

  /** The register of a device token, or null when HQ does not know it; throws 401 REGISTER_REVOKED for a revoked one. */
  async byToken(token: string, now = Date.now()): Promise<AuthenticatedRegister | null> {
    const hash = hashSecret(token);
    const cached = this.tokenCache.get(hash);
    if (cached && cached.until > now) return cached.register;
    const row = await this.read.selectFrom('registers').select(['id', 'code', 'store_id', 'revoked_at']).where('token_hash', '=', hash).executeTakeFirst();
    if (!row) {
      this.tokenCache.delete(hash);
      return null;
    }
    if (row.revoked_at !== null) {
      this.tokenCache.delete(hash);
      throw revokedError();
    }
    const register = { id: row.id, code: row.code, storeId: row.store_id };
    if (this.tokenCacheMs <= 0) return register;
    if (this.tokenCache.size > 200_000) this.tokenCache.clear();
    this.tokenCache.set(hash, { register, until: now + this.tokenCacheMs });
    return register;
  }

  /**
   * Revokes a register's device token: from now on HQ answers it 401 REGISTER_REVOKED. Answers the token's
   * hash (to end what the token still holds open), or null when HQ has no such register; revoking twice
   * keeps the first time.
   */
  async revoke(registerId: string, inTx?: WriteTx): Promise<{ tokenHash: string } | null> {
    const found = await this.within(inTx, async ({ trx, now }) => {
      const row = await trx.selectFrom('registers').select('token_hash').where('id', '=', registerId).executeTakeFirst();
      if (!row) return null;
      await trx.updateTable('registers').set({ revoked_at: now }).where('id', '=', registerId).where('revoked_at', 'is', null).execute();
      // Every HQ instance hears of it when this commits (PostgreSQL): each drops the token and ends its streams.
      if (this.writer.dialect === 'postgres') await sql`SELECT pg_notify(${REVOKED_CHANNEL}, ${row.token_hash})`.execute(trx);
      return { tokenHash: row.token_hash };
    });
    for (const [hash, entry] of this.tokenCache) if (entry.register.id === registerId) this.tokenCache.delete(hash);
    return found;
  }

  /**
   * Follows revocations made on other HQ instances (one NOTIFY per revoked token on `kassa_revoked`): the
   * token leaves this instance's cache at once and its watchers (the register's open realtime streams)
   * hear it. After a lost LISTEN connection the whole cache is dropped and every watcher checks its token
   * again, since a revocation may have been missed meanwhile.
   */
  follow(listener: PgListener): void {
    listener.listen(REVOKED_CHANNEL, {
      notify: (tokenHash) => {
        this.tokenCache.delete(tokenHash);
        for (const watcher of this.watchers.get(tokenHash) ?? []) watcher.revoked();
      },
      missed: () => {
        this.tokenCache.clear();
        for (const set of this.watchers.values()) for (const watcher of set) watcher.recheck();
      },
    });
  }

  /** Watches a device token for a revocation heard from another instance; returns the unwatch. */
  watch(tokenHash: string, watcher: TokenWatcher): () => void {
    let set = this.watchers.get(tokenHash);
    if (!set) this.watchers.set(tokenHash, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0) this.watchers.delete(tokenHash);
    };
  }

  /** Runs in the caller's write (the console writes its audit entry in the same one), or in a write of its own. */
  private within<T>(tx: WriteTx | undefined, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : this.writer.transaction(fn);
  }

  async list(): Promise<{ id: string; code: string; name: string; storeId: string; enrolledAt: string; lastSeenAt: string | null; revokedAt: string | null }[]> {
    const rows = await this.read.selectFrom('registers').selectAll().orderBy('store_id').orderBy('code').execute();
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      storeId: r.store_id,
      enrolledAt: new Date(r.enrolled_at).toISOString(),
      lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at).toISOString(),
      revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString(),
    }));
  }
}
