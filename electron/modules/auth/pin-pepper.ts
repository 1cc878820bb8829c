import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger';
import type { KassaDatabase } from '../../db/open';
import { writeFileAtomic } from '../../fs/atomic-write';
import { isPeppered, pepperPinHash, UNUSABLE_PIN_HASH } from './pin';

/** `<dataDir>/device-secret`: 32 random bytes (base64), made once, readable by the register's user only. */
export const DEVICE_SECRET_FILE = 'device-secret';
const SECRET_BYTES = 32;

/** Tells one secret from another without saying anything about it (kept in the database). */
const fingerprint = (secret: Buffer) => crypto.createHmac('sha256', secret).update('kassa pin pepper fingerprint').digest('base64');

/** What the start found: a secret in place, none yet (first start, or a register from before the pepper), or a lost or damaged one. */
type Found = { secret: Buffer } | { missing: true } | { unusable: string };

/**
 * The register's PIN pepper. Cached PIN hashes (HQ's scrypt hashes, kept for offline sign-in) are stored
 * as HMAC-SHA256 under a device secret that never leaves this register: it is a file in the data folder,
 * not in the database, never logged, never in a support bundle. A copied database alone gives nothing to
 * test PINs against.
 *
 * `open` is the start-up step (idempotent): it makes the secret on the first start, wraps every cached hash
 * not yet wrapped, and records the secret's fingerprint (table `pin_pepper`, migration 18). When the
 * secret is gone or is not the one the hashes were wrapped with (a lost file, a database moved to another
 * register), the cached hashes cannot be checked any more: they are marked unusable and taken out of the
 * offline window, a new secret is made, and each cashier signs in once while HQ is reachable, which caches
 * their hash again. Nothing else is lost.
 */
export class PinPepper {
  private constructor(
    readonly secret: Buffer,
    /** The cached PINs were reset at this start (the secret was lost or replaced). */
    readonly cacheReset: boolean,
  ) {}

  static open({ dataDir, db, log, now = Date.now }: { dataDir: string; db: KassaDatabase; log: Pick<Logger, 'info' | 'warn'>; now?: () => number }): PinPepper {
    const file = path.join(dataDir, DEVICE_SECRET_FILE);
    const found = readSecret(file);
    let secret: Buffer;
    if ('secret' in found) secret = found.secret;
    else {
      if ('unusable' in found) log.warn({ file, problem: found.unusable }, 'the device secret could not be used; a new one is made');
      secret = crypto.randomBytes(SECRET_BYTES);
      writeFileAtomic(file, `${secret.toString('base64')}\n`);
    }
    const print = fingerprint(secret);
    const recorded = db.prepare<[], string>('SELECT fingerprint FROM pin_pepper WHERE singleton = 1').pluck().get();
    const reset = recorded !== undefined && recorded !== print;
    let cleared = 0;
    let wrapped = 0;
    db.transaction(() => {
      if (reset) {
        cleared = db.prepare('UPDATE users SET pin_hash = ?, last_online_login_at = NULL WHERE pin_hash <> ?').run(UNUSABLE_PIN_HASH, UNUSABLE_PIN_HASH).changes;
      }
      const update = db.prepare<[string, string]>('UPDATE users SET pin_hash = ? WHERE id = ?');
      for (const row of db.prepare<[string], { id: string; pin_hash: string }>('SELECT id, pin_hash FROM users WHERE pin_hash <> ?').all(UNUSABLE_PIN_HASH)) {
        if (isPeppered(row.pin_hash)) continue;
        update.run(pepperPinHash(row.pin_hash, secret) ?? UNUSABLE_PIN_HASH, row.id);
        wrapped += 1;
      }
      db.prepare<[string, number]>(
        'INSERT INTO pin_pepper (singleton, fingerprint, wrapped_at) VALUES (1, ?, ?) ON CONFLICT (singleton) DO UPDATE SET fingerprint = excluded.fingerprint, wrapped_at = excluded.wrapped_at',
      ).run(print, now());
    })();
    if (reset) {
      log.warn({ users: cleared }, "the device secret is missing or not the one this register's PINs were kept with: the cached PINs were cleared, and each cashier signs in once while HQ is reachable");
    }
    if (wrapped > 0) log.info({ users: wrapped }, 'cached PIN hashes wrapped with the device secret');
    return new PinPepper(secret, reset);
  }

  /** The register's form of a hash HQ sent; one it cannot read is kept as unusable (it matches no PIN). */
  wrap(hash: string): string {
    return pepperPinHash(hash, this.secret) ?? UNUSABLE_PIN_HASH;
  }

  /** The secret in the forms it could be written, for the support bundle's redaction. */
  redactions(): string[] {
    return [this.secret.toString('base64'), this.secret.toString('hex')];
  }
}

function readSecret(file: string): Found {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { unusable: (error as Error).message };
  }
  const secret = Buffer.from(text.trim(), 'base64');
  return secret.length === SECRET_BYTES ? { secret } : { unusable: `it holds ${secret.length} bytes, not ${SECRET_BYTES}` };
}
