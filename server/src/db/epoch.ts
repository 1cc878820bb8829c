/**
 * HQ's epoch: a random id made with the database (migration 005) and replaced after the database is
 * restored from a backup. HQ sends it with its sync answers; a register that sees a new one reloads HQ's
 * data from a snapshot and uploads again what HQ acknowledged lately (see docs/hq-restore.md).
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HqSchema } from './schema';

export async function readEpoch(db: Kysely<HqSchema>): Promise<string> {
  const row = await db.selectFrom('hq_meta').select('epoch').where('id', '=', 1).executeTakeFirst();
  if (!row) throw new Error('HQ\'s database has no epoch (table hq_meta is empty). Run `npm run hq:restored` to give it one, then start HQ again.');
  return row.epoch;
}

/** Gives the database a new epoch (after a restore); returns the old and the new one. */
export async function renewEpoch(db: Kysely<HqSchema>, now = Date.now()): Promise<{ previous: string | null; epoch: string }> {
  const epoch = crypto.randomUUID();
  return db.transaction().execute(async (trx) => {
    const previous = (await trx.selectFrom('hq_meta').select('epoch').where('id', '=', 1).executeTakeFirst())?.epoch ?? null;
    await trx
      .insertInto('hq_meta')
      .values({ id: 1, epoch, epoch_since: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ epoch, epoch_since: now }))
      .execute();
    return { previous, epoch };
  });
}
