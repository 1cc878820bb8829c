import { describe, expect, it } from 'vitest';
import { hashPin, isPeppered, pepperPinHash, UNUSABLE_PIN_HASH, verifyPin } from './pin';

describe('PIN hashing', () => {
  it('stores a salted scrypt hash, never the PIN', async () => {
    const a = await hashPin('1234');
    const b = await hashPin('1234');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain('1234$');
    expect(a).not.toBe(b);
  });

  it('accepts the right PIN and refuses a wrong one', async () => {
    const stored = await hashPin('9999');
    expect(await verifyPin('9999', stored)).toBe(true);
    expect(await verifyPin('9998', stored)).toBe(false);
  });

  it('never matches a malformed stored hash', async () => {
    expect(await verifyPin('1234', '1234')).toBe(false);
    expect(await verifyPin('1234', 'scrypt$x$8$1$c2FsdA==$aGFzaA==')).toBe(false);
    expect(await verifyPin('1234', 'scrypt$16384$8$1$c2FsdA==$')).toBe(false);
  });
});

describe('PIN hashes peppered with the device secret', () => {
  const secret = Buffer.alloc(32, 7);

  it('keeps HQ’s salt and costs but stores HMAC-SHA256(secret, hash): the right PIN matches with the secret only', async () => {
    const hq = await hashPin('4821');
    const stored = pepperPinHash(hq, secret)!;
    expect(stored.split('$').slice(0, 5)).toEqual(hq.split('$').slice(0, 5));
    expect(stored.split('$')[5]).not.toBe(hq.split('$')[5]);
    expect(stored.endsWith('$hmac-sha256')).toBe(true);
    expect(isPeppered(stored)).toBe(true);
    expect(isPeppered(hq)).toBe(false);
    expect(await verifyPin('4821', stored, secret)).toBe(true);
    expect(await verifyPin('4822', stored, secret)).toBe(false);
    expect(await verifyPin('4821', stored)).toBe(false);
    expect(await verifyPin('4821', stored, Buffer.alloc(32, 8))).toBe(false);
    // A plain hash where the register expects a peppered one is not accepted either.
    expect(await verifyPin('4821', hq, secret)).toBe(false);
  });

  it('refuses to pepper or check hashes with costs out of range, as HQ does (non-positive, not a power of two, too large)', async () => {
    for (const bad of ['scrypt$0$8$1$c2FsdA==$aGFzaA==', 'scrypt$-16384$8$1$c2FsdA==$aGFzaA==', 'scrypt$16384$0$1$c2FsdA==$aGFzaA==', 'scrypt$1000$8$1$c2FsdA==$aGFzaA==', `scrypt$${2 ** 24}$8$1$c2FsdA==$aGFzaA==`]) {
      expect(await verifyPin('1234', bad), bad).toBe(false);
      expect(pepperPinHash(bad, secret), bad).toBeNull();
    }
    expect(await verifyPin('1234', UNUSABLE_PIN_HASH)).toBe(false);
    expect(await verifyPin('1234', UNUSABLE_PIN_HASH, secret)).toBe(false);
  });
});
