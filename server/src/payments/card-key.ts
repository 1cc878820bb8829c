/**
 * HQ's key pair for card data: registers seal a card number taken offline to HQ's public key, and only HQ
 * can open it, when it settles the payment. Generated on first start, kept in HQ's database (card_keys).
 *
 * The sealed form (the register's side is electron/modules/checkout/card-seal.ts; keep the two in step):
 *   v1.<ephemeral public key>.<iv>.<ciphertext + tag>   each part base64url (no padding)
 *   - ephemeral public key: the sealer's one-time X25519 key, SPKI DER
 *   - key: HKDF-SHA256(ECDH(ephemeral, HQ), salt = ephemeral SPKI DER || HQ SPKI DER, info = 'kassa card v1'), 32 bytes
 *   - AES-256-GCM with a random 12-byte IV, 16-byte tag appended to the ciphertext
 *   - plaintext: JSON {"pan": "<digits>"} (room for more fields later)
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HqSchema } from '../db/schema';
import type { Writer } from '../db/writer';

const INFO = Buffer.from('kassa card v1');
const PART = /^[A-Za-z0-9_-]+$/;

export interface CardKey {
  /** Base64 of the SPKI DER: what registers seal to. */
  publicKey: string;
  privateKey: crypto.KeyObject;
}

/** HQ's card key pair: generated and stored on first start; an instance that loses the race reads the winner's. */
export async function loadCardKey(read: Kysely<HqSchema>, writer: Writer): Promise<CardKey> {
  const stored = async (db: Kysely<HqSchema>) => db.selectFrom('card_keys').select(['public_key', 'private_key']).where('id', '=', 1).executeTakeFirst();
  let row = await stored(read);
  if (!row) {
    const pair = crypto.generateKeyPairSync('x25519');
    await writer.transaction(({ trx, now }) =>
      trx
        .insertInto('card_keys')
        .values({
          id: 1,
          public_key: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
          private_key: pair.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
          created_at: now,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute(),
    );
    // Read back through the writer: another HQ instance may have stored its pair first, and that one counts.
    row = await writer.transaction(({ trx }) => stored(trx));
  }
  if (!row) throw new Error('HQ could not store its card key. Check that its database accepts writes, then start HQ again.');
  return { publicKey: row.public_key, privateKey: crypto.createPrivateKey({ key: Buffer.from(row.private_key, 'base64'), format: 'der', type: 'pkcs8' }) };
}

/** Seals a card number to `publicKeyB64` in the v1 form above (HQ uses it only for numbers stored before sealing existed). */
export function sealCardNumber(publicKeyB64: string, pan: string): string {
  const recipientDer = Buffer.from(publicKeyB64, 'base64');
  const recipient = crypto.createPublicKey({ key: recipientDer, format: 'der', type: 'spki' });
  const ephemeral = crypto.generateKeyPairSync('x25519');
  const ephemeralDer = ephemeral.publicKey.export({ type: 'spki', format: 'der' });
  const shared = crypto.diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  const key = Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([ephemeralDer, recipientDer]), INFO, 32));
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify({ pan }), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return ['v1', ephemeralDer.toString('base64url'), iv.toString('base64url'), data.toString('base64url')].join('.');
}

/**
 * Seals the card numbers an HQ of an earlier version stored in the clear for offline payments not settled
 * yet, so they settle like the others. Returns how many it sealed.
 */
export async function sealLegacyCardTokens(read: Kysely<HqSchema>, writer: Writer, key: CardKey): Promise<number> {
  const plain = await read.selectFrom('offline_card_payments').select(['id', 'card_token']).where('card_token', 'is not', null).where('card_token', 'not like', 'v1.%').execute();
  const due = plain.filter((row): row is { id: string; card_token: string } => row.card_token !== null && /^\d{12,19}$/.test(row.card_token));
  if (due.length === 0) return 0;
  await writer.transaction(async ({ trx }) => {
    for (const row of due) {
      await trx.updateTable('offline_card_payments').set({ card_token: sealCardNumber(key.publicKey, row.card_token) }).where('id', '=', row.id).where('card_token', '=', row.card_token).execute();
    }
  });
  return due.length;
}

/** A sealed card token that cannot be opened: malformed, for another key, or changed on the way. */
export class CardTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardTokenError';
  }
}

/** Opens a sealed card token with HQ's key; throws CardTokenError saying what is wrong with it. */
export function openCardToken(key: CardKey, token: string): { pan: string } {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1' || !parts.slice(1).every((p) => PART.test(p))) {
    throw new CardTokenError('The card token is not a sealed v1 token (v1.<key>.<iv>.<data>); the register must seal card numbers to HQ\'s card key.');
  }
  const [, ephemeralB64, ivB64, dataB64] = parts as [string, string, string, string];
  const ephemeralDer = Buffer.from(ephemeralB64, 'base64url');
  const iv = Buffer.from(ivB64, 'base64url');
  const data = Buffer.from(dataB64, 'base64url');
  if (iv.length !== 12 || data.length <= 16) throw new CardTokenError('The sealed card token is truncated (its IV or data is too short).');
  let ephemeral: crypto.KeyObject;
  try {
    ephemeral = crypto.createPublicKey({ key: ephemeralDer, format: 'der', type: 'spki' });
  } catch {
    throw new CardTokenError('The sealed card token does not carry a usable public key.');
  }
  if (ephemeral.asymmetricKeyType !== 'x25519') throw new CardTokenError('The sealed card token was not sealed with an X25519 key.');
  const recipient = Buffer.from(key.publicKey, 'base64');
  const shared = crypto.diffieHellman({ privateKey: key.privateKey, publicKey: ephemeral });
  const aesKey = Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([ephemeralDer, recipient]), INFO, 32));
  let plain: Buffer;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', aesKey, iv);
    decipher.setAuthTag(data.subarray(data.length - 16));
    plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  } catch {
    throw new CardTokenError('The sealed card token does not open with HQ\'s card key: it was sealed to another key or changed after sealing.');
  }
  let pan: unknown;
  try {
    pan = (JSON.parse(plain.toString('utf8')) as { pan?: unknown }).pan;
  } catch {
    pan = undefined;
  }
  if (typeof pan !== 'string' || !/^\d{12,19}$/.test(pan)) throw new CardTokenError('The sealed card token opened but holds no card number.');
  return { pan };
}

/** What settling needs: the card number, or why the payment must be declined. */
export function cardNumberForSettlement(key: CardKey, token: string | null): { ok: true; cardNumber: string } | { ok: false; reason: string } {
  if (!token) return { ok: false, reason: 'HQ holds no card token for this payment, so it cannot be settled.' };
  try {
    return { ok: true, cardNumber: openCardToken(key, token).pan };
  } catch (error) {
    if (error instanceof CardTokenError) return { ok: false, reason: error.message };
    throw error;
  }
}
