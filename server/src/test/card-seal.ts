/** For HQ tests: seals a card number to HQ's card key the way a register does (format in payments/card-key.ts). */
import { sealCardNumber } from '../payments/card-key';
import type { HqApp } from '../context';

export const sealCardTo = sealCardNumber;

/** HQ's public card key (base64 SPKI DER), as registers get it. */
export function hqCardKey(app: HqApp): string {
  return app.hq.cardKey.publicKey;
}

/** A card number sealed to this HQ's key, as a register would upload it. */
export function sealCard(app: HqApp, pan: string): string {
  return sealCardTo(hqCardKey(app), pan);
}
