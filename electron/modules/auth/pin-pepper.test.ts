import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KassaError } from '../../../shared/errors';
import { makeDatabase, makeTempDir } from '../../test/factories';
import { PinLockout } from './lockout';
import { isPeppered, UNUSABLE_PIN_HASH, verifyPin } from './pin';
import { DEVICE_SECRET_FILE, PinPepper } from './pin-pepper';
import { SessionService } from './session.service';
import { UsersRepository } from './users.repository';

/** HQ's form of a PIN hash, at a low cost so a test can try every 4-digit PIN. */
function cheapHash(pin: string): string {
  const salt = crypto.randomBytes(16);
  return ['scrypt', 256, 8, 1, salt.toString('base64'), crypto.scryptSync(pin, salt, 32, { N: 256, r: 8, p: 1 }).toString('base64')].join('$');
}

let setup: ReturnType<typeof makeDatabase>;
let dir: ReturnType<typeof makeTempDir>;
let log: { info: ReturnType<typeof vi.fn>; warn: ReturnType<typeof vi.fn> };
const hashes = (): Record<string, string> => Object.fromEntries(setup.db.prepare<[], { id: string; pin_hash: string }>('SELECT id, pin_hash FROM users').all().map((r) => [r.id, r.pin_hash]));
const open = () => PinPepper.open({ dataDir: dir.dir, db: setup.db, log: log as never });

beforeEach(() => {
  setup = makeDatabase();
  dir = makeTempDir();
  log = { info: vi.fn(), warn: vi.fn() };
});
afterEach(() => {
  setup.close();
  dir.cleanup();
});

describe('the device secret and the start-up step', () => {
  it('makes a 32-byte secret once, readable by the register’s user only, and wraps the cached hashes; a second start changes nothing', async () => {
    new UsersRepository(setup.db).cacheOnlineLogin({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: cheapHash('4821') }, Date.now());
    const pepper = open();
    const file = path.join(dir.dir, DEVICE_SECRET_FILE);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')).toEqual(pepper.secret);
    expect(pepper.secret).toHaveLength(32);
    const wrapped = hashes();
    expect(isPeppered(wrapped.ana!)).toBe(true);
    expect(log.info).toHaveBeenCalledWith({ users: 1 }, 'cached PIN hashes wrapped with the device secret');

    const again = open();
    expect(again.secret).toEqual(pepper.secret);
    expect(again.cacheReset).toBe(false);
    expect(hashes()).toEqual(wrapped);
    expect(await verifyPin('4821', wrapped.ana!, again.secret)).toBe(true);
  });

  it('a hash HQ sends later is stored wrapped; the session signs in with it offline', async () => {
    const pepper = open();
    const users = new UsersRepository(setup.db, pepper);
    users.cacheOnlineLogin({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: cheapHash('4821') }, Date.now());
    expect(isPeppered(hashes().ana!)).toBe(true);
    const session = new SessionService({ users, lockout: new PinLockout(dir.dir, () => ({ maxAttempts: 5, lockoutMinutes: 5 })), onChange: () => {} });
    expect(await session.login('4821')).toMatchObject({ name: 'Ana' });
  });

  it('with the database alone, a search of every 4-digit PIN finds nothing', () => {
    open();
    new UsersRepository(setup.db, open()).cacheOnlineLogin({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: cheapHash('4821') }, Date.now());
    const [, n, r, p, salt, value] = hashes().ana!.split('$') as [string, string, string, string, string, string];
    const found: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const pin = String(i).padStart(4, '0');
      const key = crypto.scryptSync(pin, Buffer.from(salt, 'base64'), 32, { N: Number(n), r: Number(r), p: Number(p) });
      if (key.toString('base64') === value) found.push(pin);
    }
    expect(found).toEqual([]);
  }, 60_000);

  it('a lost secret file: the cached PINs are cleared and taken out of the offline window, a new secret is made, and sign-in says why', async () => {
    new UsersRepository(setup.db).cacheOnlineLogin({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: cheapHash('4821') }, Date.now());
    const first = open();
    fs.rmSync(path.join(dir.dir, DEVICE_SECRET_FILE));
    const second = open();
    expect(second.cacheReset).toBe(true);
    expect(second.secret).not.toEqual(first.secret);
    expect(setup.db.prepare('SELECT pin_hash, last_online_login_at FROM users').get()).toEqual({ pin_hash: UNUSABLE_PIN_HASH, last_online_login_at: null });
    expect(log.warn).toHaveBeenCalledWith({ users: 1 }, expect.stringMatching(/cached PINs were cleared, and each cashier signs in once while HQ is reachable/));

    const users = new UsersRepository(setup.db, second);
    const session = new SessionService({ users, lockout: new PinLockout(dir.dir, () => ({ maxAttempts: 5, lockoutMinutes: 5 })), onChange: () => {} });
    const refused = await session.login('4821').then(() => null, (e: unknown) => e as KassaError);
    expect(refused?.code).toBe('WRONG_PIN');
    expect(refused?.message).toMatch(/saved PINs were reset because its device secret was missing\. Sign in once while HQ is reachable/);
    // Signing in online caches the hash again, wrapped with the new secret.
    users.cacheOnlineLogin({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: cheapHash('4821') }, Date.now());
    expect(await verifyPin('4821', hashes().ana!, second.secret)).toBe(true);
    // A third start with the new secret keeps it.
    expect(open().cacheReset).toBe(false);
  });

  it('a damaged secret file is replaced (logged), and counts as lost', () => {
    new UsersRepository(setup.db).cacheOnlineLogin({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: cheapHash('4821') }, Date.now());
    open();
    fs.writeFileSync(path.join(dir.dir, DEVICE_SECRET_FILE), 'short\n');
    expect(open().cacheReset).toBe(true);
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ problem: 'it holds 3 bytes, not 32' }), 'the device secret could not be used; a new one is made');
  });
});
