import { EnrolResponseSchema, type EnrolResponse } from '../../shared/hq/auth';
import type { KassaDatabase } from '../db/open';
import { clearSecretStore, isSealed, type SecretStore } from './secret-store';

export interface RegisterIdentity {
  hqUrl: string;
  registerId: string;
  registerCode: string;
  storeId: string;
  storeCode: string;
  storeName: string;
  currency: string;
  pricesIncludeTax: boolean;
  deviceToken: string;
  enrolledAt: number;
  /** HQ's public key for sealing card numbers (base64 SPKI DER); null until HQ gave it. */
  cardKey: string | null;
}

interface Row {
  hq_url: string;
  register_id: string;
  register_code: string;
  store_id: string;
  store_code: string;
  store_name: string;
  currency: string;
  prices_include_tax: number;
  device_token: string;
  enrolled_at: number;
  card_key: string | null;
}

/** This register's enrolment with HQ (one at most), kept in the register database; the device token sealed by the host's secret store. */
export class IdentityStore {
  private readonly read;
  private readonly write;
  private readonly writeCardKey;
  private readonly writeToken;
  private cached: RegisterIdentity | null | undefined;

  constructor(
    private readonly db: KassaDatabase,
    private readonly secrets: SecretStore = clearSecretStore('no secret store was given'),
  ) {
    this.read = db.prepare<[], Row>('SELECT * FROM register_identity WHERE singleton = 1');
    this.write = db.prepare<[string, string, string, string, string, string, string, number, string, number, string | null]>(
      `INSERT OR REPLACE INTO register_identity (singleton, hq_url, register_id, register_code, store_id, store_code, store_name, currency, prices_include_tax, device_token, enrolled_at, card_key)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.writeCardKey = db.prepare<[string]>('UPDATE register_identity SET card_key = ? WHERE singleton = 1');
    this.writeToken = db.prepare<[string]>('UPDATE register_identity SET device_token = ? WHERE singleton = 1');
  }

  /**
   * On start: a device token an older version kept in the clear is sealed when the host can seal, and the
   * write-ahead log is folded into the database so the clear bytes are gone from both (secure_delete zeroes
   * the old cell). A sealed token the host cannot open stops start-up here, with what to do.
   */
  sealStoredToken(): 'sealed' | 'unchanged' {
    const row = this.read.get();
    if (!row) return 'unchanged';
    const token = this.secrets.open(row.device_token);
    if (this.secrets.storage.protection !== 'os-keychain' || isSealed(row.device_token)) return 'unchanged';
    this.writeToken.run(this.secrets.seal(token));
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.cached = undefined;
    return 'sealed';
  }

  /** The device token as the database holds it (sealed or in the clear): a secret a support bundle must never hold. */
  storedTokens(): string[] {
    const row = this.read.get();
    return row ? [row.device_token] : [];
  }

  get(): RegisterIdentity | null {
    if (this.cached !== undefined) return this.cached;
    const row = this.read.get();
    this.cached = row
      ? {
          hqUrl: row.hq_url,
          registerId: row.register_id,
          registerCode: row.register_code,
          storeId: row.store_id,
          storeCode: row.store_code,
          storeName: row.store_name,
          currency: row.currency,
          pricesIncludeTax: row.prices_include_tax === 1,
          deviceToken: this.secrets.open(row.device_token),
          enrolledAt: row.enrolled_at,
          cardKey: row.card_key,
        }
      : null;
    return this.cached;
  }

  save(hqUrl: string, answer: EnrolResponse, now = Date.now()): RegisterIdentity {
    const a = EnrolResponseSchema.parse(answer);
    this.write.run(hqUrl, a.registerId, a.registerCode, a.store.id, a.store.code, a.store.name, a.store.currency, a.store.pricesIncludeTax ? 1 : 0, this.secrets.seal(a.token), now, a.cardKey ?? null);
    this.cached = undefined;
    return this.get()!;
  }

  /** Keeps HQ's card key, fetched by a register enrolled before HQ gave it at enrolment. */
  saveCardKey(cardKey: string): void {
    this.writeCardKey.run(cardKey);
    this.cached = undefined;
  }
}
