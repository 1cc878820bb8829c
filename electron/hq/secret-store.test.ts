import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDatabase } from '../test/factories';
import { IdentityStore } from './identity';
import { clearSecretStore, keychainSecretStore, SecretUnavailableError, type OsEncryption } from './secret-store';

const TOKEN = 'kassa-device-token-5f1c0e7a9b2d4c6e';
const enrolment = { registerId: 'r1', registerCode: 'R01', token: TOKEN, store: { id: 's1', code: 'S01', name: 'Shop', currency: 'EUR', pricesIncludeTax: true } };

/** A stand-in for Electron's safeStorage: a reversible scramble whose output never contains the input. */
function fakeSafeStorage(overrides: Partial<OsEncryption> = {}): OsEncryption {
  return {
    isEncryptionAvailable: () => true,
    encryptString: (text) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (sealed) => Buffer.from(sealed.map((b) => b ^ 0x5a)).toString('utf8'),
    getSelectedStorageBackend: () => 'gnome_libsecret',
    ...overrides,
  };
}

/** Whether the raw bytes of the database or its -wal/-shm hold `text`. */
const onDisk = (file: string, text: string) => [file, `${file}-wal`, `${file}-shm`].some((f) => fs.existsSync(f) && fs.readFileSync(f).includes(Buffer.from(text)));
const storedToken = (db: ReturnType<typeof makeDatabase>['db']) => db.prepare<[], { t: string }>('SELECT device_token AS t FROM register_identity').get()?.t;

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));
function database() {
  const setup = makeDatabase();
  cleanups.push(setup.close);
  return setup;
}

describe('the secret store a host provides', () => {
  it('with the OS keychain, seals and opens; unavailable, or Linux without a password store, it is the clear store and says why', () => {
    const keychain = keychainSecretStore(fakeSafeStorage(), 'linux');
    expect(keychain.storage.protection).toBe('os-keychain');
    const sealed = keychain.seal(TOKEN);
    expect(sealed).not.toContain(TOKEN);
    expect(keychain.open(sealed)).toBe(TOKEN);
    expect(keychainSecretStore(fakeSafeStorage(), 'win32').storage.protection).toBe('os-keychain');

    expect(keychainSecretStore(fakeSafeStorage({ isEncryptionAvailable: () => false }), 'win32').storage).toEqual({ protection: 'clear', detail: expect.stringMatching(/no keychain/) });
    expect(keychainSecretStore(fakeSafeStorage({ getSelectedStorageBackend: () => 'basic_text' }), 'linux').storage).toEqual({ protection: 'clear', detail: expect.stringMatching(/basic_text/) });
  });

  it('the clear store refuses a sealed token with what to do, rather than sending HQ ciphertext', () => {
    const sealed = keychainSecretStore(fakeSafeStorage(), 'linux').seal(TOKEN);
    expect(() => clearSecretStore('headless').open(sealed)).toThrow(SecretUnavailableError);
    expect(() => clearSecretStore('headless').open(sealed)).toThrow(/Start Kassa as the desktop app/);
  });
});

describe('the device token at rest', () => {
  it('is stored sealed, not in the clear, when the host has a keychain; the register still reads the clear token', () => {
    const { db, file } = database();
    const identity = new IdentityStore(db, keychainSecretStore(fakeSafeStorage(), 'linux'));
    expect(identity.save('https://hq.example', enrolment).deviceToken).toBe(TOKEN);
    expect(storedToken(db)).not.toBe(TOKEN);
    expect(storedToken(db)).toMatch(/^sealed:v1:/);
    expect(onDisk(file, TOKEN)).toBe(false);
    expect(new IdentityStore(db, keychainSecretStore(fakeSafeStorage(), 'linux')).get()?.deviceToken).toBe(TOKEN);
  });

  it('a token an older version kept in the clear is sealed on start, and its clear bytes leave the database and the write-ahead log', () => {
    const { db, file } = database();
    new IdentityStore(db).save('https://hq.example', enrolment);
    expect(storedToken(db)).toBe(TOKEN);
    expect(onDisk(file, TOKEN)).toBe(true);

    const identity = new IdentityStore(db, keychainSecretStore(fakeSafeStorage(), 'linux'));
    expect(identity.sealStoredToken()).toBe('sealed');
    expect(storedToken(db)).toMatch(/^sealed:v1:/);
    expect(identity.get()?.deviceToken).toBe(TOKEN);
    expect(onDisk(file, TOKEN)).toBe(false);
    expect(identity.sealStoredToken()).toBe('unchanged');
  });

  it('the clear store keeps the token as it is and seals nothing', () => {
    const { db } = database();
    const identity = new IdentityStore(db, clearSecretStore('headless'));
    identity.save('https://hq.example', enrolment);
    expect(identity.sealStoredToken()).toBe('unchanged');
    expect(storedToken(db)).toBe(TOKEN);
  });
});
