import { v7 as uuidv7 } from 'uuid';
import type { Kysely } from 'kysely';
import type { HqSchema } from '../db/schema';
import type { Writer } from '../db/writer';
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
}

const TOKEN_CACHE_MS = 30_000;

export class RegistersRepository {
  /** Token hash → register, so a busy register's pushes do not each cost a lookup. */
  private readonly tokenCache = new Map<string, { register: AuthenticatedRegister; until: number }>();

  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  /** Creates the store, or updates its name, currency and enrolment code when its code exists. */
  async upsertStore(store: NewStore): Promise<Store> {
    return this.writer.transaction(async ({ trx, now }) => {
      const values = {
        name: store.name,
        currency: store.currency,
        prices_include_tax: store.pricesIncludeTax ? 1 : 0,
        enrolment_code_hash: hashSecret(store.enrolmentCode),
      };
      const clash = await trx.selectFrom('stores').select('code').where('enrolment_code_hash', '=', values.enrolment_code_hash).where('code', '<>', store.code).executeTakeFirst();
      if (clash) throw new HqError(409, 'ENROLMENT_CODE_TAKEN', `Store ${clash.code} already uses this enrolment code; give each store its own.`);
      const existing = await trx.selectFrom('stores').select('id').where('code', '=', store.code).executeTakeFirst();
      const id = existing?.id ?? uuidv7();
      if (existing) await trx.updateTable('stores').set(values).where('id', '=', id).execute();
      else await trx.insertInto('stores').values({ id, code: store.code, created_at: now, ...values }).execute();
      return { id, code: store.code, name: store.name, currency: store.currency, pricesIncludeTax: store.pricesIncludeTax };
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
      const store = await trx.selectFrom('stores').selectAll().where('enrolment_code_hash', '=', hashSecret(enrolmentCode)).executeTakeFirst();
      if (!store) throw new HqError(403, 'WRONG_ENROLMENT_CODE', 'No store has this enrolment code. Check the code with HQ and try again.');
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

  async byToken(token: string, now = Date.now()): Promise<AuthenticatedRegister | null> {
    const hash = hashSecret(token);
    const cached = this.tokenCache.get(hash);
    if (cached && cached.until > now) return cached.register;
    const row = await this.read.selectFrom('registers').select(['id', 'code', 'store_id']).where('token_hash', '=', hash).executeTakeFirst();
    if (!row) {
      this.tokenCache.delete(hash);
      return null;
    }
    const register = { id: row.id, code: row.code, storeId: row.store_id };
    if (this.tokenCache.size > 10_000) this.tokenCache.clear();
    this.tokenCache.set(hash, { register, until: now + TOKEN_CACHE_MS });
    return register;
  }

  async list(): Promise<{ id: string; code: string; name: string; storeId: string; enrolledAt: string; lastSeenAt: string | null }[]> {
    const rows = await this.read.selectFrom('registers').selectAll().orderBy('store_id').orderBy('code').execute();
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      storeId: r.store_id,
      enrolledAt: new Date(r.enrolled_at).toISOString(),
      lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at).toISOString(),
    }));
  }
}
