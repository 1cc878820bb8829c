import { afterEach, beforeEach, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { FleetLiveEventSchema, type ConsoleRegister, type RegisterStatusReport } from '../../../shared/hq/console';
import { describeEachStorage, enrolInTwoStores, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { consoleSession } from '../test/console';
import { makeOp, push } from '../test/factories';
import { openStream } from '../test/sse';

/** The console's live stream: its `register` events, parsed, as they arrive. */
function openFleetStream(port: number, headers: Record<string, string>) {
  const stream = openStream(port, '/console/api/fleet/stream', headers);
  return {
    ...stream,
    get registers(): ConsoleRegister[] {
      return stream.events.filter((e) => e.event === 'register').map((e) => FleetLiveEventSchema.parse(JSON.parse(e.data!)));
    },
  };
}

const report = (overrides: Partial<RegisterStatusReport> = {}): RegisterStatusReport => ({
  state: 'online',
  reasons: [],
  switchedBy: null,
  since: new Date().toISOString(),
  version: '1.4.0',
  backlog: 0,
  oldestPendingAt: null,
  deadLetters: 0,
  ...overrides,
});

describeEachStorage("the console's live fleet stream", (kind) => {
  let hq: TestHq;
  let s01: TestRegister;
  let s02: TestRegister;
  let port: number;
  const streams: ReturnType<typeof openStream>[] = [];
  beforeEach(async () => {
    hq = await makeHq(kind, { heartbeatMs: 150 });
    ({ s01, s02 } = await enrolInTwoStores(hq));
    await hq.app.listen({ port: 0, host: '127.0.0.1' });
    port = (hq.app.server.address() as { port: number }).port;
  });
  afterEach(async () => {
    streams.splice(0).forEach((s) => s.close());
    await hq.close();
  });
  const open = (headers: Record<string, string>) => {
    const stream = openFleetStream(port, headers);
    streams.push(stream);
    return stream;
  };
  const sendStatus = (register: TestRegister, body: RegisterStatusReport) => hq.app.inject({ method: 'POST', url: '/registers/status', headers: register.auth, payload: body });

  it("sends a store manager their store's registers, then each one's new state as it reports, and nothing of another store", async () => {
    const manager = await consoleSession(hq.app, 'store-manager', [s01.storeId]);
    const stream = open(manager.read);
    await stream.until(() => stream.registers.length > 0);
    expect(stream.status()).toBe(200);
    expect(stream.registers.map((r) => r.id)).toEqual([s01.registerId]);

    // Another store's register reports, then this store's: only the latter arrives.
    expect((await sendStatus(s02, report({ state: 'offline', reasons: ['network'] }))).statusCode).toBe(204);
    expect((await sendStatus(s01, report({ state: 'offline', reasons: ['manual'], switchedBy: 'Anna' }))).statusCode).toBe(204);
    await stream.until(() => stream.registers.length === 2);
    expect(stream.registers[1]).toMatchObject({ id: s01.registerId, storeId: s01.storeId, state: 'offline', reasons: ['manual'], switchedBy: 'Anna' });

    // Uploaded transitions wake it too (after their commit).
    const t = { id: uuidv4(), at: new Date().toISOString(), from: 'offline', to: 'online', reasons: [], trigger: 'manual.goOnline', switchedBy: 'Anna' };
    await push(hq.app, s02, [makeOp('connectivityTransition', 'recorded', t)]);
    await push(hq.app, s01, [makeOp('connectivityTransition', 'recorded', { ...t, id: uuidv4() })]);
    await stream.until(() => stream.registers.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.registers.map((r) => r.id)).toEqual([s01.registerId, s01.registerId, s01.registerId]);
    expect(stream.comments).toContain('heartbeat');
  });

  it('sends an owner every store’s registers, including one enrolled after the stream opened', async () => {
    const owner = await consoleSession(hq.app, 'owner');
    const stream = open(owner.read);
    await stream.until(() => stream.registers.length === 2);
    expect(new Set(stream.registers.map((r) => r.id))).toEqual(new Set([s01.registerId, s02.registerId]));
    const late = await enrolRegister(hq.app);
    await sendStatus(late, report({ state: 'offline', reasons: ['service:orders'] }));
    await stream.until(() => stream.registers.length === 3);
    expect(stream.registers[2]).toMatchObject({ id: late.registerId, storeId: s01.storeId, state: 'offline', reasons: ['service:orders'] });
  });

  it('ends when its session ends (signed out), or when the user is given other stores', async () => {
    const manager = await consoleSession(hq.app, 'store-manager', [s01.storeId]);
    const stream = open(manager.read);
    await stream.until(() => stream.registers.length === 1);
    expect((await hq.app.inject({ method: 'POST', url: '/console/api/sign-out', headers: manager.write })).statusCode).toBeLessThan(300);
    await stream.until(() => stream.ended(), 2000);

    const moved = await consoleSession(hq.app, 'store-manager', [s01.storeId], 'moved@example.test');
    const second = open(moved.read);
    await second.until(() => second.registers.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(second.ended()).toBe(false);
    await hq.app.hq.database.db.updateTable('console_users').set({ store_ids: JSON.stringify([s02.storeId]) }).where('id', '=', moved.user.id).execute();
    await second.until(() => second.ended(), 2000);
    expect(second.registers.map((r) => r.id)).toEqual([s01.registerId]);
  });

  it('refuses a caller without a console session, and ends open streams when HQ shuts down', async () => {
    const anonymous = await hq.app.inject({ url: '/console/api/fleet/stream' });
    expect(anonymous.statusCode).toBe(401);
    expect((await hq.app.inject({ url: '/console/api/fleet/stream', headers: s01.auth })).statusCode).toBe(401);

    const area = await consoleSession(hq.app, 'area-manager', [s02.storeId]);
    const stream = open(area.read);
    await stream.until(() => stream.registers.length === 1);
    expect(stream.registers[0]!.id).toBe(s02.registerId);
    expect(hq.app.hq.fleet.listeners()).toBe(1);
    await hq.app.close();
    await stream.until(() => stream.ended());
    expect(hq.app.hq.fleet.listeners()).toBe(0);
  });
});
