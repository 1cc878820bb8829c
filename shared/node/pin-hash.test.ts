import { describe, expect, it } from 'vitest';
import { hashPin, pepperPinHash, verifyPin } from './pin-hash';

// Made by the register's and HQ's own PIN hashing before they became one module: hashes already in
// registers' databases and HQ's must keep verifying.
const STORED_BY_HQ = 'scrypt$16384$8$1$sk/+9JWBuMxSLypixdvLJg==$HI5/jUQ/rVQhsPQpPmMi4bWgbWcau6r6fQavgUlNukY=';
const STORED_ON_REGISTER = 'scrypt$16384$8$1$sk/+9JWBuMxSLypixdvLJg==$hx96qplBpeJjVe9VNsyqHl6F9E/0GgQ/8FzUGT0mSIo=$hmac-sha256';
const DEVICE_SECRET = Buffer.alloc(32, 7);

describe('one PIN hash for the register and HQ', () => {
  it('hashes already stored on HQ and on registers still verify, and only with the right PIN', async () => {
    expect(await verifyPin('4821', STORED_BY_HQ)).toBe(true);
    expect(await verifyPin('4822', STORED_BY_HQ)).toBe(false);
    expect(await verifyPin('4821', STORED_ON_REGISTER, DEVICE_SECRET)).toBe(true);
    expect(await verifyPin('4822', STORED_ON_REGISTER, DEVICE_SECRET)).toBe(false);
    expect(pepperPinHash(STORED_BY_HQ, DEVICE_SECRET)).toBe(STORED_ON_REGISTER);
  });

  it('a new hash keeps the stored form and costs', async () => {
    const made = await hashPin('4821');
    expect(made).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPin('4821', made)).toBe(true);
  });

  it('never matches a hash with bad scrypt costs or a malformed one, and never throws for it', async () => {
    const bad = [
      'scrypt$0$8$1$c2FsdA==$aGFzaA==',
      'scrypt$-16384$8$1$c2FsdA==$aGFzaA==',
      'scrypt$1$8$1$c2FsdA==$aGFzaA==',
      'scrypt$1000$8$1$c2FsdA==$aGFzaA==',
      `scrypt$${2 ** 24}$8$1$c2FsdA==$aGFzaA==`,
      'scrypt$16384$0$1$c2FsdA==$aGFzaA==',
      'scrypt$16384$8$0$c2FsdA==$aGFzaA==',
      'scrypt$16384$8.5$1$c2FsdA==$aGFzaA==',
      'scrypt$16384$8$1$c2FsdA==$',
      'scrypt$16384$8$1',
      'bcrypt$16384$8$1$c2FsdA==$aGFzaA==',
      '',
    ];
    for (const stored of bad) expect(await verifyPin('1234', stored), stored).toBe(false);
  });
});
