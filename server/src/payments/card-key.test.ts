import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../../shared/hq/payments';
import { openHqDatabase } from '../db/database';
import { Writer } from '../db/writer';
import { FeedNotifier } from '../sync/feed-notifier';
import { sealCardTo } from '../test/card-seal';
import { describeEachStorage, makeStorage, type TestStorage } from '../test/harness';
import { CardTokenError, cardNumberForSettlement, loadCardKey, openCardToken, sealLegacyCardTokens, type CardKey } from './card-key';

function freshKey(): CardKey {
  const pair = crypto.generateKeyPairSync('x25519');
  return { publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey: pair.privateKey };
}

/** Flips one bit of the base64url part `index` (1: key, 2: iv, 3: data). */
function tamper(token: string, index: number): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[bytes.length - 1]! ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('sealed card tokens', () => {
  const key = freshKey();

  it('open to the card number they were sealed with, and are different every time', () => {
    const a = sealCardTo(key.publicKey, TEST_CARDS.approved);
    const b = sealCardTo(key.publicKey, TEST_CARDS.approved);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain(TEST_CARDS.approved);
    expect(openCardToken(key, a)).toEqual({ pan: TEST_CARDS.approved });
    expect(openCardToken(key, b)).toEqual({ pan: TEST_CARDS.approved });
  });

  it('refuses a changed ciphertext, IV or ephemeral key, saying it does not open', () => {
    const token = sealCardTo(key.publicKey, TEST_CARDS.approved);
    for (const part of [2, 3]) expect(() => openCardToken(key, tamper(token, part))).toThrow(/does not open with HQ's card key/);
    expect(() => openCardToken(key, tamper(token, 1))).toThrow(CardTokenError);
  });

  it('refuses a token sealed to another key', () => {
    expect(() => openCardToken(key, sealCardTo(freshKey().publicKey, TEST_CARDS.approved))).toThrow(/sealed to another key/);
  });

  it('refuses a truncated or malformed token, and a plain card number, with a clear error', () => {
    const token = sealCardTo(key.publicKey, TEST_CARDS.approved);
    const [v, k, iv, data] = token.split('.') as [string, string, string, string];
    expect(() => openCardToken(key, token.slice(0, -10))).toThrow(/does not open/);
    expect(() => openCardToken(key, [v, k, iv, data.slice(0, 10)].join('.'))).toThrow(/truncated/);
    expect(() => openCardToken(key, [v, k, iv.slice(0, 8), data].join('.'))).toThrow(/truncated/);
    expect(() => openCardToken(key, [v, k, iv].join('.'))).toThrow(/not a sealed v1 token/);
    expect(() => openCardToken(key, ['v2', k, iv, data].join('.'))).toThrow(/not a sealed v1 token/);
    expect(() => openCardToken(key, [v, 'AAAA', iv, data].join('.'))).toThrow(/usable public key/);
    expect(() => openCardToken(key, TEST_CARDS.approved)).toThrow(/not a sealed v1 token/);
    expect(() => openCardToken(key, `${token}!`)).toThrow(CardTokenError);
  });

  it('gives settling the card number, or the reason to decline', () => {
    expect(cardNumberForSettlement(key, sealCardTo(key.publicKey, TEST_CARDS.approved))).toEqual({ ok: true, cardNumber: TEST_CARDS.approved });
    expect(cardNumberForSettlement(key, null)).toMatchObject({ ok: false, reason: expect.stringContaining('no card token') });
    expect(cardNumberForSettlement(key, 'v1.x.y.z')).toMatchObject({ ok: false, reason: expect.stringContaining('truncated') });
  });
});

describeEachStorage('HQ card key', (kind) => {
  let storage: TestStorage | null = null;
  afterEach(async () => {
    await storage?.cleanup();
    storage = null;
  });

  it('is generated once and kept: instances starting together and a restart all use the same key', async () => {
    storage = makeStorage(kind);
    const first = await openHqDatabase(storage.storage);
    const second = await openHqDatabase(storage.storage);
    const load = (db: typeof first) => loadCardKey(db.read, new Writer(db, new FeedNotifier()));
    // Several instances share one PostgreSQL; an SQLite HQ is one process, whose two handles here take turns.
    const keys = kind === 'postgres' ? await Promise.all([first, second, first, second].map(load)) : [await load(first), await load(second), await load(first), await load(second)];
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(1);
    const token = sealCardTo(keys[0]!.publicKey, TEST_CARDS.approved);
    expect(openCardToken(keys[3]!, token).pan).toBe(TEST_CARDS.approved);
    await first.close();
    await second.close();
    const again = await openHqDatabase(storage.storage);
    const reloaded = await loadCardKey(again.read, new Writer(again, new FeedNotifier()));
    expect(reloaded.publicKey).toBe(keys[0]!.publicKey);
    expect(openCardToken(reloaded, token).pan).toBe(TEST_CARDS.approved);
    expect(await again.read.selectFrom('card_keys').select('id').execute()).toHaveLength(1);
    await again.close();
  });

  it('seals the card numbers an earlier HQ stored in the clear for payments not settled yet', async () => {
    storage = makeStorage(kind);
    const db = await openHqDatabase(storage.storage);
    const writer = new Writer(db, new FeedNotifier());
    const key = await loadCardKey(db.read, writer);
    const row = (id: string, token: string | null) => ({ id, order_id: 'o', register_id: 'r', store_id: 's', amount: 100, currency: 'EUR', card_token: token, last4: '4242', status: 'pending' as const, reason: null, attempts: 0, captured_at: 1, upload_deadline: null, claimed_at: null, updated_at: 1 });
    const sealed = sealCardTo(key.publicKey, TEST_CARDS.approved);
    await db.db.insertInto('offline_card_payments').values([row('plain', TEST_CARDS.approved), row('sealed', sealed), row('settled', null)]).execute();
    expect(await sealLegacyCardTokens(db.read, writer, key)).toBe(1);
    const tokens = Object.fromEntries((await db.read.selectFrom('offline_card_payments').select(['id', 'card_token']).execute()).map((r) => [r.id, r.card_token]));
    expect(openCardToken(key, tokens.plain!).pan).toBe(TEST_CARDS.approved);
    expect(tokens.sealed).toBe(sealed);
    expect(tokens.settled).toBeNull();
    expect(await sealLegacyCardTokens(db.read, writer, key)).toBe(0);
    await db.close();
  });
});
