import type { Kysely } from 'kysely';
import type { Charge, ChargesQuery } from '../../../shared/hq/payments';
import type { HqSchema } from '../db/schema';
import type { CardGateway } from './gateway';

/** Bound parameters per lookup, well under SQLite's and PostgreSQL's limits. */
const REFERENCES_PER_QUERY = 5_000;

/**
 * What the card acquirer moved, as `GET /admin/charges` shows it: the gateway's own ledger (not HQ's
 * record of what it asked for), each movement named by the HQ order whose payment it is.
 */
export class ChargesReport {
  constructor(
    private readonly gateway: CardGateway,
    private readonly read: Kysely<HqSchema>,
  ) {}

  /** Oldest first; `orderNumber` keeps the movements whose reference is one of that order's payments. */
  async list(query: ChargesQuery): Promise<Charge[]> {
    let references: string[] | undefined;
    if (query.orderNumber !== undefined) {
      const rows = await this.read.selectFrom('payments').innerJoin('orders', 'orders.id', 'payments.order_id').select('payments.id').where('orders.number', '=', query.orderNumber).execute();
      references = rows.map((r) => r.id);
      if (references.length === 0) return [];
    }
    const movements = await this.gateway.movements({ last4: query.last4, references });
    const numbers = await this.orderNumbers([...new Set(movements.map((m) => m.reference))]);
    return movements.map((m) => ({ kind: m.kind, amount: m.amount, last4: m.last4, orderNumber: numbers.get(m.reference) ?? null, at: new Date(m.at).toISOString() }));
  }

  /** The number of the order each payment id belongs to (ids no uploaded order has are left out). */
  private async orderNumbers(paymentIds: readonly string[]): Promise<Map<string, string>> {
    const numbers = new Map<string, string>();
    for (let i = 0; i < paymentIds.length; i += REFERENCES_PER_QUERY) {
      const part = paymentIds.slice(i, i + REFERENCES_PER_QUERY);
      const rows = await this.read.selectFrom('payments').innerJoin('orders', 'orders.id', 'payments.order_id').select(['payments.id', 'orders.number']).where('payments.id', 'in', part).execute();
      for (const row of rows) numbers.set(row.id, row.number);
    }
    return numbers;
  }
}
