import net from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Change } from '../../../shared/hq/feed';
import type { HqApp } from '../context';
import { buildServer } from '../server';
import { consoleSession } from '../test/console';
import { ADMIN_TOKEN, describeEachStorage, enrolInTwoStores, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeEan13, makeProduct, makeSaleOp, push } from '../test/factories';
import { openStream } from '../test/sse';
import type { FeedReader } from './feed.repository';

const portOf = (app: HqApp) => (app.server.address() as { port: number }).port;

/** The feed queries (changes, feed_state) HQ's reading connection runs from now on. */
function countFeedReads(app: HqApp) {
  const executor = app.hq.database.read.getExecutor();
  const spy = vi.spyOn(executor, 'executeQuery');
  return {
    count: () => spy.mock.calls.filter(([query]) => /^\s*select/i.test(query.sql) && /"(changes|feed_state)"/.test(query.sql)).length,
    restore: () => spy.mockRestore(),
  };
}

/** Change events as a register keeps them (without prevSeq), and the position the stream ended at. */
function received(stream: ReturnType<typeof openStream>) {
  const changes = stream.events.filter((e) => e.event === 'change').map((e) => {
    const { prevSeq: _prev, ...change } = JSON.parse(e.data!) as Change & { prevSeq: number };
    return change;
  });
  const last = stream.events.filter((e) => e.id !== undefined).at(-1);
  return { changes, position: last ? Number(last.id) : null };
}

/** Reads raw SSE text on a socket the test can stop reading from (a register that does not keep up). */
function rawStream(port: number, path: string, headers: Record<string, string>) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  let text = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('close', () => (closed = true));
  socket.on('error', () => (closed = true));
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`GET ${path} HTTP/1.0\r\nhost: 127.0.0.1\r\n${head}\r\n`);
  return {
    socket,
    closed: () => closed,
    /** Complete events received: ids and kinds. */
    events: () =>
      text
        .split('\n\n')
        .slice(0, -1)
        .map((block) => ({ id: /^id: (\d+)$/m.exec(block)?.[1], event: /^event: (.+)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] }))
        .filter((e) => e.event !== undefined),
  };
}

const until = async (predicate: () => boolean, ms = 10_000, what = 'condition') => {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describeEachStorage('realtime fan-out of the change feed', (kind) => {
  let hq: TestHq;
  let port: number;
  const closers: (() => void)[] = [];
  beforeEach(async () => {
    // Heartbeats far apart: what the streams get here comes from the commits, not from a heartbeat's read.
    hq = await makeHq(kind, { heartbeatMs: 60_000 });
    await hq.app.listen({ port: 0, host: '127.0.0.1' });
    port = portOf(hq.app);
  });
  afterEach(async () => {
    closers.splice(0).forEach((close) => close());
    await hq.close();
  });
  const importProducts = (products: unknown[]) => hq.app.inject({ method: 'POST', url: '/catalog/import', headers: hq.admin, payload: { products } });

  it('sends 200 streams of different stores, registers and opt-in kinds exactly what each would read for itself, with feed reads that do not grow with the streams', async () => {
    const { s01, s02 } = await enrolInTwoStores(hq);
    const registers: TestRegister[] = [s01, s02];
    for (let i = 0; i < 3; i++) registers.push(await enrolRegister(hq.app));
    const { headSeq: start } = await hq.app.hq.feed.state();
    const readers: { headers: Record<string, string>; reader: FeedReader; kinds?: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const register = registers[i % registers.length]!;
      const kinds = i % 3 === 0 ? 'user' : undefined;
      readers.push(
        i % 50 === 49
          ? { headers: hq.admin, reader: { storeId: null, registerId: null } }
          : { headers: register.auth, kinds, reader: { storeId: register.storeId, registerId: register.registerId, optIn: kinds ? ['user'] : [] } },
      );
    }
    const streams = readers.map(({ headers, kinds }) => openStream(port, `/sync/stream?since=${start}${kinds ? `&kinds=${kinds}` : ''}`, headers));
    closers.push(...streams.map((s) => s.close));
    await until(() => streams.every((s) => s.comments.length > 0), 20_000, 'every stream open');
    // Every stream has joined the fan-out once its opening read is done.
    await until(() => hq.app.hq.hub.stats().streams === 200, 10_000, 'every stream joined');
    await new Promise((resolve) => setTimeout(resolve, 200));

    const reads = countFeedReads(hq.app);
    const commits = 6;
    await push(hq.app, s01, [makeSaleOp()]);
    await push(hq.app, s02, [makeSaleOp()]);
    await importProducts([makeProduct({ price: 199 }), makeProduct({ price: 299 })]);
    await hq.app.inject({ method: 'POST', url: '/users', headers: hq.admin, payload: { name: 'Ann', role: 'cashier', pin: '482913', storeId: s01.storeId } });
    await hq.app.inject({ method: 'POST', url: '/users', headers: hq.admin, payload: { name: 'Bo', role: 'cashier', pin: '719304', storeId: s02.storeId } });
    await push(hq.app, registers[2]!, [makeSaleOp()]);
    const { headSeq: head } = await hq.app.hq.feed.state();
    expect(head - start).toBeGreaterThanOrEqual(commits);
    await until(() => streams.every((s) => received(s).position === head), 15_000, 'every stream at the head');
    const perCommit = reads.count() / commits;
    reads.restore();

    for (const [i, stream] of streams.entries()) {
      const expected = await hq.app.hq.feed.changes(start, 5000, readers[i]!.reader);
      const got = received(stream);
      expect(got.changes, `stream ${i}`).toEqual(expected.changes);
      expect(got.position).toBe(head);
      // prevSeq chains each event to the one before it (or the start), ids only grow.
      const ids = stream.events.map((e) => Number(e.id));
      expect(stream.events.map((e) => (JSON.parse(e.data!) as { prevSeq: number }).prevSeq)).toEqual([start, ...ids.slice(0, -1)]);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    }
    // A stream reading for itself: ≥ 3 reads per stream per commit (600 here). The fan-out: a few per commit, whatever the streams.
    expect(perCommit).toBeLessThanOrEqual(12);
  }, 120_000);

  it("holds a register's position past other stores' commits to one event a second, while a change it sees goes out at once", async () => {
    const { s01, s02 } = await enrolInTwoStores(hq);
    const { headSeq: start } = await hq.app.hq.feed.state();
    const watcher = openStream(port, `/sync/stream?since=${start}`, s02.auth);
    closers.push(watcher.close);
    await until(() => watcher.comments.length > 0 && hq.app.hq.hub.stats().streams === 1, 10_000, 'stream open');
    // Twenty commits of another store within well under a second: none of them is the watcher's to see.
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) await push(hq.app, s01, [makeSaleOp()]);
    const burstMs = Date.now() - t0;
    const { headSeq: head } = await hq.app.hq.feed.state();
    await until(() => received(watcher).position === head, 5_000, 'the watcher at the head');
    const positions = watcher.events.filter((e) => e.event === 'position');
    // One event per commit before (20): now at most one per second of the burst, plus the last one.
    expect(positions.length).toBeLessThanOrEqual(Math.ceil(burstMs / 1000) + 2);
    // A change of its own store is not held back with them.
    const before = watcher.events.length;
    await importProducts([makeProduct({ price: 123 })]);
    await until(() => watcher.events.slice(before).some((e) => e.event === 'change'), 500, 'the product change at once');
    const ids = watcher.events.map((e) => Number(e.id));
    expect(watcher.events.map((e) => (JSON.parse(e.data!) as { prevSeq: number }).prevSeq)).toEqual([start, ...ids.slice(0, -1)]);
  }, 60_000);

  it('closes a stream whose register stops reading, without holding up the others; it resumes from its last id and gets every change once', async () => {
    const register = await enrolRegister(hq.app);
    const other = await enrolRegister(hq.app);
    hq.app.hq.hub.limits.drainMs = 1_000;
    const { headSeq: start } = await hq.app.hq.feed.state();
    const slow = rawStream(port, `/sync/stream?since=${start}`, register.auth);
    closers.push(() => slow.socket.destroy());
    const quick = openStream(port, `/sync/stream?since=${start}`, other.auth);
    closers.push(quick.close);
    await until(() => slow.events().length === 0 && quick.comments.length > 0 && hq.app.hq.hub.stats().streams === 2, 10_000, 'both streams open');
    slow.socket.pause();

    // Enough that the slow register's socket buffers fill: large products, several imports.
    const big = () => makeProduct({ name: 'x'.repeat(120), barcodes: Array.from({ length: 20 }, () => makeEan13()) });
    let head = start;
    const lags: number[] = [];
    for (let round = 0; round < 16 && hq.app.hq.hub.stats().dropped === 0; round++) {
      await importProducts(Array.from({ length: 2000 }, big));
      head = (await hq.app.hq.feed.state()).headSeq;
      const committed = Date.now();
      await until(() => received(quick).position === head, 10_000, 'the quick stream at the head');
      lags.push(Date.now() - committed);
    }
    await until(() => hq.app.hq.hub.stats().dropped === 1, 10_000, 'the slow stream dropped');
    // The other register kept up all along: each import reached it promptly.
    expect(Math.max(...lags)).toBeLessThan(2000);
    expect(received(quick).changes).toHaveLength(head - start);

    // The register reads what reached it, then reconnects with the id of the last complete event.
    slow.socket.resume();
    await until(() => slow.closed(), 10_000, 'the slow socket closed');
    const before = slow.events();
    const lastId = Number(before.filter((e) => e.id).at(-1)?.id ?? start);
    expect(lastId).toBeLessThan(head);
    const again = openStream(port, '/sync/stream', { ...register.auth, 'last-event-id': String(lastId) });
    closers.push(again.close);
    await until(() => received(again).position === head, 10_000, 'the reconnected stream at the head');
    const seqs = [...before.filter((e) => e.event === 'change').map((e) => Number(e.id)), ...received(again).changes.map((c) => c.seq)];
    const expected = await hq.app.hq.feed.changes(start, 50_000, { storeId: register.storeId, registerId: register.registerId, optIn: [] });
    expect(seqs).toEqual(expected.changes.map((c) => c.seq));
  }, 180_000);

  it('catches a stream up from the database when its position is older than the changes kept in memory, then hands it what commits meanwhile', async () => {
    const register = await enrolRegister(hq.app);
    hq.app.hq.hub.limits.ringChanges = 50;
    const { headSeq: start } = await hq.app.hq.feed.state();
    await importProducts(Array.from({ length: 1200 }, () => makeProduct()));
    const { headSeq: imported } = await hq.app.hq.feed.state();
    await until(() => hq.app.hq.hub.stats().lastSeq === imported, 5_000, 'the fan-out at the head');
    expect(hq.app.hq.hub.stats().ringSize).toBeLessThanOrEqual(50);
    const stream = openStream(port, `/sync/stream?since=${start}`, register.auth);
    closers.push(stream.close);
    // Commits while it pages through the backlog.
    const imports = [importProducts([makeProduct()]), importProducts([makeProduct()])];
    await Promise.all(imports);
    const { headSeq: head } = await hq.app.hq.feed.state();
    await until(() => received(stream).position === head, 15_000, 'the stream at the head');
    const expected = await hq.app.hq.feed.changes(start, 5000, { storeId: register.storeId, registerId: register.registerId, optIn: [] });
    expect(received(stream).changes).toEqual(expected.changes);
    expect(expected.changes).toHaveLength(1202);
  }, 60_000);

  if (kind === 'postgres') {
    it("reaches streams and consoles on another HQ instance, and rereads after that instance's LISTEN connection is cut", async () => {
      const second = await buildServer({ storage: hq.storage.storage, adminToken: ADMIN_TOKEN, pruneEveryMs: 0, settleEveryMs: 0, heartbeatMs: 60_000 });
      closers.push(() => void second.close());
      await second.listen({ port: 0, host: '127.0.0.1' });
      const { s01 } = await enrolInTwoStores(hq);
      const other = await enrolRegister(hq.app);
      const stream = openStream(portOf(second), '/sync/stream', other.auth);
      closers.push(stream.close);
      const manager = await consoleSession(second, 'store-manager', [s01.storeId]);
      const fleet = openStream(portOf(second), '/console/api/fleet/stream', manager.read);
      closers.push(fleet.close);
      await until(() => stream.comments.length > 0 && fleet.events.some((e) => e.event === 'register') && second.hq.hub.stats().streams === 1, 10_000, 'streams open');

      // A sale pushed to the first instance reaches the second's stream; its register's new state, the second's console.
      const sale = makeSaleOp();
      const sent = Date.now();
      await push(hq.app, s01, [sale]);
      await until(() => received(stream).changes.some((c) => c.entityId === sale.entityId), 5_000, 'the sale on the other instance');
      expect(Date.now() - sent).toBeLessThan(1000);
      const fleetBefore = fleet.events.length;
      const reported = Date.now();
      await hq.app.inject({ method: 'POST', url: '/registers/status', headers: s01.auth, payload: { state: 'offline', reasons: [], switchedBy: null, since: new Date().toISOString(), version: '1.4.0', backlog: 3, oldestPendingAt: null, deadLetters: 0 } });
      await until(() => fleet.events.slice(fleetBefore).some((e) => e.event === 'register' && (JSON.parse(e.data!) as { id: string }).id === s01.registerId), 5_000, 'the status on the other console');
      expect(Date.now() - reported).toBeLessThan(1000);

      // The second instance's LISTEN connection is cut; a sale committed meanwhile still reaches its stream.
      const pid = second.hq.listener!.pid!;
      const admin = new pg.Client({ connectionString: process.env.KASSA_TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      } finally {
        await admin.end();
      }
      const missed = makeSaleOp();
      await push(hq.app, s01, [missed]);
      // A status stored on the first instance around the cut still reaches the second's console (heard, or reread once the connection is back).
      const fleetCut = fleet.events.length;
      await hq.app.inject({ method: 'POST', url: '/registers/status', headers: s01.auth, payload: { state: 'online', reasons: [], switchedBy: null, since: new Date().toISOString(), version: '1.4.0', backlog: 0, oldestPendingAt: null, deadLetters: 0 } });
      await until(() => fleet.events.slice(fleetCut).some((e) => e.event === 'register' && (JSON.parse(e.data!) as { id: string; backlog?: number }).id === s01.registerId), 10_000, 'the status on the other console after its LISTEN connection came back');
      await until(() => received(stream).changes.some((c) => c.entityId === missed.entityId), 10_000, 'the sale after the LISTEN connection came back');
      expect(second.hq.listener!.pid).not.toBe(pid);
      const { headSeq } = await hq.app.hq.feed.state();
      await until(() => received(stream).position === headSeq, 5_000, 'the stream at the head');
      const seqs = received(stream).changes.map((c) => c.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
    }, 60_000);
  }
});
