/**
 * The console's money reports: takings per store, register, UTC day and tender; refunds; card payments
 * taken offline with their settlement; drawer sessions with their variance. Each reads only the stores the
 * caller may see (`stores` null: every store) and only the days asked for, through the indexes of
 * migration 013, so a chain of millions of orders answers a store's month as fast as a small shop's.
 */
import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { CashSessionRowSchema, OfflineCardRowSchema, RefundRowSchema, TakingsRowSchema } from '../../../shared/hq/console';
import { CashReport } from '../cash/cash.report';
import type { HqSchema } from '../db/schema';
import { HqError } from '../http/errors';

export const DAY_MS = 86_400_000;
/** The longest span a money report covers: a year. */
export const MAX_REPORT_DAYS = 366;
/** The rows a JSON list answers at most (newest first); the CSV export has them all. */
export const LIST_LIMIT = 5_000;

export type TakingsRow = z.infer<typeof TakingsRowSchema>;
export type RefundRow = z.infer<typeof RefundRowSchema>;
export type OfflineCardRow = z.infer<typeof OfflineCardRowSchema>;
export type CashSessionRow = z.infer<typeof CashSessionRowSchema>;

/** What a report covers: [start, end) in ms, the stores (null: every store) and optionally one register. */
export interface ReportScope {
  start: number;
  end: number;
  stores: string[] | null;
  registerId?: string | undefined;
}

/** Days `from`..`to` (inclusive, UTC) as [start, end) in milliseconds; a span longer than `maxDays` is refused. */
export function dayRange(from: string, to: string, maxDays = MAX_REPORT_DAYS): { start: number; end: number } {
  const start = Date.parse(`${from}T00:00:00.000Z`);
  const end = Date.parse(`${to}T00:00:00.000Z`) + DAY_MS;
  if (Number.isNaN(start) || Number.isNaN(end)) throw new HqError(400, 'INVALID_DAY', `"${Number.isNaN(start) ? from : to}" is not a day of the calendar. Give days as YYYY-MM-DD.`);
  if (end <= start) throw new HqError(400, 'INVALID_RANGE', '"from" must not be after "to".');
  if ((end - start) / DAY_MS > maxDays) throw new HqError(400, 'RANGE_TOO_LONG', `A report covers at most ${maxDays} days; ask for a shorter span of days.`);
  return { start, end };
}

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(Number(ms)).toISOString();

/**
 * The payments that moved money: the register recorded them as taken (approved, or a card stored to be
 * sent later), and what HQ learnt of the card since does not say otherwise (an authorisation declined or
 * voided, an offline card payment the acquirer declined at settlement). Pending offline card payments
 * count: the customer left with the goods, and the store follows up those later declined.
 */
export const MOVED_MONEY = sql`p.status IN ('approved', 'stored')
  AND (ca.status IS NULL OR (ca.status NOT IN ('declined', 'voided') AND ca.void_requested_at IS NULL))
  AND (oc.status IS NULL OR oc.status <> 'declined')`;

/**
 * Takings per store, register, UTC day and tender: the payments of sales, of refunds (positive: the money
 * given back) and the net, with the number of orders paid (partly) by that tender. Read from takings_daily,
 * which HQ rewrites for a register's day whenever its money changes (takings-rollup.ts): a chain's week is
 * thousands of rows there instead of hundreds of thousands of orders with their payments.
 */
export async function takings(db: Kysely<HqSchema>, scope: ReportScope, by: 'register' | 'store' = 'register'): Promise<TakingsRow[]> {
  const rows = await db
    .selectFrom('takings_daily')
    .select((eb) => ['day', 'store_id', 'tender', 'currency', eb.fn.sum<number>('sales').as('sales'), eb.fn.sum<number>('refunds').as('refunds'), eb.fn.sum<number>('orders').as('orders')])
    .$if(by === 'register', (q) => q.select('register_id').groupBy('register_id'))
    .where('day', '>=', Math.floor(scope.start / DAY_MS))
    .where('day', '<', Math.ceil(scope.end / DAY_MS))
    .$if(scope.stores !== null, (q) => q.where('store_id', 'in', scope.stores!.length === 0 ? [''] : scope.stores!))
    .$if(scope.registerId !== undefined, (q) => q.where('register_id', '=', scope.registerId!))
    .groupBy(['day', 'store_id', 'tender', 'currency'])
    .orderBy('day')
    .orderBy('store_id')
    .$if(by === 'register', (q) => q.orderBy('register_id'))
    .orderBy('tender')
    .orderBy('currency')
    .execute();
  return rows.map((r) => {
    const sales = Number(r.sales);
    const refunds = Number(r.refunds);
    const registerId = by === 'register' ? (r as { register_id?: string }).register_id! : null;
    return { day: isoDay(Number(r.day) * DAY_MS), storeId: r.store_id, registerId, tender: r.tender as TakingsRow['tender'], currency: r.currency, sales, refunds, net: sales - refunds, orders: Number(r.orders) };
  });
}

/** Refunds made in the days, newest first; `total` is the amount given back, positive. */
export async function refunds(db: Kysely<HqSchema>, scope: ReportScope, limit: number | null = LIST_LIMIT): Promise<RefundRow[]> {
  let query = db
    .selectFrom('orders')
    .select(['id', 'number', 'store_id', 'register_id', 'cashier_id', 'original_order_id', 'total', 'currency', 'created_at'])
    .where('kind', '=', 'refund')
    .where('created_at', '>=', scope.start)
    .where('created_at', '<', scope.end)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  if (scope.stores !== null) query = query.where('store_id', 'in', scope.stores.length === 0 ? [''] : scope.stores);
  if (scope.registerId !== undefined) query = query.where('register_id', '=', scope.registerId);
  if (limit !== null) query = query.limit(limit);
  return (await query.execute()).map((r) => ({
    id: r.id,
    number: r.number,
    storeId: r.store_id,
    registerId: r.register_id,
    cashierId: r.cashier_id,
    originalOrderId: r.original_order_id,
    total: -Number(r.total),
    currency: r.currency,
    createdAt: iso(r.created_at),
  }));
}

/** Card payments taken offline in the days (by capture time), newest first, with their sale's number and cashier. */
export async function offlineCards(db: Kysely<HqSchema>, scope: ReportScope & { status?: OfflineCardRow['status'] | undefined }, limit: number | null = LIST_LIMIT): Promise<OfflineCardRow[]> {
  let query = db
    .selectFrom('offline_card_payments as oc')
    .leftJoin('orders as o', 'o.id', 'oc.order_id')
    .select(['oc.id', 'oc.order_id', 'o.number', 'oc.store_id', 'oc.register_id', 'o.cashier_id', 'oc.amount', 'oc.currency', 'oc.last4', 'oc.status', 'oc.reason', 'oc.captured_at'])
    .where('oc.captured_at', '>=', scope.start)
    .where('oc.captured_at', '<', scope.end)
    .orderBy('oc.captured_at', 'desc')
    .orderBy('oc.id', 'desc');
  if (scope.stores !== null) query = query.where('oc.store_id', 'in', scope.stores.length === 0 ? [''] : scope.stores);
  if (scope.registerId !== undefined) query = query.where('oc.register_id', '=', scope.registerId);
  if (scope.status !== undefined) query = query.where('oc.status', '=', scope.status);
  if (limit !== null) query = query.limit(limit);
  return (await query.execute()).map((r) => ({
    id: r.id,
    orderId: r.order_id,
    orderNumber: r.number,
    storeId: r.store_id,
    registerId: r.register_id,
    cashierId: r.cashier_id,
    amount: Number(r.amount),
    currency: r.currency,
    last4: r.last4,
    status: r.status,
    reason: r.reason,
    capturedAt: iso(r.captured_at),
  }));
}

/** Drawer sessions opened in the days, oldest first, with the cash report's expected amount and variance. */
export async function cashSessions(db: Kysely<HqSchema>, scope: ReportScope): Promise<CashSessionRow[]> {
  if (scope.stores !== null && scope.stores.length === 0) return [];
  const sessions = await new CashReport(db).list({ from: iso(scope.start), to: iso(scope.end), registerId: scope.registerId, movements: 'false' }, { stores: scope.stores });
  return sessions.map((s) => ({
    id: s.id,
    storeId: s.storeId,
    registerId: s.registerId,
    currency: s.currency,
    openedAt: s.openedAt,
    closedAt: s.closedAt,
    float: s.float,
    expected: s.expected,
    counted: s.counted,
    variance: s.variance,
    note: s.note,
    reconciled: s.reconciled,
  }));
}
