import { KassaError } from '../../../shared/errors';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { Logger } from '../../core/logger';
import type { KassaDatabase } from '../../db/open';
import type { HqCaller } from '../../hq/hq-client';
import type { IdentityStore } from '../../hq/identity';
import { cardSealer, demoCardSealer, type CardSealer } from './card-seal';

/** A card number as a register stored it before sealing existed. */
const PLAIN_CARD = /^\d{12,19}$/;

export interface CardProtectionOptions {
  db: KassaDatabase;
  identity: IdentityStore;
  /** Null in demo mode: cards are sealed to a throwaway key. */
  hq: HqCaller | null;
  log: Logger;
}

/**
 * Keeps the full card number off this register's disk: card payments kept for later are sealed to HQ's
 * public card key (see card-seal.ts). Fetches that key for a register enrolled before HQ gave it at
 * enrolment, and seals the card numbers such a register stored in the clear before.
 */
export class CardProtection {
  private sealer: { key: string; seal: CardSealer } | null = null;
  private readonly demo: CardSealer | null;
  private fetching: Promise<void> | null = null;

  constructor(private readonly o: CardProtectionOptions) {
    this.demo = o.hq ? null : demoCardSealer();
  }

  /** The sealed form of `pan`; refuses when HQ's card key has not reached this register yet. */
  seal(pan: string): string {
    if (this.demo) return this.demo(pan);
    const key = this.o.identity.get()?.cardKey ?? null;
    if (!key) {
      throw new KassaError('CARD_KEY_MISSING', "This register has not received HQ's card key yet, so it cannot keep a card payment for later; take another tender and go online once to fetch it.");
    }
    if (this.sealer?.key !== key) this.sealer = { key, seal: cardSealer(key) };
    return this.sealer.seal(pan);
  }

  /**
   * Once enrolled: fetches HQ's card key if this register has none (no-op while HQ is away; call again
   * when it is back), then seals any card number stored in the clear. Never throws.
   */
  ensureKey(): Promise<void> {
    this.fetching ??= this.fetchAndSeal()
      .catch((error: unknown) => this.o.log.warn({ err: error }, "fetching HQ's card key failed; will try again when HQ is reachable"))
      .finally(() => (this.fetching = null));
    return this.fetching;
  }

  private async fetchAndSeal(): Promise<void> {
    const identity = this.o.identity.get();
    if (this.o.hq && !identity) return;
    if (this.o.hq && !identity?.cardKey) {
      const answer = await this.o.hq.call(HQ_ROUTES.cardKey, {});
      cardSealer(answer.cardKey); // refuses a key it could not seal to before it is kept
      this.o.identity.saveCardKey(answer.cardKey);
      this.o.log.info({}, "HQ's card key received: card payments can be kept for later");
    }
    const sealed = sealStoredCardNumbers(this.o.db, (pan) => this.seal(pan));
    if (sealed > 0) this.o.log.info({ sealed }, 'card numbers stored before sealing existed are now sealed to HQ\'s card key');
  }
}

/** sync_state key: set once the database was rebuilt after sealing, so the rebuild runs once. */
const REBUILT_KEY = 'cardNumbersSealed';

/**
 * Seals, in one transaction, every card number a register stored in the clear before sealing existed
 * (payments.card_token, and cardToken in outbox and dead-letter payloads). The first time, and whenever it
 * sealed one, it also rebuilds the file (VACUUM: numbers of rows deleted before secure_delete was on stay
 * in free pages) and checkpoints the WAL to nothing, so no old bytes remain in kassa.db or its -wal.
 * Returns how many it sealed.
 */
export function sealStoredCardNumbers(db: KassaDatabase, seal: CardSealer): number {
  const rebuilt = db.prepare<[string]>('SELECT 1 FROM sync_state WHERE key = ?').get(REBUILT_KEY) !== undefined;
  const sealed = db.transaction(() => {
    let count = 0;
    const setToken = db.prepare<[string, string]>('UPDATE payments SET card_token = ? WHERE id = ?');
    for (const row of db.prepare<[], { id: string; card_token: string }>('SELECT id, card_token FROM payments WHERE card_token IS NOT NULL').all()) {
      if (!PLAIN_CARD.test(row.card_token)) continue;
      setToken.run(seal(row.card_token), row.id);
      count++;
    }
    for (const table of ['outbox', 'dead_letters'] as const) {
      const setPayload = db.prepare<[string, string]>(`UPDATE ${table} SET payload = ? WHERE id = ?`);
      for (const row of db.prepare<[], { id: string; payload: string }>(`SELECT id, payload FROM ${table} WHERE payload LIKE '%cardToken%'`).all()) {
        const payload = JSON.parse(row.payload) as { cardToken?: unknown };
        if (typeof payload.cardToken !== 'string' || !PLAIN_CARD.test(payload.cardToken)) continue;
        payload.cardToken = seal(payload.cardToken);
        setPayload.run(JSON.stringify(payload), row.id);
        count++;
      }
    }
    return count;
  })();
  if (sealed > 0 || !rebuilt) {
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare<[string, string]>('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(REBUILT_KEY, JSON.stringify(Date.now()));
  }
  return sealed;
}
