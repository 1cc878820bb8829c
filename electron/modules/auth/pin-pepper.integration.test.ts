import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../../shared/errors';
import { createKassaCore, DATABASE_FILE } from '../../core/kassa-core';
import { silentLogger } from '../../core/logger';
import { openDatabase } from '../../db/open';
import { migrations } from '../../db/migrations';
import { makeTempDir } from '../../test/factories';

/*
 * A register that cached a PIN hash from HQ before it had a device secret (its database from before
 * migration 18), started by the real core: a copy of its database alone no longer gives the PIN away.
 */

const trusted = { host: 'web', trustedSender: true } as const;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** HQ's form of a PIN hash, at a low cost so the test can try every 4-digit PIN. */
function cheapHash(pin: string): string {
  const salt = crypto.randomBytes(16);
  return ['scrypt', 256, 8, 1, salt.toString('base64'), crypto.scryptSync(pin, salt, 32, { N: 256, r: 8, p: 1 }).toString('base64')].join('$');
}

/** What someone with a copy of the database file alone can do: scrypt every 4-digit PIN with the row's salt and costs. */
function searchFourDigits(stored: string): string[] {
  const [, n, r, p, salt, value] = stored.split('$') as [string, string, string, string, string, string];
  const found: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const pin = String(i).padStart(4, '0');
    if (crypto.scryptSync(pin, Buffer.from(salt, 'base64'), 32, { N: Number(n), r: Number(r), p: Number(p) }).toString('base64') === value) found.push(pin);
  }
  return found;
}

/** A data folder whose database is from before the pepper, with Bea (PIN 4821) cached from HQ. */
function registerFromBeforeThePepper() {
  const data = makeTempDir();
  cleanups.push(data.cleanup);
  const old = openDatabase(path.join(data.dir, DATABASE_FILE), { migrations: migrations.filter((m) => m.version < 18) });
  old.prepare('INSERT INTO users (id, name, role, pin_hash, active, created_at, last_online_login_at) VALUES (?, ?, ?, ?, 1, ?, ?)').run('bea', 'Bea', 'cashier', cheapHash('4821'), 1, Date.now());
  old.close();
  return data.dir;
}

async function start(dataDir: string) {
  const core = await createKassaCore({ config: { dataDir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log: silentLogger() });
  let closed = false;
  const close = () => {
    if (!closed) core.close();
    closed = true;
  };
  cleanups.push(close);
  const raw = (channel: string, input: unknown = {}) => core.dispatch(channel, input, trusted) as Promise<ApiResult<Record<string, unknown>>>;
  return { core, raw, close };
}

/** The database file copied away from its register (the copy has no device secret). */
function copiedPinHash(dataDir: string): string {
  const copy = makeTempDir();
  cleanups.push(copy.cleanup);
  fs.copyFileSync(path.join(dataDir, DATABASE_FILE), path.join(copy.dir, 'stolen.db'));
  const db = new Database(path.join(copy.dir, 'stolen.db'), { readonly: true });
  try {
    return db.prepare<[], string>("SELECT pin_hash FROM users WHERE id = 'bea'").pluck().get()!;
  } finally {
    db.close();
  }
}

describe('cached PIN hashes and a copied database', () => {
  it('after the start a 4-digit search of the copied database finds nothing, while the register itself still signs Bea in', async () => {
    const dataDir = registerFromBeforeThePepper();
    const r = await start(dataDir);
    expect(await r.raw('session.login', { pin: '4821' })).toMatchObject({ ok: true, value: { user: { name: 'Bea' } } });
    r.close();
    expect(searchFourDigits(copiedPinHash(dataDir))).toEqual([]);
    expect(fs.readdirSync(dataDir)).toContain('device-secret');
  }, 120_000);

  it('a lost device secret: the register starts, says why Bea’s PIN cannot be checked, and keeps everything else', async () => {
    const dataDir = registerFromBeforeThePepper();
    (await start(dataDir)).close();
    fs.rmSync(path.join(dataDir, 'device-secret'));
    const r = await start(dataDir);
    expect(await r.raw('session.login', { pin: '4821' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PIN', message: expect.stringMatching(/saved PINs were reset because its device secret was missing/) },
    });
    expect(await r.raw('app.info')).toMatchObject({ ok: true });
  }, 60_000);

  it('demo mode after a lost device secret: the demo people get their PINs again', async () => {
    const data = makeTempDir();
    cleanups.push(data.cleanup);
    (await start(data.dir)).close();
    fs.rmSync(path.join(data.dir, 'device-secret'));
    const r = await start(data.dir);
    expect(await r.raw('session.login', { pin: '1234' })).toMatchObject({ ok: true, value: { user: { name: 'Ana' } } });
  }, 60_000);

  it('the device secret is not in the support bundle, in any form', async () => {
    const data = makeTempDir();
    cleanups.push(data.cleanup);
    const r = await start(data.dir);
    const secret = Buffer.from(fs.readFileSync(path.join(data.dir, 'device-secret'), 'utf8').trim(), 'base64');
    expect(secret).toHaveLength(32);
    await r.raw('session.login', { pin: '9999' });
    const bundle = await r.raw('diagnostics.bundle');
    if (!bundle.ok) throw new Error(bundle.error.message);
    const files = unzipSync(Buffer.from(bundle.value.base64 as string, 'base64'));
    expect(Object.keys(files).some((name) => name.includes('device-secret'))).toBe(false);
    const text = Object.values(files).map((bytes) => strFromU8(bytes)).join('\n');
    expect(text).not.toContain(secret.toString('base64'));
    expect(text).not.toContain(secret.toString('hex'));
  }, 60_000);
});
