/**
 * scrypt PIN hashes in the register's format, `scrypt$N$r$p$salt$hash` (base64), so a hash HQ makes can
 * be cached by a register and checked there while offline. Keep in step with electron/modules/auth/pin.ts
 * (shared/ cannot hold it: it needs node:crypto).
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

/** N=2^14, r=8, p=1: OWASP's minimum, about 50 ms on a register's CPU. */
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

export async function hashPin(pin: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(pin, salt, KEY_LENGTH, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Checks a PIN against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((v) => Number.isSafeInteger(v) && v > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0) return false;
  const actual = await scrypt(pin, salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  return crypto.timingSafeEqual(actual, expected);
}
