import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../../e2e/support/fault-proxy';
import { startHq, type RunningHq } from '../../../e2e/support/hq-server';
import type { AttachedMember, MemberView } from '../../../shared/modules/membership.api';
import { createKassaCore, type KassaCore } from '../../core/kassa-core';
import { silentLogger } from '../../core/logger';
import { makeTempDir } from '../../test/factories';
import { waitFor } from '../../test/wait-for';

/*
 * Points against the real HQ: register A earns offline, register B redeems online meanwhile, and A's
 * upload is applied by HQ but its answer lost, so A sends it again. HQ's balance (a sum of its ledger)
 * and both registers end at the same, right number.
 */

// HQ checks PINs with scrypt: on a loaded machine a sign-in needs more than a probe's short timeout.
const FAST = { t1Ms: 1500, t2Ms: 1500, t2OfflineMs: 300, probeTimeoutMs: 1500, recoverSuccesses: 1, qosPollMs: 500 };
const trusted = { host: 'web', trustedSender: true } as const;
let hq: RunningHq;
let proxy: FaultProxy;
const cores: KassaCore[] = [];
const cleanups: (() => void)[] = [];

const caller = (core: KassaCore) =>
  async function call<T>(channel: string, input: unknown = {}): Promise<T> {
    const result = await core.dispatch(channel, input, trusted);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  };

async function register(hqUrl: string): Promise<KassaCore> {
  const data = makeTempDir();
  cleanups.push(data.cleanup);
  fs.writeFileSync(`${data.dir}/settings.json`, JSON.stringify({ connectivity: FAST, membership: { pointsPerUnit: 1, pointValueMinor: 1, offlineRedeemCap: 5000 } }));
  const core = await createKassaCore({ config: { dataDir: data.dir, port: 0, hqUrl, enrolmentCode: 'DEMO', locale: 'en' }, log: silentLogger() });
  cores.push(core);
  await waitFor('enrolment', async () => (await caller(core)<{ enrolled: boolean }>('app.info')).enrolled);
  await waitFor('the catalog', () => core.sync.status().lastSeq > 0);
  // Signed in by HQ the first time (the register has no cached PIN yet).
  await waitFor('the till online', () => core.connectivity.current().state === 'online');
  await caller(core)('session.login', { pin: '1234' });
  return core;
}

/** Sells one product to the member on `core`, redeeming `points` first, the rest in cash; returns the cash paid. */
async function sell(core: KassaCore, memberId: string, points = 0): Promise<number> {
  const call = caller(core);
  const cart = await call<{ id: string; total: number }>('cart.scan', { code: 'SKU-000003' });
  await call<AttachedMember>('membership.attach', { memberId });
  if (points) await call('membership.redeem', { saleId: cart.id, points });
  const cash = cart.total - points;
  core.sales.completeWithCash(null);
  return cash;
}

beforeAll(async () => {
  hq = await startHq();
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(hq.url).port) } });
}, 60_000);

afterAll(async () => {
  for (const core of cores.splice(0)) core.close();
  await proxy?.close();
  await hq?.stop();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('points across registers and lost answers', () => {
  it('an offline earn, an online redeem on another register and a resend after a lost answer end in the right balance', { timeout: 90_000 }, async () => {
    const a = await register(proxy.url);
    const b = await register(hq.url);
    const callA = caller(a);
    const callB = caller(b);

    // B enrols the member online and sells to them: HQ has their first points.
    const enrolled = await callB<{ status: string; member: MemberView }>('membership.enrol', { name: 'Mia Chen', phone: '+49 151 2345 6789' });
    expect(enrolled.status).toBe('enrolled');
    const memberId = enrolled.member.id;
    const earnedOnB = Math.floor((await sell(b, memberId)) / 100);
    await waitFor('B’s upload', () => b.sync.status().pending === 0);

    // A knows the member from a live lookup, then goes offline and sells to them: the earn waits in A's outbox.
    expect((await callA<{ member: MemberView }>('membership.lookup', { query: '+4915123456789' })).member).toMatchObject({ id: memberId, balance: earnedOnB, source: 'live' });
    await callA('connectivity.goOffline');
    const earnedOnA = Math.floor((await sell(a, memberId)) / 100);
    const offline = await callA<{ member: MemberView }>('membership.lookup', { query: '+4915123456789' });
    expect(offline.member).toMatchObject({ source: 'cache', balance: earnedOnB + earnedOnA });
    expect(offline.member.asOf).not.toBeNull();

    // Meanwhile B redeems online (HQ's balance does not have A's earn yet).
    const redeemed = earnedOnB - 1;
    const cashOnB = await sell(b, memberId, redeemed);
    const earnedOnRedeemSale = Math.floor(cashOnB / 100);
    await waitFor('B’s second upload', () => b.sync.status().pending === 0);

    // A comes back; HQ applies its upload but the answer is lost, so A sends the same operations again.
    await proxy.set('lose-reply', { only: /^POST \/sync\/push[ ?]/ });
    await callA('connectivity.goOnline');
    await waitFor('a lost answer', () => a.sync.status().lastError !== null);
    await proxy.set('pass');
    await waitFor('A’s upload', () => a.sync.status().pending === 0, 30_000);

    const expected = earnedOnB + earnedOnA - redeemed + earnedOnRedeemSale;
    const onHq = await hq.admin<{ memberId: string; balance: number }>('GET', `/members/${memberId}/balance`);
    expect(onHq).toEqual({ memberId, balance: expected });
    expect((await callA<{ member: MemberView }>('membership.lookup', { query: '+4915123456789' })).member).toMatchObject({ balance: expected, source: 'live' });
    // B learns A's entry through the change feed, without asking HQ.
    await waitFor('A’s entry on B', async () => {
      await b.sync.pull();
      await callB('connectivity.goOffline');
      const cached = (await callB<{ member: MemberView }>('membership.lookup', { query: '+4915123456789' })).member;
      await callB('connectivity.goOnline');
      return cached.balance === expected;
    });
  });
});
