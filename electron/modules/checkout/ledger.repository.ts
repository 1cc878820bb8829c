import type { Cart } from '../../../shared/api';
import type { OfflineCardPaymentPayload, PaymentPayload, SalePayload } from '../../../shared/hq/ops';
import type { MoneyTender, Tender } from '../../../shared/tender';
import type { KassaDatabase } from '../../db/open';

export interface PaymentRow {
  id: string;
  tender: Tender;
  amount: number;
  tendered: number | null;
  status: 'approved' | 'stored' | 'declined';
  reference: string | null;
  card_last4: string | null;
  card_token: string | null;
  upload_deadline: number | null;
  created_at: number;
}

export interface NewPayment {
  id: string;
  saleId: string;
  /** `points`: loyalty points as tender; `reference` holds the number of points. */
  tender: Tender;
  amount: number;
  tendered: number | null;
  status: 'approved' | 'stored';
  reference: string | null;
  cardLast4: string | null;
  cardToken: string | null;
  uploadDeadline: number | null;
}

/** A card payment the register asked HQ to authorise (no card number: its last four digits). */
export interface CardAttemptRow {
  id: string;
  sale_id: string;
  amount: number;
  currency: string;
  card_last4: string;
  status: 'sent' | 'declined' | 'used' | 'abandoned';
  created_at: number;
}

/** A line of a sale or a refund as the ledger keeps it. */
export interface SaleLineRow {
  id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_price: number;
  tax_class: 'standard' | 'reduced' | 'zero';
  line_total: number;
  return_reason: string | null;
  return_order_id: string | null;
  return_order_number: string | null;
  original_line_index: number | null;
}

/** A refund of a completed order, written whole under the register's next number. */
export interface NewRefund {
  id: string;
  cashierId: string;
  currency: string;
  total: number;
  originalOrderId: string;
  originalNumber: string;
  reason: string;
  approvedBy: string | null;
  memberId: string | null;
  lines: { sku: string; name: string; quantity: number; unitPrice: number; taxClass: 'standard' | 'reduced' | 'zero'; lineTotal: number; originalLineIndex: number }[];
  payments: { id: string; tender: MoneyTender; amount: number; status: 'approved' | 'stored'; reference: string | null; last4: string | null; refundOf: string | null; uploadDeadline: number | null }[];
}

export interface CompletedSaleRecord {
  number: string;
  sequence: number;
  total: number;
  change: number;
  sale: SalePayload;
  payments: PaymentPayload[];
  offlineCards: OfflineCardPaymentPayload[];
}

/**
 * The register's ledger: the only writer of `register_sequence`, `sales`, `sale_lines` and `payments` once
 * a cart is paid for. The open sale's payments and its completion (the gap-free sequence, the number, the
 * change), refunds, card settlements and the member a sale belongs to.
 */
export class LedgerRepository {
  private readonly nextSequence;
  private readonly complete;
  private readonly insertPayment;
  private readonly payments;
  private readonly forgetTokens;
  private readonly lines;
  private readonly linePromotion;
  private readonly salePricing;
  private readonly sale;
  private readonly outstanding;
  private readonly nearestDeadline;
  private readonly declined;
  private readonly declinedCount;
  private readonly insertAttempt;
  private readonly openAttemptOf;
  private readonly setAttempt;
  private readonly unusedAttempts;
  private readonly insertRefundSale;
  private readonly insertRefundLine;
  private readonly insertRefundPayment;
  private readonly settleRefund;
  private readonly settleStored;
  private readonly attachMemberStmt;
  private readonly repointSales;
  private readonly statusCounts;
  private readonly cardTokens;
  private readonly setCardToken;
  private readonly inTransaction: <T>(fn: () => T) => T;

  constructor(db: KassaDatabase) {
    this.inTransaction = (fn) => db.transaction(fn)();
    this.insertAttempt = db.prepare<[{ id: string; saleId: string; amount: number; currency: string; last4: string; now: number }]>(
      "INSERT INTO card_attempts (id, sale_id, amount, currency, card_last4, status, created_at, updated_at) VALUES (@id, @saleId, @amount, @currency, @last4, 'sent', @now, @now)",
    );
    this.openAttemptOf = db.prepare<[string], CardAttemptRow>("SELECT * FROM card_attempts WHERE sale_id = ? AND status = 'sent' ORDER BY created_at DESC, id DESC LIMIT 1");
    this.setAttempt = db.prepare<[string, number, string]>("UPDATE card_attempts SET status = ?, updated_at = ? WHERE id = ? AND status = 'sent'");
    // Unanswered attempts of a sale that is no longer open, or of the given sale, that no payment uses.
    this.unusedAttempts = db.prepare<[string | null], CardAttemptRow>(
      `SELECT a.* FROM card_attempts a JOIN sales s ON s.id = a.sale_id
       WHERE a.status = 'sent' AND (a.sale_id = ? OR s.status <> 'open') AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = a.id)
       ORDER BY a.created_at, a.id`,
    );
    this.nextSequence = db.prepare<[], { last: number }>('UPDATE register_sequence SET last = last + 1 WHERE singleton = 1 RETURNING last');
    this.complete = db.prepare<[number, string, number, number, number, string]>(
      "UPDATE sales SET status = 'completed', sequence = ?, number = ?, total = ?, change_due = ?, completed_at = ? WHERE id = ? AND status = 'open'",
    );
    this.insertPayment = db.prepare<[NewPayment & { now: number }]>(
      `INSERT INTO payments (id, sale_id, tender, amount, tendered, status, reference, card_last4, card_token, upload_deadline, created_at)
       SELECT @id, @saleId, @tender, @amount, @tendered, @status, @reference, @cardLast4, @cardToken, @uploadDeadline, @now
       WHERE EXISTS (SELECT 1 FROM sales WHERE id = @saleId AND status = 'open')`,
    );
    this.payments = db.prepare<[string], PaymentRow>('SELECT * FROM payments WHERE sale_id = ? ORDER BY created_at, id');
    this.forgetTokens = db.prepare<[string]>('UPDATE payments SET card_token = NULL WHERE sale_id = ?');
    this.linePromotion = db.prepare<[{ id: string; saleId: string; lineTotal: number; promotionId: string; promotionName: string; saving: number }]>(
      'UPDATE sale_lines SET line_total = @lineTotal, promotion_id = @promotionId, promotion_name = @promotionName, promotion_saving = @saving WHERE id = @id AND sale_id = @saleId',
    );
    this.salePricing = db.prepare<[string | null, number, string, string]>('UPDATE sales SET sale_discount_name = ?, sale_discount = ?, taxes = ? WHERE id = ?');
    this.lines = db.prepare<[string], SaleLineRow>('SELECT id, sku, name, quantity, unit_price, tax_class, line_total, return_reason, return_order_id, return_order_number, original_line_index FROM sale_lines WHERE sale_id = ? ORDER BY position');
    this.sale = db.prepare<[string], { status: string; number: string | null; total: number; change_due: number; cashier_id: string; currency: string; created_at: number }>(
      'SELECT status, number, total, change_due, cashier_id, currency, created_at FROM sales WHERE id = ?',
    );
    this.outstanding = db.prepare<[], { total: number }>(
      "SELECT coalesce(sum(p.amount), 0) AS total FROM payments p JOIN sales s ON s.id = p.sale_id WHERE p.status = 'stored' AND p.settlement IS NULL AND s.status <> 'voided'",
    );
    this.declined = db.prepare<[], { id: string; number: string | null; amount: number; card_last4: string | null; settlement_reason: string | null; created_at: number }>(
      "SELECT p.id, s.number, p.amount, p.card_last4, p.settlement_reason, p.created_at FROM payments p JOIN sales s ON s.id = p.sale_id WHERE p.status = 'stored' AND p.settlement = 'declined' ORDER BY p.created_at DESC",
    );
    this.declinedCount = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM payments WHERE status = 'stored' AND settlement = 'declined'");
    this.nearestDeadline = db.prepare<[], { deadline: number | null }>(
      "SELECT min(p.upload_deadline) AS deadline FROM payments p WHERE p.status = 'stored' AND EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'offlineCardPayment' AND o.entity_id = p.id)",
    );
    this.insertRefundSale = db.prepare(
      `INSERT INTO sales (id, status, kind, cashier_id, currency, sequence, number, total, created_at, completed_at, original_order_id, original_number, refund_reason, approved_by, member_id)
       VALUES (@id, 'completed', 'refund', @cashierId, @currency, @sequence, @number, @total, @now, @now, @originalOrderId, @originalNumber, @reason, @approvedBy, @memberId)`,
    );
    this.insertRefundLine = db.prepare(
      `INSERT INTO sale_lines (id, sale_id, position, sku, name, quantity, unit_price, tax_class, line_total, created_at, original_line_index)
       VALUES (@id, @saleId, @position, @sku, @name, @quantity, @unitPrice, @taxClass, @lineTotal, @now, @originalLineIndex)`,
    );
    this.insertRefundPayment = db.prepare(
      `INSERT INTO payments (id, sale_id, tender, amount, tendered, status, reference, card_last4, upload_deadline, refund_of, created_at)
       VALUES (@id, @saleId, @tender, @amount, NULL, @status, @reference, @last4, @uploadDeadline, @refundOf, @now)`,
    );
    this.settleRefund = db.prepare<[{ id: string; settlement: 'settled' | 'declined'; reason: string | null; reference: string | null }]>(
      "UPDATE payments SET settlement = @settlement, settlement_reason = @reason, reference = coalesce(@reference, reference) WHERE id = @id AND status = 'stored' AND settlement IS NULL",
    );
    this.settleStored = db.prepare<[string, string | null, string]>("UPDATE payments SET settlement = ?, settlement_reason = ? WHERE id = ? AND status = 'stored'");
    this.attachMemberStmt = db.prepare<[string | null, string]>("UPDATE sales SET member_id = ? WHERE id = ? AND status = 'open'");
    this.repointSales = db.prepare<[string, string]>('UPDATE sales SET member_id = ? WHERE member_id = ?');
    this.statusCounts = db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM sales GROUP BY status');
    this.cardTokens = db.prepare<[], { id: string; v: string }>('SELECT id, card_token AS v FROM payments WHERE card_token IS NOT NULL');
    this.setCardToken = db.prepare<[string, string]>('UPDATE payments SET card_token = ? WHERE id = ?');
  }

  header(saleId: string) {
    return this.sale.get(saleId);
  }

  paymentsOf(saleId: string): PaymentRow[] {
    return this.payments.all(saleId);
  }

  /** Adds a payment to the sale while it is open (never to a completed or voided one). */
  addPayment(payment: NewPayment, now: number): void {
    if (this.insertPayment.run({ ...payment, now }).changes !== 1) throw new Error(`sale ${payment.saleId} is not open: the payment was not recorded`);
  }

  /** Records a card attempt before its request leaves for HQ, so an unanswered one is never forgotten. */
  recordCardAttempt(attempt: { id: string; saleId: string; amount: number; currency: string; last4: string }, now: number): void {
    this.insertAttempt.run({ ...attempt, now });
  }

  /** The sale's latest card attempt whose outcome the register does not know. */
  openCardAttempt(saleId: string): CardAttemptRow | undefined {
    return this.openAttemptOf.get(saleId);
  }

  /** What became of an unanswered attempt: declined (nothing to do) or given up (reported to HQ). */
  closeCardAttempt(id: string, status: 'declined' | 'abandoned', now: number): void {
    this.setAttempt.run(status, now, id);
  }

  /** A card attempt becomes a payment of its sale: both, or neither. */
  addAttemptPayment(payment: NewPayment, now: number): void {
    this.inTransaction(() => {
      this.addPayment(payment, now);
      this.setAttempt.run('used', now, payment.id);
    });
  }

  /**
   * Marks abandoned the unanswered attempts that no payment uses, of `saleId` or of any sale no longer
   * open, and returns them; run inside the outbox transaction that reports them to HQ.
   */
  abandonUnusedAttempts(saleId: string | null, now: number): CardAttemptRow[] {
    const unused = this.unusedAttempts.all(saleId);
    for (const attempt of unused) this.setAttempt.run('abandoned', now, attempt.id);
    return unused;
  }

  /** Card payments taken offline and not yet settled by HQ, summed (the store's outstanding risk). */
  outstandingStoredCards(): number {
    return this.outstanding.get()!.total;
  }

  /** Card payments taken offline that HQ later declined: a manager must follow each one up. */
  /** How many stored card payments HQ declined (the status bar asks on every sync change). */
  declinedStoredCardCount(): number {
    return this.declinedCount.get()!.n;
  }

  declinedStoredCards(): { paymentId: string; saleNumber: string | null; amount: number; last4: string | null; reason: string | null; capturedAt: number }[] {
    return this.declined.all().map((r) => ({ paymentId: r.id, saleNumber: r.number, amount: r.amount, last4: r.card_last4, reason: r.settlement_reason, capturedAt: r.created_at }));
  }

  /** The earliest upload deadline of a stored card payment still waiting in the outbox. */
  nearestCardDeadline(): number | null {
    return this.nearestDeadline.get()!.deadline;
  }

  /**
   * Marks the open sale completed under the next number of this register. Runs inside the caller's
   * outbox transaction; returns what HQ must hear about it. `priced`: the cart as pricing saw it — each
   * line's promotion and its total after it, the sale-wide discount and the tax per class are recorded;
   * `total` is the priced amount due.
   */
  completeOpenSale(saleId: string, numberPrefix: string, total: number, now: number, priced?: Cart): CompletedSaleRecord {
    const header = this.sale.get(saleId)!;
    if (priced) this.recordPricing(saleId, priced);
    const lines = this.lines.all(saleId).map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      taxClass: l.tax_class,
      lineTotal: l.line_total,
      ...(l.return_reason !== null
        ? {
            returned: {
              reason: l.return_reason,
              ...(l.return_order_id !== null ? { orderId: l.return_order_id, originalLineIndex: l.original_line_index ?? 0, ...(l.return_order_number ? { orderNumber: l.return_order_number } : {}) } : {}),
            },
          }
        : {}),
    }));
    const payments = this.payments.all(saleId);
    // Change is what was handed over in cash beyond what the cash payments kept.
    const change = payments.reduce((sum, p) => sum + Math.max(0, (p.tendered ?? p.amount) - p.amount), 0);
    // Cash rounding (the final cash payment paid the rounded rest): the payments' sum minus the total.
    const cashRounding = payments.reduce((sum, p) => sum + p.amount, 0) - total;
    const { last: sequence } = this.nextSequence.get()!;
    const number = `${numberPrefix}-${sequence}`;
    if (this.complete.run(sequence, number, total, change, now, saleId).changes !== 1) throw new Error(`sale ${saleId} is not open`);
    this.forgetTokens.run(saleId);
    const createdAt = new Date(header.created_at).toISOString();
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      number,
      sequence,
      total,
      change,
      sale: { id: saleId, number, cashierId: header.cashier_id, currency: header.currency, lines, total, createdAt, ...(cashRounding !== 0 ? { cashRounding } : {}) },
      payments: payments.map((p) => ({
        id: p.id,
        orderId: saleId,
        tender: p.tender,
        amount: p.amount,
        status: p.status === 'declined' ? 'declined' : p.status,
        ...(p.reference ? { reference: p.reference } : {}),
        createdAt: iso(p.created_at),
      })),
      offlineCards: payments
        .filter((p) => p.status === 'stored')
        .map((p) => ({
          id: p.id,
          orderId: saleId,
          amount: p.amount,
          currency: header.currency,
          cardToken: p.card_token ?? '',
          last4: p.card_last4 ?? '0000',
          capturedAt: iso(p.created_at),
          ...(p.upload_deadline ? { uploadDeadline: iso(p.upload_deadline) } : {}),
        })),
    };
  }

  /** Writes a refund under the register's next number; runs inside the caller's outbox transaction. */
  insertRefund(refund: NewRefund, numberPrefix: string, now: number): { number: string; sequence: number } {
    const { last: sequence } = this.nextSequence.get()!;
    const number = `${numberPrefix}-${sequence}`;
    this.insertRefundSale.run({ ...refund, sequence, number, now });
    refund.lines.forEach((line, position) => this.insertRefundLine.run({ ...line, id: `${refund.id}:${position}`, saleId: refund.id, position, now }));
    for (const payment of refund.payments) this.insertRefundPayment.run({ ...payment, saleId: refund.id, now });
    return { number, sequence };
  }

  /** The acquirer's answer to a card refund stored offline; false when it was settled already. */
  settleCardRefund(id: string, settlement: 'settled' | 'declined', reason: string | null, reference: string | null): boolean {
    return this.settleRefund.run({ id, settlement, reason, reference }).changes === 1;
  }

  /** HQ's verdict on a card payment this register stored offline (a decline must reach a manager). */
  settleStoredCard(id: string, settlement: 'settled' | 'declined', reason: string | null): void {
    this.settleStored.run(settlement, reason, id);
  }

  /** Attaches a member to the open sale (null detaches); false when the sale is not open. */
  attachMember(saleId: string, memberId: string | null): boolean {
    return this.attachMemberStmt.run(memberId, saleId).changes === 1;
  }

  /** HQ merged member `fromId` into `toId`: the member reference of the sales follows it; amounts never change. */
  moveMemberSales(fromId: string, toId: string): void {
    this.repointSales.run(toId, fromId);
  }

  /** How many sales are open, completed and voided (refunds count as completed). */
  saleCounts(): { completed: number; open: number; voided: number } {
    const counts = { completed: 0, open: 0, voided: 0 };
    for (const row of this.statusCounts.all()) if (row.status in counts) counts[row.status as keyof typeof counts] = row.n;
    return counts;
  }

  /** The card tokens of payments this register still holds (secrets a support bundle must never carry). */
  storedCardTokens(): string[] {
    return this.cardTokens.all().map((row) => row.v);
  }

  /** Replaces each card token `reseal` gives a new form for; returns how many it replaced. */
  resealCardTokens(reseal: (token: string) => string | null): number {
    let count = 0;
    for (const row of this.cardTokens.all()) {
      const resealed = reseal(row.v);
      if (resealed === null) continue;
      this.setCardToken.run(resealed, row.id);
      count++;
    }
    return count;
  }

  private recordPricing(saleId: string, cart: Cart): void {
    for (const line of cart.lines) {
      if (!line.promotion) continue;
      this.linePromotion.run({ id: line.id, saleId, lineTotal: line.lineTotal, promotionId: line.promotion.id, promotionName: line.promotion.name, saving: line.promotion.saving });
    }
    this.salePricing.run(cart.saleDiscount?.name ?? null, cart.saleDiscount?.amount ?? 0, JSON.stringify(cart.tax ?? []), saleId);
  }
}
