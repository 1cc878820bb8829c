import fs from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KassaError } from '../../../shared/errors';
import { silentLogger } from '../../core/logger';
import type { KassaDatabase } from '../../db/open';
import { hqStandInCaller } from '../../hq/testing/hq-stand-in-caller';
import { IdentityStore } from '../../hq/identity';
import { DeadLetters } from '../../sync/dead-letters';
import { Outbox } from '../../sync/outbox';
import { SyncState } from '../../sync/sync-state';
import { makeDatabase, makeProduct, makeSaleService } from '../../test/factories';
import { UsersRepository } from '../auth/users.repository';
import { CatalogRepository } from '../catalog/catalog.repository';
import { CardProtection } from './card-protection';
import { SEALED_CARD } from './card-seal';
import { openSealedCard, testCardKey } from './card-seal.testing';
import { CartRepository } from './cart.repository';
import { CartService } from './cart.service';
import { LedgerRepository } from './ledger.repository';

const PAN = '4929731852046614';
const OLD_PAN = '5413339876540016';
const enrolment = { registerId: 'r1', registerCode: 'R01', token: 'device-token', store: { id: 's1', code: 'S01', name: 'Shop', currency: 'EUR', pricesIncludeTax: true } };

/** The raw bytes of the database and its -wal hold this ASCII string somewhere. */
function onDisk(file: string, text: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f) && fs.readFileSync(f).includes(Buffer.from(text, 'ascii')));
}

describe('card protection on the register', () => {
  let setup: ReturnType<typeof makeDatabase>;
  let identity: IdentityStore;
  const key = testCardKey();
  let asked = 0;
  let hqAnswers = true;
  const hq = hqStandInCaller(({ method, path }) => {
    asked++;
    if (!hqAnswers) throw new Error('connect ECONNREFUSED');
    expect(`${method} ${path}`).toBe('GET /payments/card-key');
    return { cardKey: key.publicKey };
  });
  /** Card protection wired as the register wires it: card tokens in the ledger, the outbox and the dead letters. */
  const protection = (db: KassaDatabase) =>
    new CardProtection({ db, identity, hq, log: silentLogger(), cardTokens: { holders: [new LedgerRepository(db), new Outbox(db), new DeadLetters(db)], state: new SyncState(db) } });

  beforeEach(() => {
    setup = makeDatabase();
    identity = new IdentityStore(setup.db);
    asked = 0;
    hqAnswers = true;
  });
  afterEach(() => setup.close());

  it('refuses to keep a card for later while HQ’s card key has not arrived, saying what to do, and takes nothing', async () => {
    identity.save('http://hq', enrolment);
    hqAnswers = false;
    const cards = protection(setup.db);
    await cards.ensureKey();
    expect(() => cards.seal(PAN)).toThrow(KassaError);
    expect(() => cards.seal(PAN)).toThrow(/has not received HQ's card key yet.*take another tender and go online once/);
    new UsersRepository(setup.db).add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
    const catalog = new CatalogRepository(setup.db);
    const milk = makeProduct({ price: 129 });
    catalog.upsertMany([milk]);
    new CartService(new CartRepository(setup.db), catalog, 'EUR', { newId: uuidv7 }).scan(milk.sku, 'ana');
    const sales = makeSaleService(setup.db, { sealCard: (pan) => cards.seal(pan), cardOnline: () => ({ available: false, reason: 'offline' }) });
    const saleId = sales.state().saleId!;
    await expect(sales.addCard(saleId, { cardNumber: PAN })).rejects.toMatchObject({ code: 'CARD_KEY_MISSING' });
    expect(sales.state().payments).toEqual([]);
  });

  it('fetches HQ’s card key once online, then seals with it', async () => {
    identity.save('http://hq', enrolment);
    const cards = protection(setup.db);
    await cards.ensureKey();
    expect(identity.get()!.cardKey).toBe(key.publicKey);
    const token = cards.seal(PAN);
    expect(token).toMatch(SEALED_CARD);
    expect(openSealedCard(token, key.privateKey, key.publicKey)).toEqual({ pan: PAN });
    await cards.ensureKey();
    expect(asked).toBe(1);
  });

  it('uses the key HQ gave at enrolment without asking again', async () => {
    identity.save('http://hq', { ...enrolment, cardKey: key.publicKey });
    const cards = protection(setup.db);
    await cards.ensureKey();
    expect(asked).toBe(0);
    expect(openSealedCard(cards.seal(PAN), key.privateKey, key.publicKey)).toEqual({ pan: PAN });
  });

  it('seals card numbers an older register stored in the clear (payments, outbox, dead letters), leaving none on disk', async () => {
    const { db, file } = setup;
    identity.save('http://hq', enrolment);
    db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('ana', 'Ana', 'cashier', 'scrypt$1$1$1$a$b', 1)").run();
    db.prepare("INSERT INTO sales (id, status, cashier_id, currency, created_at) VALUES ('s1', 'open', 'ana', 'EUR', 1)").run();
    db.prepare("INSERT INTO payments (id, sale_id, tender, amount, status, card_last4, card_token, created_at) VALUES ('p1', 's1', 'card', 100, 'stored', '6614', ?, 1)").run(PAN);
    const capture = (id: string) => JSON.stringify({ id, orderId: 's0', amount: 100, currency: 'EUR', cardToken: PAN, last4: '6614', capturedAt: '2025-01-01T00:00:00.000Z' });
    db.prepare("INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES ('o1', 'offlineCardPayment', 'p0', 'captured', ?, 1)").run(capture('p0'));
    db.prepare("INSERT INTO dead_letters (id, entity, entity_id, type, payload, created_at, code, message, rejected_at) VALUES ('d1', 'offlineCardPayment', 'p9', 'captured', ?, 1, 'INVALID_PAYLOAD', 'x', 1)").run(capture('p9'));
    // An operation uploaded and deleted before secure_delete existed: its bytes stay in a free page.
    db.pragma('secure_delete = OFF');
    db.prepare("INSERT INTO outbox (id, entity, entity_id, type, payload, created_at) VALUES ('o0', 'offlineCardPayment', 'px', 'captured', ?, 1)").run(JSON.stringify({ id: 'px', cardToken: OLD_PAN }));
    db.prepare("DELETE FROM outbox WHERE id = 'o0'").run();
    db.pragma('secure_delete = ON');
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(onDisk(file, PAN).length).toBeGreaterThan(0);
    expect(onDisk(file, OLD_PAN).length).toBeGreaterThan(0);

    const cards = protection(db);
    await cards.ensureKey();

    const token = db.prepare("SELECT card_token FROM payments WHERE id = 'p1'").pluck().get() as string;
    expect(openSealedCard(token, key.privateKey, key.publicKey)).toEqual({ pan: PAN });
    for (const table of ['outbox', 'dead_letters']) {
      const payload = JSON.parse(db.prepare(`SELECT payload FROM ${table}`).pluck().get() as string) as { cardToken: string; last4: string };
      expect(payload.last4).toBe('6614');
      expect(openSealedCard(payload.cardToken, key.privateKey, key.publicKey)).toEqual({ pan: PAN });
    }
    expect(onDisk(file, PAN)).toEqual([]);
    expect(onDisk(file, OLD_PAN)).toEqual([]);
    // Nothing left to seal: the next start changes nothing.
    const before = db.prepare("SELECT card_token FROM payments WHERE id = 'p1'").pluck().get();
    await cards.ensureKey();
    expect(db.prepare("SELECT card_token FROM payments WHERE id = 'p1'").pluck().get()).toBe(before);
  });
});
