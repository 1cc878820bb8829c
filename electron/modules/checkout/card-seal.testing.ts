import crypto from 'node:crypto';

/**
 * For tests: opens a sealed card token, written from the format in card-seal.ts (HQ's real opener is
 * server/src/payments/card-key.ts, outside the register's build).
 */
export function openSealedCard(token: string, privateKey: crypto.KeyObject, recipientB64: string): unknown {
  const [, k, iv, data] = token.split('.') as [string, string, string, string];
  const ephemeralDer = Buffer.from(k, 'base64url');
  const shared = crypto.diffieHellman({ privateKey, publicKey: crypto.createPublicKey({ key: ephemeralDer, format: 'der', type: 'spki' }) });
  const key = Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([ephemeralDer, Buffer.from(recipientB64, 'base64')]), Buffer.from('kassa card v1'), 32));
  const bytes = Buffer.from(data, 'base64url');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(bytes.subarray(-16));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(0, -16)), decipher.final()]).toString('utf8'));
}

/** An X25519 key pair as HQ holds it: the public half as base64 SPKI DER. */
export function testCardKey(): { publicKey: string; privateKey: crypto.KeyObject } {
  const pair = crypto.generateKeyPairSync('x25519');
  return { publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey: pair.privateKey };
}
