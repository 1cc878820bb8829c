import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import { makeTempDir } from '../../test/factories';
import { PinLockout } from './lockout';
import { Policy } from './policy';

const max: User = { id: 'max', name: 'Max', role: 'manager' };
let dir: ReturnType<typeof makeTempDir>;
let clock: number;
let log: { info: ReturnType<typeof vi.fn>; warn: ReturnType<typeof vi.fn> };

function policy(): Policy {
  return new Policy({
    managerByPin: async (pin) => {
      if (pin === '9999') return max;
      throw new KassaError('NOT_A_MANAGER', 'That is not a manager’s PIN. Ask a manager to enter theirs.');
    },
    lockout: new PinLockout(dir.dir, () => ({ maxAttempts: 3, lockoutMinutes: 10 }), () => clock),
    log: log as never,
    now: () => clock,
  });
}

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as KassaError);

beforeEach(() => {
  dir = makeTempDir();
  clock = Date.UTC(2026, 10, 23, 12);
  log = { info: vi.fn(), warn: vi.fn() };
});
afterEach(() => dir.cleanup());

describe('manager approvals in one place (Policy.requireManager)', () => {
  it('a manager PIN approves the action, and the decision is logged with the action and the manager', async () => {
    const p = policy();
    expect(await p.requireManager('9999', 'cart.overridePrice', { lineId: 'l1' })).toEqual(max);
    expect(log.info).toHaveBeenCalledWith({ lineId: 'l1', action: 'cart.overridePrice', manager: 'Max', approved: true }, 'manager approval granted');
    expect(p.recent()).toMatchObject([{ action: 'cart.overridePrice', manager: 'Max', approved: true }]);
  });

  it('a cashier PIN or an unknown one is refused (NOT_A_MANAGER) and logged as refused', async () => {
    const p = policy();
    expect((await refusal(p.requireManager('1234', 'sync.discard', { op: 'op-1' })))?.code).toBe('NOT_A_MANAGER');
    expect(log.warn).toHaveBeenCalledWith({ op: 'op-1', reason: 'not a manager PIN', action: 'sync.discard', manager: null, approved: false }, 'manager approval refused');
  });

  it('guessing manager PINs through approval dialogs locks approvals after 3 wrong PINs, even for the right PIN, until the time is up', async () => {
    const p = policy();
    await refusal(p.requireManager('0001', 'cart.discount'));
    await refusal(p.requireManager('0002', 'cart.discount'));
    const third = await refusal(p.requireManager('0003', 'cart.discount'));
    expect(third?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(third?.message).toBe('Too many wrong manager PINs: approvals on this register are locked for 10 more minutes.');
    expect((await refusal(p.requireManager('9999', 'cart.discount')))?.code).toBe('TOO_MANY_ATTEMPTS');
    // A restart keeps the lock (it is a deadline in the data folder).
    expect((await refusal(policy().requireManager('9999', 'sync.retry')))?.code).toBe('TOO_MANY_ATTEMPTS');
    clock += 10 * 60_000;
    expect(await policy().requireManager('9999', 'sync.retry')).toEqual(max);
  });

  it('approval guesses do not lock sign-in, and sign-in guesses do not lock approvals (counted apart)', async () => {
    const lockout = new PinLockout(dir.dir, () => ({ maxAttempts: 3, lockoutMinutes: 10 }), () => clock);
    for (let i = 0; i < 3; i++) lockout.failed('login');
    expect(lockout.lockedUntil('login')).not.toBeNull();
    expect(await policy().requireManager('9999', 'cart.discount')).toEqual(max);
  });

  it('manager PINs typed into approval dialogs all at once are checked one at a time, counted before the check: the manager PIN after the lock is refused', async () => {
    const p = policy();
    const answers = await Promise.all(['0001', '0002', '0003', '0004', '9999'].map(async (pin) => (await refusal(p.requireManager(pin, 'cart.discount')))?.code ?? 'approved'));
    expect(answers).toEqual(['NOT_A_MANAGER', 'NOT_A_MANAGER', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS']);
  });

  it('an approval does not wipe the wrong manager PINs before it: 2 wrong, the right one, then 1 wrong locks', async () => {
    const p = policy();
    await refusal(p.requireManager('0001', 'cart.discount'));
    await refusal(p.requireManager('0002', 'cart.discount'));
    expect(await p.requireManager('9999', 'cart.discount')).toEqual(max);
    expect((await refusal(p.requireManager('0003', 'cart.discount')))?.code).toBe('TOO_MANY_ATTEMPTS');
  });
});
