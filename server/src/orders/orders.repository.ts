import type { Kysely } from 'kysely';
import type { Order } from '../../../shared/hq/feed';
import type { OrderLine } from '../../../shared/hq/ops';
import type { HqSchema, OrdersTable } from '../db/schema';

export const MAX_SEARCH_LIMIT = 10_000;

export interface OrderSearchFilter {
  number?: string | undefined;
  registerId?: string | undefined;
  id?: string | undefined;
  originalOrderId?: string | undefined;
  kind?: 'sale' | 'refund' | undefined;
  memberId?: string | undefined;
  /** ISO 8601 times, compared with the register's createdAt. */
  from?: string | undefined;
  to?: string | undefined;
  amount?: number | undefined;
  tender?: 'cash' | 'card' | 'points' | undefined;
  limit: number;
}

export function orderFromRow(row: OrdersTable): Order {
  return {
    id: row.id,
    number: row.number,
    registerId: row.register_id,
    storeId: row.store_id,
    kind: row.kind,
    total: Number(row.total),
    currency: row.currency,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    lines: JSON.parse(row.lines) as OrderLine[],
    originalOrderId: row.original_order_id,
  };
}

export class OrdersRepository {
  constructor(private readonly read: Kysely<HqSchema>) {}

  /** Orders across registers and stores, newest `createdAt` first. Every filter is optional; `amount` matches the total's absolute value. */
  async search(filter: OrderSearchFilter): Promise<Order[]> {
    let query = this.read.selectFrom('orders').selectAll();
    if (filter.number !== undefined) query = query.where('number', '=', filter.number);
    if (filter.registerId !== undefined) query = query.where('register_id', '=', filter.registerId);
    if (filter.id !== undefined) query = query.where('id', '=', filter.id);
    if (filter.originalOrderId !== undefined) query = query.where('original_order_id', '=', filter.originalOrderId);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (filter.memberId !== undefined) query = query.where('member_id', '=', filter.memberId);
    if (filter.from !== undefined) query = query.where('created_at', '>=', Date.parse(filter.from));
    if (filter.to !== undefined) query = query.where('created_at', '<=', Date.parse(filter.to));
    if (filter.amount !== undefined) {
      const amount = filter.amount;
      query = query.where((eb) => eb.or([eb('total', '=', amount), eb('total', '=', -amount)]));
    }
    if (filter.tender !== undefined) {
      const tender = filter.tender;
      query = query.where((eb) => eb.exists(eb.selectFrom('payments').select('payments.id').whereRef('payments.order_id', '=', 'orders.id').where('payments.tender', '=', tender)));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(orderFromRow);
  }

  async count(): Promise<number> {
    const row = await this.read.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
