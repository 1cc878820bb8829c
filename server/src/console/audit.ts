/**
 * The console's audit log: every change made in the console is written in the transaction that makes it,
 * with who (the signed-in user), what (an action and its target), which store, what changed (never a PIN
 * or a password: callers pass only what may be shown) and from where (the client's address).
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { HqSchema } from '../db/schema';
import type { WriteTx } from '../db/writer';

export interface AuditEntry {
  action: string;
  target?: string | null;
  storeId?: string | null;
  detail?: Record<string, unknown>;
}

/** Writes one entry of a request inside the change's own transaction, so a change and its entry commit together. */
export async function recordAudit(tx: WriteTx, request: FastifyRequest, entry: AuditEntry, who?: { id: string; email: string }): Promise<void> {
  await writeAudit(tx, entry, who ?? (request.caller?.kind === 'console' ? request.caller.user : null), request.ip);
}

/** The same for a change no request made (the first owner from HQ's environment at start-up). */
export async function writeAudit(tx: WriteTx, entry: AuditEntry, who: { id: string; email: string } | null, address: string): Promise<void> {
  await tx.trx
    .insertInto('audit_log')
    .values({ id: uuidv7(), at: tx.now, user_id: who?.id ?? null, user_email: who?.email ?? null, action: entry.action, target: entry.target ?? null, store_id: entry.storeId ?? null, detail: JSON.stringify(entry.detail ?? {}), address })
    .execute();
}

/** Newest first; `stores` null: every entry, otherwise only entries of those stores. */
export async function listAudit(db: Kysely<HqSchema>, options: { stores: string[] | null; limit: number; before?: string }) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.stores !== null) query = options.stores.length === 0 ? query.where('store_id', 'in', ['']) : query.where('store_id', 'in', options.stores);
  if (options.before) query = query.where('id', '<', options.before);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, at: new Date(Number(r.at)).toISOString(), userEmail: r.user_email, action: r.action, target: r.target, storeId: r.store_id, detail: JSON.parse(r.detail) as Record<string, unknown>, address: r.address }));
}
