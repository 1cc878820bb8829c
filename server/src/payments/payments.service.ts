import type { Kysely } from 'kysely';
import type { AuthorizeRequest, AuthorizeResponse, CardRefundRequest, CardRefundResponse, PaymentOutcome } from '../../../shared/hq/payments';
import type { Selectable } from 'kysely';
import type { CardAuthorizationsTable, HqSchema } from '../db/schema';
import type { Writer } from '../db/writer';
import { refreshTakings, refreshTakingsOfPayments } from '../console/takings-rollup';
import { HqError } from '../http/errors';
import { assertInStore } from '../http/scope';
import type { AuthenticatedRegister } from '../registers/registers.repository';
import { cardNumberForSettlement, type CardKey } from './card-key';
import { GatewayTimeoutError, withGatewayTimeout, type CardGateway, type GatewayAnswer } from './gateway';
import type { Logger } from 'pino';

export interface PaymentsOptions {
  gateway: CardGateway;
  timeoutMs: number;
  /** An approval no uploaded sale uses is voided after this long (a register may hold its sale offline meanwhile). */
  abandonedAfterMs: number;
  /** Opens the sealed card numbers of offline payments when settling them. */
  cardKey: CardKey;
}

/** A settlement claimed longer ago than this is taken to be abandoned by a crashed instance. */
const STALE_CLAIM_MS = 5 * 60_000;

export class PaymentsService {
  private settling: Promise<void> | null = null;
  /**
   * Payment ids this instance is asking the acquirer about right now. The sweep and the voider judge a
   * pending attempt's age by HQ's wall clock; one set forward must never make them void an authorisation
   * still on its way (its charge could land after the void and stay).
   */
  private readonly asking = new Set<string>();

  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
    private readonly options: PaymentsOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Authorises a card payment live, exactly once per payment id. The id is recorded as `pending` before
   * the acquirer is asked, so an answer lost on its way back can be looked up (outcome()) and a retry
   * with the same id gets the first answer instead of a second charge. An acquirer that does not answer
   * in time is told to reverse the attempt.
   */
  async authorize(register: AuthenticatedRegister, request: AuthorizeRequest): Promise<AuthorizeResponse> {
    const claimed = await this.writer.transaction(async ({ trx, now }) => {
      // An order HQ has not received yet is the usual case (the sale completes after its payment); another store's is refused.
      if (request.orderId) await assertInStore(trx, { kind: 'register', register }, 'order', request.orderId, 'pass');
      const rows = await trx
        .insertInto('card_authorizations')
        .values({
          payment_id: request.paymentId,
          register_id: register.id,
          order_id: request.orderId ?? null,
          amount: request.amount,
          currency: request.currency,
          last4: request.cardNumber.slice(-4),
          status: 'pending',
          auth_code: null,
          reason: null,
          created_at: now,
          void_requested_at: null,
          voided_at: null,
        })
        .onConflict((oc) => oc.column('payment_id').doNothing())
        .returning('payment_id')
        .execute();
      return rows.length === 1;
    });
    if (!claimed) return this.answerFrom(await this.settled(request.paymentId), register, request);
    this.asking.add(request.paymentId);
    try {
      return await this.ask(register, request);
    } finally {
      this.asking.delete(request.paymentId);
    }
  }

  /** Asks the acquirer for a claimed payment id and records its answer (see authorize). */
  private async ask(register: AuthenticatedRegister, request: AuthorizeRequest): Promise<AuthorizeResponse> {
    let answer;
    try {
      answer = await withGatewayTimeout(this.options.timeoutMs, (signal) =>
        this.options.gateway.authorize({ reference: request.paymentId, amount: request.amount, currency: request.currency, cardNumber: request.cardNumber }, signal),
      );
    } catch (error) {
      const reason = error instanceof GatewayTimeoutError ? 'The card acquirer did not answer in time; HQ reversed the attempt.' : 'The card acquirer could not be reached; HQ reversed the attempt.';
      // The call has ended (its signal aborted): reverse it now; if the acquirer cannot be reached, the voider tries again.
      const reversed = await withGatewayTimeout(this.options.timeoutMs, (signal) => this.options.gateway.void({ reference: request.paymentId }, signal)).then(
        (answer) => answer.status === 'approved',
        () => false,
      );
      await this.writer.transaction(({ trx, now }) =>
        trx
          .updateTable('card_authorizations')
          .set(reversed ? { reason, status: 'voided', void_requested_at: now, voided_at: now } : { reason, void_requested_at: now })
          .where('payment_id', '=', request.paymentId)
          .where('status', '=', 'pending')
          .execute(),
      );
      if (error instanceof GatewayTimeoutError) {
        throw new HqError(504, 'GATEWAY_TIMEOUT', 'The card acquirer did not answer in time; HQ is reversing the attempt, so the card is not charged by it. Try again or take another tender.');
      }
      throw error;
    }
    await this.writer.transaction(async ({ trx }) => {
      await trx
        .updateTable('card_authorizations')
        .set({ status: answer.status, auth_code: answer.status === 'approved' ? answer.authCode : null, reason: answer.status === 'declined' ? answer.reason : null })
        .where('payment_id', '=', request.paymentId)
        .where('status', '=', 'pending')
        .execute();
      // Nothing to do unless a sale already recorded this payment (its takings follow the outcome).
      await refreshTakingsOfPayments(trx, this.writer.dialect, [request.paymentId]);
    });
    // An abandonment that arrived meanwhile has asked for a void: the voider reverses this approval.
    const stored = await this.read.selectFrom('card_authorizations').selectAll().where('payment_id', '=', request.paymentId).executeTakeFirstOrThrow();
    if (stored.void_requested_at !== null) void this.settlePending();
    return this.answerFrom(stored, register, request);
  }

  /** The row of a payment id once no request is with the acquirer for it (a concurrent retry waits for the first). */
  private async settled(paymentId: string): Promise<Selectable<CardAuthorizationsTable>> {
    const until = performance.now() + this.options.timeoutMs + 2_000;
    for (;;) {
      const row = await this.read.selectFrom('card_authorizations').selectAll().where('payment_id', '=', paymentId).executeTakeFirstOrThrow();
      if (row.status !== 'pending' || row.void_requested_at !== null || performance.now() > until) return row;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * What HQ knows of a card attempt of the caller's store, for a register whose authorisation got no
   * answer: `unknown` means no request with this id ever reached HQ.
   */
  async outcome(register: AuthenticatedRegister, paymentId: string): Promise<PaymentOutcome> {
    const row = await this.read
      .selectFrom('card_authorizations')
      .innerJoin('registers', 'registers.id', 'card_authorizations.register_id')
      .select(['payment_id', 'amount', 'status', 'auth_code', 'reason', 'last4', 'void_requested_at', 'registers.store_id'])
      .where('payment_id', '=', paymentId)
      .executeTakeFirst();
    if (!row || row.store_id !== register.storeId || Number(row.amount) < 0) return { paymentId, status: 'unknown', amount: null, authCode: null, reason: null, last4: null };
    const status = row.status === 'voided' || row.void_requested_at !== null ? 'voided' : row.status === 'reserved' ? 'unknown' : row.status;
    return { paymentId, status, amount: Number(row.amount), authCode: status === 'approved' ? row.auth_code : null, reason: row.reason, last4: row.last4 || null };
  }

  /**
   * Gives money back to the card of an earlier approved payment (authorised live, or taken offline and not
   * declined), never more than it charged in all. Idempotent by refundId. Stored as a negative
   * authorisation whose order_id names the original payment.
   */
  async refund(register: AuthenticatedRegister, request: CardRefundRequest): Promise<CardRefundResponse> {
    const earlier = await this.read.selectFrom('card_authorizations').selectAll().where('payment_id', '=', request.refundId).executeTakeFirst();
    if (earlier) return this.earlierRefund(earlier, request);
    const original = await this.originalCardPayment(request.paymentId);
    if (!original) throw new HqError(404, 'PAYMENT_NOT_FOUND', `HQ knows no approved card payment ${request.paymentId}; refund in cash, or upload the sale first.`);
    // The amount is reserved before the acquirer is asked, in the transaction that checks it: two refunds of
    // one payment at once cannot both fit, and money the acquirer gives back is always on record.
    const reserved = await this.writer.transaction(async ({ trx, now }) => {
      // The route checked the payment's store already; checked again where the refund is written, as every authority check is.
      await assertInStore(trx, { kind: 'register', register }, 'cardPayment', request.paymentId, 'refuse');
      // A no-op update locks the original payment's row (on PostgreSQL): refunds of one payment are checked one after the other.
      await trx.updateTable('card_authorizations').set((eb) => ({ created_at: eb.ref('created_at') })).where('payment_id', '=', request.paymentId).execute();
      await trx.updateTable('offline_card_payments').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', request.paymentId).execute();
      const given = await this.refunded(request.paymentId, trx);
      if (given + request.amount > original.amount) {
        throw new HqError(409, 'REFUND_EXCEEDS', `Card payment ${request.paymentId} charged ${original.amount}; ${given} of it was refunded already, so at most ${original.amount - given} can go back to the card.`);
      }
      const inserted = await trx
        .insertInto('card_authorizations')
        .values({ payment_id: request.refundId, register_id: register.id, order_id: request.paymentId, amount: -request.amount, currency: request.currency, last4: original.last4, status: 'reserved', auth_code: null, reason: null, created_at: now, void_requested_at: null, voided_at: null })
        .onConflict((oc) => oc.column('payment_id').doNothing())
        .returning('payment_id')
        .execute();
      return inserted.length === 1;
    });
    if (!reserved) {
      // The same refund id arrived twice at once: answer as the one that got there first.
      const first = await this.read.selectFrom('card_authorizations').selectAll().where('payment_id', '=', request.refundId).executeTakeFirstOrThrow();
      return this.earlierRefund(first, request);
    }
    let answer;
    try {
      answer = await withGatewayTimeout(this.options.timeoutMs, (signal) =>
        this.options.gateway.refund({ reference: request.refundId, originalReference: request.paymentId, amount: request.amount, currency: request.currency }, signal),
      );
    } catch (error) {
      await this.writer.transaction(({ trx }) => trx.deleteFrom('card_authorizations').where('payment_id', '=', request.refundId).where('status', '=', 'reserved').execute());
      if (error instanceof GatewayTimeoutError) throw new HqError(504, 'GATEWAY_TIMEOUT', 'The card acquirer did not answer in time; nothing was refunded. Try again or refund in cash.');
      throw error;
    }
    await this.writer.transaction(async ({ trx }) => {
      await trx
        .updateTable('card_authorizations')
        .set({ status: answer.status, auth_code: answer.status === 'approved' ? answer.authCode : null, reason: answer.status === 'declined' ? answer.reason : null })
        .where('payment_id', '=', request.refundId)
        .execute();
      await refreshTakingsOfPayments(trx, this.writer.dialect, [request.refundId]);
    });
    const stored = await this.read.selectFrom('card_authorizations').selectAll().where('payment_id', '=', request.refundId).executeTakeFirstOrThrow();
    return refundAnswer(stored);
  }

  /** A refund id HQ has seen: the same request gets the same answer; another amount or payment is refused. */
  private earlierRefund(earlier: Selectable<CardAuthorizationsTable>, request: CardRefundRequest): CardRefundResponse {
    if (Number(earlier.amount) !== -request.amount || earlier.order_id !== request.paymentId) {
      throw new HqError(409, 'PAYMENT_ID_REUSED', `Refund ${request.refundId} was already made for another amount or payment; use a new refund id.`);
    }
    if (earlier.status === 'reserved') throw new HqError(409, 'REFUND_IN_PROGRESS', `Refund ${request.refundId} is being sent to the card acquirer now; ask again in a moment.`);
    return refundAnswer(earlier);
  }

  private async originalCardPayment(paymentId: string): Promise<{ amount: number; last4: string } | null> {
    const live = await this.read.selectFrom('card_authorizations').select(['amount', 'last4', 'status', 'void_requested_at']).where('payment_id', '=', paymentId).executeTakeFirst();
    if (live && live.status === 'approved' && live.void_requested_at === null && Number(live.amount) > 0) return { amount: Number(live.amount), last4: live.last4 };
    if (live && Number(live.amount) > 0 && !(await this.settledOffline(paymentId))) return null;
    const offline = await this.read.selectFrom('offline_card_payments').select(['amount', 'last4', 'status']).where('id', '=', paymentId).executeTakeFirst();
    return offline && offline.status !== 'declined' ? { amount: Number(offline.amount), last4: offline.last4 } : null;
  }

  private async settledOffline(paymentId: string): Promise<boolean> {
    const offline = await this.read.selectFrom('offline_card_payments').select('status').where('id', '=', paymentId).executeTakeFirst();
    return offline !== undefined && offline.status !== 'declined';
  }

  private async refunded(paymentId: string, db: Kysely<HqSchema> = this.read): Promise<number> {
    const row = await db
      .selectFrom('card_authorizations')
      .select((eb) => eb.fn.sum<number>('amount').as('total'))
      .where('order_id', '=', paymentId)
      .where('status', 'in', ['approved', 'reserved'])
      .where('amount', '<', 0)
      .executeTakeFirst();
    return -Number(row?.total ?? 0);
  }

  private answerFrom(row: Selectable<CardAuthorizationsTable>, register: AuthenticatedRegister, request: AuthorizeRequest): AuthorizeResponse {
    // A refund's id (its amount negative), another register's, or another amount is never this authorisation.
    if (Number(row.amount) !== request.amount || row.status === 'reserved' || row.register_id !== register.id) {
      throw new HqError(409, 'PAYMENT_ID_REUSED', `Payment ${request.paymentId} was already used for another card payment; use a new payment id.`);
    }
    if (row.status === 'pending' && row.void_requested_at === null) {
      throw new HqError(504, 'GATEWAY_TIMEOUT', 'HQ is still waiting for the card acquirer to answer this payment; ask again in a moment.');
    }
    if (row.status === 'approved' && row.void_requested_at === null) return { paymentId: row.payment_id, status: 'approved', authCode: row.auth_code, reason: null, last4: row.last4 };
    const reason = row.status === 'declined' ? row.reason : (row.reason ?? 'This card payment was given up and reversed; it pays nothing.');
    return { paymentId: row.payment_id, status: 'declined', authCode: null, reason, last4: row.last4 };
  }

  /**
   * Starts the card work HQ owes, unless a run is already going: voids of approvals no sale uses, then
   * settlement of stored offline payments. Returns when that run ends.
   */
  settlePending(): Promise<void> {
    this.settling ??= this.voidRequested()
      .then(() => this.settleAll())
      .catch((error: unknown) => this.log.error({ err: error }, 'card voids or settlements failed; will retry'))
      .finally(() => (this.settling = null));
    return this.settling;
  }

  /**
   * Asks for a void of approvals that no uploaded sale uses after `abandonedAfterMs`, and of attempts
   * left pending by an instance that stopped while the acquirer was being asked.
   */
  async sweepAbandoned(): Promise<number> {
    const swept = await this.writer.transaction(async ({ trx, now }) => {
      const rows = await trx
        .updateTable('card_authorizations')
        .set({ void_requested_at: now, reason: 'No sale used this card payment in time; HQ reversed it.' })
        .where('void_requested_at', 'is', null)
        .where('amount', '>', 0)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'approved'), eb('created_at', '<', now - this.options.abandonedAfterMs)]),
            eb.and([eb('status', '=', 'pending'), eb('created_at', '<', now - 3 * this.options.timeoutMs)]),
          ]),
        )
        .where((eb) => eb.not(eb.exists(eb.selectFrom('payments').select('payments.id').whereRef('payments.id', '=', 'card_authorizations.payment_id'))))
        .$if(this.asking.size > 0, (qb) => qb.where('payment_id', 'not in', [...this.asking]))
        .returning('payment_id')
        .execute();
      return rows.length;
    });
    if (swept > 0) await this.settlePending();
    return swept;
  }

  /** Reverses at the acquirer each authorisation HQ decided to void; a failed call is tried again next run. */
  private async voidRequested(): Promise<void> {
    const due = await this.read
      .selectFrom('card_authorizations')
      .select(['payment_id'])
      .where('void_requested_at', 'is not', null)
      .where('voided_at', 'is', null)
      // A pending one is voided only once its authorisation has surely ended: voided sooner, the acquirer's
      // charge could land after the void and stay.
      .where((eb) => eb.or([eb('status', '=', 'approved'), eb.and([eb('status', '=', 'pending'), eb('created_at', '<', Date.now() - this.options.timeoutMs - 5_000)])]))
      .orderBy('void_requested_at')
      .limit(200)
      .execute();
    for (const { payment_id: reference } of due) {
      if (this.asking.has(reference)) continue;
      try {
        const answer = await withGatewayTimeout(this.options.timeoutMs, (signal) => this.options.gateway.void({ reference }, signal));
        if (answer.status !== 'approved') throw new Error(answer.reason);
      } catch (error) {
        this.log.warn({ err: error, payment: reference }, 'a card payment could not be voided yet; will retry');
        continue;
      }
      await this.writer.transaction(async ({ trx, now }) => {
        await trx.updateTable('card_authorizations').set({ status: 'voided', voided_at: now }).where('payment_id', '=', reference).where('voided_at', 'is', null).execute();
        await refreshTakingsOfPayments(trx, this.writer.dialect, [reference]);
      });
    }
  }

  private async settleAll(): Promise<void> {
    for (;;) {
      const batch = await this.writer.transaction(async ({ trx, now }) => {
        const due = await trx
          .selectFrom('offline_card_payments')
          .select('id')
          .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'settling'), eb('claimed_at', '<', now - STALE_CLAIM_MS)])]))
          .orderBy('captured_at')
          .limit(50)
          .execute();
        if (due.length === 0) return [];
        const ids = due.map((d) => d.id);
        // Claim them so another HQ instance does not settle the same payments: only those still due, so a
        // payment another instance claimed since it was read here (PostgreSQL rereads the row) is left to it.
        return trx
          .updateTable('offline_card_payments')
          .set((eb) => ({ status: 'settling', claimed_at: now, attempts: eb('attempts', '+', 1) }))
          .where('id', 'in', ids)
          .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'settling'), eb('claimed_at', '<', now - STALE_CLAIM_MS)])]))
          .returning(['id', 'order_id', 'register_id', 'store_id', 'amount', 'currency', 'card_token'])
          .execute();
      });
      if (batch.length === 0) return;
      let progressed = false;
      for (const payment of batch) {
        const charge = await this.chargeCheck(payment.id, payment.order_id, Number(payment.amount));
        let answer: GatewayAnswer;
        if (charge.kind === 'charged') answer = { status: 'approved', authCode: charge.authCode };
        else if (charge.kind === 'refuse') answer = { status: 'declined', reason: charge.reason };
        else if (charge.kind === 'wait') {
          await this.writer.transaction(({ trx, now }) => trx.updateTable('offline_card_payments').set({ status: 'pending', claimed_at: null, updated_at: now }).where('id', '=', payment.id).execute());
          continue;
        } else {
          // A token HQ cannot open is declined with the reason, never retried: no later attempt would open it.
          const card = cardNumberForSettlement(this.options.cardKey, payment.card_token);
          try {
            answer = !card.ok
              ? { status: 'declined', reason: card.reason }
              : await withGatewayTimeout(this.options.timeoutMs, (signal) =>
                  this.options.gateway.settle({ reference: payment.id, amount: Number(payment.amount), currency: payment.currency, cardNumber: card.cardNumber }, signal),
                );
          } catch (error) {
            this.log.warn({ err: error, payment: payment.id }, 'an offline card payment could not be settled yet; it stays pending');
            await this.writer.transaction(({ trx, now }) => trx.updateTable('offline_card_payments').set({ status: 'pending', claimed_at: null, updated_at: now }).where('id', '=', payment.id).execute());
            continue;
          }
        }
        progressed = true;
        const status = answer.status === 'approved' ? ('settled' as const) : ('declined' as const);
        const reason = answer.status === 'declined' ? answer.reason : null;
        await this.writer.transaction(async (tx) => {
          await tx.trx.updateTable('offline_card_payments').set({ status, reason, card_token: null, claimed_at: null, updated_at: tx.now }).where('id', '=', payment.id).execute();
          // A declined settlement takes the payment out of its day's takings.
          await refreshTakings(tx.trx, this.writer.dialect, [payment.order_id]);
          await tx.append([
            {
              kind: 'cardSettlement',
              entityId: payment.id,
              data: { id: payment.id, orderId: payment.order_id, registerId: payment.register_id, amount: Number(payment.amount), status, reason },
              storeId: payment.store_id,
            },
          ]);
        });
      }
      if (!progressed) return;
    }
  }

  /**
   * Whether a stored offline payment may be charged: never twice for one payment id (an online attempt
   * with the same id whose answer was lost may have charged already), and never more for one sale than
   * the card tender the sale recorded.
   */
  private async chargeCheck(paymentId: string, orderId: string, amount: number): Promise<{ kind: 'charge' } | { kind: 'charged'; authCode: string } | { kind: 'wait' } | { kind: 'refuse'; reason: string }> {
    const live = await this.read.selectFrom('card_authorizations').select(['status', 'auth_code', 'void_requested_at', 'voided_at']).where('payment_id', '=', paymentId).executeTakeFirst();
    if (live?.status === 'approved' && live.void_requested_at === null) return { kind: 'charged', authCode: live.auth_code ?? '' };
    if (live?.status === 'pending' && live.void_requested_at === null) return { kind: 'wait' };
    if (live && (live.status === 'voided' || live.void_requested_at !== null)) {
      // An approval reversed is never charged again; an attempt that never got an approval is charged once its reversal is done.
      if (live.auth_code !== null) return { kind: 'refuse', reason: 'The online approval with this payment id was reversed, so HQ does not charge it again; ask the customer to pay another way.' };
      if (live.voided_at === null) return { kind: 'wait' };
    }
    const tender = await this.read
      .selectFrom('payments')
      .select((eb) => eb.fn.sum<number>('amount').as('total'))
      .where('order_id', '=', orderId)
      .where('tender', '=', 'card')
      .executeTakeFirst();
    const liveCharged = await this.read
      .selectFrom('card_authorizations')
      .select((eb) => eb.fn.sum<number>('amount').as('total'))
      .where('order_id', '=', orderId)
      .where('status', '=', 'approved')
      .where('void_requested_at', 'is', null)
      .where('payment_id', '!=', paymentId)
      .executeTakeFirst();
    const offlineCharged = await this.read
      .selectFrom('offline_card_payments')
      .select((eb) => eb.fn.sum<number>('amount').as('total'))
      .where('order_id', '=', orderId)
      .where('status', '=', 'settled')
      .where('id', '!=', paymentId)
      .executeTakeFirst();
    // The sale's card payments upload before its stored ones (one transaction, in order); until they are here, wait.
    if (tender?.total === null || tender?.total === undefined) return { kind: 'wait' };
    const cardTender = Number(tender.total);
    const charged = Number(liveCharged?.total ?? 0) + Number(offlineCharged?.total ?? 0);
    if (charged + amount > cardTender) {
      return { kind: 'refuse', reason: `Settling this payment would charge ${charged + amount} for a sale whose card tender is ${cardTender}; HQ did not charge it.` };
    }
    return { kind: 'charge' };
  }

  async offlinePayment(id: string) {
    return this.read.selectFrom('offline_card_payments').select(['id', 'status', 'reason', 'attempts', 'card_token']).where('id', '=', id).executeTakeFirst();
  }
}

function refundAnswer(row: { payment_id: string; status: Selectable<CardAuthorizationsTable>['status']; auth_code: string | null; reason: string | null; last4: string }): CardRefundResponse {
  return { refundId: row.payment_id, status: row.status === 'approved' ? 'approved' : 'declined', reference: row.auth_code, reason: row.reason, last4: row.last4 };
}
