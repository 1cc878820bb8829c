import type { Kysely } from 'kysely';
import type { ConsoleRegister } from '../../../shared/hq/console';
import type { HqSchema } from '../db/schema';

const iso = (ms: number | string | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * The console's view of registers: each register with its latest status report (all report fields null
 * before its first). `storeIds` null: every store (an owner); otherwise only registers of those stores.
 * Ordered by store, then register code.
 */
export async function registerViews(db: Kysely<HqSchema>, { storeIds, registerId }: { storeIds: string[] | null; registerId?: string }): Promise<ConsoleRegister[]> {
  if (storeIds !== null && storeIds.length === 0) return [];
  let query = db
    .selectFrom('registers as r')
    .leftJoin('register_status as s', 's.register_id', 'r.id')
    .select([
      'r.id',
      'r.store_id',
      'r.code',
      'r.name',
      'r.enrolled_at',
      'r.last_seen_at',
      'r.revoked_at',
      's.state',
      's.reasons',
      's.user_name',
      's.since',
      's.version',
      's.backlog',
      's.oldest_pending_at',
      's.dead_letters',
      's.reported_at',
    ])
    .orderBy('r.store_id')
    .orderBy('r.code');
  if (storeIds !== null) query = query.where('r.store_id', 'in', storeIds);
  if (registerId !== undefined) query = query.where('r.id', '=', registerId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    storeId: r.store_id,
    code: r.code,
    name: r.name,
    enrolledAt: iso(r.enrolled_at)!,
    lastSeenAt: iso(r.last_seen_at),
    revokedAt: iso(r.revoked_at),
    version: r.version ?? null,
    state: r.state ?? null,
    reasons: r.reasons ? (JSON.parse(r.reasons) as string[]) : [],
    switchedBy: r.user_name ?? null,
    stateSince: iso(r.since ?? null),
    backlog: r.backlog === null || r.backlog === undefined ? null : Number(r.backlog),
    oldestPendingAt: iso(r.oldest_pending_at ?? null),
    deadLetters: r.dead_letters === null || r.dead_letters === undefined ? null : Number(r.dead_letters),
    reportedAt: iso(r.reported_at ?? null),
  }));
}
