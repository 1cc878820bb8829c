import type { User } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import { formatMoney } from '../../../shared/money';
import { effectiveLineTotals, lineRefundAmount, refundChecks, remainingQuantity } from '../../../shared/refund';
import type { OrderPayment, OrderWithPayments } from '../../../shared/hq/feed';
import type { Tender } from '../../../shared/tender';
import type { RefundLine, RefundPayload } from '../../../shared/hq/ops';
import { HQ_ROUTES, type OrderSearchQuery } from '../../../shared/hq/routes';
import {
  OrderSearchSchema,
  type OrderDetail,
  type OrderSearch,
  type OrderSource,
  type OrderSummary,
  type RefundRequest,
  type ZReport,
} from '../../../shared/modules/orders.api';
import { KeyedLock } from '../../core/keyed-lock';
import { HqStatusError, isHqUnavailable, type HqCaller } from '../../hq/hq-client';
import type { OperationDraft, Outbox } from '../../sync/outbox';
import type { NewRefund, NewReturnLine, RefundLedger } from '../checkout';
import { tendersOf, type OrderLineRow, type OrderRow, type OrdersRepository } from './orders.repository';
import { renderZReport } from './z-report';

/** What the orders module asks of HQ: typed calls through the register's HQ client (faults reported and answers checked there). */
export type OrdersHq = HqCaller;

export interface OrdersSettings {
  /** Refunds of one order above this many minor units in all (earlier refunds included) need a manager's PIN. */
  refundManagerAbove: number;
  /** Offline, this register's orders give back up to this many minor units each, in all. */
  offlineRefundLimit: number;
}

export interface OrdersServiceOptions {
  orders: OrdersRepository;
  /** The day's drawer sessions for the Z-report (cash management), since the previous day close. */
  drawers?: (from: number) => NonNullable<ZReport['drawers']>;
  /** Checkout's ledger, which writes every sale, refund and payment. */
  ledger: RefundLedger;
  outbox: Outbox;
  /** Null in demo mode (no HQ). */
  hq: OrdersHq | null;
  /** Whether HQ's orders service may be asked now: connectivity's verdict, never the network. */
  online: () => boolean;
  registerId: () => string | null;
  numberPrefix: () => string;
  currency: () => string;
  storeName: () => string;
  newId: () => string;
  settings: () => OrdersSettings;
  offlineCard: () => { perPaymentLimit: number; totalLimit: number; uploadDeadlineHours: number };
  /** A manager's approval through the register's role policy (logged there; wrong PINs count towards its lockout). */
  approve: (pin: string, action: 'orders.refund' | 'cart.returnWithReceipt' | 'day.close', detail: Record<string, unknown>) => Promise<{ name: string }>;
  pendingSync: () => number;
  deadLetters: () => number;
  hqTimeoutMs: number;
  /**
   * Inside the refund's transaction, for a member's order: the points entries that take back what the
   * refunded money earned (membership's rule), written there and returned as operations for HQ.
   */
  refunding?: (refund: { refundId: string; memberId: string; moneyRefunded: number; currency: string; now: number }) => OperationDraft[];
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  now?: () => number;
}

/** Lines of an earlier order to take back in the cart (by index, as a refund names them). */
export interface ReturnToCart {
  orderId: string;
  source?: OrderSource | undefined;
  lines: { index: number; quantity: number }[];
  reason: string;
  managerPin?: string | undefined;
}

/** What a module adds to a refund, inside its transaction: its own operations for HQ. */
export interface RefundWritingHook {
  refundWriting(refundId: string, payments: readonly { tender: string; amount: number }[], cashierId: string, now: number): OperationDraft[];
}

/** The cart's side of taking items back: no payment taken yet, and the negative lines written (inside the caller's transaction). */
export interface ReturnCart {
  noPaymentYet(): void;
  add(lines: NewReturnLine[]): void;
}

interface OriginalOrder {
  summary: OrderSummary;
  lines: Omit<OrderLineRow, 'original_line_index'>[];
  memberId: string | null;
}

/** What a reserved refund keeps: enough to pay it out and write it, also after a restart. */
interface RefundDraft {
  originalOrderId: string;
  cashierId: string;
  cashierName: string;
  reason: string;
  approvedBy: string | null;
  currency: string;
  /** Minor units given back in all. */
  amount: number;
  lines: RefundLine[];
  /** Card refunds to the original card payments, each with the id HQ refunds it by. */
  cards: { id: string; paymentId: string; last4: string | null; amount: number }[];
  /** What goes back in cash. */
  cash: number;
}

const draftOf = (json: string) => JSON.parse(json) as RefundDraft;

function managerNeeded(before: number, currency: string): KassaError {
  const why = before > 0 ? `With the ${formatMoney(before, currency)} already refunded on this order, this refund brings it above` : 'This refund is above';
  return new KassaError('NOT_ALLOWED', `${why} the amount a cashier may refund alone. A manager must approve it with their PIN.`);
}

function offlineLimitReached(before: number, currency: string): KassaError {
  const why = before > 0 ? `with the ${formatMoney(before, currency)} already refunded on this order, this refund is above it` : 'this one is above it';
  return new KassaError('LIMIT_EXCEEDED', `Offline, an order can give back up to the offline limit only; ${why}. Refund it when the till is online again.`);
}

/**
 * The refund lines for what is asked, given what each line has had refunded: each line's share of what
 * the order charged, never more than what is left of it.
 */
function refundLines(original: OriginalOrder, refunded: ReadonlyMap<number, number>, wanted: RefundRequest['lines']): { lines: RefundLine[]; amount: number } {
  const seen = new Set<number>();
  const effective = effectiveLineTotals(original.lines.map(refundLineOf), original.summary.total);
  const lines: RefundLine[] = [];
  for (const want of wanted) {
    if (seen.has(want.index)) throw new KassaError('INVALID_INPUT', `Line ${want.index + 1} is listed twice; list each line once with its quantity.`);
    seen.add(want.index);
    const line = original.lines[want.index];
    if (!line) throw new KassaError('INVALID_INPUT', `Order ${original.summary.number} has no line ${want.index + 1}.`);
    if (line.quantity < 0) throw new KassaError('NOT_ALLOWED', `${line.name} was taken back in this sale, not sold: there is nothing of it to give back.`);
    const done = refunded.get(want.index) ?? 0;
    const left = remainingQuantity(line, done);
    if (left === 0) throw new KassaError('LIMIT_EXCEEDED', `${line.name} was already refunded in full; nothing of it is left to refund.`);
    if (want.quantity > left) throw new KassaError('LIMIT_EXCEEDED', `Only ${left} of ${line.name} can still be refunded (${done} of ${line.quantity} already were).`);
    const amount = lineRefundAmount(line, effective[want.index]!, done, want.quantity);
    lines.push({ sku: line.sku, name: line.name, quantity: -want.quantity, unitPrice: line.unit_price, taxClass: line.tax_class, lineTotal: -amount, originalLineIndex: want.index });
  }
  return { lines, amount: -lines.reduce((sum, l) => sum + l.lineTotal, 0) };
}

const refundLineOf = (line: { quantity: number; line_total: number }) => ({ quantity: line.quantity, lineTotal: line.line_total });

/** The order's limits on refunds right now: the manager's threshold and, offline, the offline limit. */
const limitsOf = (policy: OrderDetail['policy']) => ({ managerAbove: policy.managerAbove, offlineLimit: policy.online ? null : policy.offlineLimit });

const CROSS_REGISTER_OFFLINE = 'The till is offline: orders of other registers can be refunded only online, when HQ can check what was refunded already. Refund it at its own register or once online.';
const originOf = (number: string) => number.split('-').slice(0, -1).join('-');

/**
 * The orders of the register: search (this register's database first, HQ across registers and stores
 * when online), detail, refunds as new orders that reference the original, and the end of the day.
 */
export class OrdersService {
  private readonly now: () => number;
  private forwarding: Promise<void> | null = null;
  private readonly refundsOfOrder = new KeyedLock();
  private readonly refundHooks: RefundWritingHook[] = [];

  constructor(private readonly o: OrdersServiceOptions) {
    this.now = o.now ?? Date.now;
    // Reservations from before this start whose refund was in cash only never reached the drawer; those
    // with a card refund are finished by the same ids (the next refund of the order, or once online).
    for (const reservation of o.orders.allRefundReservations()) if (draftOf(reservation.draft).cards.length === 0) o.orders.release(reservation.id);
  }

  /** A module that writes with each refund, inside its transaction (cash management: the cash paid out of the drawer), registers here. */
  onRefundWriting(hook: RefundWritingHook): void {
    this.refundHooks.push(hook);
  }

  async search(input: OrderSearch, user: User): Promise<{ orders: OrderSummary[]; notice: 'offline' | 'hq-failed' | null; hqSearched: boolean }> {
    const q = OrderSearchSchema.parse(input);
    const number = q.number?.trim() || undefined;
    const sequence = number && /^\d{1,12}$/.test(number) ? Number(number) : undefined;
    const lastClose = q.scope === 'all' ? undefined : this.o.orders.lastDayClose();
    const dayStart = lastClose ? lastClose.closed_at + 1 : null;
    const from = Math.max(q.from ?? -Infinity, dayStart ?? -Infinity);
    const local = this.o.orders
      .search({
        // The day on this register: what was numbered after the last close, whatever the clock said since.
        from: q.from ?? null,
        afterSequence: lastClose?.last_sequence,
        to: q.to ?? null,
        number: sequence === undefined ? number : undefined,
        sequence,
        amount: q.amount,
        tender: q.tender,
        memberId: q.memberId,
        cashierId: q.scope === 'shift' ? user.id : undefined,
        limit: q.limit,
      })
      .map((row) => this.summary(row));
    // The shift is this register's by definition; demo mode has no HQ to ask.
    if (!this.o.hq || q.scope === 'shift' || !this.o.registerId()) return { orders: local, notice: null, hqSearched: false };
    if (!this.o.online()) return { orders: local, notice: 'offline', hqSearched: false };
    const query: OrderSearchQuery = { limit: q.limit };
    if (number && sequence === undefined) query.number = number;
    if (Number.isFinite(from)) query.from = new Date(from).toISOString();
    if (q.to !== undefined) query.to = new Date(q.to).toISOString();
    if (q.amount !== undefined) query.amount = q.amount;
    if (q.tender) query.tender = q.tender;
    if (q.memberId) query.memberId = q.memberId;
    let remote: OrderWithPayments[];
    try {
      remote = (await this.o.hq.call(HQ_ROUTES.searchOrders, { query }, { timeoutMs: this.o.hqTimeoutMs })).orders;
    } catch (error) {
      // A timeout or 5xx was already reported to connectivity by the HQ client as a service fault.
      this.o.log.warn({ err: error }, 'HQ order search failed; showing this register’s orders only');
      return { orders: local, notice: 'hq-failed', hqSearched: false };
    }
    const seen = new Set(local.map((o) => o.id));
    const merged = [...local];
    const own = this.o.registerId();
    for (const order of remote) {
      if (seen.has(order.id)) continue;
      // This register's own orders are all in its database: for the day, which of them belong is decided
      // there (by the sale sequence), not by HQ comparing wall-clock times.
      if (lastClose && order.registerId === own) continue;
      if (sequence !== undefined && !order.number.endsWith(`-${sequence}`)) continue;
      seen.add(order.id);
      merged.push(this.remoteSummary(order));
    }
    return { orders: merged.slice(0, Math.max(q.limit, local.length)), notice: null, hqSearched: true };
  }

  async detail(orderId: string, source: OrderSource): Promise<OrderDetail> {
    const original = await this.original(orderId, source);
    const local = this.o.orders.refunds(orderId).map((r) => this.summary(r));
    const refunded = await this.refundedQuantities(original, source);
    const lines = original.lines.map((line) => {
      const done = refunded.quantities.get(line.index) ?? 0;
      const returned = refunded.returned.get(line.index) ?? 0;
      return {
        index: line.index,
        sku: line.sku,
        name: line.name,
        quantity: line.quantity,
        unitPrice: line.unit_price,
        lineTotal: line.line_total,
        refunded: done,
        ...(returned > 0 ? { returned } : {}),
        refundable: remainingQuantity(line, done),
      };
    });
    const refunds = [...local, ...refunded.remote.filter((r) => !local.some((l) => l.id === r.id))];
    const payments =
      source === 'local'
        ? this.o.orders.payments(orderId).map((p) => ({ id: p.id, tender: p.tender, amount: p.amount, status: p.status, last4: p.card_last4 }))
        : [];
    return { order: original.summary, lines, payments, refunds, policy: { ...this.policy(original, source, lines.some((l) => l.refundable > 0)), refundedAmount: refunded.money } };
  }

  /**
   * A refund: a new completed order under the register's next number, lines with negative quantities
   * referencing the original lines, payments back to the original tender (or cash), and its operations
   * for HQ — in one transaction. Never more than what remains refundable of a line: refunds of one order
   * run one at a time, and what remains is checked again in the transaction that reserves the refund
   * (before any money leaves through the card acquirer) and in the one that writes it.
   */
  refund(request: RefundRequest, user: User): Promise<{ refund: OrderSummary; payments: OrderDetail['payments'] }> {
    return this.refundsOfOrder.run(request.orderId, () => this.refundNow(request, user));
  }

  /**
   * Lines of an earlier order come back into the cart (an exchange): at what the customer paid for them
   * (after the line's own discounts and promotions, with its share of a sale-wide discount), for at most
   * what the order still has to give back (its refunds, reserved ones and items returned in other sales
   * and carts count). Runs in turn with the order's refunds, and checks again what remains in the
   * transaction that writes the lines. Above `orders.refundManagerAbove` (the order's refunds in all) a
   * manager approves it.
   */
  returnToCart(request: ReturnToCart, user: User, cart: ReturnCart): Promise<void> {
    return this.refundsOfOrder.run(request.orderId, () => this.returnToCartNow(request, user, cart));
  }

  private async returnToCartNow(request: ReturnToCart, user: User, cart: ReturnCart): Promise<void> {
    const source = request.source ?? 'local';
    cart.noPaymentYet();
    await this.finishReserved(request.orderId);
    const original = await this.original(request.orderId, source);
    const refunded = await this.refundedQuantities(original, source);
    const policy = this.policy(original, source, true);
    if (!policy.allowed) throw new KassaError('NOT_ALLOWED', policy.reason ?? 'Items of this order cannot be taken back here.');
    const { lines, amount } = refundLines(original, refunded.quantities, request.lines);
    const checks = refundChecks(refunded.money, amount, limitsOf(policy));
    if (checks.overOfflineLimit) throw offlineLimitReached(refunded.money, original.summary.currency);
    let approvedBy: string | null = null;
    if (checks.managerNeeded) {
      if (!request.managerPin) throw managerNeeded(refunded.money, original.summary.currency);
      approvedBy = (await this.o.approve(request.managerPin, 'cart.returnWithReceipt', { order: original.summary.number, amount, refundedBefore: refunded.money })).name;
    }
    const remote = { quantities: refunded.remoteQuantities, money: refunded.remoteMoney };
    this.o.orders.transaction(() => {
      this.checkStillRefundable(original, remote, request.lines, amount, { approvedBy, offlineLimit: policy.online ? null : policy.offlineLimit });
      cart.noPaymentYet();
      cart.add(
        lines.map((line) => ({
          sku: line.sku,
          name: line.name,
          quantity: -line.quantity,
          unitPrice: Math.round(line.lineTotal / line.quantity),
          taxClass: line.taxClass,
          amount: -line.lineTotal,
          reason: request.reason,
          from: { orderId: original.summary.id, orderNumber: original.summary.number, lineIndex: line.originalLineIndex! },
        })),
      );
    });
    this.o.log.info({ order: original.summary.number, amount, approvedBy, cashier: user.name, reason: request.reason }, 'items of an earlier order taken back in a sale');
  }

  private async refundNow(request: RefundRequest, user: User): Promise<{ refund: OrderSummary; payments: OrderDetail['payments'] }> {
    const source = request.source ?? 'local';
    await this.finishReserved(request.orderId);
    const original = await this.original(request.orderId, source);
    const refunded = await this.refundedQuantities(original, source);
    const policy = this.policy(original, source, true);
    if (!policy.allowed) throw new KassaError('NOT_ALLOWED', policy.reason ?? 'This order cannot be refunded here.');
    const { lines, amount } = refundLines(original, refunded.quantities, request.lines);
    const checks = refundChecks(refunded.money, amount, limitsOf(policy));
    if (checks.overOfflineLimit) throw offlineLimitReached(refunded.money, original.summary.currency);
    let approvedBy: string | null = null;
    // The limit is on what the order gives back in all, so splitting a refund does not avoid the manager.
    if (checks.managerNeeded) {
      if (!request.managerPin) throw managerNeeded(refunded.money, original.summary.currency);
      approvedBy = (await this.o.approve(request.managerPin, 'orders.refund', { order: original.summary.number, amount, refundedBefore: refunded.money })).name;
    }
    const refundId = this.o.newId();
    const remote = { quantities: refunded.remoteQuantities, money: refunded.remoteMoney };
    const draft = this.o.orders.transaction(() => {
      this.checkStillRefundable(original, remote, request.lines, amount, { approvedBy, offlineLimit: policy.online ? null : policy.offlineLimit });
      const tender = this.refundTender(refundId, original, source, amount, request.tender);
      const made: RefundDraft = {
        originalOrderId: original.summary.id,
        cashierId: user.id,
        cashierName: user.name,
        reason: request.reason,
        approvedBy,
        currency: original.summary.currency,
        amount,
        lines,
        ...tender,
      };
      this.o.orders.reserve({ id: refundId, original_order_id: original.summary.id, amount, draft: JSON.stringify(made), created_at: this.now() });
      return made;
    });
    return this.completeRefund(refundId, original, draft, remote);
  }

  /**
   * Pays a reserved refund out (card refunds through HQ, each by its own id) and writes it, releasing the
   * reservation in the same transaction. When nothing was paid out and a card refund fails, the
   * reservation is released; once money went to a card it stays, and is finished later with the same ids.
   */
  private async completeRefund(
    refundId: string,
    original: OriginalOrder,
    draft: RefundDraft,
    remote: { quantities: Map<number, number>; money: number },
  ): Promise<{ refund: OrderSummary; payments: OrderDetail['payments'] }> {
    const payments: NewRefund['payments'] = [];
    try {
      for (const card of draft.cards) payments.push(await this.cardRefund(card.id, card.paymentId, card.last4, card.amount, draft.currency));
    } catch (error) {
      if (payments.length === 0) this.o.orders.release(refundId);
      else this.o.log.warn({ err: error, refund: refundId }, 'a card refund failed after another was paid out; the refund stays reserved and is finished later');
      throw error;
    }
    if (draft.cash > 0) payments.push({ id: `${refundId}:cash`, tender: 'cash', amount: -draft.cash, status: 'approved', reference: null, last4: null, refundOf: null, uploadDeadline: null });
    const now = this.now();
    const record: NewRefund = {
      id: refundId,
      cashierId: draft.cashierId,
      currency: draft.currency,
      total: -draft.amount,
      originalOrderId: draft.originalOrderId,
      originalNumber: original.summary.number,
      reason: draft.reason,
      approvedBy: draft.approvedBy,
      memberId: original.memberId,
      lines: draft.lines.map((l) => ({ ...l, originalLineIndex: l.originalLineIndex! })),
      payments,
    };
    const written = this.o.outbox.write(() => {
      this.o.orders.release(refundId);
      // The limits were checked where the refund was reserved (money may have left since); what is refunded is checked again.
      this.checkStillRefundable(original, remote, draft.lines.map((l) => ({ index: l.originalLineIndex!, quantity: -l.quantity })), draft.amount, null);
      const { number } = this.o.ledger.insertRefund(record, this.o.numberPrefix(), now);
      const iso = new Date(now).toISOString();
      const payload: RefundPayload = {
        id: refundId,
        number,
        cashierId: draft.cashierId,
        currency: draft.currency,
        lines: draft.lines,
        total: -draft.amount,
        createdAt: iso,
        originalOrderId: draft.originalOrderId,
        reason: draft.reason,
        ...(record.memberId ? { memberId: record.memberId } : {}),
      };
      const operations: OperationDraft[] = [
        { entity: 'refund', entityId: refundId, type: 'completed', payload },
        ...payments.map((p) => ({
          entity: 'payment' as const,
          entityId: p.id,
          type: 'recorded' as const,
          payload: { id: p.id, orderId: refundId, tender: p.tender, amount: p.amount, status: p.status, ...(p.reference ? { reference: p.reference } : {}), createdAt: iso },
        })),
      ];
      if (record.memberId && this.o.refunding) {
        const moneyRefunded = -payments.reduce((sum, p) => sum + p.amount, 0);
        operations.push(...this.o.refunding({ refundId, memberId: record.memberId, moneyRefunded, currency: draft.currency, now }));
      }
      for (const hook of this.refundHooks) operations.push(...hook.refundWriting(refundId, payments, draft.cashierId, now));
      return { result: number, operations };
    }, now);
    this.o.log.info({ refund: written, original: original.summary.number, amount: draft.amount, approvedBy: draft.approvedBy, cashier: draft.cashierName }, 'refund recorded');
    const row = this.o.orders.get(refundId)!;
    return { refund: this.summary(row), payments: payments.map((p) => ({ id: p.id, tender: p.tender, amount: p.amount, status: p.status, last4: p.last4 })) };
  }

  /**
   * Inside a transaction: what is asked is still refundable (this register's refunds and reservations as
   * they are now, plus HQ's from other registers as read before) and, with `limits`, the order's refunds in
   * all stay within what a cashier may refund alone (unless a manager approved) and, offline, the offline limit.
   */
  private checkStillRefundable(
    original: OriginalOrder,
    remote: { quantities: Map<number, number>; money: number },
    wanted: RefundRequest['lines'],
    amount: number,
    limits: { approvedBy: string | null; offlineLimit: number | null } | null,
  ): void {
    const local = this.localRefunded(original.summary.id);
    const quantities = new Map(local.quantities);
    for (const [index, quantity] of remote.quantities) quantities.set(index, (quantities.get(index) ?? 0) + quantity);
    const again = refundLines(original, quantities, wanted);
    if (again.amount !== amount) throw new KassaError('LIMIT_EXCEEDED', 'Another refund of this order was made meanwhile; open the order again to see what is left to refund.');
    if (!limits) return;
    const before = local.money + remote.money;
    const checks = refundChecks(before, amount, { managerAbove: this.o.settings().refundManagerAbove, offlineLimit: limits.offlineLimit });
    if (checks.overOfflineLimit) throw offlineLimitReached(before, original.summary.currency);
    if (limits.approvedBy === null && checks.managerNeeded) throw managerNeeded(before, original.summary.currency);
  }

  /**
   * This register's refunds of an order, written or reserved, and its items returned in sales (exchanges,
   * completed or in a cart): quantity per line and money given back.
   */
  private localRefunded(originalId: string): { quantities: Map<number, number>; money: number } {
    const quantities = this.o.orders.refundedQuantities(originalId);
    let money = this.o.orders.refunds(originalId).reduce((sum, r) => sum - r.total, 0);
    // Items of the order taken back in a sale (an exchange), completed or still in a cart, count as refunded.
    const returned = this.o.orders.returnedInSales(originalId);
    money += returned.money;
    for (const [index, quantity] of returned.quantities) quantities.set(index, (quantities.get(index) ?? 0) + quantity);
    for (const reservation of this.o.orders.reservations(originalId)) {
      money += reservation.amount;
      for (const line of draftOf(reservation.draft).lines) {
        if (line.originalLineIndex === undefined) continue;
        quantities.set(line.originalLineIndex, (quantities.get(line.originalLineIndex) ?? 0) - line.quantity);
      }
    }
    return { quantities, money };
  }

  /**
   * Finishes the refunds of an order a stopped register left reserved: one with a card refund is paid out
   * again by the same ids (HQ refunds once per id) and written; one in cash only never reached the drawer
   * and is released.
   */
  private async finishReserved(orderId: string): Promise<void> {
    for (const reservation of this.o.orders.reservations(orderId)) {
      const draft = draftOf(reservation.draft);
      if (draft.cards.length === 0) {
        this.o.orders.release(reservation.id);
        continue;
      }
      const row = this.o.orders.get(orderId);
      if (!row) continue;
      const original: OriginalOrder = { summary: this.summary(row), lines: this.o.orders.lines(orderId), memberId: row.member_id };
      try {
        await this.completeRefund(reservation.id, original, draft, { quantities: new Map(), money: 0 });
        this.o.log.warn({ refund: reservation.id, order: row.number }, 'finished a refund a stopped register had reserved (its card refund sent again by the same id)');
      } catch (error) {
        this.o.log.warn({ err: error, refund: reservation.id }, 'a reserved refund could not be finished yet; it stays reserved');
      }
    }
  }

  /** Sends card refunds taken offline to HQ's card acquirer once online (single-flight; idempotent by refund id). */
  forwardCardRefunds(): Promise<void> {
    if (!this.o.hq || !this.o.online()) return Promise.resolve();
    this.forwarding ??= this.forwardAll().finally(() => (this.forwarding = null));
    return this.forwarding;
  }

  report(): ZReport {
    const last = this.o.orders.lastDayClose();
    return this.buildReport(last, this.o.orders.currentSequence(), this.now(), null);
  }

  /**
   * Closes the day. Refused while operations have not reached HQ unless a manager confirms with their
   * PIN; the decision is logged and the report says how many were unsynced. Nothing is discarded.
   */
  async close(managerPin: string | undefined, user: User): Promise<ZReport> {
    const unsynced = this.o.pendingSync() + this.o.deadLetters();
    let by = user.name;
    let confirmed = false;
    if (unsynced > 0) {
      if (!managerPin) {
        throw new KassaError('NOT_ALLOWED', `${unsynced} operation${unsynced === 1 ? ' has' : 's have'} not reached HQ yet. Wait for the upload, or a manager confirms closing the day with their PIN (nothing is discarded).`);
      }
      by = (await this.o.approve(managerPin, 'day.close', { unsynced })).name;
      confirmed = true;
    } else if (managerPin) {
      by = (await this.o.approve(managerPin, 'day.close', { unsynced })).name;
    }
    const now = this.now();
    // Read and written in one transaction: a sale completing meanwhile is either in this day or the next, never both or neither.
    const report = this.o.orders.transaction(() => {
      const last = this.o.orders.lastDayClose();
      const upTo = this.o.orders.currentSequence();
      const built = this.buildReport(last, upTo, now, { at: now, by, unsyncedOperations: unsynced, managerConfirmed: confirmed });
      this.o.orders.recordDayClose({ id: this.o.newId(), closedAt: now, closedBy: by, unsynced, confirmed, report: JSON.stringify(built), lastSequence: upTo });
      return built;
    });
    if (unsynced > 0) this.o.log.warn({ manager: by, unsynced }, 'day closed by a manager with operations not yet synced (all kept in the outbox)');
    else this.o.log.info({ by }, 'day closed');
    return report;
  }

  /** The open day's report, or right after a close the closed day's, as printable HTML. */
  reportHtml(locale: string): string {
    return renderZReport(this.report(), { storeName: this.o.storeName(), register: this.o.numberPrefix(), locale });
  }

  /** The report of the sales and refunds numbered after the previous close `last`, up to sequence `upTo`. */
  private buildReport(last: { closed_at: number; last_sequence: number } | undefined, upTo: number, to: number, closed: ZReport['closed']): ZReport {
    const after = last ? last.closed_at : 0;
    const { orders, tenders } = this.o.orders.dayTotals(last ? last.last_sequence : 0, upTo);
    const sales = orders.find((o) => o.kind === 'sale');
    const refunds = orders.find((o) => o.kind === 'refund');
    const firsts = orders.map((o) => o.first).filter((t): t is number => t !== null);
    return {
      from: after > 0 ? after : firsts.length ? Math.min(...firsts) : null,
      to,
      currency: this.o.currency(),
      salesCount: sales?.n ?? 0,
      salesTotal: sales?.total ?? 0,
      refundsCount: refunds?.n ?? 0,
      refundsTotal: refunds?.total ?? 0,
      net: (sales?.total ?? 0) + (refunds?.total ?? 0),
      tenders: tenders.map((t) => ({ tender: t.tender, in: t.inflow, out: t.outflow, net: t.inflow + t.outflow })),
      offlineCardOutstanding: this.o.orders.offlineCardOutstanding(),
      pendingSync: this.o.pendingSync(),
      deadLetters: this.o.deadLetters(),
      closed,
      ...(this.o.drawers ? { drawers: this.o.drawers(after) } : {}),
    };
  }

  private async forwardAll(): Promise<void> {
    for (const orderId of new Set(this.o.orders.allRefundReservations().map((r) => r.original_order_id))) {
      await this.refundsOfOrder.run(orderId, () => this.finishReserved(orderId));
    }
    for (const payment of this.o.orders.pendingCardRefunds()) {
      if (!payment.refund_of) continue;
      try {
        const answer = await this.o.hq!.call(
          HQ_ROUTES.refundCard,
          { body: { refundId: payment.id, paymentId: payment.refund_of, amount: -payment.amount, currency: payment.currency } },
          { timeoutMs: this.o.hqTimeoutMs },
        );
        this.o.ledger.settleCardRefund(payment.id, answer.status === 'approved' ? 'settled' : 'declined', answer.reason, answer.reference);
        this.o.log.info({ payment: payment.id, status: answer.status }, 'stored card refund sent');
      } catch (error) {
        if (error instanceof HqStatusError && error.rejected) {
          this.o.ledger.settleCardRefund(payment.id, 'declined', `HQ refused the card refund (${error.code ?? error.kind}); refund it another way.`, null);
        } else {
          this.o.log.warn({ err: error, payment: payment.id }, 'a stored card refund could not be sent yet; it stays stored');
          return;
        }
      }
    }
  }

  /**
   * How a refund goes back (inside the reserving transaction): to the original card payments up to what
   * each has not given back yet (written refunds and reserved ones), the rest in cash.
   */
  private refundTender(refundId: string, original: OriginalOrder, source: OrderSource, amount: number, tender: 'original' | 'cash'): Pick<RefundDraft, 'cards' | 'cash'> {
    if (tender === 'cash' || source !== 'local') return { cards: [], cash: amount };
    const originalPayments = this.o.orders.payments(original.summary.id).filter((p) => p.amount > 0 && p.status !== 'declined' && p.settlement !== 'declined');
    const given = new Map<string, number>();
    for (const refund of this.o.orders.refunds(original.summary.id)) {
      for (const p of this.o.orders.payments(refund.id)) if (p.refund_of && p.settlement !== 'declined') given.set(p.refund_of, (given.get(p.refund_of) ?? 0) - p.amount);
    }
    for (const reservation of this.o.orders.reservations(original.summary.id)) {
      for (const card of draftOf(reservation.draft).cards) given.set(card.paymentId, (given.get(card.paymentId) ?? 0) + card.amount);
    }
    const cards: RefundDraft['cards'] = [];
    let left = amount;
    for (const card of originalPayments.filter((p) => p.tender === 'card')) {
      const room = card.amount - (given.get(card.id) ?? 0);
      if (room <= 0 || left === 0) continue;
      const part = Math.min(room, left);
      cards.push({ id: `${refundId}:card:${cards.length}`, paymentId: card.id, last4: card.card_last4, amount: part });
      left -= part;
    }
    return { cards, cash: left };
  }

  private async cardRefund(id: string, paymentId: string, last4: string | null, amount: number, currency: string): Promise<NewRefund['payments'][number]> {
    const approved = (reference: string | null) => ({ id, tender: 'card' as const, amount: -amount, status: 'approved' as const, reference, last4, refundOf: paymentId, uploadDeadline: null });
    if (!this.o.hq) return approved('SIMULATED');
    if (this.o.online()) {
      try {
        const answer = await this.o.hq.call(HQ_ROUTES.refundCard, { body: { refundId: id, paymentId, amount, currency } }, { timeoutMs: this.o.hqTimeoutMs });
        if (answer.status === 'declined') throw new KassaError('PAYMENT_DECLINED', `The card refund was declined${answer.reason ? `: ${answer.reason.replace(/\.$/, '')}` : ''}. Refund in cash instead.`);
        return approved(answer.reference);
      } catch (error) {
        if (error instanceof KassaError) throw error;
        if (error instanceof HqStatusError && error.rejected) throw new KassaError('PAYMENT_DECLINED', 'HQ did not accept this card refund (the original card payment is not known there yet). Refund in cash instead.');
        if (!isHqUnavailable(error)) throw error;
        this.o.log.warn({ err: error }, 'card refund got no answer from HQ; storing it to send later');
      }
    }
    const limits = this.o.offlineCard();
    const stored = this.o.orders.pendingCardRefunds().reduce((sum, p) => sum - p.amount, 0);
    if (amount > limits.perPaymentLimit || stored + amount > limits.totalLimit) {
      throw new KassaError('LIMIT_EXCEEDED', 'This card refund is above the offline card limit, so it cannot be stored to send later. Refund in cash, or wait until the till is online.');
    }
    return { id, tender: 'card', amount: -amount, status: 'stored', reference: null, last4, refundOf: paymentId, uploadDeadline: this.now() + limits.uploadDeadlineHours * 3_600_000 };
  }

  private policy(original: OriginalOrder, source: OrderSource, anythingLeft: boolean): OrderDetail['policy'] {
    const settings = this.o.settings();
    const online = !this.o.hq || this.o.online();
    const base = { managerAbove: settings.refundManagerAbove, offlineLimit: online ? null : settings.offlineRefundLimit, online };
    const tenders: ('original' | 'cash')[] = source === 'local' ? ['original', 'cash'] : ['cash'];
    if (original.summary.kind === 'refund') return { ...base, allowed: false, reasonCode: 'refund-of-refund', reason: 'This is a refund; a refund cannot be refunded again.', tenders };
    if (!anythingLeft) return { ...base, allowed: false, reasonCode: 'nothing-left', reason: 'Every line of this order has been refunded already.', tenders };
    if (!online && !original.summary.thisRegister) {
      return { ...base, allowed: false, reasonCode: 'cross-register-offline', reason: CROSS_REGISTER_OFFLINE, tenders };
    }
    return { ...base, allowed: true, reasonCode: null, reason: null, tenders };
  }

  private async original(orderId: string, source: OrderSource): Promise<OriginalOrder> {
    if (source === 'local') {
      const row = this.o.orders.get(orderId);
      if (!row) throw new KassaError('NOT_FOUND', 'There is no such order on this register.');
      return { summary: this.summary(row), lines: this.o.orders.lines(orderId), memberId: row.member_id };
    }
    const order = (await this.hqOrders({ id: orderId }))[0];
    if (!order) throw new KassaError('NOT_FOUND', 'HQ knows no such order.');
    return {
      summary: this.remoteSummary(order),
      lines: order.lines.map((l, index) => ({ index, sku: l.sku, name: l.name, quantity: l.quantity, unit_price: l.unitPrice, tax_class: l.taxClass, line_total: l.lineTotal })),
      memberId: null,
    };
  }

  /**
   * Refunded quantities per line and money given back: this register's refunds (written or reserved),
   * plus (online) those HQ has from other registers.
   */
  private async refundedQuantities(
    original: OriginalOrder,
    source: OrderSource,
  ): Promise<{ quantities: Map<number, number>; money: number; remote: OrderSummary[]; remoteQuantities: Map<number, number>; remoteMoney: number; returned: Map<number, number> }> {
    const local = this.localRefunded(original.summary.id);
    const quantities = new Map(local.quantities);
    const remote: OrderSummary[] = [];
    const remoteQuantities = new Map<number, number>();
    const remoteReturned = new Map<number, number>();
    const returned = this.o.orders.returnedInSales(original.summary.id).quantities;
    let remoteMoney = 0;
    if (source === 'local' || original.summary.kind === 'refund') return { quantities, money: local.money, remote, remoteQuantities, remoteMoney, returned };
    const localIds = new Set(this.o.orders.refunds(original.summary.id).map((r) => r.id));
    for (const refund of await this.hqOrders({ originalOrderId: original.summary.id })) {
      if (localIds.has(refund.id) || this.o.orders.reservations(original.summary.id).some((r) => r.id === refund.id)) continue;
      if (refund.kind === 'sale') {
        // A sale that took items of this order back (an exchange); this register's own are counted from its database.
        if (this.o.orders.get(refund.id)) continue;
        remote.push(this.remoteSummary(refund));
        for (const line of refund.lines) {
          if (line.returned?.orderId !== original.summary.id || line.returned.originalLineIndex === undefined) continue;
          remoteMoney -= line.lineTotal;
          remoteQuantities.set(line.returned.originalLineIndex, (remoteQuantities.get(line.returned.originalLineIndex) ?? 0) - line.quantity);
          remoteReturned.set(line.returned.originalLineIndex, (remoteReturned.get(line.returned.originalLineIndex) ?? 0) - line.quantity);
        }
        continue;
      }
      remote.push(this.remoteSummary(refund));
      remoteMoney -= refund.total;
      for (const line of refund.lines as RefundLine[]) {
        if (line.originalLineIndex === undefined) continue;
        remoteQuantities.set(line.originalLineIndex, (remoteQuantities.get(line.originalLineIndex) ?? 0) - line.quantity);
      }
    }
    for (const [index, quantity] of remoteQuantities) quantities.set(index, (quantities.get(index) ?? 0) + quantity);
    for (const [index, quantity] of remoteReturned) returned.set(index, (returned.get(index) ?? 0) + quantity);
    return { quantities, money: local.money + remoteMoney, remote, remoteQuantities, remoteMoney, returned };
  }

  private async hqOrders(filter: Pick<OrderSearchQuery, 'id' | 'originalOrderId'>): Promise<OrderWithPayments[]> {
    if (!this.o.hq || !this.o.online()) throw new KassaError('NOT_ALLOWED', CROSS_REGISTER_OFFLINE);
    try {
      return (await this.o.hq.call(HQ_ROUTES.searchOrders, { query: { ...filter, limit: 1000 } }, { timeoutMs: this.o.hqTimeoutMs })).orders;
    } catch {
      throw new KassaError('HQ_UNAVAILABLE', 'HQ did not answer about this order. Try again, or refund orders of this register while HQ is away.');
    }
  }

  private summary(row: OrderRow): OrderSummary {
    return {
      id: row.id,
      number: row.number,
      kind: row.kind,
      total: row.total,
      currency: row.currency,
      createdAt: row.completed_at,
      cashier: row.cashier,
      tenders: tendersOf(row),
      memberId: row.member_id,
      originalOrderId: row.original_order_id,
      source: 'local',
      origin: originOf(row.number),
      thisRegister: true,
    };
  }

  private remoteSummary(order: OrderWithPayments): OrderSummary {
    return {
      id: order.id,
      number: order.number,
      kind: order.kind,
      total: order.total,
      currency: order.currency,
      createdAt: Date.parse(order.createdAt),
      cashier: null,
      tenders: paidBy(order.payments),
      memberId: null,
      originalOrderId: order.originalOrderId,
      source: 'hq',
      origin: originOf(order.number),
      thisRegister: order.registerId === this.o.registerId(),
    };
  }
}

/** How an order at HQ was paid: each tender once, in the order taken, leaving out payments that moved no money (declined, voided). */
function paidBy(payments: readonly OrderPayment[]): Tender[] {
  const tenders = payments.filter((p) => p.status !== 'declined' && p.status !== 'voided').map((p) => p.tender);
  return [...new Set(tenders)];
}
