import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger';
import { FeedNotifier } from '../sync/feed-notifier';
import { FeedRepository } from '../sync/feed.repository';
import { snapshotChunks } from '../sync/snapshot';
import { makeStorage, POSTGRES_SKIP_REASON, type TestStorage } from '../test/harness';
import { openHqDatabase, type HqDatabase } from './database';
import { FeedSequencer } from './feed-sequencer';
import { PgListener } from './pg-listener';
import { Writer, type NewChange } from './writer';

/*
 * On PostgreSQL a write stages its feed changes and the sequencer numbers them after its commit. These
 * proofs hold writes open, run many at once and read the feed while they commit.
 */

const ADMIN_READER = { storeId: null, registerId: null };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const product = (sku: string): NewChange => ({ kind: 'product', entityId: sku, data: { sku } });

describe.skipIf(POSTGRES_SKIP_REASON !== null)(`the feed sequencer [postgres${POSTGRES_SKIP_REASON ? `: ${POSTGRES_SKIP_REASON}` : ''}]`, () => {
  let storage: TestStorage | null = null;
  const opened: HqDatabase[] = [];
  const open = async (sequencing: 'staged' | 'append' = 'staged') => {
    storage ??= makeStorage('postgres');
    const database = await openHqDatabase(storage.storage);
    opened.push(database);
    const notifier = new FeedNotifier();
    const writer = new Writer(database, notifier, Date.now, { sequencing, log: { warn: () => {} } });
    return { database, writer, notifier, feed: new FeedRepository(database.read, writer) };
  };
  const allChanges = async (feed: FeedRepository) => (await feed.page(0, 100_000, ADMIN_READER)).rows.map((r) => ({ seq: Number(r.seq), sku: r.entityId }));

  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
    await storage?.cleanup();
    storage = null;
  });

  it('a write held open after its append does not hold up another instance’s write, whose change is in the feed when it returns', async () => {
    const a = await open();
    const b = await open(); // a second instance on the same database
    let release: () => void = () => {};
    const held = a.writer.transaction(async (tx) => {
      await tx.append([product('HELD')]);
      await new Promise<void>((resolve) => (release = resolve));
    });
    await sleep(100); // the held write has staged its change
    const other = b.writer.transaction(async (tx) => tx.append([product('QUICK')]));
    const outcome = await Promise.race([other.then(() => 'returned'), sleep(3000).then(() => 'waited')]);
    expect(outcome).toBe('returned');
    expect(await allChanges(b.feed)).toEqual([{ seq: 1, sku: 'QUICK' }]);
    release();
    await held;
    expect(await allChanges(a.feed)).toEqual([
      { seq: 1, sku: 'QUICK' },
      { seq: 2, sku: 'HELD' },
    ]);
  });

  it('40 writers on two instances, each holding its transaction a while, and a reader following the feed: every change once, numbered 1..N without a gap, in each write’s order, and the reader misses none', async () => {
    const instances = [await open(), await open()];
    const WRITERS = 40;
    const WRITES = 5;
    let writing = true;
    const seen: { seq: number; sku: string }[] = [];
    const reader = (async () => {
      let since = 0;
      while (writing || since < (await instances[0]!.feed.state()).headSeq) {
        const page = await instances[0]!.feed.page(since, 500, ADMIN_READER);
        for (const row of page.rows) seen.push({ seq: Number(row.seq), sku: row.entityId });
        since = page.nextSeq;
        await sleep(2);
      }
    })();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const { writer } = instances[w % 2]!;
        for (let i = 0; i < WRITES; i++) {
          await writer.transaction(async (tx) => {
            await tx.append([product(`W${w}-${i}-a`), product(`W${w}-${i}-b`)]);
            await sleep(Math.floor(Math.random() * 8));
          });
        }
      }),
    );
    writing = false;
    await reader;
    const all = await allChanges(instances[1]!.feed);
    expect(all.map((c) => c.seq)).toEqual(Array.from({ length: WRITERS * WRITES * 2 }, (_, i) => i + 1));
    expect(new Set(all.map((c) => c.sku)).size).toBe(WRITERS * WRITES * 2);
    expect(seen).toEqual(all);
    const position = new Map(all.map((c) => [c.sku, c.seq]));
    for (let w = 0; w < WRITERS; w++) {
      for (let i = 0; i < WRITES; i++) {
        expect(position.get(`W${w}-${i}-a`)!).toBeLessThan(position.get(`W${w}-${i}-b`)!); // a write's changes in its order
        if (i > 0) expect(position.get(`W${w}-${i}-a`)!).toBeGreaterThan(position.get(`W${w}-${i - 1}-b`)!); // and after the same writer's earlier write
      }
    }
    expect((await instances[0]!.database.read.selectFrom('staged_changes').select('id').execute()).length).toBe(0);
  });

  it('numbers what an instance left staged when it stopped between its commit and its pass, at the next start', async () => {
    const { database, notifier, feed } = await open();
    await database.db.insertInto('staged_changes').values({ kind: 'product', action: 'upsert', entity_id: 'LEFT', data: '{"sku":"LEFT"}', store_id: null, origin_register_id: null, committed_at: 1 }).execute();
    const heard: number[] = [];
    notifier.subscribe((seq) => heard.push(seq));
    const sequencer = new FeedSequencer(database.db, notifier, { warn: () => {} });
    sequencer.start(50);
    const deadline = Date.now() + 5000;
    while ((await feed.state()).headSeq === 0 && Date.now() < deadline) await sleep(20);
    await sequencer.stop();
    expect(await allChanges(feed)).toEqual([{ seq: 1, sku: 'LEFT' }]);
    expect(heard).toContain(1);
    expect(sequencer.stats).toMatchObject({ numbered: 1 });
    // Stopped: its sweep numbers nothing more (HQ closes the database next).
    await database.db.insertInto('staged_changes').values({ kind: 'product', action: 'upsert', entity_id: 'AFTER', data: '{}', store_id: null, origin_register_id: null, committed_at: 1 }).execute();
    await sleep(200);
    expect((await feed.state()).headSeq).toBe(1);
  });

  it('a write of 12,000 changes (a catalog import) returns with every one numbered; a pass with nothing staged tells nobody; the figures add up', async () => {
    const { writer, notifier, feed } = await open();
    const heard: number[] = [];
    notifier.subscribe((seq) => heard.push(seq));
    await writer.transaction(async (tx) => tx.append(Array.from({ length: 12_000 }, (_, i) => product(`BIG-${String(i).padStart(5, '0')}`))));
    const all = await allChanges(feed);
    expect(all).toHaveLength(12_000);
    expect(all.at(-1)).toEqual({ seq: 12_000, sku: 'BIG-11999' });
    expect(heard).toEqual([12_000]);
    await writer.transaction(async (tx) => tx.append([product('ONE'), product('TWO')]));
    expect(heard).toEqual([12_000, 12_002]);
    await writer.settle(); // nothing staged
    expect(heard).toEqual([12_000, 12_002]);
    expect(writer.sequencer!.stats).toEqual({ passes: 3, numbered: 12_002, largest: 12_000 });
  });

  it('another instance hears of a pass through NOTIFY kassa_feed, with the new head', async () => {
    const a = await open();
    const b = await open();
    const listener = new PgListener(b.database.listenClient!, silentLogger());
    b.notifier.follow(listener);
    await listener.start();
    try {
      const heard: number[] = [];
      b.notifier.subscribe((seq) => heard.push(seq));
      await a.writer.transaction(async (tx) => tx.append([product('ELSEWHERE')]));
      const deadline = Date.now() + 3000;
      while (!heard.includes(1) && Date.now() < deadline) await sleep(10);
      expect(heard).toContain(1);
    } finally {
      await listener.close();
    }
  });


  it('cuts a snapshot only where no committed change waits for its number, so a register never gets a change again that its snapshot already holds', async () => {
    const { database, writer, feed } = await open();
    await writer.transaction(async (tx) => tx.append([product('FIRST')]));
    // A write committed and its change not numbered yet: its rows would be in the snapshot already.
    await database.db.insertInto('staged_changes').values({ kind: 'product', action: 'upsert', entity_id: 'SECOND', data: '{"sku":"SECOND"}', store_id: null, origin_register_id: null, committed_at: 1 }).execute();
    let text = '';
    for await (const chunk of snapshotChunks(database, null, () => writer.settle())) text += chunk;
    expect((JSON.parse(text) as { seq: number }).seq).toBe(2);
    expect(await allChanges(feed)).toEqual([
      { seq: 1, sku: 'FIRST' },
      { seq: 2, sku: 'SECOND' },
    ]);
  });

  it('appending in the write (HQ_FEED_SEQUENCING=append) numbers at once, without staging', async () => {
    const { database, writer, feed } = await open('append');
    expect(writer.sequencer).toBeNull();
    await writer.transaction(async (tx) => tx.append([product('NOW')]));
    expect(await allChanges(feed)).toEqual([{ seq: 1, sku: 'NOW' }]);
    expect(await database.read.selectFrom('staged_changes').select('id').execute()).toEqual([]);
  });
});

describe('the feed sequencer’s passes', () => {
  /** A sequencer whose passes are held until released, counted, and made to fail on demand. */
  function heldSequencer() {
    const warn = vi.fn();
    const sequencer = new FeedSequencer(null as never, new FeedNotifier(), { warn });
    const passes: { release: () => void; fail: (error: Error) => void }[] = [];
    (sequencer as unknown as { pass: () => Promise<number> }).pass = () =>
      new Promise<number>((resolve, reject) => passes.push({ release: () => resolve(1), fail: reject }));
    return { sequencer, passes, warn };
  }
  const settled = async (promise: Promise<void>) => Promise.race([promise.then(() => true), sleep(20).then(() => false)]);

  it('a flush asked for while a pass runs waits for the next pass (the running one may have started before its write committed)', async () => {
    const { sequencer, passes } = heldSequencer();
    const first = sequencer.flush();
    await sleep(0);
    expect(passes).toHaveLength(1);
    const second = sequencer.flush();
    const third = sequencer.flush();
    passes[0]!.release();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(false);
    expect(passes).toHaveLength(2); // one more pass serves both later flushes
    passes[1]!.release();
    expect(await settled(second)).toBe(true);
    expect(await settled(third)).toBe(true);
    expect(passes).toHaveLength(2);
  });

  it('a failing pass answers its flushes anyway (their writes committed) and warns once until a pass succeeds', async () => {
    const { sequencer, passes, warn } = heldSequencer();
    const first = sequencer.flush();
    await sleep(0);
    passes[0]!.fail(new Error('database gone'));
    expect(await settled(first)).toBe(true);
    const second = sequencer.flush();
    await sleep(0);
    passes[1]!.fail(new Error('database gone'));
    expect(await settled(second)).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    const third = sequencer.flush();
    await sleep(0);
    passes[2]!.release();
    await third;
    const fourth = sequencer.flush();
    await sleep(0);
    passes[3]!.fail(new Error('database gone'));
    await fourth;
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
