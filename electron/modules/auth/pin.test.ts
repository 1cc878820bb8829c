import { describe, expect, it } from 'vitest';
import { hashPin, verifyPin } from './pin';

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
