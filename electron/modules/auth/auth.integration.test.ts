import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHq, type RunningHq } from '../../../e2e/support/hq-server';
import type { ApiResult } from '../../../shared/errors';
import { createKassaCore } from '../../core/kassa-core';
import { silentLogger } from '../../core/logger';
import { makeTempDir } from '../../test/factories';
import { waitFor as waitUntil } from '../../test/wait-for';

/*
 * Sign-in, lockout, auto-lock and sign-out through the register's own dispatch (every call zod-checked
 * by handle()), in demo mode and against the real HQ server.
 */

const waitFor = <T,>(what: string, probe: () => T | Promise<T>, limitMs = 15_000) => waitUntil(what, probe, limitMs, 25);

const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;
const cleanups: (() => void | Promise<void>)[] = [];

async function register(settings: object, hqUrl?: string, dir = makeTempDir()) {
  fs.writeFileSync(`${dir.dir}/settings.json`, JSON.stringify({ connectivity: FAST, ...settings }));
  const core = await createKassaCore({ config: { dataDir: dir.dir, port: 0, hqUrl: hqUrl ?? null, enrolmentCode: hqUrl ? 'DEMO' : null, locale: 'en' }, log: silentLogger() });
  cleanups.push(() => core.close());
  const raw = (channel: string, input: unknown = {}) => core.dispatch(channel, input, trusted) as Promise<ApiResult<Record<string, unknown>>>;
  const call = async <T = Record<string, unknown>>(channel: string, input: unknown = {}): Promise<T> => {
    const result = await raw(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  };
  const codeOf = async (channel: string, input: unknown = {}) => {
    const result = await raw(channel, input);
    return result.ok ? 'ok' : result.error.code;
  };
  return { core, raw, call, codeOf, dir };
}

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('sign-in and its bad input (demo register)', () => {
  it('refuses a PIN of the wrong length or with letters before checking it (INVALID_INPUT, not counted), an unknown PIN as WRONG_PIN', async () => {
    const r = await register({ auth: { maxAttempts: 2 } });
    expect(await r.codeOf('session.login', { pin: '123' })).toBe('INVALID_INPUT');
    expect(await r.codeOf('session.login', { pin: '123456789' })).toBe('INVALID_INPUT');
    expect(await r.codeOf('session.login', { pin: '12a4' })).toBe('INVALID_INPUT');
    expect(await r.codeOf('session.login', {})).toBe('INVALID_INPUT');
    expect(await r.codeOf('session.login', { pin: 1234 })).toBe('INVALID_INPUT');
    expect(await r.codeOf('session.login', { pin: '0000' })).toBe('WRONG_PIN');
    // Five malformed PINs and one unknown: one wrong PIN counted of two allowed, so Ana still signs in.
    expect(await r.call('session.login', { pin: '1234' })).toMatchObject({ user: { name: 'Ana' } });
  });

  it('a locked user: 2 wrong PINs lock sign-in, session.get says until when, and a restart keeps the lock', async () => {
    const r = await register({ auth: { maxAttempts: 2, lockoutMinutes: 10 } });
    await r.codeOf('session.login', { pin: '0000' });
    const locked = await r.raw('session.login', { pin: '0001' });
    expect(locked).toMatchObject({ ok: false, error: { code: 'TOO_MANY_ATTEMPTS', message: expect.stringMatching(/locked for 10 more minutes/) } });
    const { signInLockedUntil } = await r.call<{ signInLockedUntil: number }>('session.get');
    expect(signInLockedUntil - Date.now()).toBeGreaterThan(9 * 60_000);
    r.core.close();
    cleanups.pop();
    const again = await register({ auth: { maxAttempts: 2, lockoutMinutes: 10 } }, undefined, r.dir);
    expect(await again.codeOf('session.login', { pin: '1234' })).toBe('TOO_MANY_ATTEMPTS');
  });

  it('wrong manager PINs typed into the price-override dialog lock approvals too', async () => {
    const r = await register({ auth: { maxAttempts: 2 } });
    await r.call('session.login', { pin: '1234' });
    const cart = await r.call<{ lines: { id: string }[] }>('cart.scan', { code: 'SKU-000001' });
    const lineId = cart.lines[0]!.id;
    expect(await r.codeOf('cart.overridePrice', { lineId, price: 100, managerPin: '1234' })).toBe('NOT_A_MANAGER');
    expect(await r.codeOf('cart.overridePrice', { lineId, price: 100, managerPin: '5555' })).toBe('TOO_MANY_ATTEMPTS');
    expect(await r.codeOf('cart.overridePrice', { lineId, price: 100, managerPin: '9999' })).toBe('TOO_MANY_ATTEMPTS');
    expect(await r.codeOf('sync.discard', { id: 'x', managerPin: '9999' })).toBe('TOO_MANY_ATTEMPTS');
  });
});

describe('the offline switch needs a signed-in cashier', () => {
  it('Go offline and Go online are refused (NOT_SIGNED_IN) with nobody signed in and on a locked screen; signed in, the log names who pressed them', async () => {
    const r = await register({ auth: { autoLockMinutes: 0.01 } }); // 600 ms
    expect(await r.raw('connectivity.goOffline')).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN', message: 'Sign in with your PIN first.' } });
    expect(await r.codeOf('connectivity.goOnline')).toBe('NOT_SIGNED_IN');
    expect(r.core.connectivity.current().reasons).not.toContain('manual');

    await r.call('session.login', { pin: '1234' });
    await waitFor('the lock', async () => (await r.call<{ locked?: boolean }>('session.get')).locked);
    expect(await r.codeOf('connectivity.goOffline')).toBe('NOT_SIGNED_IN');
    expect(r.core.connectivity.current().reasons).not.toContain('manual');

    await r.call('session.unlock', { pin: '1234' });
    expect(await r.call('connectivity.goOffline')).toMatchObject({ state: 'offline', reasons: ['manual'], manualBy: 'Ana' });
    await r.call('session.logout');
    expect(await r.codeOf('connectivity.goOnline')).toBe('NOT_SIGNED_IN');
    await r.call('session.login', { pin: '9999' });
    await r.call('connectivity.goOnline');
    const { entries } = await r.call<{ entries: { trigger: string; user: string | null }[] }>('connectivity.log', { limit: 10 });
    expect(entries.filter((e) => e.trigger.startsWith('manual.')).map((e) => [e.trigger, e.user])).toEqual([
      ['manual.goOnline', 'Max'],
      ['manual.goOffline', 'Ana'],
    ]);
  });
});

describe('auto-lock (auth.autoLockMinutes)', () => {
  it('locks after the idle time, keeps the cart, answers only the lock screen, and the same cashier unlocks to the same cart', async () => {
    const r = await register({ auth: { autoLockMinutes: 0.01 } }); // 600 ms
    const events: { locked?: boolean }[] = [];
    r.core.events.subscribe((event) => {
      if (event.name === 'session.changed') events.push(event.payload);
    });
    await r.call('session.login', { pin: '1234' });
    await r.call('cart.scan', { code: 'SKU-000001' });
    await r.call('cart.scan', { code: 'SKU-000002' });
    await waitFor('the lock', async () => (await r.call<{ locked?: boolean }>('session.get')).locked);
    expect(events.at(-1)).toMatchObject({ user: { name: 'Ana' }, locked: true });
    expect(await r.codeOf('cart.scan', { code: 'SKU-000003' })).toBe('NOT_SIGNED_IN');
    expect(await r.codeOf('cart.get')).toBe('NOT_SIGNED_IN');
    expect(await r.codeOf('sync.status')).toBe('ok');
    expect(await r.codeOf('session.unlock', { pin: '0000' })).toBe('WRONG_PIN');
    expect(await r.call('session.unlock', { pin: '1234' })).toMatchObject({ user: { name: 'Ana' } });
    const cart = await r.call<{ lines: unknown[] }>('cart.get');
    expect(cart.lines).toHaveLength(2);
  });

  it('reads the renderer makes by itself (status polling) do not keep the register unlocked', async () => {
    const r = await register({ auth: { autoLockMinutes: 0.01 } });
    await r.call('session.login', { pin: '1234' });
    const started = Date.now();
    await waitFor('the lock despite polling', async () => {
      await r.call('sync.status');
      await r.call('cart.get').catch(() => null);
      return (await r.call<{ locked?: boolean }>('session.get')).locked;
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a manager unlocks for the cashier: the cashier stays signed in', async () => {
    const r = await register({ auth: { autoLockMinutes: 0.01 } });
    await r.call('session.login', { pin: '1234' });
    await waitFor('the lock', async () => (await r.call<{ locked?: boolean }>('session.get')).locked);
    expect(await r.call('session.unlock', { pin: '9999' })).toMatchObject({ user: { name: 'Ana' } });
  });
});

describe('against HQ: offline sign-in and sign-out that keeps unsynced work', () => {
  let hq: RunningHq;
  beforeAll(async () => {
    hq = await startHq();
  }, 60_000);
  afterAll(async () => {
    await hq?.stop();
  });

  it('offline, Ana (signed in online here before) and Max (sent by HQ’s feed) sign in; Zoe (added at HQ while the till was offline) is refused with why; sign-out keeps queued sales, which upload once back online', async () => {
    const r = await register({}, hq.url);
    await waitFor('enrolment', async () => (await r.call<{ enrolled: boolean }>('app.info')).enrolled);
    // The stream opens once the first pull has reached HQ's head: the feed has brought the store's people.
    await waitFor('the whole feed', () => r.core.sync.status().realtime);
    await r.call('session.login', { pin: '1234' }); // online: HQ checks, the register caches Ana
    await r.call('connectivity.goOffline');
    await hq.admin('POST', '/users', { name: 'Zoe', role: 'cashier', pin: '5151', storeId: null });

    await r.call('cart.scan', { code: 'SKU-000001' });
    const sale = r.core.sales.completeWithCash(null);
    await r.call('cart.scan', { code: 'SKU-000002' }); // an open cart at sign-out
    expect(r.core.sync.status().pending).toBe(4); // the sale, its payment, the drawer session it opened and its cash
    await r.call('session.logout');
    expect(r.core.sync.status().pending).toBe(4); // signing out discards nothing

    const refused = await r.raw('session.login', { pin: '5151' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'WRONG_PIN', message: expect.stringMatching(/has not signed in on this register while it was online/) } });
    expect(await r.call('session.login', { pin: '9999' })).toMatchObject({ user: { name: 'Max' } });
    await r.call('session.logout');
    expect(await r.call('session.login', { pin: '1234' })).toMatchObject({ user: { name: 'Ana' } });
    expect((await r.call<{ lines: { sku: string }[] }>('cart.get')).lines.map((l) => l.sku)).toEqual(['SKU-000002']);

    await r.call('connectivity.goOnline'); // the switch is Ana's: she presses it before she signs out
    await r.call('session.logout');
    await waitFor('the upload after sign-out', () => r.core.sync.status().pending === 0);
    const { orders } = await hq.admin<{ orders: { number: string }[] }>('GET', `/orders/search?number=${sale.number}`);
    expect(orders).toHaveLength(1);
  }, 60_000);

  it('another cashier unlocking a locked till gets their own session; the first cashier’s sale (no payment yet) is held for them', async () => {
    const r = await register({ auth: { autoLockMinutes: 0.01 } }, hq.url);
    await waitFor('enrolment', async () => (await r.call<{ enrolled: boolean }>('app.info')).enrolled);
    await waitFor('the catalog', () => r.core.sync.status().lastSeq > 0);
    await r.call('session.login', { pin: '2468' }); // Ben, once online on this register
    await r.call('session.logout');
    await r.call('session.login', { pin: '1234' });
    await r.call('cart.scan', { code: 'SKU-000001' });
    await waitFor('the lock', async () => (await r.call<{ locked?: boolean }>('session.get')).locked);
    expect(await r.call('session.unlock', { pin: '2468' })).toMatchObject({ user: { name: 'Ben' } });
    expect(await r.call('session.get')).toMatchObject({ user: { name: 'Ben' }, locked: false });
    expect((await r.call<{ lines: unknown[] }>('cart.get')).lines).toHaveLength(0);
    const { carts } = await r.call<{ carts: { label: string }[] }>('cart.held');
    expect(carts.map((c) => c.label)).toEqual(["Ana's sale"]);
  }, 60_000);
});
