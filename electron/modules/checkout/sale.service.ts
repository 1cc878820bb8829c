import type { TenderOptions, TenderState } from '../../../shared/api';
import { KassaError } from '../../../shared/errors';
import { formatMoney } from '../../../shared/money';
import { isLuhnValid, TEST_CARDS, type PaymentOutcome } from '../../../shared/hq/payments';
import { HqStatusError } from '../../hq/hq-client';
import type { OperationDraft, Outbox } from '../../sync/outbox';
import type { CardAuthorization, CardTerminal } from './card-terminal';
import type { CartRepository } from './cart.repository';
import { roundCash, type CashRoundingStep } from './pricing/rounding';
import type { CardAttemptRow, PaymentRow, LedgerRepository } from './ledger.repository';

export interface CompletedSale {
  saleId: string;
  number: string;
  total: number;
  change: number;
  currency: string;
}

export interface SaleServiceOptions {
  carts: CartRepository;
  sales: LedgerRepository;
  outbox: Outbox;
  numberPrefix: () => string;
  currency: () => string;
  newId: () => string;
  terminal: CardTerminal;
  /** Whether card authorisation is available right now, and why not — asked of connectivity, never of the network. */
  cardOnline: () => { available: boolean; reason: string | null };
  offlineLimits: () => { perPaymentLimit: number; totalLimit: number; uploadDeadlineHours: number };
  /** A manager's approval of `action` (the auth policy: logged, wrong PINs counted), or NOT_A_MANAGER. */
  managerByPin: (pin: string, action: string) => Promise<{ name: string }>;
  /** Seals a card number to HQ's card key (card-seal.ts): a card kept for later never stores the number itself. */
  sealCard: (pan: string) => string;
  /** `store.cashRoundingMinor`: cash that settles the sale is rounded to this step (0: never). */
  cashRounding?: () => CashRoundingStep;
  /** Membership: the attached member's points entries, written inside the completion transaction. */
  loyalty?: SaleCompletionHook;
  now?: () => number;
}

/** What a module adds to a completing sale, inside its transaction: the member it belongs to, and its own operations for HQ. */
export interface SaleCompletionHook {
  completing(
    saleId: string,
    payments: readonly { tender: string; amount: number }[],
    currency: string,
    now: number,
    /** The change handed back in cash, and the cashier who took the sale. */
    sale: { change: number; cashierId: string },
  ): { memberId: string | null; operations: OperationDraft[] };
}

/**
 * The tender step and the completion of a sale. Payments are written to the open sale as they are taken
 * (a card approval is never lost to a crash); completing commits the sale, its payments and the
 * operations for HQ in one transaction under the register's next gap-free number.
 */
export class SaleService {
  private readonly now: () => number;
  /** Sales with a card authorisation on its way: nothing else may be paid or completed meanwhile. */
  private readonly cardInFlight = new Set<string>();
  /** Sales whose last online card attempt got no usable answer: store-and-forward is offered even online. */
  private readonly unanswered = new Set<string>();
  private readonly completionHooks: SaleCompletionHook[] = [];
  private readonly cashChecks: (() => void)[] = [];

  constructor(private readonly o: SaleServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  /** A module that may refuse cash before it is taken (cash management: the float must be counted first) registers here. */
  onCashTender(check: () => void): void {
    this.cashChecks.push(check);
  }

  /** A module that writes with each completed sale (membership's points) registers here. */
  onCompleting(hook: SaleCompletionHook): void {
    this.completionHooks.push(hook);
  }

  private completing(saleId: string, payments: readonly { tender: string; amount: number }[], currency: string, now: number, sale: { change: number; cashierId: string }): { memberId: string | null; operations: OperationDraft[] } {
    const hooks = this.o.loyalty ? [this.o.loyalty, ...this.completionHooks] : this.completionHooks;
    let memberId: string | null = null;
    const operations: OperationDraft[] = [];
    for (const hook of hooks) {
      const added = hook.completing(saleId, payments, currency, now, sale);
      memberId ??= added.memberId;
      operations.push(...added.operations);
    }
    return { memberId, operations };
  }

  state(): TenderState {
    const cart = this.o.carts.get(this.o.currency());
    const payments = cart.id ? this.o.sales.paymentsOf(cart.id) : [];
    const paid = payments.reduce((sum, p) => sum + p.amount, 0);
    const cashRounding = cashRoundingOf(cart.total, payments, this.step());
    const remaining = Math.max(0, cart.total + cashRounding - paid);
    return {
      saleId: cart.id,
      due: cart.total,
      paid,
      remaining,
      cashDue: roundCash(remaining, this.step()),
      cashRounding,
      ...(cart.total < 0 ? { payout: -roundCash(cart.total, this.step()) } : {}),
      currency: cart.currency,
      payments: payments.map((p) => ({ id: p.id, tender: p.tender, amount: p.amount, tendered: p.tendered, status: p.status === 'stored' ? 'stored' : 'approved', last4: p.card_last4 })),
    };
  }

  options(): TenderOptions {
    const online = this.o.cardOnline();
    const limits = this.o.offlineLimits();
    return {
      cash: { available: true },
      card: {
        mode: online.available ? 'online' : 'store-and-forward',
        reason: online.reason,
        perPaymentLimit: limits.perPaymentLimit,
        totalLimit: limits.totalLimit,
        outstanding: this.o.sales.outstandingStoredCards(),
        uploadDeadlineHours: limits.uploadDeadlineHours,
      },
    };
  }

  /** Cash received; more than what remains is change, given at completion. */
  addCash(saleId: string, tendered: number): TenderState {
    const state = this.openState(saleId);
    this.notDuringCard(saleId);
    // A remainder that cash rounding takes to nothing (0.02 left after a card, rounding to 0.05) is settled
    // by a cash payment of 0.00: the rounding is recorded like any other.
    const settlesByRounding = state.remaining > 0 && state.cashDue === 0;
    if (!Number.isSafeInteger(tendered) || tendered < 0 || (tendered === 0 && !settlesByRounding)) {
      throw new KassaError('INVALID_INPUT', 'Enter the cash received as an amount above zero.');
    }
    if (state.remaining === 0) throw new KassaError('INVALID_INPUT', 'Nothing more is due: complete the sale.');
    for (const check of this.cashChecks) check();
    if (tendered > state.remaining + 1_000_000) throw new KassaError('INVALID_INPUT', 'That cash amount is far more than the amount due; check it and enter it again.');
    // Cash that settles the rest pays the cash due (rounded per store.cashRoundingMinor); less is a part payment.
    const cashDue = state.cashDue ?? state.remaining;
    if (tendered >= state.remaining && tendered < cashDue) {
      throw new KassaError('INVALID_INPUT', `The cash due is ${formatMoney(cashDue, state.currency)} after cash rounding; take at least that much in cash, or less as a part payment.`);
    }
    // The payment is what the sale keeps; the rest of what was handed over is change (recorded as tendered).
    const applied = tendered >= cashDue ? cashDue : Math.min(tendered, state.remaining);
    this.o.sales.addPayment({ id: this.o.newId(), saleId, tender: 'cash', amount: applied, tendered, status: 'approved', reference: null, cardLast4: null, cardToken: null, uploadDeadline: null }, this.now());
    return this.state();
  }

  /**
   * A card payment: authorised live when the checkout service is available; otherwise stored and
   * forwarded later within the offline limits (a manager's PIN above them). One card attempt keeps one
   * payment id from the first try to the last: an attempt whose answer never arrived is first looked up
   * at HQ, then retried or stored under the same id, so HQ never charges it twice.
   */
  async addCard(saleId: string, request: { amount?: number; cardNumber?: string; storeAndForward?: boolean; managerPin?: string }): Promise<TenderState> {
    const state = this.openState(saleId);
    this.notDuringCard(saleId);
    if (state.due < 0) {
      throw new KassaError('NOT_ALLOWED', 'This sale gives money back to the customer, which the till pays out in cash: a card takes payments only. Complete the sale and give the cash.');
    }
    const amount = request.amount ?? state.remaining;
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new KassaError('INVALID_INPUT', 'Enter a card amount above zero.');
    if (amount > state.remaining) throw new KassaError('INVALID_INPUT', 'A card pays at most what remains due; card payments give no change.');
    const cardNumber = (request.cardNumber ?? '').replace(/\s+/g, '') || (this.o.terminal.kind === 'simulated' ? TEST_CARDS.approved : '');
    if (!cardNumber) throw new KassaError('INVALID_INPUT', 'Enter the card number, or read the card, before paying by card.');
    if (!isLuhnValid(cardNumber)) throw new KassaError('INVALID_INPUT', 'That card number is not valid (check the digits).');
    const online = this.o.cardOnline();
    this.cardInFlight.add(saleId);
    try {
      let reuse: string | null = null;
      const open = this.o.sales.openCardAttempt(saleId);
      if (open) {
        const earlier = online.available ? await this.resolveAttempt(open, state.remaining) : ({ kind: 'unresolved', outcome: null } as const);
        if (earlier.kind === 'paid') return this.state();
        if (earlier.kind === 'unresolved') {
          if (open.amount === amount && open.card_last4 === cardNumber.slice(-4)) reuse = open.id;
          // Another card or amount: the earlier attempt is given up, and HQ voids it if it was approved.
          else this.abandonAttempts(saleId);
        }
      }
      if (online.available && !request.storeAndForward) return await this.authorizeOnline(saleId, amount, cardNumber, state.currency, reuse);
      if (online.available && !reuse && !this.unanswered.has(saleId)) {
        throw new KassaError('NOT_ALLOWED', 'Card payments are authorised now: a card payment is kept for later only while HQ is away or after one got no answer.');
      }
      return await this.storeAndForward(saleId, amount, cardNumber, request.managerPin, reuse);
    } finally {
      this.cardInFlight.delete(saleId);
    }
  }

  /**
   * Reports to HQ the card attempts no completed sale uses (their sale was voided, or completed with
   * another tender while the answer was missing), so HQ voids any approval among them.
   */
  reportAbandonedAttempts(): number {
    return this.abandonAttempts(null);
  }

  /** Commits the sale. Completing a sale that is already complete (a double click) returns it unchanged. */
  complete(saleId: string): CompletedSale {
    const header = this.o.sales.header(saleId);
    if (!header) throw new KassaError('NOT_FOUND', 'There is no such sale on this register.');
    if (header.status === 'completed') return { saleId, number: header.number!, total: header.total, change: header.change_due, currency: header.currency };
    const state = this.openState(saleId);
    this.notDuringCard(saleId);
    if (state.remaining > 0) throw new KassaError('INVALID_INPUT', `${state.remaining} still due: take another payment before completing the sale.`);
    // Returned items worth more than what is bought: the difference goes back in cash, recorded as a negative cash payment.
    const payout = state.payout ?? 0;
    if (payout > 0 && state.paid !== 0) throw new KassaError('NOT_ALLOWED', 'This sale gives money back, yet a payment was taken for it; nothing was completed. Ask a manager to sort it out.');
    if (payout === 0 && state.paid > state.due + (state.cashRounding ?? 0)) throw new KassaError('INVALID_INPUT', 'The payments taken are more than the amount due; nothing was completed. Ask a manager to sort out the overpayment.');
    const now = this.now();
    const priced = this.o.carts.get(this.o.currency());
    const done = this.o.outbox.write(() => {
      if (payout > 0) {
        this.o.sales.addPayment({ id: this.o.newId(), saleId, tender: 'cash', amount: -payout, tendered: null, status: 'approved', reference: null, cardLast4: null, cardToken: null, uploadDeadline: null }, now);
      }
      const record = this.o.sales.completeOpenSale(saleId, this.o.numberPrefix(), state.due, now, priced);
      const loyalty = this.completing(saleId, record.payments, state.currency, now, { change: record.change, cashierId: record.sale.cashierId });
      const sale = loyalty.memberId ? { ...record.sale, memberId: loyalty.memberId } : record.sale;
      const abandoned = this.o.sales.abandonUnusedAttempts(saleId, now);
      return {
        result: record,
        operations: [
          { entity: 'sale', entityId: saleId, type: 'completed', payload: sale },
          ...abandoned.map((a) => abandonedOperation(a)),
          ...record.payments.map((p) => ({ entity: 'payment' as const, entityId: p.id, type: 'recorded' as const, payload: p })),
          ...record.offlineCards.map((c) => ({ entity: 'offlineCardPayment' as const, entityId: c.id, type: 'captured' as const, payload: c })),
          ...loyalty.operations,
        ],
      };
    }, now);
    return { saleId, number: done.number, total: done.total, change: done.change, currency: state.currency };
  }

  /** Cash for what remains (or `tendered`), then completion: the quick path. */
  completeWithCash(tendered: number | null): CompletedSale {
    const state = this.state();
    if (!state.saleId || this.emptyCart()) throw new KassaError('NOTHING_TO_PAY', 'The cart is empty: scan an item first.');
    if (state.remaining > 0) this.addCash(state.saleId, tendered ?? state.remaining);
    return this.complete(state.saleId);
  }

  private step(): CashRoundingStep {
    return this.o.cashRounding?.() ?? 0;
  }

  private notDuringCard(saleId: string): void {
    if (this.cardInFlight.has(saleId)) throw new KassaError('INVALID_INPUT', 'A card payment for this sale is still being authorised; wait for its answer.');
  }

  private openState(saleId: string): TenderState {
    const state = this.state();
    if (!state.saleId || state.saleId !== saleId) throw new KassaError('NOT_FOUND', 'This sale is no longer open on this register; start a new sale.');
    // A cart whose returned items weigh as much as what is bought completes with no payment; only an empty one has nothing to complete.
    if (this.emptyCart()) throw new KassaError('NOTHING_TO_PAY', 'The cart is empty: scan an item first.');
    return state;
  }

  private emptyCart(): boolean {
    return this.o.carts.get(this.o.currency()).lines.length === 0;
  }

  private abandonAttempts(saleId: string | null): number {
    const now = this.now();
    return this.o.outbox.write(() => {
      const abandoned = this.o.sales.abandonUnusedAttempts(saleId, now);
      return { result: abandoned.length, operations: abandoned.map((a) => abandonedOperation(a)) };
    }, now);
  }

  /**
   * Asks HQ what became of an attempt whose answer never arrived. Approved: it becomes the sale's payment
   * (or is given up if the sale no longer needs it). Declined or reversed: closed. Unknown (HQ never got
   * it) or no answer: still open, to be retried or stored under the same id.
   */
  private async resolveAttempt(attempt: CardAttemptRow, remaining: number): Promise<{ kind: 'paid' } | { kind: 'closed'; outcome: PaymentOutcome } | { kind: 'unresolved'; outcome: PaymentOutcome | null }> {
    const outcome = await this.o.terminal.outcome(attempt.id);
    if (!outcome || outcome.status === 'unknown') return { kind: 'unresolved', outcome };
    if (outcome.status === 'pending') {
      throw new KassaError('CARD_NO_ANSWER', 'HQ is still waiting for the card acquirer to answer this card payment. Press the card button again in a moment; the card is never charged twice.');
    }
    if (outcome.status === 'approved' && attempt.amount <= remaining) {
      this.o.sales.addAttemptPayment(
        { id: attempt.id, saleId: attempt.sale_id, tender: 'card', amount: attempt.amount, tendered: null, status: 'approved', reference: outcome.authCode, cardLast4: outcome.last4 ?? attempt.card_last4, cardToken: null, uploadDeadline: null },
        this.now(),
      );
      this.unanswered.delete(attempt.sale_id);
      return { kind: 'paid' };
    }
    if (outcome.status === 'approved') this.abandonAttempts(attempt.sale_id);
    else this.o.sales.closeCardAttempt(attempt.id, 'declined', this.now());
    return { kind: 'closed', outcome };
  }

  private async authorizeOnline(saleId: string, amount: number, cardNumber: string, currency: string, reuse: string | null): Promise<TenderState> {
    const paymentId = reuse ?? this.o.newId();
    // Recorded before the request leaves: whatever happens to the answer, this attempt is looked up, not forgotten.
    if (!reuse) this.o.sales.recordCardAttempt({ id: paymentId, saleId, amount, currency, last4: cardNumber.slice(-4) }, this.now());
    let answer: CardAuthorization;
    try {
      answer = await this.o.terminal.authorize({ paymentId, orderId: saleId, amount, currency, cardNumber });
    } catch (error) {
      if (error instanceof HqStatusError && error.rejected && error.kind !== 'limited') {
        this.o.sales.closeCardAttempt(paymentId, 'declined', this.now());
        throw new KassaError('HQ_UNAVAILABLE', `HQ refused this card payment (${error.code ?? error.kind}), so the card was not charged. Take another tender, and tell a manager if it happens again.`);
      }
      return this.afterNoAnswer(saleId, paymentId);
    }
    if (answer.status === 'declined') {
      this.o.sales.closeCardAttempt(paymentId, 'declined', this.now());
      throw new KassaError('PAYMENT_DECLINED', `The card was declined${answer.reason ? `: ${answer.reason.replace(/\.$/, '')}` : ''}. The cart is kept: try another card or another tender.`);
    }
    this.o.sales.addAttemptPayment({ id: paymentId, saleId, tender: 'card', amount, tendered: null, status: 'approved', reference: answer.authCode, cardLast4: answer.last4, cardToken: null, uploadDeadline: null }, this.now());
    this.unanswered.delete(saleId);
    return this.state();
  }

  /** An authorisation got no usable answer: HQ is asked what became of it before anything else is offered. */
  private async afterNoAnswer(saleId: string, paymentId: string): Promise<TenderState> {
    this.unanswered.add(saleId);
    const attempt = this.o.sales.openCardAttempt(saleId);
    const resolved = attempt ? await this.resolveAttempt(attempt, this.state().remaining) : null;
    if (resolved?.kind === 'paid') return this.state();
    if (resolved?.kind === 'closed' && resolved.outcome.status === 'declined') {
      throw new KassaError('PAYMENT_DECLINED', `The card was declined${resolved.outcome.reason ? `: ${resolved.outcome.reason.replace(/\.$/, '')}` : ''}. The cart is kept: try another card or another tender.`);
    }
    if (resolved?.kind === 'closed') {
      throw new KassaError('CARD_TIMEOUT', 'The card acquirer did not answer in time, and HQ reversed this card payment, so it is not charged. Try again, store it and send it later, or take another tender.');
    }
    if (resolved?.outcome?.status === 'unknown') {
      throw new KassaError('CARD_TIMEOUT', 'HQ did not receive this card payment. Try again, store it and send it later, or take another tender.');
    }
    throw new KassaError(
      'CARD_NO_ANSWER',
      `The card payment got no answer, and HQ cannot be asked about it yet, so Kassa cannot tell whether the card was charged (payment ${paymentId.slice(-8)}). Press the card button again to ask, store it and send it later, or take another tender: the card is never charged twice.`,
    );
  }

  private async storeAndForward(saleId: string, amount: number, cardNumber: string, managerPin: string | undefined, reuse: string | null): Promise<TenderState> {
    const cardToken = this.o.sealCard(cardNumber); // first: without HQ's key there is nothing to approve
    const limits = this.o.offlineLimits();
    const outstanding = this.o.sales.outstandingStoredCards();
    const over = amount > limits.perPaymentLimit || outstanding + amount > limits.totalLimit;
    if (over) {
      if (!managerPin) {
        throw new KassaError('LIMIT_EXCEEDED', 'This card payment is above the offline limit (per payment or in total). A manager must approve it with their PIN, or take another tender.');
      }
      await this.o.managerByPin(managerPin, 'checkout.storeAndForwardOverLimit');
    }
    const now = this.now();
    // An unanswered online attempt is stored under its own id: if HQ did approve it, HQ does not charge it again.
    this.o.sales.addAttemptPayment(
      { id: reuse ?? this.o.newId(), saleId, tender: 'card', amount, tendered: null, status: 'stored', reference: null, cardLast4: cardNumber.slice(-4), cardToken, uploadDeadline: now + limits.uploadDeadlineHours * 3_600_000 },
      now,
    );
    this.unanswered.delete(saleId);
    return this.state();
  }
}

function abandonedOperation(attempt: CardAttemptRow): OperationDraft {
  return {
    entity: 'cardAttempt',
    entityId: attempt.id,
    type: 'abandoned',
    payload: { id: attempt.id, orderId: attempt.sale_id, amount: attempt.amount, currency: attempt.currency, createdAt: new Date(attempt.created_at).toISOString() },
  };
}

/**
 * The cash rounding a sale's payments already settled: a cash payment that paid exactly the rounded
 * remainder (rounding rule 4 in `pricing/rounding.ts`) closed the sale, and what it differs from the
 * unrounded remainder is the rounding (negative when rounded down). Card payments are never rounded.
 * The rounding is the payments' sum minus the sale's total, so it needs no column of its own.
 */
export function cashRoundingOf(due: number, payments: readonly Pick<PaymentRow, 'tender' | 'amount'>[], step: CashRoundingStep): number {
  if (step === 0) return 0;
  let remaining = due;
  for (const payment of payments) {
    if (payment.tender === 'cash' && payment.amount !== remaining && payment.amount === roundCash(remaining, step)) return payment.amount - remaining;
    remaining -= payment.amount;
  }
  return 0;
}
