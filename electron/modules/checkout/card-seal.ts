/**
 * Seals a card number to HQ's public card key so a card payment kept for later (store-and-forward) never
 * holds the number itself: only HQ, with its private key, can open it when it settles the payment.
 *
 * The sealed form (HQ opens it in server/src/payments/card-key.ts; keep the two in step):
 *   v1.<ephemeral public key>.<iv>.<ciphertext + tag>   each part base64url (no padding)
 *   - ephemeral public key: a one-time X25519 key per seal, SPKI DER
 *   - key: HKDF-SHA256(ECDH(ephemeral, HQ), salt = ephemeral SPKI DER || HQ SPKI DER, info = 'kassa card v1'), 32 bytes
 *   - AES-256-GCM with a random 12-byte IV, 16-byte tag appended to the ciphertext
 *   - plaintext: JSON {"pan": "<digits>"} (room for more fields later)
 */
import crypto from 'node:crypto';

export type CardSealer = (pan: string) => string;

/** The sealed form, for telling a sealed token from a card number stored before sealing existed. */
export const SEALED_CARD = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A sealer to HQ's public key (base64 of its SPKI DER); throws at once if that is not an X25519 key. */
export function cardSealer(publicKeyB64: string): CardSealer {
  const recipientDer = Buffer.from(publicKeyB64, 'base64');
  const recipient = crypto.createPublicKey({ key: recipientDer, format: 'der', type: 'spki' });
  if (recipient.asymmetricKeyType !== 'x25519') throw new Error(`HQ's card key is a ${recipient.asymmetricKeyType} key, not X25519; this register cannot seal card numbers to it.`);
  return (pan) => {
    const ephemeral = crypto.generateKeyPairSync('x25519');
    const ephemeralDer = ephemeral.publicKey.export({ type: 'spki', format: 'der' });
    const shared = crypto.diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
    const key = Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([ephemeralDer, recipientDer]), Buffer.from('kassa card v1'), 32));
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify({ pan }), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return ['v1', ephemeralDer.toString('base64url'), iv.toString('base64url'), data.toString('base64url')].join('.');
  };
}

/** Demo mode (no HQ): seals to a key pair made here whose private half is dropped; nothing can settle there anyway. */
export function demoCardSealer(): CardSealer {
  const pair = crypto.generateKeyPairSync('x25519');
  return cardSealer(pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
}
