import { afterEach, beforeEach, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import type { ConnectivityTransitionPayload, Operation } from '../../../shared/hq/ops';
import type { RegisterStatusReport } from '../../../shared/hq/console';
import { describeEachStorage, enrolInTwoStores, type TestHq, type TestRegister, makeHq } from '../test/harness';
import { makeOp, push } from '../test/factories';
import { registerViews } from './register-view';

const transition = (overrides: Partial<ConnectivityTransitionPayload> = {}): ConnectivityTransitionPayload => ({
  id: uuidv4(),
  at: '2026-12-01T09:30:00.000Z',
  from: 'online',
  to: 'offline',
  reasons: ['manual'],
  trigger: 'manual.goOffline',
  switchedBy: 'Anna',
  ...overrides,
});
const transitionOp = (payload: ConnectivityTransitionPayload, overrides: Partial<Operation> = {}) => makeOp('connectivityTransition', 'recorded', payload, overrides);

const report = (overrides: Partial<RegisterStatusReport> = {}): RegisterStatusReport => ({
  state: 'online',
  reasons: [],
  switchedBy: null,
  since: '2026-12-01T08:00:00.000Z',
  version: '1.4.0',
  backlog: 3,
  oldestPendingAt: '2026-12-01T08:55:00.000Z',
  deadLetters: 1,
  ...overrides,
});

describeEachStorage('fleet connectivity reaching HQ', (kind) => {
  let hq: TestHq;
  let s01: TestRegister;
  let s02: TestRegister;
  let heard: [string, string][];
  beforeEach(async () => {
    hq = await makeHq(kind);
    ({ s01, s02 } = await enrolInTwoStores(hq));
    heard = [];
    hq.app.hq.fleet.on('register', (registerId, storeId) => heard.push([registerId, storeId]));
  });
  afterEach(() => hq.close());

  const transitions = () => hq.app.hq.database.read.selectFrom('register_transitions').selectAll().orderBy('at').execute();
  const status = (registerId: string) => hq.app.hq.database.read.selectFrom('register_status').selectAll().where('register_id', '=', registerId).executeTakeFirst();
  const lastSeen = async (registerId: string) => (await hq.app.hq.database.read.selectFrom('registers').select('last_seen_at').where('id', '=', registerId).executeTakeFirstOrThrow()).last_seen_at;
  const sendStatus = (register: TestRegister, payload: unknown) => hq.app.inject({ method: 'POST', url: '/registers/status', headers: register.auth, payload: payload as object });

  it('stores a pushed transition once, with the store of the register that sent it, and tells the live view after the commit', async () => {
    const t = transition();
    const op = transitionOp(t);
    let rowsWhenHeard = -1;
    hq.app.hq.fleet.on('register', () => void transitions().then((rows) => (rowsWhenHeard = rows.length)));
    expect(await push(hq.app, s01, [op])).toEqual([{ id: op.id, status: 'applied' }]);
    expect(await transitions()).toEqual([
      expect.objectContaining({ id: t.id, register_id: s01.registerId, store_id: s01.storeId, from_state: 'online', to_state: 'offline', reasons: '["manual"]', trigger: 'manual.goOffline', user_name: 'Anna' }),
    ]);
    expect(Number((await transitions())[0]!.at)).toBe(Date.parse(t.at));
    expect(heard).toEqual([[s01.registerId, s01.storeId]]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rowsWhenHeard).toBe(1);

    // The same operation again (an upload whose answer was lost), and the same transition under a new operation id.
    expect(await push(hq.app, s01, [op])).toEqual([{ id: op.id, status: 'duplicate' }]);
    const again = transitionOp(t);
    expect(await push(hq.app, s01, [again])).toEqual([{ id: again.id, status: 'applied' }]);
    expect(await transitions()).toHaveLength(1);
    // Nothing new stored: nothing to tell.
    expect(heard).toHaveLength(1);
  });

  it("refuses a transition id that is already another store's register's, and never records one register's transition under another", async () => {
    const t = transition();
    await push(hq.app, s01, [transitionOp(t)]);
    const stolen = transitionOp({ ...t, switchedBy: 'Mallory' });
    expect(await push(hq.app, s02, [stolen])).toEqual([expect.objectContaining({ id: stolen.id, status: 'rejected', code: 'CONFLICT' })]);
    const rows = await transitions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ register_id: s01.registerId, store_id: s01.storeId, user_name: 'Anna' });
    // A rejected operation leaves no claim: the register may fix it and send it again.
    expect(await hq.app.hq.database.read.selectFrom('applied_ops').select('op_id').where('op_id', '=', stolen.id).executeTakeFirst()).toBeUndefined();

    const own = transitionOp(transition({ from: 'starting', to: 'online', reasons: [], trigger: 'start', switchedBy: null }));
    expect(await push(hq.app, s02, [own])).toEqual([{ id: own.id, status: 'applied' }]);
    expect((await transitions()).find((r) => r.register_id === s02.registerId)).toMatchObject({ store_id: s02.storeId, from_state: 'starting', user_name: null });
  });

  it('keeps a transition of any age and rejects a malformed one alone as INVALID_PAYLOAD', async () => {
    const old = transitionOp(transition({ at: '2019-03-01T06:00:00.000Z' }));
    const badReason = transitionOp(transition({ reasons: ['power-cut'] }));
    const badState = transitionOp({ ...transition(), to: 'sleeping' } as never);
    const notUuid = transitionOp(transition({ id: 'log-17' }));
    const answers = await push(hq.app, s01, [old, badReason, badState, notUuid]);
    expect(answers).toEqual([
      { id: old.id, status: 'applied' },
      expect.objectContaining({ id: badReason.id, status: 'rejected', code: 'INVALID_PAYLOAD', message: expect.stringContaining('reasons.0') }),
      expect.objectContaining({ id: badState.id, status: 'rejected', code: 'INVALID_PAYLOAD', message: expect.stringContaining('to') }),
      expect.objectContaining({ id: notUuid.id, status: 'rejected', code: 'INVALID_PAYLOAD', message: expect.stringContaining('UUID') }),
    ]);
    expect((await transitions()).map((r) => r.id)).toEqual([old.payload.id]);
  });

  it("stores a status report as the register's latest, scoped to its own store, marks it seen, and tells the live view", async () => {
    await hq.app.hq.database.db.updateTable('registers').set({ last_seen_at: 0 }).where('id', '=', s01.registerId).execute();
    const res = await sendStatus(s01, report());
    expect(res.statusCode).toBe(204);
    expect(await status(s01.registerId)).toMatchObject({ store_id: s01.storeId, state: 'online', reasons: '[]', user_name: null, version: '1.4.0', backlog: 3, dead_letters: 1 });
    expect(Number((await status(s01.registerId))!.oldest_pending_at)).toBe(Date.parse('2026-12-01T08:55:00.000Z'));
    expect(Number(await lastSeen(s01.registerId))).toBeGreaterThan(0);
    expect(heard).toEqual([[s01.registerId, s01.storeId]]);

    // A parting notice: switched off by a cashier.
    await sendStatus(s01, report({ state: 'offline', reasons: ['manual'], switchedBy: 'Anna', since: '2026-12-01T10:00:00.000Z', backlog: 0, oldestPendingAt: null }));
    const [view] = await registerViews(hq.app.hq.database.read, { storeIds: [s01.storeId], registerId: s01.registerId });
    expect(view).toMatchObject({ id: s01.registerId, storeId: s01.storeId, state: 'offline', reasons: ['manual'], switchedBy: 'Anna', stateSince: '2026-12-01T10:00:00.000Z', backlog: 0, oldestPendingAt: null, deadLetters: 1, version: '1.4.0' });
    expect(view!.reportedAt).not.toBeNull();

    // A periodic report sent before the switch but arriving after it is older news.
    expect((await sendStatus(s01, report({ since: '2026-12-01T08:00:00.000Z' }))).statusCode).toBe(204);
    expect(await status(s01.registerId)).toMatchObject({ state: 'offline', user_name: 'Anna' });

    // Each register reports only on itself: s02's report lands on s02, in its store.
    await sendStatus(s02, report({ state: 'offline', reasons: ['network'] }));
    expect(await status(s02.registerId)).toMatchObject({ store_id: s02.storeId, state: 'offline' });
    expect(await status(s01.registerId)).toMatchObject({ state: 'offline', reasons: '["manual"]' });
  });

  it('refuses a malformed report (400, nothing stored) and one without a device token (401)', async () => {
    for (const bad of [report({ reasons: ['power-cut'] }), { ...report(), state: 'asleep' }, { ...report(), backlog: -1 }, { ...report(), registerId: s02.registerId }, { ...report(), since: 'yesterday' }]) {
      const res = await sendStatus(s01, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await hq.app.inject({ method: 'POST', url: '/registers/status', payload: report() })).statusCode).toBe(401);
    expect((await hq.app.inject({ method: 'POST', url: '/registers/status', headers: hq.admin, payload: report() })).statusCode).toBe(401);
    expect(await status(s01.registerId)).toBeUndefined();
    expect(heard).toEqual([]);
  });

  it("lists registers with their latest report, only those of the given stores", async () => {
    await sendStatus(s02, report({ state: 'offline', reasons: ['service:orders'] }));
    const all = await registerViews(hq.app.hq.database.read, { storeIds: null });
    expect(all.map((r) => r.id).sort()).toEqual([s01.registerId, s02.registerId].sort());
    expect(all.find((r) => r.id === s01.registerId)).toMatchObject({ state: null, reasons: [], version: null, backlog: null, deadLetters: null, reportedAt: null, stateSince: null });
    expect(await registerViews(hq.app.hq.database.read, { storeIds: [s02.storeId] })).toEqual([expect.objectContaining({ id: s02.registerId, state: 'offline', reasons: ['service:orders'] })]);
    expect(await registerViews(hq.app.hq.database.read, { storeIds: [] })).toEqual([]);
    expect(await registerViews(hq.app.hq.database.read, { storeIds: [s01.storeId], registerId: s02.registerId })).toEqual([]);
  });
});
