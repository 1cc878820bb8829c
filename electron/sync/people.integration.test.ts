import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHq, type RunningHq } from '../../e2e/support/hq-server';
import { CONSOLE_COOKIE, CSRF_HEADER } from '../../shared/hq/console';
import { createKassaCore, type KassaCore } from '../core/kassa-core';
import { silentLogger } from '../core/logger';
import { makeTempDir } from '../test/factories';
import { waitFor } from '../test/wait-for';

/*
 * People managed in HQ's console reach a register through the change feed: a cashier added there signs in
 * at the till while it is offline, without ever signing in online; once deactivated there, they are signed
 * out and their PIN no longer works offline.
 */

const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;
/** The demo HQ's console owner (server/src/console/first-owner.ts). */
const OWNER = { email: 'owner@kassa.demo', password: 'kassa-demo-owner' };
let hq: RunningHq;
let core: KassaCore;
let cleanup: () => void;
let consoleHeaders: Record<string, string>;

async function consoleCall<T>(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hq.url}/console/api${pathname}`, { method, headers: { ...consoleHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const result = await core.dispatch(channel, input, trusted);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

const signIn = async (pin: string) => {
  const result = await core.dispatch('session.login', { pin }, trusted);
  return result.ok ? (result.value as { user: { name: string } }).user.name : result.error.code;
};

beforeAll(async () => {
  hq = await startHq();
  const signedIn = await fetch(`${hq.url}/console/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
  const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie.startsWith(`${CONSOLE_COOKIE}=`)).toBe(true);
  consoleHeaders = { cookie, [CSRF_HEADER]: ((await signedIn.json()) as { csrf: string }).csrf };
  const data = makeTempDir();
  cleanup = data.cleanup;
  fs.writeFileSync(`${data.dir}/settings.json`, JSON.stringify({ connectivity: FAST }));
  core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl: hq.url, enrolmentCode: 'DEMO', locale: 'en' }, log: silentLogger() });
  await waitFor('enrolment and the first sync', () => core.sync.status().lastSeq > 0 && core.sync.status().realtime, 20_000);
}, 60_000);

afterAll(async () => {
  core?.close();
  await hq?.stop();
  cleanup?.();
});

describe("people from HQ's console on a register", () => {
  it('a cashier added in the console signs in offline with their PIN; deactivated there, they are signed out and refused', async () => {
    const { stores } = await consoleCall<{ stores: { id: string; code: string }[] }>('GET', '/stores');
    const storeId = stores.find((s) => s.code === 'S01')!.id;

    // Added in the console: the change reaches the till through the feed (realtime) within seconds.
    let seq = core.sync.status().lastSeq;
    const lena = await consoleCall<{ id: string }>('POST', '/people', { storeId, name: 'Lena', role: 'cashier', pin: '8642' });
    await waitFor('Lena reaching the register', () => core.sync.status().lastSeq > seq, 5_000);

    // Ana switches the till offline; Lena, who never signed in here, signs in from what the feed brought.
    expect(await signIn('1234')).toBe('Ana');
    await call('connectivity.goOffline');
    await call('session.logout');
    expect(await signIn('8642')).toBe('Lena');
    await call('connectivity.goOnline');
    await waitFor('online again', async () => (await call<{ state: string }>('connectivity.get')).state === 'online', 15_000);

    // Deactivated in the console while she is signed in: the feed signs her out.
    seq = core.sync.status().lastSeq;
    await consoleCall('POST', `/people/${lena.id}`, { active: false });
    await waitFor('the deactivation reaching the register', () => core.sync.status().lastSeq > seq, 5_000);
    await waitFor('Lena signed out', async () => (await call<{ user: { id: string } | null }>('session.get')).user === null, 5_000);

    // And offline her PIN no longer works.
    expect(await signIn('1234')).toBe('Ana');
    await call('connectivity.goOffline');
    try {
      await call('session.logout');
      expect(await signIn('8642')).toBe('WRONG_PIN');
    } finally {
      expect(await signIn('1234')).toBe('Ana');
      await call('connectivity.goOnline');
    }
  });
});
