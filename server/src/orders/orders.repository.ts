import type { Kysely } from 'kysely';
import type { Order, OrderPayment, OrderWithPayments } from '../../../shared/hq/feed';
import type { OrderLine } from '../../../shared/hq/ops';
import type { HqSchema, OrdersTable } from '../db/schema';

export { MAX_SEARCH_LIMIT } from '../../../shared/hq/routes';

export interface OrderSearchFilter {
  /** The caller's store (a register's); null or absent: every store (an admin). */
  storeId?: string | null | undefined;
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

  /** Orders across registers (of one store, or all stores), newest `createdAt` first. Every filter is optional; `amount` matches the total's absolute value. */
  async search(filter: OrderSearchFilter): Promise<OrderWithPayments[]> {
    let query = this.read.selectFrom('orders').selectAll();
    if (filter.storeId) query = query.where('store_id', '=', filter.storeId);
    if (filter.number !== undefined) query = query.where('number', '=', filter.number);
    if (filter.registerId !== undefined) query = query.where('register_id', '=', filter.registerId);
    if (filter.id !== undefined) query = query.where('id', '=', filter.id);
    if (filter.originalOrderId !== undefined) {
      // Its refunds, and the sales that took items of it back (exchanges).
      const original = filter.originalOrderId;
      query = query.where((eb) =>
        eb.or([eb('original_order_id', '=', original), eb('id', 'in', eb.selectFrom('order_returns').select('order_returns.order_id').where('order_returns.original_order_id', '=', original))]),
      );
    }
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
    const payments = await this.paymentsOf(rows.map((r) => r.id));
    return rows.map((row) => ({ ...orderFromRow(row), payments: payments.get(row.id) ?? [] }));
  }

  /** The payments of these orders in one query, each in the order taken; a card's last4 and status come from its authorisation or offline settlement. */
  private async paymentsOf(orderIds: readonly string[]): Promise<Map<string, OrderPayment[]>> {
    const byOrder = new Map<string, OrderPayment[]>();
    if (orderIds.length === 0) return byOrder;
    const rows = await this.read
      .selectFrom('payments')
      .leftJoin('card_authorizations as live', 'live.payment_id', 'payments.id')
      .leftJoin('offline_card_payments as offline', 'offline.id', 'payments.id')
      .select(['payments.order_id', 'payments.tender', 'payments.amount', 'payments.status', 'live.last4 as live_last4', 'live.status as live_status', 'offline.last4 as offline_last4', 'offline.status as offline_status'])
      .where('payments.order_id', 'in', [...orderIds])
      .orderBy('payments.created_at')
      .orderBy('payments.id')
      .execute();
    for (const row of rows) {
      const tender = row.tender as OrderPayment['tender'];
      const payment: OrderPayment = { tender, amount: Number(row.amount), status: row.status as OrderPayment['status'] };
      if (tender === 'card') {
        // What HQ knows of the card money is newer than the status the register recorded when it took it.
        payment.status = row.live_status ?? row.offline_status ?? payment.status;
        const last4 = row.live_last4 ?? row.offline_last4;
        if (last4) payment.last4 = last4;
      }
      const list = byOrder.get(row.order_id);
      if (list) list.push(payment);
      else byOrder.set(row.order_id, [payment]);
    }
    return byOrder;
  }

  async count(): Promise<number> {
    const row = await this.read.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
