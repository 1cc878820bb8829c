import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KassaError } from '../../../shared/errors';
import { HqStatusError } from '../../hq/hq-client';
import { makeDatabase, makeTempDir } from '../../test/factories';
import { PinLockout } from './lockout';
import { hashPin } from './pin';
import { SessionService, type OnlinePinCheck, type SessionState } from './session.service';
import { UsersRepository } from './users.repository';

const DAY = 24 * 60 * 60 * 1000;
const hashes: Record<string, string> = {};
let setup: ReturnType<typeof makeDatabase>;
let dir: ReturnType<typeof makeTempDir>;
let users: UsersRepository;
let clock: number;
let limits: { maxAttempts: number; lockoutMinutes: number };
let changes: SessionState[];
let switches: string[];

const ana = { id: 'ana', name: 'Ana', role: 'cashier' as const };
const ben = { id: 'ben', name: 'Ben', role: 'cashier' as const };
const max = { id: 'max', name: 'Max', role: 'manager' as const };
const PINS: Record<string, string> = { ana: '1234', ben: '2468', max: '9999' };

function session(online: OnlinePinCheck | null = null, offlineLoginDays = 14): SessionService {
  return new SessionService({
    users,
    lockout: new PinLockout(dir.dir, () => limits, () => clock),
    onChange: (state) => changes.push(state),
    online,
    offlineLoginDays: () => offlineLoginDays,
    onSwitchUser: (from, to) => switches.push(`${from.name}→${to.name}`),
    now: () => clock,
  });
}

/** HQ as the register sees it: knows every PIN; answers 401 for a wrong one. */
function hq(available = true): OnlinePinCheck & { calls: number } {
  const check = {
    calls: 0,
    available: () => available,
    login: async (pin: string) => {
      check.calls += 1;
      const id = Object.keys(PINS).find((key) => PINS[key] === pin);
      if (!id) throw new HqStatusError(401, 'WRONG_PIN');
      const user = [ana, ben, max].find((u) => u.id === id)!;
      return { user, pinHash: hashes[id] };
    },
  };
  return check;
}

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error instanceof KassaError ? error.code : String(error);
  }
  return 'no error';
};

beforeEach(async () => {
  setup = makeDatabase();
  dir = makeTempDir();
  users = new UsersRepository(setup.db);
  clock = Date.UTC(2026, 10, 23, 12);
  limits = { maxAttempts: 3, lockoutMinutes: 5 };
  changes = [];
  switches = [];
  for (const id of Object.keys(PINS)) hashes[id] ??= await hashPin(PINS[id]!);
});
afterEach(() => {
  setup.close();
  dir.cleanup();
});

describe('signing in online and offline', () => {
  it('online, HQ checks the PIN and the register caches the user for offline sign-in later', async () => {
    const online = hq();
    expect(await session(online).login('1234')).toEqual(ana);
    expect(online.calls).toBe(1);
    expect(users.activeUsers(clock - DAY).map((u) => u.name)).toEqual(['Ana']);
  });

  it('offline, a cashier who signed in online here within auth.offlineLoginDays signs in from the cache', async () => {
    await session(hq()).login('1234');
    clock += 13 * DAY;
    expect(await session(hq(false)).login('1234')).toEqual(ana);
  });

  it('offline, a cashier who never signed in online on this register is refused with a message saying why', async () => {
    await session(hq()).login('1234');
    const error = await session(hq(false))
      .login('2468')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KassaError);
    expect((error as KassaError).code).toBe('WRONG_PIN');
    expect((error as KassaError).message).toMatch(/has not signed in on this register while it was online in the last 14 days/);
  });

  it('offline, the window is the setting: after 3 days with auth.offlineLoginDays 2 the cache no longer signs Ana in', async () => {
    await session(hq()).login('1234');
    clock += 3 * DAY;
    expect(await codeOf(session(hq(false), 2).login('1234'))).toBe('WRONG_PIN');
    expect(await session(hq(false), 4).login('1234')).toEqual(ana);
  });
});

describe('bad input and wrong PINs', () => {
  it('an unknown PIN is refused online (HQ says 401) and offline', async () => {
    expect(await codeOf(session(hq()).login('0000'))).toBe('WRONG_PIN');
    await session(hq()).login('1234');
    expect(await codeOf(session(hq(false)).login('0000'))).toBe('WRONG_PIN');
  });

  it('HQ refusing more guesses (429) is never bypassed through the offline cache', async () => {
    await session(hq()).login('1234');
    const limited: OnlinePinCheck = { available: () => true, login: async () => Promise.reject(new HqStatusError(429, 'TOO_MANY')) };
    expect(await codeOf(session(limited).login('1234'))).toBe('TOO_MANY_ATTEMPTS');
  });
});

describe('lockout after repeated wrong PINs (auth.maxAttempts, auth.lockoutMinutes)', () => {
  it('the 3rd wrong PIN locks sign-in for 5 minutes with the time left; even the right PIN is refused until then', async () => {
    const s = session();
    users.add({ ...ana, pinHash: hashes.ana! });
    expect(await codeOf(s.login('1111'))).toBe('WRONG_PIN');
    expect(await codeOf(s.login('2222'))).toBe('WRONG_PIN');
    const locked = await s.login('3333').then(() => new KassaError('INTERNAL', 'no error'), (e: unknown) => e as KassaError);
    expect(locked.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.message).toBe('Too many wrong PINs: sign-in on this register is locked for 5 more minutes. A manager can unlock it now with their PIN.');
    clock += 2 * 60_000 + 1;
    const still = await s.login('1234').then(() => new KassaError('INTERNAL', 'no error'), (e: unknown) => e as KassaError);
    expect(still.code).toBe('TOO_MANY_ATTEMPTS');
    expect(still.message).toMatch(/locked for 3 more minutes\.$/);
    clock += 3 * 60_000;
    expect(await s.login('1234')).toEqual(ana);
  });

  it('a restart neither resets nor extends the lock: it is kept in the data folder as a deadline', async () => {
    users.add({ ...ana, pinHash: hashes.ana! });
    for (const pin of ['1111', '2222', '3333']) await codeOf(session().login(pin));
    clock += 60_000;
    const restarted = session();
    expect(await codeOf(restarted.login('1234'))).toBe('TOO_MANY_ATTEMPTS');
    clock += 4 * 60_000;
    expect(await restarted.login('1234')).toEqual(ana);
  });

  it('a right PIN does not wipe the wrong ones before it: 2 wrong then the cashier’s own PIN, repeated, locks', async () => {
    users.add({ ...ana, pinHash: hashes.ana! });
    const s = session();
    await codeOf(s.login('1111'));
    await codeOf(s.login('2222'));
    expect(await s.login('1234')).toEqual(ana);
    s.logout();
    expect(await codeOf(s.login('3333'))).toBe('TOO_MANY_ATTEMPTS');
    expect(await codeOf(s.login('1234'))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('wrong PINs age out of the window (an hour): one an hour never locks', async () => {
    users.add({ ...ana, pinHash: hashes.ana! });
    const s = session();
    for (let hour = 0; hour < 5; hour++) {
      expect(await codeOf(s.login('1111'))).toBe('WRONG_PIN');
      clock += 60 * 60_000 + 1;
    }
    expect(await s.login('1234')).toEqual(ana);
  });

  it('PINs sent all at once are checked one at a time, each counted before it is compared: the ones after the lock are never checked', async () => {
    users.add({ ...ana, pinHash: hashes.ana! });
    users.add({ ...max, pinHash: hashes.max! });
    const s = session();
    const wrong = Array.from({ length: 12 }, (_, i) => String(1000 + i).padStart(4, '0')).filter((pin) => pin !== '1234');
    const answers = await Promise.all([...wrong, '9999'].map((pin) => codeOf(s.login(pin))));
    // 2 wrong, the 3rd locks, the 4th uses the manager's one try; the manager PIN comes after and is refused.
    expect(answers.slice(0, 3)).toEqual(['WRONG_PIN', 'WRONG_PIN', 'TOO_MANY_ATTEMPTS']);
    expect(new Set(answers.slice(3))).toEqual(new Set(['TOO_MANY_ATTEMPTS']));
    expect(s.current()).toBeNull();
  });

  it('a crash while a PIN is checked leaves it counted as wrong', async () => {
    users.add({ ...ana, pinHash: hashes.ana! });
    const lockout = new PinLockout(dir.dir, () => limits, () => clock);
    lockout.take('login');
    lockout.take('login');
    // The register restarts: the two attempts whose checks never finished count.
    const s = session();
    expect(await codeOf(s.login('1111'))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('while locked, one manager PIN lifts the lock and signs the manager in; the lift is logged with who and when', async () => {
    users.add({ ...ana, pinHash: hashes.ana! });
    users.add({ ...max, pinHash: hashes.max! });
    const logged: { message: string; detail: Record<string, unknown> }[] = [];
    const s = new SessionService({ users, lockout: new PinLockout(dir.dir, () => limits, () => clock), onChange: () => {}, log: (message, detail) => logged.push({ message, detail }), now: () => clock });
    for (const pin of ['1111', '2222', '3333']) await codeOf(s.login(pin));
    clock += 60_000;
    expect(await s.login('9999')).toEqual(max);
    expect(logged.filter((l) => l.message.includes('lift'))).toHaveLength(1);
    expect(logged).toContainEqual({
      message: 'sign-in lock lifted by a manager',
      detail: { managerId: 'max', manager: 'Max', at: new Date(clock).toISOString(), lockedUntil: new Date(clock + 4 * 60_000).toISOString() },
    });
    s.logout();
    expect(await s.login('1234')).toEqual(ana);
  });

  it('while locked, a cashier PIN or a wrong one uses up the manager chance (logged): guessing stays at the locked rate', async () => {
    users.add({ ...ana, pinHash: hashes.ana! });
    users.add({ ...max, pinHash: hashes.max! });
    const logged: { message: string; detail: Record<string, unknown> }[] = [];
    const s = new SessionService({ users, lockout: new PinLockout(dir.dir, () => limits, () => clock), onChange: () => {}, log: (message, detail) => logged.push({ message, detail }), now: () => clock });
    for (const pin of ['1111', '2222', '3333']) await codeOf(s.login(pin));
    const used = await s.login('1234').then(() => new KassaError('INTERNAL', 'no error'), (e: unknown) => e as KassaError);
    expect(logged).toContainEqual({ message: 'a PIN tried to lift the sign-in lock and was not a manager’s', detail: { at: new Date(clock).toISOString(), lockedUntil: new Date(clock + 5 * 60_000).toISOString() } });
    expect(used.code).toBe('TOO_MANY_ATTEMPTS');
    expect(used.message).not.toContain('A manager can unlock');
    expect(await codeOf(s.login('9999'))).toBe('TOO_MANY_ATTEMPTS');
  });
});

describe('the locked screen (auto-lock)', () => {
  beforeEach(() => {
    users.add({ ...ana, pinHash: hashes.ana! });
    users.add({ ...ben, pinHash: hashes.ben! });
    users.add({ ...max, pinHash: hashes.max! });
  });

  it('locking keeps the user signed in but refuses calls that need them', async () => {
    const s = session();
    await s.login('1234');
    s.lock();
    expect(s.current()).toEqual(ana);
    expect(s.state()).toEqual({ user: ana, locked: true });
    expect(() => s.require()).toThrow(/locked/);
    expect(changes.at(-1)).toEqual({ user: ana, locked: true });
  });

  it('the same cashier unlocks with their PIN, or a manager with theirs; the cashier stays signed in', async () => {
    const s = session();
    await s.login('1234');
    s.lock();
    expect(await s.unlock('1234')).toEqual(ana);
    expect(s.isLocked()).toBe(false);
    s.lock();
    expect(await s.unlock('9999')).toEqual(ana);
    expect(s.current()).toEqual(ana);
    expect(switches).toEqual([]);
  });

  it('another cashier’s PIN signs that cashier in (their own session) and the switch is reported', async () => {
    const s = session();
    await s.login('1234');
    s.lock();
    expect(await s.unlock('2468')).toEqual(ben);
    expect(s.state()).toEqual({ user: ben, locked: false });
    expect(switches).toEqual(['Ana→Ben']);
  });

  it('wrong PINs on the lock screen count towards the lockout', async () => {
    const s = session();
    await s.login('1234');
    s.lock();
    expect(await codeOf(s.unlock('1111'))).toBe('WRONG_PIN');
    expect(await codeOf(s.unlock('2222'))).toBe('WRONG_PIN');
    expect(await codeOf(s.unlock('3333'))).toBe('TOO_MANY_ATTEMPTS');
    expect(await codeOf(s.unlock('1234'))).toBe('TOO_MANY_ATTEMPTS');
    expect(s.isLocked()).toBe(true);
  });

  it('signing out clears the lock', async () => {
    const s = session();
    await s.login('1234');
    s.lock();
    s.logout();
    expect(s.state()).toEqual({ user: null, locked: false });
  });
});
