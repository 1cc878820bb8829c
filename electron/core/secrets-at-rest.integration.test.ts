import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../shared/errors';
import type { Diagnostics } from '../../shared/modules/admin.api';
import { openDatabase } from '../db/open';
import { WEB_HOST_SECRET_STORE } from '../host/web-secret-store';
import { IdentityStore } from '../hq/identity';
import { keychainSecretStore, type OsEncryption } from '../hq/secret-store';
import { makeTempDir } from '../test/factories';
import { createKassaCore, DATABASE_FILE, type CoreOptions } from './kassa-core';

/*
 * What a register leaves on disk: a data folder only its account can enter, a database only it can read,
 * and a device token sealed by the host's keychain where there is one (and said to be clear where not).
 */
const TOKEN = 'kassa-device-token-0c9e4b7d2a61f835';
const enrolment = { registerId: 'r1', registerCode: 'R01', token: TOKEN, store: { id: 's1', code: 'S01', name: 'Shop', currency: 'EUR', pricesIncludeTax: true } };
const fakeSafeStorage: OsEncryption = {
  isEncryptionAvailable: () => true,
  encryptString: (text) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x33)),
  decryptString: (sealed) => Buffer.from(sealed.map((b) => b ^ 0x33)).toString('utf8'),
  getSelectedStorageBackend: () => 'kwallet6',
};
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const onDisk = (file: string, text: string) => [file, `${file}-wal`, `${file}-shm`].some((f) => fs.existsSync(f) && fs.readFileSync(f).includes(Buffer.from(text)));

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((fn) => fn()));

function logLines() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
  return { log, lines };
}

async function start(dataDir: string, options: Partial<CoreOptions> = {}) {
  const { log, lines } = logLines();
  const core = await createKassaCore({ config: { dataDir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' }, log, ...options });
  cleanups.push(() => core.close());
  const call = async <T>(channel: string, input: unknown = {}): Promise<T> => {
    const result = (await core.dispatch(channel as never, input, { host: 'web', trustedSender: true })) as ApiResult<T>;
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  return { core, call, lines };
}

/** A data folder an older version left: folder 0755, database 0644, the device token in the clear. */
function olderDataFolder(): { dir: string; file: string } {
  const tmp = makeTempDir();
  cleanups.push(tmp.cleanup);
  const dir = path.join(tmp.dir, 'Kassa');
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, DATABASE_FILE);
  const db = openDatabase(file);
  new IdentityStore(db).save('https://hq.example', enrolment);
  db.close();
  fs.chmodSync(file, 0o644);
  return { dir, file };
}

describe.skipIf(process.platform === 'win32')('secrets at rest', () => {
  it('a new data folder is 0700 and its database 0600', async () => {
    const tmp = makeTempDir();
    cleanups.push(tmp.cleanup);
    const dir = path.join(tmp.dir, 'new', 'Kassa');
    await start(dir);
    expect(mode(dir)).toBe(0o700);
    for (const f of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, 'settings.json']) expect(mode(path.join(dir, f)), f).toBe(0o600);
  });

  it("on start, a folder and database an older version left readable to others are closed, and the clear token is sealed with the host's keychain", async () => {
    const { dir, file } = olderDataFolder();
    expect(onDisk(file, TOKEN)).toBe(true);
    const { lines } = await start(dir, { secretStore: keychainSecretStore(fakeSafeStorage, 'linux') });
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(onDisk(file, TOKEN)).toBe(false);
    expect(lines.some((l) => /sealed with the operating system's keychain/.test(String(l.msg)))).toBe(true);
    expect(lines.some((l) => l.tokenStorage === 'clear')).toBe(false);
  });

  it('the web host keeps the token in the clear and says so: a warning at start and a field on the diagnostics page', async () => {
    const { dir, file } = olderDataFolder();
    const { call, lines } = await start(dir, { secretStore: WEB_HOST_SECRET_STORE });
    expect(onDisk(file, TOKEN)).toBe(true);
    const warning = lines.find((l) => l.tokenStorage === 'clear');
    expect(warning).toMatchObject({ level: 40, reason: expect.stringMatching(/no OS keychain/) });
    expect(String(warning?.msg)).toMatch(/device token is kept in the clear/);

    await call('session.login', { pin: '9999' });
    const overview = await call<Diagnostics>('diagnostics.overview', { hours: 1 });
    expect(overview.deviceTokenStorage).toEqual({ protection: 'clear', detail: expect.stringMatching(/web host runs headless/) });
  });
});
