import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cardSealer, demoCardSealer, SEALED_CARD } from './card-seal';
import { openSealedCard as open } from './card-seal.testing';

const PAN = '4929731852046614';

describe('card sealing', () => {
  const pair = crypto.generateKeyPairSync('x25519');
  const publicB64 = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

  it('seals to HQ’s key in the v1 form, opening to {"pan"} with the private key, never twice the same', () => {
    const seal = cardSealer(publicB64);
    const a = seal(PAN);
    const b = seal(PAN);
    expect(a).toMatch(SEALED_CARD);
    expect(a).not.toBe(b);
    expect(a).not.toContain(PAN);
    expect(Buffer.from(a.split('.')[2]!, 'base64url')).toHaveLength(12);
    expect(open(a, pair.privateKey, publicB64)).toEqual({ pan: PAN });
    expect(open(b, pair.privateKey, publicB64)).toEqual({ pan: PAN });
  });

  it('cannot be opened with another key, nor after a change to its ciphertext', () => {
    const token = cardSealer(publicB64)(PAN);
    const other = crypto.generateKeyPairSync('x25519');
    expect(() => open(token, other.privateKey, other.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'))).toThrow();
    const parts = token.split('.');
    const data = Buffer.from(parts[3]!, 'base64url');
    data[0]! ^= 1;
    parts[3] = data.toString('base64url');
    expect(() => open(parts.join('.'), pair.privateKey, publicB64)).toThrow(/authenticate/);
  });

  it('refuses a key that is not X25519, saying so', () => {
    const ed = crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(() => cardSealer(ed)).toThrow(/not X25519/);
  });

  it('in demo mode seals to a throwaway key: the token has the same form and no number in it', () => {
    const token = demoCardSealer()(PAN);
    expect(token).toMatch(SEALED_CARD);
    expect(token).not.toContain(PAN);
  });
});
