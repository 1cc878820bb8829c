/**
 * The console's takings (takings_daily), rewritten per register and UTC day from the orders and payments
 * in the transaction that changes that day's money: a push of payments, a card taken offline settled or
 * declined, an authorisation declined or voided. A register's day is at most a few thousand orders, so
 * rewriting it whole costs milliseconds and cannot drift the way adding and subtracting could.
 *
 * Two transactions changing the same register's day on PostgreSQL take its lock in turn (an advisory lock
 * until commit): the second one rewrites the day after the first committed, from a statement that sees
 * both (READ COMMITTED), so neither's money is lost. SQLite runs one write at a time.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../db/database';
import type { HqSchema } from '../db/schema';
import { DAY_MS, MOVED_MONEY } from './money';

const IDS_PER_QUERY = 500;

/** Rewrites the days of these orders' registers (orders HQ does not hold are skipped). */
export async function refreshTakings(db: Kysely<HqSchema>, dialect: DialectName, orderIds: readonly string[]): Promise<void> {
  const unique = [...new Set(orderIds)];
  const buckets = new Map<string, { storeId: string; registerId: string; day: number }>();
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    const { rows } = await sql<{ store_id: string; register_id: string; day: number }>`
      SELECT DISTINCT store_id, register_id, created_at / ${sql.lit(DAY_MS)} AS day FROM orders WHERE id IN (${sql.join(unique.slice(i, i + IDS_PER_QUERY))})`.execute(db);
    for (const r of rows) buckets.set(`${r.register_id} ${Number(r.day)}`, { storeId: r.store_id, registerId: r.register_id, day: Number(r.day) });
  }
  // Always in the same order, so two transactions never wait for each other's second day.
  for (const key of [...buckets.keys()].sort()) {
    const { storeId, registerId, day } = buckets.get(key)!;
    if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(${`takings ${key}`}))`.execute(db);
    await db.deleteFrom('takings_daily').where('store_id', '=', storeId).where('day', '=', day).where('register_id', '=', registerId).execute();
    // The register's orders of the day through orders_by_register, each with its payments and card outcomes.
    await sql`
      INSERT INTO takings_daily (store_id, day, register_id, tender, currency, sales, refunds, orders)
      SELECT o.store_id, o.created_at / ${sql.lit(DAY_MS)}, o.register_id, p.tender, o.currency,
             SUM(CASE WHEN o.kind = 'sale' THEN p.amount ELSE 0 END), SUM(CASE WHEN o.kind = 'refund' THEN -p.amount ELSE 0 END), COUNT(DISTINCT o.id)
      FROM orders o
      JOIN payments p ON p.order_id = o.id
      LEFT JOIN card_authorizations ca ON ca.payment_id = p.id
      LEFT JOIN offline_card_payments oc ON oc.id = p.id
      WHERE o.register_id = ${registerId} AND o.created_at >= ${day * DAY_MS} AND o.created_at < ${(day + 1) * DAY_MS} AND ${MOVED_MONEY}
      GROUP BY o.store_id, o.created_at / ${sql.lit(DAY_MS)}, o.register_id, p.tender, o.currency`.execute(db);
  }
}

/** The same for the orders of these payments (a card's outcome changed). */
export async function refreshTakingsOfPayments(db: Kysely<HqSchema>, dialect: DialectName, paymentIds: readonly string[]): Promise<void> {
  const orderIds: string[] = [];
  const unique = [...new Set(paymentIds)];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    for (const r of await db.selectFrom('payments').select('order_id').where('id', 'in', unique.slice(i, i + IDS_PER_QUERY)).execute()) orderIds.push(r.order_id);
  }
  if (orderIds.length > 0) await refreshTakings(db, dialect, orderIds);
}
