import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Change, ChangesResponse, Snapshot } from '../../../shared/hq/feed';
import { buildServer } from '../server';
import { ADMIN_TOKEN, describeEachStorage, enrolRegister, makeHq, type TestHq, type TestRegister } from '../test/harness';
import { makeProduct, makeSaleOp, push } from '../test/factories';
import { openStream } from '../test/sse';

describeEachStorage('change feed, snapshot and realtime stream', (kind) => {
  let hq: TestHq;
  let register: TestRegister;
  let port: number;
  const get = <T>(url: string, headers = register.auth) => hq.app.inject({ url, headers }).then((r) => ({ status: r.statusCode, body: r.json<T>() }));
  const importProducts = (products: unknown[]) => hq.app.inject({ method: 'POST', url: '/catalog/import', headers: hq.admin, payload: { products } });

  beforeEach(async () => {
    hq = await makeHq(kind, { heartbeatMs: 200, retention: { maxChanges: 10 } });
    register = await enrolRegister(hq.app);
    await hq.app.listen({ port: 0, host: '127.0.0.1' });
    port = (hq.app.server.address() as { port: number }).port;
  });
  afterEach(() => hq.close());

  it('pages the feed in sequence order with nextSeq and hasMore', async () => {
    const { body: first } = await get<ChangesResponse>('/sync/changes?since=0&limit=3');
    expect(first.changes.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(first).toMatchObject({ nextSeq: 3, hasMore: true, snapshotRequired: false });
    const { body: second } = await get<ChangesResponse>(`/sync/changes?since=${first.nextSeq}&limit=3`);
    expect(second.changes.map((c) => c.seq)).toEqual([4, 5, 6]);
    const { headSeq } = await hq.app.hq.feed.state();
    const { body: end } = await get<ChangesResponse>(`/sync/changes?since=${headSeq}`);
    expect(end).toEqual({ changes: [], nextSeq: headSeq, hasMore: false, snapshotRequired: false, epoch: hq.app.hq.epoch });
  });

  it('numbers a catalog change after everything before it, with the product as data', async () => {
    const { headSeq } = await hq.app.hq.feed.state();
    const product = makeProduct({ price: 4321 });
    await importProducts([product]);
    const { body } = await get<ChangesResponse>(`/sync/changes?since=${headSeq}`);
    expect(body.changes).toEqual([{ seq: headSeq + 1, kind: 'product', action: 'upsert', entityId: product.sku, data: product }]);
  });

  it('answers snapshotRequired when since is older than the kept history, and the snapshot continues from its seq', async () => {
    // The demo seed wrote thousands of changes; keep only the last 10 (its people among them: asked for with kinds=user).
    await hq.app.hq.feed.prune(hq.app.hq.settings.retention);
    const { headSeq } = await hq.app.hq.feed.state();
    const { body: old } = await get<ChangesResponse>('/sync/changes?since=0');
    expect(old).toMatchObject({ snapshotRequired: true, changes: [] });
    const { body: recent } = await get<ChangesResponse>(`/sync/changes?since=${headSeq - 10}&kinds=user`);
    expect(recent).toMatchObject({ snapshotRequired: false, nextSeq: headSeq });
    expect(recent.changes).toHaveLength(10);
    const { body: future } = await get<ChangesResponse>(`/sync/changes?since=${headSeq + 100}`);
    expect(future.snapshotRequired).toBe(true);

    const snapshot = await hq.app.inject({ url: '/sync/snapshot', headers: register.auth });
    expect(snapshot.statusCode).toBe(200);
    expect(snapshot.headers['content-type']).toContain('application/json');
    const state = snapshot.json<Snapshot>();
    expect(state.seq).toBe(headSeq);
    expect(state.products).toHaveLength(2000);
    expect(state.products[0]).toEqual({ sku: 'SKU-000001', barcodes: ['8707682801940'], name: 'Meadowmere Whole Milk 1 L', price: 129, taxClass: 'reduced' });
    // The demo's produce may be priced by a scale label; nothing zero-rated (gift cards, vouchers) may.
    expect(state.products[2]).toMatchObject({ sku: 'SKU-000003', priceByLabel: true });
    expect(state.products.filter((p) => p.priceByLabel && p.taxClass === 'zero')).toEqual([]);
    expect(state.taxClasses.map((t) => t.code).sort()).toEqual(['reduced', 'standard', 'zero']);
    expect(state.promotions).toHaveLength(3);
    expect(state.members.map((m) => m.balance)).toEqual([0, 0, 0]);
    const { body: next } = await get<ChangesResponse>(`/sync/changes?since=${state.seq}`);
    expect(next.snapshotRequired).toBe(false);
  });

  it('refuses the feed and the snapshot without a token, and a bad since with 400', async () => {
    expect((await hq.app.inject({ url: '/sync/changes?since=0' })).statusCode).toBe(401);
    expect((await hq.app.inject({ url: '/sync/snapshot' })).statusCode).toBe(401);
    expect((await hq.app.inject({ url: '/sync/stream' })).statusCode).toBe(401);
    const bad = await get<{ error: string }>('/sync/changes?since=-1');
    expect(bad).toMatchObject({ status: 400, body: { error: 'INVALID_INPUT' } });
    expect((await get('/sync/changes?since=abc')).status).toBe(400);
    expect((await get('/sync/changes?limit=0')).status).toBe(400);
  });

  it('streams a change committed on HQ to a connected register in well under a second', async () => {
    const other = await enrolRegister(hq.app);
    const stream = openStream(port, '/sync/stream', other.auth);
    await stream.until(() => stream.comments.length > 0 || stream.status() === 200);
    expect(stream.status()).toBe(200);
    const op = makeSaleOp();
    const sent = Date.now();
    await push(hq.app, register, [op]);
    await stream.until(() => stream.events.some((e) => e.event === 'change'));
    const event = stream.events.find((e) => e.event === 'change')!;
    const change = JSON.parse(event.data!) as Change;
    expect(change).toMatchObject({ kind: 'order', entityId: op.entityId });
    expect(event.id).toBe(String(change.seq));
    expect(event.at - sent).toBeLessThan(500);
    stream.close();
  });

  it('resumes from Last-Event-ID, sends heartbeats, and ends with snapshot-required when the id is too old', async () => {
    const { headSeq } = await hq.app.hq.feed.state();
    await importProducts([makeProduct(), makeProduct(), makeProduct()]);
    const stream = openStream(port, '/sync/stream', { ...register.auth, 'last-event-id': String(headSeq + 1) });
    await stream.until(() => stream.events.length >= 2);
    expect(stream.events.map((e) => Number(e.id))).toEqual([headSeq + 2, headSeq + 3]);
    await stream.until(() => stream.comments.includes('heartbeat'), 2000);
    // The interval is announced at open, before any heartbeat, as a comment SSE consumers never see.
    expect(stream.comments[0]).toBe('heartbeat-ms 200');
    expect(stream.comments.indexOf('heartbeat-ms 200')).toBeLessThan(stream.comments.indexOf('heartbeat'));
    stream.close();

    await hq.app.hq.feed.prune(hq.app.hq.settings.retention);
    const stale = openStream(port, '/sync/stream?since=1', register.auth);
    await stale.until(() => stale.events.some((e) => e.event === 'snapshot-required'));
    stale.close();
  });

  // LISTEN/NOTIFY is PostgreSQL's: on SQLite there is one HQ instance per database, so this case does not exist there.
  if (kind === 'postgres') it('reaches a register streaming from another HQ instance on the same database (LISTEN/NOTIFY)', async () => {
    const second = await buildServer({ storage: hq.storage.storage, adminToken: ADMIN_TOKEN, pruneEveryMs: 0, settleEveryMs: 0 });
    try {
      await second.listen({ port: 0, host: '127.0.0.1' });
      const other = await enrolRegister(hq.app);
      const stream = openStream((second.server.address() as { port: number }).port, '/sync/stream', other.auth);
      await stream.until(() => stream.status() === 200);
      const op = makeSaleOp();
      const sent = Date.now();
      await push(hq.app, register, [op]);
      await stream.until(() => stream.events.some((e) => e.event === 'change'));
      expect(JSON.parse(stream.events[0]!.data!)).toMatchObject({ kind: 'order', entityId: op.entityId });
      expect(stream.events[0]!.at - sent).toBeLessThan(1000);
      stream.close();
    } finally {
      await second.close();
    }
  });
});
