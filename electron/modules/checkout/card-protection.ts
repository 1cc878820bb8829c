import { KassaError } from '../../../shared/errors';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { Logger } from '../../core/logger';
import type { KassaDatabase } from '../../db/open';
import type { HqCaller } from '../../hq/hq-client';
import type { IdentityStore } from '../../hq/identity';
import { cardSealer, demoCardSealer, type CardSealer } from './card-seal';

/** A card number as a register stored it before sealing existed. */
const PLAIN_CARD = /^\d{12,19}$/;

/** Where card tokens are kept (the ledger's payments, the outbox's and dead letters' payloads) and the mark that the database was rebuilt since. */
export interface CardTokenStores {
  holders: readonly { resealCardTokens(reseal: (token: string) => string | null): number }[];
  state: { get<T>(key: string): T | null; set(key: string, value: unknown): void };
}

export interface CardProtectionOptions {
  db: KassaDatabase;
  cardTokens: CardTokenStores;
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
    const sealed = sealStoredCardNumbers(this.o.db, this.o.cardTokens, (pan) => this.seal(pan));
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
export function sealStoredCardNumbers(db: KassaDatabase, stores: CardTokenStores, seal: CardSealer): number {
  const rebuilt = stores.state.get<number>(REBUILT_KEY) !== null;
  const reseal = (token: string) => (PLAIN_CARD.test(token) ? seal(token) : null);
  const sealed = db.transaction(() => stores.holders.reduce((count, holder) => count + holder.resealCardTokens(reseal), 0))();
  if (sealed > 0 || !rebuilt) {
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
    stores.state.set(REBUILT_KEY, Date.now());
  }
  return sealed;
}
