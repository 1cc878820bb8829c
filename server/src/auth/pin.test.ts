import { describe, expect, it } from 'vitest';
import { hashPin, verifyPin } from './pin';

describe('PIN hashes on HQ', () => {
  it('checks the hashes it makes', async () => {
    const stored = await hashPin('9999');
    expect(await verifyPin('9999', stored)).toBe(true);
    expect(await verifyPin('9998', stored)).toBe(false);
  });

  it('refuses stored hashes with scrypt costs out of range as the register does, instead of failing the login', async () => {
    for (const bad of ['scrypt$0$8$1$c2FsdA==$aGFzaA==', 'scrypt$-16384$8$1$c2FsdA==$aGFzaA==', 'scrypt$1000$8$1$c2FsdA==$aGFzaA==', 'scrypt$16384$8$0$c2FsdA==$aGFzaA==']) {
      expect(await verifyPin('1234', bad), bad).toBe(false);
    }
  });

  it('never accepts a register’s peppered form: that needs the register’s own secret', async () => {
    expect(await verifyPin('4821', 'scrypt$16384$8$1$sk/+9JWBuMxSLypixdvLJg==$hx96qplBpeJjVe9VNsyqHl6F9E/0GgQ/8FzUGT0mSIo=$hmac-sha256')).toBe(false);
  });
});
