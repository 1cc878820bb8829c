import type { HqDatabase } from '../db/database';
import { feedUserOf } from '../auth/users.repository';
import { readEpoch } from '../db/epoch';

const PAGE = 2000;
/** A snapshot waits for the feed sequencer at most this many times before it gives up (HQ under a write storm). */
const CONSISTENT_TRIES = 50;

/**
 * A repeatable-read transaction whose data and feed head agree: on PostgreSQL, writes number their feed
 * changes just after they commit (db/feed-sequencer.ts), so a read that starts in between would see a
 * write's rows but not its changes, and the register would get those changes again after the snapshot
 * (a points entry already in a member's balance counted twice). Such a read sees staged changes: it is
 * dropped, the sequencer is waited for, and the read starts again.
 */
async function consistentRead(database: HqDatabase, settle: () => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    const trx = await database.read.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute();
    if (database.dialect !== 'postgres') return trx;
    try {
      if ((await trx.selectFrom('staged_changes').select('id').limit(1).executeTakeFirst()) === undefined) return trx;
    } catch (error) {
      await trx.rollback().execute();
      throw error;
    }
    await trx.rollback().execute();
    if (attempt >= CONSISTENT_TRIES) throw new Error(`HQ's feed did not settle for a snapshot after ${CONSISTENT_TRIES} tries; the register asks again`);
    await settle();
  }
}

/**
 * The full current state as one JSON document, produced piece by piece from one consistent read (a
 * repeatable-read transaction on PostgreSQL, a read transaction on SQLite's reader connection), so 100k
 * products never sit in memory as one string. Products come last; `seq` is where the feed continues.
 */
export async function* snapshotChunks(database: HqDatabase, storeId: string | null = null, settle: () => Promise<void> = async () => {}): AsyncGenerator<string> {
  const trx = await consistentRead(database, settle);
  let done = false;
  try {
    const { head_seq: seq } = await trx.selectFrom('feed_state').select('head_seq').where('id', '=', 1).executeTakeFirstOrThrow();
    const epoch = await readEpoch(trx);
    const taxClasses = await trx.selectFrom('tax_classes').selectAll().orderBy('code').execute();
    const promotions = await trx.selectFrom('promotions').select('data').orderBy('id').execute();
    yield `{"seq":${seq},"epoch":${JSON.stringify(epoch)},"taxClasses":${JSON.stringify(taxClasses.map((t) => ({ code: t.code, name: t.name, rateBasisPoints: t.rate_bp })))},"promotions":[${promotions.map((p) => p.data).join(',')}],"members":[`;
    let lastId: string | null = null;
    let first = true;
    for (;;) {
      let query = trx
        .selectFrom('members as m')
        .leftJoin('point_ledger as l', 'l.member_id', 'm.id')
        .select(['m.id', 'm.name', 'm.phone', 'm.card', 'm.created_at', (eb) => eb.fn.coalesce(eb.fn.sum<number | string>('l.delta'), eb.lit(0)).as('balance')])
        .groupBy(['m.id', 'm.name', 'm.phone', 'm.card', 'm.created_at']);
      if (lastId !== null) query = query.where('m.id', '>', lastId);
      const rows = await query.orderBy('m.id').limit(PAGE).execute();
      if (rows.length === 0) break;
      let out = '';
      for (const r of rows) {
        out += (first ? '' : ',') + JSON.stringify({ id: r.id, name: r.name, phone: r.phone, card: r.card, createdAt: new Date(Number(r.created_at)).toISOString(), balance: Number(r.balance) });
        first = false;
      }
      yield out;
      lastId = rows[rows.length - 1]!.id;
    }
    // The store's people (and those of every store; storeId null: everyone's), deactivated ones too: a
    // register that missed their feed changes (history pruned, HQ restored) must still stop them signing in.
    let people = trx.selectFrom('users').select(['id', 'name', 'role', 'pin_hash', 'active', 'store_id']).orderBy('id');
    if (storeId !== null) people = people.where((eb) => eb.or([eb('store_id', 'is', null), eb('store_id', '=', storeId)]));
    yield `],"users":${JSON.stringify((await people.execute()).map(feedUserOf))},"products":[`;
    let lastSku: string | null = null;
    first = true;
    for (;;) {
      let query = trx.selectFrom('products').select(['sku', 'barcodes', 'name', 'price', 'tax_class', 'price_by_label']);
      if (lastSku !== null) query = query.where('sku', '>', lastSku);
      const rows = await query.orderBy('sku').limit(PAGE).execute();
      if (rows.length === 0) break;
      let out = '';
      for (const r of rows) {
        // barcodes is stored as JSON text already.
        const mark = Number(r.price_by_label) === 1 ? ',"priceByLabel":true' : '';
        out += `${first ? '' : ','}{"sku":${JSON.stringify(r.sku)},"barcodes":${r.barcodes},"name":${JSON.stringify(r.name)},"price":${Number(r.price)},"taxClass":${JSON.stringify(r.tax_class)}${mark}}`;
        first = false;
      }
      yield out;
      lastSku = rows[rows.length - 1]!.sku;
    }
    yield ']}';
    done = true;
  } finally {
    if (done) await trx.commit().execute();
    else await trx.rollback().execute();
  }
}
