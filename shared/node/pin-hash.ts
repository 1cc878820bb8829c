/**
 * PIN hashes as the register and HQ both keep them: `scrypt$N$r$p$salt$hash` (base64), the form HQ makes
 * and sends, and on a register `…$HMAC-SHA256(device secret, hash)$hmac-sha256`. Node only (node:crypto):
 * lint lets electron/ and server/ import it, never the renderer or the rest of shared/.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

/** scrypt cost parameters (N=2^14, r=8, p=1: OWASP's minimum, about 50 ms on a register's CPU). */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** Costs a stored hash may ask for: beyond them a check would take the register's memory or minutes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** The last field of a hash the register peppered with its device secret (`pepperPinHash`). */
const PEPPERED = 'hmac-sha256';
/** A cached hash the register cannot check any more (its device secret was lost): it matches no PIN. */
export const UNUSABLE_PIN_HASH = 'scrypt$unusable';

/** Hashes a PIN as `scrypt$N$r$p$salt$hash` (base64), with a fresh random salt: the form HQ sends. */
export async function hashPin(pin: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(pin, salt, KEY_LENGTH, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  /** The scrypt key, or its HMAC under the device secret when `peppered`. */
  value: Buffer;
  peppered: boolean;
}

function parse(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  const peppered = parts.length === 7 && parts[6] === PEPPERED;
  if ((parts.length !== 6 && !peppered) || parts[0] !== 'scrypt') return null;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((v) => Number.isSafeInteger(v) && v > 0) || n > MAX_N || r > MAX_R || p > MAX_P || (n & (n - 1)) !== 0 || n < 2) return null;
  const value = Buffer.from(parts[5]!, 'base64');
  if (value.length === 0 || (peppered && value.length !== KEY_LENGTH)) return null;
  return { n, r, p, salt: Buffer.from(parts[4]!, 'base64'), value, peppered };
}

const mac = (secret: Buffer, key: Buffer) => crypto.createHmac('sha256', secret).update(key).digest();

/**
 * The form a register keeps: HQ's `scrypt$N$r$p$salt$hash` becomes `scrypt$N$r$p$salt$HMAC-SHA256(secret,
 * hash)$hmac-sha256`. Without the device secret a copied database gives nothing to test PINs against.
 * Null for a hash that is not a 32-byte scrypt hash in HQ's form.
 */
export function pepperPinHash(hash: string, secret: Buffer): string | null {
  const parsed = parse(hash);
  if (!parsed || parsed.peppered || parsed.value.length !== KEY_LENGTH) return null;
  return ['scrypt', parsed.n, parsed.r, parsed.p, parsed.salt.toString('base64'), mac(secret, parsed.value).toString('base64'), PEPPERED].join('$');
}

/** True when the stored hash is already in the register's peppered form. */
export function isPeppered(stored: string): boolean {
  return parse(stored)?.peppered === true;
}

/**
 * Checks a PIN against a stored hash in constant time: scrypt(PIN, salt), then (peppered) HMAC under the
 * device secret, then compare. A malformed hash, a peppered one without the secret, or a plain one where a
 * secret is given never matches.
 */
export async function verifyPin(pin: string, stored: string, secret: Buffer | null = null): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.peppered !== (secret !== null)) return false;
  const { n, r, p, salt, value } = parsed;
  let key: Buffer;
  try {
    key = await scrypt(pin, salt, parsed.peppered ? KEY_LENGTH : value.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  } catch {
    return false;
  }
  const actual = secret ? mac(secret, key) : key;
  return crypto.timingSafeEqual(actual, value);
}
