import type { Kysely } from 'kysely';
import type { Order } from '../../../shared/hq/feed';
import type { OrderLine } from '../../../shared/hq/ops';
import type { HqSchema, OrdersTable } from '../db/schema';

export const MAX_SEARCH_LIMIT = 10_000;

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

  /** Orders across registers and stores, newest `createdAt` first. */
  async search(filter: { number?: string | undefined; registerId?: string | undefined; limit: number }): Promise<Order[]> {
    let query = this.read.selectFrom('orders').selectAll();
    if (filter.number !== undefined) query = query.where('number', '=', filter.number);
    if (filter.registerId !== undefined) query = query.where('register_id', '=', filter.registerId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(orderFromRow);
  }

  async count(): Promise<number> {
    const row = await this.read.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
