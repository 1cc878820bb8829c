import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KassaError } from '../../../shared/errors';
import type { Change, FeedUser } from '../../../shared/hq/feed';
import { makeDatabase, makeTempDir } from '../../test/factories';
import { PinLockout } from './lockout';
import { hashPin, isPeppered } from './pin';
import { PinPepper } from './pin-pepper';
import { SessionService } from './session.service';
import { usersFeed } from './users.feed';
import { UsersRepository } from './users.repository';

const DAY = 24 * 60 * 60 * 1000;
let setup: ReturnType<typeof makeDatabase>;
let dir: ReturnType<typeof makeTempDir>;
let users: UsersRepository;
let clock: number;
let seq: number;
let deactivated: string[];

const log = { info: () => {}, warn: () => {} };

/** A register that cannot reach HQ: every sign-in is checked against its cache, within the offline window. */
function offlineSession(): SessionService {
  return new SessionService({
    users,
    lockout: new PinLockout(dir.dir, () => ({ maxAttempts: 10, lockoutMinutes: 5 }), () => clock),
    onChange: () => {},
    online: { available: () => false, login: async () => ({}) },
    offlineLoginDays: () => 14,
    now: () => clock,
  });
}

const change = (user: FeedUser): Change => ({ seq: ++seq, kind: 'user', action: 'upsert', entityId: user.id, data: user });

const signInCode = async (session: SessionService, pin: string) => {
  try {
    return (await session.login(pin)).name;
  } catch (error) {
    return error instanceof KassaError ? error.code : String(error);
  }
};

beforeEach(() => {
  setup = makeDatabase();
  dir = makeTempDir();
  users = new UsersRepository(setup.db, PinPepper.open({ dataDir: dir.dir, db: setup.db, log }));
  clock = Date.UTC(2026, 11, 7, 9);
  seq = 0;
  deactivated = [];
});

afterEach(() => {
  setup.close();
  dir.cleanup();
});

describe("the change feed's people on the register", () => {
  it('lets a cashier HQ added sign in offline with their PIN, takes a new PIN in place of the old, and a deactivation stops them', async () => {
    const feed = usersFeed(users, (id) => deactivated.push(id));
    const session = offlineSession();
    const chen: FeedUser = { id: 'chen', name: 'Chen', role: 'cashier', active: true, pinHash: await hashPin('4321'), storeId: 'store-1' };
    expect(await signInCode(session, '4321')).toBe('WRONG_PIN');

    expect(feed.applyChange(change(chen), clock)).toBe(true);
    expect(await signInCode(session, '4321')).toBe('Chen');
    // Kept wrapped with the device secret, like a hash cached at an online sign-in.
    expect(users.storedPinHashes().every(isPeppered)).toBe(true);

    clock += DAY;
    feed.applyChange(change({ ...chen, name: 'Chen Li', pinHash: await hashPin('8765') }), clock);
    expect(await signInCode(session, '4321')).toBe('WRONG_PIN');
    expect(await signInCode(session, '8765')).toBe('Chen Li');

    feed.applyChange(change({ ...chen, name: 'Chen Li', pinHash: await hashPin('8765'), active: false }), clock);
    expect(await signInCode(session, '8765')).toBe('WRONG_PIN');
    expect(users.activeUsers().map((u) => u.id)).toEqual([]);
    await Promise.resolve();
    expect(deactivated).toEqual(['chen']);
  });

  it("leaves other kinds to other modules, and takes a snapshot's people, deactivated ones included", async () => {
    const feed = usersFeed(users, (id) => deactivated.push(id));
    expect(feed.applyChange({ seq: 1, kind: 'product', action: 'upsert', entityId: 'x', data: {} }, clock)).toBe(false);
    const session = offlineSession();
    const ana: FeedUser = { id: 'ana', name: 'Ana', role: 'cashier', active: true, pinHash: await hashPin('1234'), storeId: null };
    feed.applyChange(change(ana), clock);
    expect(await signInCode(session, '1234')).toBe('Ana');

    const dana: FeedUser = { id: 'dana', name: 'Dana', role: 'manager', active: true, pinHash: await hashPin('2222'), storeId: 'store-1' };
    feed.applySnapshot({ seq: 10, taxClasses: [], promotions: [], members: [], products: [], users: [{ ...ana, active: false }, dana] }, clock);
    expect(await signInCode(session, '1234')).toBe('WRONG_PIN');
    expect(await signInCode(session, '2222')).toBe('Dana');
    // A snapshot from an HQ that sends no people changes nobody.
    feed.applySnapshot({ seq: 11, taxClasses: [], promotions: [], members: [], products: [] }, clock);
    expect(await signInCode(session, '2222')).toBe('Dana');
  });

  it('signs out the signed-in user when HQ deactivates them, once the feed has applied it', async () => {
    const session = offlineSession();
    const feed = usersFeed(users, (id) => {
      if (session.current()?.id === id) session.logout();
    });
    const ben: FeedUser = { id: 'ben', name: 'Ben', role: 'cashier', active: true, pinHash: await hashPin('2468'), storeId: 'store-1' };
    feed.applyChange(change(ben), clock);
    await session.login('2468');
    expect(session.current()?.id).toBe('ben');
    setup.db.transaction(() => feed.applyChange(change({ ...ben, active: false }), clock))();
    await Promise.resolve();
    expect(session.current()).toBeNull();
  });
});
