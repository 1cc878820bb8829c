import type { Statement } from 'better-sqlite3';
import type { OrderSummary } from '../../../shared/modules/orders.api';
import { isTender, type Tender } from '../../../shared/tender';
import type { KassaDatabase } from '../../db/open';
import type { SaleLineRow } from '../checkout';


export interface OrderRow {
  id: string;
  number: string;
  sequence: number;
  kind: 'sale' | 'refund';
  total: number;
  currency: string;
  completed_at: number;
  created_at: number;
  cashier_id: string;
  cashier: string | null;
  member_id: string | null;
  original_order_id: string | null;
  original_number: string | null;
  tenders: string | null;
}

export type OrderLineRow = Pick<SaleLineRow, 'sku' | 'name' | 'quantity' | 'unit_price' | 'tax_class' | 'line_total' | 'original_line_index'> & { index: number };

export interface OrderPaymentRow {
  id: string;
  tender: Tender;
  amount: number;
  status: 'approved' | 'stored' | 'declined';
  card_last4: string | null;
  card_token: string | null;
  reference: string | null;
  refund_of: string | null;
  settlement: 'settled' | 'declined' | null;
  created_at: number;
}

export interface LocalSearch {
  from: number | null;
  to: number | null;
  number?: string | undefined;
  sequence?: number | undefined;
  /** Only what was numbered after this sale sequence (the day since the last close). */
  afterSequence?: number | undefined;
  amount?: number | undefined;
  tender?: Tender | undefined;
  memberId?: string | undefined;
  cashierId?: string | undefined;
  limit: number;
}

export interface RefundReservationRow {
  id: string;
  original_order_id: string;
  amount: number;
  /** JSON: what is needed to finish the refund (its lines, card refunds, cashier, reason, approval). */
  draft: string;
  created_at: number;
}

const SUMMARY_COLUMNS = `s.id, s.number, s.sequence, s.kind, s.total, s.currency, s.completed_at, s.created_at, s.cashier_id, u.name AS cashier, s.member_id,
  s.original_order_id, s.original_number,
  (SELECT group_concat(DISTINCT p.tender) FROM payments p WHERE p.sale_id = s.id AND p.status <> 'declined') AS tenders`;

/**
 * Completed orders of this register (sales and refunds), their lines and payments, read; the day's closes
 * and refund reservations. Refunds are written by checkout's ledger.
 */
export class OrdersRepository {
  private readonly searches = new Map<string, Statement<Record<string, unknown>, OrderRow>>();
  private readonly byId;
  private readonly lineRows;
  private readonly paymentRows;
  private readonly refundsOf;
  private readonly refundedPerLine;
  private readonly storedRefunds;
  private readonly lastClose;
  private readonly insertClose;
  private readonly totals;
  private readonly lastSequence;
  private readonly tenderTotals;
  private readonly outstandingCards;
  private readonly reservationsOf;
  private readonly allReservations;
  private readonly insertReservation;
  private readonly deleteReservation;
  private readonly returnedPerLine;
  private readonly returnedMoney;

  constructor(private readonly db: KassaDatabase) {
    this.byId = db.prepare<[string], OrderRow>(`SELECT ${SUMMARY_COLUMNS} FROM sales s LEFT JOIN users u ON u.id = s.cashier_id WHERE s.id = ? AND s.status = 'completed'`);
    this.lineRows = db.prepare<[string], Omit<OrderLineRow, 'index'>>(
      'SELECT sku, name, quantity, unit_price, tax_class, line_total, original_line_index FROM sale_lines WHERE sale_id = ? ORDER BY position',
    );
    this.paymentRows = db.prepare<[string], OrderPaymentRow>(
      'SELECT id, tender, amount, status, card_last4, card_token, reference, refund_of, settlement, created_at FROM payments WHERE sale_id = ? ORDER BY created_at, id',
    );
    this.refundsOf = db.prepare<[string], OrderRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM sales s LEFT JOIN users u ON u.id = s.cashier_id WHERE s.original_order_id = ? AND s.status = 'completed' ORDER BY s.sequence`,
    );
    this.refundedPerLine = db.prepare<[string], { idx: number; quantity: number }>(
      `SELECT l.original_line_index AS idx, -sum(l.quantity) AS quantity FROM sale_lines l JOIN sales s ON s.id = l.sale_id
       WHERE s.original_order_id = ? AND s.status = 'completed' AND l.original_line_index IS NOT NULL GROUP BY l.original_line_index`,
    );
    // Returned items of an order in this register's sales: completed ones, and carts still open or held.
    this.returnedPerLine = db.prepare<[string], { idx: number; quantity: number }>(
      `SELECT l.original_line_index AS idx, -sum(l.quantity) AS quantity FROM sale_lines l JOIN sales s ON s.id = l.sale_id
       WHERE l.return_order_id = ? AND s.status IN ('open', 'completed') GROUP BY l.original_line_index`,
    );
    this.returnedMoney = db.prepare<[string], { amount: number }>(
      `SELECT coalesce(-sum(l.line_total), 0) AS amount FROM sale_lines l JOIN sales s ON s.id = l.sale_id
       WHERE l.return_order_id = ? AND s.status IN ('open', 'completed')`,
    );
    this.storedRefunds = db.prepare<[], OrderPaymentRow & { currency: string }>(
      `SELECT p.id, p.tender, p.amount, p.status, p.card_last4, p.card_token, p.reference, p.refund_of, p.settlement, p.created_at, s.currency
       FROM payments p JOIN sales s ON s.id = p.sale_id WHERE s.kind = 'refund' AND p.tender = 'card' AND p.status = 'stored' AND p.settlement IS NULL ORDER BY p.created_at`,
    );
    // The latest close is the one covering the highest sale sequence (the wall clock may have been set back since).
    this.lastClose = db.prepare<[], { closed_at: number; closed_by: string; unsynced_operations: number; manager_confirmed: number; report: string; last_sequence: number }>(
      'SELECT closed_at, closed_by, unsynced_operations, manager_confirmed, report, coalesce(last_sequence, 0) AS last_sequence FROM day_closes ORDER BY last_sequence DESC, rowid DESC LIMIT 1',
    );
    this.insertClose = db.prepare(
      'INSERT INTO day_closes (id, closed_at, closed_by, unsynced_operations, manager_confirmed, report, last_sequence) VALUES (@id, @closedAt, @closedBy, @unsynced, @confirmed, @report, @lastSequence)',
    );
    this.lastSequence = db.prepare<[], { last: number }>('SELECT last FROM register_sequence WHERE singleton = 1');
    // A day is the sales and refunds numbered after the previous close, up to the close: the register's
    // own gap-free sequence, never a comparison of wall-clock times.
    this.totals = db.prepare<[{ after: number; upTo: number }], { kind: 'sale' | 'refund'; n: number; total: number; first: number | null }>(
      `SELECT kind, count(*) AS n, coalesce(sum(total), 0) AS total, min(completed_at) AS first FROM sales
       WHERE status = 'completed' AND sequence > @after AND sequence <= @upTo GROUP BY kind`,
    );
    this.tenderTotals = db.prepare<[{ after: number; upTo: number }], { tender: Tender; inflow: number; outflow: number }>(
      `SELECT p.tender AS tender, coalesce(sum(CASE WHEN p.amount > 0 THEN p.amount END), 0) AS inflow, coalesce(sum(CASE WHEN p.amount < 0 THEN p.amount END), 0) AS outflow
       FROM payments p JOIN sales s ON s.id = p.sale_id
       WHERE s.status = 'completed' AND s.sequence > @after AND s.sequence <= @upTo AND p.status <> 'declined' AND coalesce(p.settlement, '') <> 'declined'
       GROUP BY p.tender ORDER BY p.tender`,
    );
    this.outstandingCards = db.prepare<[], { total: number }>(
      "SELECT coalesce(sum(p.amount), 0) AS total FROM payments p JOIN sales s ON s.id = p.sale_id WHERE p.status = 'stored' AND p.settlement IS NULL AND p.amount > 0 AND s.status = 'completed'",
    );
    this.reservationsOf = db.prepare<[string], RefundReservationRow>('SELECT id, original_order_id, amount, draft, created_at FROM refund_reservations WHERE original_order_id = ? ORDER BY created_at, id');
    this.allReservations = db.prepare<[], RefundReservationRow>('SELECT id, original_order_id, amount, draft, created_at FROM refund_reservations ORDER BY created_at, id');
    this.insertReservation = db.prepare<[RefundReservationRow]>(
      'INSERT INTO refund_reservations (id, original_order_id, amount, draft, created_at) VALUES (@id, @original_order_id, @amount, @draft, @created_at)',
    );
    this.deleteReservation = db.prepare<[string]>('DELETE FROM refund_reservations WHERE id = ?');
  }

  /** Orders newest first; one prepared statement per combination of filters, so each can use its index. */
  search(filter: LocalSearch): OrderRow[] {
    const where = ["s.status = 'completed'"];
    const params: Record<string, unknown> = { limit: filter.limit };
    const add = (key: string, clause: string, value: unknown) => {
      if (value === undefined || value === null) return;
      where.push(clause);
      params[key] = value;
    };
    add('from', 's.completed_at >= @from', filter.from);
    add('to', 's.completed_at <= @to', filter.to);
    add('number', 's.number = @number', filter.number);
    add('sequence', 's.sequence = @sequence', filter.sequence);
    add('afterSequence', 's.sequence > @afterSequence', filter.afterSequence);
    add('amount', 'abs(s.total) = @amount', filter.amount);
    add('tender', "EXISTS (SELECT 1 FROM payments p WHERE p.sale_id = s.id AND p.tender = @tender AND p.status <> 'declined')", filter.tender);
    add('memberId', 's.member_id = @memberId', filter.memberId);
    add('cashierId', 's.cashier_id = @cashierId', filter.cashierId);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM sales s LEFT JOIN users u ON u.id = s.cashier_id WHERE ${where.join(' AND ')} ORDER BY s.completed_at DESC LIMIT @limit`;
    let statement = this.searches.get(sql);
    if (!statement) {
      statement = this.db.prepare<Record<string, unknown>, OrderRow>(sql);
      this.searches.set(sql, statement);
    }
    return statement.all(params);
  }

  get(id: string): OrderRow | undefined {
    return this.byId.get(id);
  }

  lines(id: string): OrderLineRow[] {
    return this.lineRows.all(id).map((line, index) => ({ ...line, index }));
  }

  payments(id: string): OrderPaymentRow[] {
    return this.paymentRows.all(id);
  }

  refunds(originalId: string): OrderRow[] {
    return this.refundsOf.all(originalId);
  }

  /** Quantity refunded so far per original line index, by this register's refunds. */
  refundedQuantities(originalId: string): Map<number, number> {
    return new Map(this.refundedPerLine.all(originalId).map((r) => [r.idx, r.quantity]));
  }

  /**
   * What of an order came back as returned items in this register's sales (completed, or in a cart still
   * open or held): quantity per original line index, and the money they give back.
   */
  returnedInSales(originalId: string): { quantities: Map<number, number>; money: number } {
    return { quantities: new Map(this.returnedPerLine.all(originalId).map((r) => [r.idx, r.quantity])), money: this.returnedMoney.get(originalId)!.amount };
  }

  /** Card refunds taken offline and not yet sent to the card acquirer through HQ. */
  pendingCardRefunds(): (OrderPaymentRow & { currency: string })[] {
    return this.storedRefunds.all();
  }

  lastDayClose() {
    return this.lastClose.get();
  }

  recordDayClose(close: { id: string; closedAt: number; closedBy: string; unsynced: number; confirmed: boolean; report: string; lastSequence: number }): void {
    this.insertClose.run({ ...close, confirmed: close.confirmed ? 1 : 0 });
  }

  /** The sequence of the register's latest completed sale or refund. */
  currentSequence(): number {
    return this.lastSequence.get()!.last;
  }

  /** Totals of the sales and refunds numbered after `after`, up to `upTo` (sale sequences). */
  dayTotals(after: number, upTo: number) {
    return { orders: this.totals.all({ after, upTo }), tenders: this.tenderTotals.all({ after, upTo }) };
  }

  /** Card payments of sales taken offline and not yet settled (refunds excluded). */
  offlineCardOutstanding(): number {
    return this.outstandingCards.get()!.total;
  }

  /** Refunds being made for an order: their lines and amount count as refunded until written or released. */
  reservations(originalId: string): RefundReservationRow[] {
    return this.reservationsOf.all(originalId);
  }

  /** Every refund still reserved (one a stopped register left is finished from here). */
  allRefundReservations(): RefundReservationRow[] {
    return this.allReservations.all();
  }

  /** Reserves a refund; runs inside the transaction that re-checks what remains refundable. */
  reserve(reservation: RefundReservationRow): void {
    this.insertReservation.run(reservation);
  }

  /** Removes a reservation: the refund was written, or nothing of it was paid out. */
  release(id: string): boolean {
    return this.deleteReservation.run(id).changes === 1;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

export function tendersOf(row: Pick<OrderRow, 'tenders'>): OrderSummary['tenders'] {
  return (row.tenders ?? '').split(',').filter(isTender);
}
