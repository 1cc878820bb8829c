import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedInConsoleUser } from '../test/console';
import { describeEachStorage, enrolInTwoStores, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { buildSegments, FleetWeekCache, fleetWindow, offlineMinutesByDay, type Transition } from './fleet';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t = (at: number, to: 'online' | 'offline', reasons: string[] = [], user: string | null = null): Transition => ({ at, to_state: to, reasons: JSON.stringify(reasons), user_name: user });

describe('buildSegments', () => {
  const start = 10 * DAY;
  const end = 11 * DAY;

  it('is one unknown stretch for a register with no transitions at all', () => {
    expect(buildSegments(null, [], start, end)).toEqual([{ from: start, to: end, state: 'unknown', reasons: [], switchedBy: null }]);
  });

  it('starts in the state the last transition before the window left, and unknown without one', () => {
    const inside = [t(start + HOUR, 'online')];
    expect(buildSegments(t(start - 3 * DAY, 'offline', ['network']), inside, start, end)).toEqual([
      { from: start, to: start + HOUR, state: 'offline', reasons: ['network'], switchedBy: null },
      { from: start + HOUR, to: end, state: 'online', reasons: [], switchedBy: null },
    ]);
    expect(buildSegments(null, inside, start, end)[0]).toEqual({ from: start, to: start + HOUR, state: 'unknown', reasons: [], switchedBy: null });
    // Offline the whole window since before it.
    expect(buildSegments(t(start - DAY, 'offline', ['service:payments']), [], start, end)).toEqual([{ from: start, to: end, state: 'offline', reasons: ['service:payments'], switchedBy: null }]);
  });

  it('names who switched a register off by hand, and nobody for a network or service outage', () => {
    const segments = buildSegments(t(start - HOUR, 'online'), [t(start + HOUR, 'offline', ['manual'], 'Ana'), t(start + 2 * HOUR, 'offline', ['service:payments'], 'Ana'), t(start + 3 * HOUR, 'online')], start, end);
    expect(segments).toEqual([
      { from: start, to: start + HOUR, state: 'online', reasons: [], switchedBy: null },
      { from: start + HOUR, to: start + 2 * HOUR, state: 'offline', reasons: ['manual'], switchedBy: 'Ana' },
      { from: start + 2 * HOUR, to: start + 3 * HOUR, state: 'offline', reasons: ['service:payments'], switchedBy: null },
      { from: start + 3 * HOUR, to: end, state: 'online', reasons: [], switchedBy: null },
    ]);
  });

  it('merges neighbours in the same state with the same reasons, and drops zero-length stretches', () => {
    const segments = buildSegments(
      t(start - HOUR, 'online'),
      [t(start, 'online'), t(start + HOUR, 'offline', ['network', 'service:sync']), t(start + 2 * HOUR, 'offline', ['service:sync', 'network']), t(start + 3 * HOUR, 'online'), t(start + 3 * HOUR, 'offline', ['network']), t(start + 4 * HOUR, 'online')],
      start,
      end,
    );
    expect(segments.map((s) => [s.from - start, s.to - start, s.state, s.reasons.join('+')])).toEqual([
      [0, HOUR, 'online', ''],
      [HOUR, 3 * HOUR, 'offline', 'network+service:sync'],
      [3 * HOUR, 4 * HOUR, 'offline', 'network'],
      [4 * HOUR, DAY, 'online', ''],
    ]);
  });

  it('counts offline minutes per UTC day, splitting a stretch across midnight', () => {
    const segments = buildSegments(t(start - HOUR, 'online'), [t(start + 23 * HOUR, 'offline', ['network']), t(start + 25 * HOUR, 'online')], start, start + 2 * DAY);
    expect([...offlineMinutesByDay(segments, start, start + 2 * DAY)]).toEqual([
      [start, 60],
      [start + DAY, 60],
    ]);
  });
});

describeEachStorage('console fleet routes', (kind) => {
  let hq: TestHq;
  let s01: TestRegister;
  let s02: TestRegister;
  let spare: string;
  let owner: Record<string, string>;
  let manager: Record<string, string>;
  const now = Date.now();
  const db = () => hq.app.hq.database.db;

  async function transition(id: string, register: TestRegister, at: number, to: 'online' | 'offline', reasons: string[] = [], user: string | null = null) {
    await db().insertInto('register_transitions').values({ id, register_id: register.registerId, store_id: register.storeId, at, from_state: to === 'online' ? 'offline' : 'online', to_state: to, reasons: JSON.stringify(reasons), trigger: 'test', user_name: user, received_at: at }).execute();
  }
  async function sale(id: string, register: TestRegister, at: number) {
    await db().insertInto('orders').values({ id, kind: 'sale', number: id, store_id: register.storeId, register_id: register.registerId, total: 100, currency: 'EUR', created_at: at, lines: '[]', original_order_id: null, member_id: null, cashier_id: 'c', received_at: at }).execute();
  }

  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01, s02 } = await enrolInTwoStores(hq));
    spare = (await enrolRegister(hq.app)).registerId; // a second register of S01 that never reported
    owner = (await signedInConsoleUser(hq.app, 'owner', [])).headers;
    manager = (await signedInConsoleUser(hq.app, 'store-manager', [s01.storeId])).headers;
    // S01's register: online since 10 days ago, switched off by Ana 3 h ago for an hour, selling once offline and twice online.
    await transition('a0', s01, now - 10 * DAY, 'online');
    await transition('a1', s01, now - 3 * HOUR, 'offline', ['manual'], 'Ana');
    await transition('a2', s01, now - 2 * HOUR, 'online');
    await sale('sa1', s01, now - 150 * 60_000);
    await sale('sa2', s01, now - 90 * 60_000);
    await sale('sa3', s01, now - 4 * HOUR);
    // S02's register: offline since 20 days ago for a payments outage, and still is; it sold twice meanwhile.
    await transition('b0', s02, now - 20 * DAY, 'offline', ['service:payments']);
    await sale('sb1', s02, now - HOUR);
    await sale('sb2', s02, now - 30 * DAY);
    await db()
      .insertInto('register_status')
      .values([
        { register_id: s01.registerId, store_id: s01.storeId, state: 'online', reasons: '[]', user_name: null, since: now - 2 * HOUR, version: '1', backlog: 0, oldest_pending_at: null, dead_letters: 0, reported_at: now - 30_000 },
        // Its last report is 10 minutes old: not reporting.
        { register_id: s02.registerId, store_id: s02.storeId, state: 'offline', reasons: '["service:payments"]', user_name: null, since: now - 20 * DAY, version: '1', backlog: 3, oldest_pending_at: null, dead_letters: 0, reported_at: now - 10 * 60_000 },
      ])
      .execute();
  });
  afterEach(() => hq.close());

  const get = (url: string, headers: Record<string, string>) => hq.app.inject({ method: 'GET', url, headers });

  it('summarises each store: online, offline and not reporting now, minutes and sales offline over 7 days', async () => {
    const res = await get('/console/api/fleet', owner);
    expect(res.statusCode, res.body).toBe(200);
    const stores = res.json().stores as { storeId: string }[];
    const { start } = fleetWindow(Date.now(), 7);
    expect(stores.find((s) => s.storeId === s01.storeId)).toMatchObject({ registers: 2, online: 1, offline: 0, unknown: 1, offlineMinutes7d: 60, offlineSales7d: 1 });
    const second = stores.find((s) => s.storeId === s02.storeId) as unknown as { offlineMinutes7d: number };
    expect(stores.find((s) => s.storeId === s02.storeId)).toMatchObject({ registers: 1, online: 0, offline: 0, unknown: 1, offlineSales7d: 1 });
    // Offline the whole window: from 6 days before today's midnight up to now.
    expect(Math.abs(second.offlineMinutes7d - (Date.now() - start) / 60_000)).toBeLessThan(1);
    expect((await get('/console/api/fleet', manager)).json().stores.map((s: { storeId: string }) => s.storeId)).toEqual([s01.storeId]);
  });

  it("draws a register's timeline with who switched it off, and per day its minutes offline and sales", async () => {
    const res = await get(`/console/api/fleet/timeline?registerId=${s01.registerId}&days=3`, manager);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.registers).toHaveLength(1);
    const register = body.registers[0];
    expect(register.segments).toEqual([
      { from: body.from, to: new Date(now - 3 * HOUR).toISOString(), state: 'online', reasons: [], switchedBy: null },
      { from: new Date(now - 3 * HOUR).toISOString(), to: new Date(now - 2 * HOUR).toISOString(), state: 'offline', reasons: ['manual'], switchedBy: 'Ana' },
      { from: new Date(now - 2 * HOUR).toISOString(), to: body.to, state: 'online', reasons: [], switchedBy: null },
    ]);
    expect(register.days).toHaveLength(3);
    const sum = (k: 'offlineMinutes' | 'sales' | 'offlineSales') => register.days.reduce((n: number, d: Record<string, number>) => n + d[k]!, 0);
    expect([sum('offlineMinutes'), sum('sales'), sum('offlineSales')]).toEqual([60, 3, 1]);

    // The spare register has never reported a transition: unknown throughout.
    const store = (await get(`/console/api/fleet/timeline?storeId=${s01.storeId}&days=1`, owner)).json();
    expect(store.registers.map((r: { registerId: string }) => r.registerId).sort()).toEqual([s01.registerId, spare].sort());
    expect(store.registers.find((r: { registerId: string }) => r.registerId === spare).segments).toEqual([{ from: store.from, to: store.to, state: 'unknown', reasons: [], switchedBy: null }]);
  });

  it("answers owners from a reading of the chain's 7 days renewed in the background, a few stores from a fresh one", async () => {
    let clock = now;
    const cache = new FleetWeekCache(db(), hq.app.hq.database.dialect, () => clock);
    expect((await cache.week(null)).get(s01.registerId)).toEqual({ minutes: 60, sales: 1 });
    // Another hour offline, with a sale in it.
    await transition('a3', s01, now - 6 * HOUR, 'offline', ['network']);
    await transition('a4', s01, now - 5 * HOUR, 'online');
    await sale('sa4', s01, now - 5.5 * HOUR);
    expect((await cache.week([s01.storeId])).get(s01.registerId)).toEqual({ minutes: 120, sales: 2 });
    clock = now + 1_000;
    expect((await cache.week(null)).get(s01.registerId)).toEqual({ minutes: 60, sales: 1 });
    // Past 15 s the old reading still answers at once, while a new one is read.
    clock = now + 20_000;
    expect((await cache.week(null)).get(s01.registerId)).toEqual({ minutes: 60, sales: 1 });
    await vi.waitFor(async () => expect((await cache.week(null)).get(s01.registerId)).toEqual({ minutes: 120, sales: 2 }));
    // Past 2 minutes a request waits for a new reading rather than answer an old one.
    await transition('a5', s01, now - 8 * HOUR, 'offline', ['network']);
    await transition('a6', s01, now - 7 * HOUR, 'online');
    clock = now + 200_000;
    expect((await cache.week(null)).get(s01.registerId)).toMatchObject({ minutes: 180 });
  });

  it("keeps a store manager to their stores' registers", async () => {
    const all = await get('/console/api/fleet/timeline', manager);
    expect(all.statusCode).toBe(200);
    expect(all.body).not.toContain(s02.registerId);
    expect((await get(`/console/api/fleet/timeline?registerId=${s02.registerId}`, manager)).statusCode).toBe(404);
    expect((await get(`/console/api/fleet/timeline?storeId=${s02.storeId}`, manager)).statusCode).toBe(404);
    expect((await get(`/console/api/fleet/timeline?storeId=${s02.storeId}`, owner)).json().registers[0].segments).toEqual([expect.objectContaining({ state: 'offline', reasons: ['service:payments'] })]);
  });
});
