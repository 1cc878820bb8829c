/**
 * For HQ tests: seals a card number to HQ's card key the way a register does (its real sealer is
 * electron/modules/checkout/card-seal.ts, outside HQ's build; the format is in payments/card-key.ts).
 */
import crypto from 'node:crypto';
import type { HqApp } from '../context';

export function sealCardTo(publicKeyB64: string, pan: string): string {
  const recipientDer = Buffer.from(publicKeyB64, 'base64');
  const recipient = crypto.createPublicKey({ key: recipientDer, format: 'der', type: 'spki' });
  const ephemeral = crypto.generateKeyPairSync('x25519');
  const ephemeralDer = ephemeral.publicKey.export({ type: 'spki', format: 'der' });
  const shared = crypto.diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  const key = Buffer.from(crypto.hkdfSync('sha256', shared, Buffer.concat([ephemeralDer, recipientDer]), Buffer.from('kassa card v1'), 32));
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify({ pan }), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return ['v1', ephemeralDer.toString('base64url'), iv.toString('base64url'), data.toString('base64url')].join('.');
}

/** HQ's public card key (base64 SPKI DER), as registers get it. */
export function hqCardKey(app: HqApp): string {
  return app.hq.cardKey.publicKey;
}

/** A card number sealed to this HQ's key, as a register would upload it. */
export function sealCard(app: HqApp, pan: string): string {
  return sealCardTo(hqCardKey(app), pan);
}
