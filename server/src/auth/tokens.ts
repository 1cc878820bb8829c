import crypto from 'node:crypto';

/** A device token: 256 random bits, URL-safe. HQ stores only its hash. */
export function newDeviceToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** SHA-256 is enough for a 256-bit random token (no dictionary to guard against, unlike a PIN). */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(hashSecret(given), 'hex');
  const b = Buffer.from(hashSecret(expected), 'hex');
  return crypto.timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}
