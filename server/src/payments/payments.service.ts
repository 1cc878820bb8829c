import type { Kysely } from 'kysely';
import type { AuthorizeRequest, AuthorizeResponse, CardRefundRequest, CardRefundResponse } from '../../../shared/hq/payments';
import type { Selectable } from 'kysely';
import type { CardAuthorizationsTable, HqSchema } from '../db/schema';
import type { Writer } from '../db/writer';
import { HqError } from '../http/errors';
import type { AuthenticatedRegister } from '../registers/registers.repository';
import { cardNumberForSettlement, type CardKey } from './card-key';
import { GatewayTimeoutError, withGatewayTimeout, type CardGateway } from './gateway';
import type { Logger } from 'pino';

export interface PaymentsOptions {
  gateway: CardGateway;
  timeoutMs: number;
  /** Opens the sealed card numbers of offline payments when settling them. */
  cardKey: CardKey;
}

/** A settlement claimed longer ago than this is taken to be abandoned by a crashed instance. */
const STALE_CLAIM_MS = 5 * 60_000;

export class PaymentsService {
  private settling: Promise<void> | null = null;

  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
    private readonly options: PaymentsOptions,
    private readonly log: Logger,
  ) {}

  /** Authorises a card payment live; the same paymentId again returns the first answer and charges once. */
  async authorize(register: AuthenticatedRegister, request: AuthorizeRequest): Promise<AuthorizeResponse> {
    const earlier = await this.read.selectFrom('card_authorizations').selectAll().where('payment_id', '=', request.paymentId).executeTakeFirst();
    if (earlier) return this.answerFrom(earlier, request);
    let answer;
    try {
      answer = await withGatewayTimeout(this.options.timeoutMs, (signal) =>
        this.options.gateway.authorize({ reference: request.paymentId, amount: request.amount, currency: request.currency, cardNumber: request.cardNumber }, signal),
      );
    } catch (error) {
      if (error instanceof GatewayTimeoutError) {
        throw new HqError(504, 'GATEWAY_TIMEOUT', 'The card acquirer did not answer in time; the card was not charged. Try again or take another tender.');
      }
      throw error;
    }
    const row = {
      payment_id: request.paymentId,
      register_id: register.id,
      order_id: request.orderId ?? null,
      amount: request.amount,
      currency: request.currency,
      last4: request.cardNumber.slice(-4),
      status: answer.status,
      auth_code: answer.status === 'approved' ? answer.authCode : null,
      reason: answer.status === 'declined' ? answer.reason : null,
    };
    await this.writer.transaction(({ trx, now }) =>
      trx
        .insertInto('card_authorizations')
        .values({ ...row, created_at: now })
        .onConflict((oc) => oc.column('payment_id').doNothing())
        .execute(),
    );
    // A concurrent retry may have stored its answer first: every caller returns the stored one.
    const stored = await this.read.selectFrom('card_authorizations').selectAll().where('payment_id', '=', request.paymentId).executeTakeFirstOrThrow();
    return this.answerFrom(stored, request);
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
      // A no-op update locks the original payment's row (on PostgreSQL): refunds of one payment are checked one after the other.
      await trx.updateTable('card_authorizations').set((eb) => ({ created_at: eb.ref('created_at') })).where('payment_id', '=', request.paymentId).execute();
      await trx.updateTable('offline_card_payments').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', request.paymentId).execute();
      const given = await this.refunded(request.paymentId, trx);
      if (given + request.amount > original.amount) {
        throw new HqError(409, 'REFUND_EXCEEDS', `Card payment ${request.paymentId} charged ${original.amount}; ${given} of it was refunded already, so at most ${original.amount - given} can go back to the card.`);
      }
      const inserted = await trx
        .insertInto('card_authorizations')
        .values({ payment_id: request.refundId, register_id: register.id, order_id: request.paymentId, amount: -request.amount, currency: request.currency, last4: original.last4, status: 'reserved', auth_code: null, reason: null, created_at: now })
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
    await this.writer.transaction(({ trx }) =>
      trx
        .updateTable('card_authorizations')
        .set({ status: answer.status, auth_code: answer.status === 'approved' ? answer.authCode : null, reason: answer.status === 'declined' ? answer.reason : null })
        .where('payment_id', '=', request.refundId)
        .execute(),
    );
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
    const live = await this.read.selectFrom('card_authorizations').select(['amount', 'last4', 'status']).where('payment_id', '=', paymentId).executeTakeFirst();
    if (live) return live.status === 'approved' && Number(live.amount) > 0 ? { amount: Number(live.amount), last4: live.last4 } : null;
    const offline = await this.read.selectFrom('offline_card_payments').select(['amount', 'last4', 'status']).where('id', '=', paymentId).executeTakeFirst();
    return offline && offline.status !== 'declined' ? { amount: Number(offline.amount), last4: offline.last4 } : null;
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

  private answerFrom(row: { payment_id: string; amount: number; status: Selectable<CardAuthorizationsTable>['status']; auth_code: string | null; reason: string | null; last4: string }, request: AuthorizeRequest): AuthorizeResponse {
    // A refund's id (its amount negative, possibly still reserved) is never an authorisation's.
    if (Number(row.amount) !== request.amount || row.status === 'reserved') {
      throw new HqError(409, 'PAYMENT_ID_REUSED', `Payment ${request.paymentId} was already authorised for ${row.amount}; use a new payment id for a different amount.`);
    }
    return { paymentId: row.payment_id, status: row.status === 'approved' ? 'approved' : 'declined', authCode: row.auth_code, reason: row.reason, last4: row.last4 };
  }

  /** Starts settling stored offline payments, unless a run is already going; returns when that run ends. */
  settlePending(): Promise<void> {
    this.settling ??= this.settleAll()
      .catch((error: unknown) => this.log.error({ err: error }, 'settling offline card payments failed; will retry'))
      .finally(() => (this.settling = null));
    return this.settling;
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
        // Claim them so another HQ instance does not settle the same payments.
        return trx
          .updateTable('offline_card_payments')
          .set((eb) => ({ status: 'settling', claimed_at: now, attempts: eb('attempts', '+', 1) }))
          .where('id', 'in', ids)
          .where((eb) => eb.or([eb('status', '=', 'pending'), eb('status', '=', 'settling')]))
          .returning(['id', 'order_id', 'register_id', 'store_id', 'amount', 'currency', 'card_token'])
          .execute();
      });
      if (batch.length === 0) return;
      let progressed = false;
      for (const payment of batch) {
        let answer;
        // A token HQ cannot open is declined with the reason, never retried: no later attempt would open it.
        const card = cardNumberForSettlement(this.options.cardKey, payment.card_token);
        try {
          answer = !card.ok
            ? { status: 'declined' as const, reason: card.reason }
            : await withGatewayTimeout(this.options.timeoutMs, (signal) =>
                this.options.gateway.settle({ reference: payment.id, amount: Number(payment.amount), currency: payment.currency, cardNumber: card.cardNumber }, signal),
              );
        } catch (error) {
          this.log.warn({ err: error, payment: payment.id }, 'an offline card payment could not be settled yet; it stays pending');
          await this.writer.transaction(({ trx, now }) => trx.updateTable('offline_card_payments').set({ status: 'pending', claimed_at: null, updated_at: now }).where('id', '=', payment.id).execute());
          continue;
        }
        progressed = true;
        const status = answer.status === 'approved' ? ('settled' as const) : ('declined' as const);
        const reason = answer.status === 'declined' ? answer.reason : null;
        await this.writer.transaction(async (tx) => {
          await tx.trx.updateTable('offline_card_payments').set({ status, reason, card_token: null, claimed_at: null, updated_at: tx.now }).where('id', '=', payment.id).execute();
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

  async offlinePayment(id: string) {
    return this.read.selectFrom('offline_card_payments').select(['id', 'status', 'reason', 'attempts', 'card_token']).where('id', '=', id).executeTakeFirst();
  }
}

function refundAnswer(row: { payment_id: string; status: Selectable<CardAuthorizationsTable>['status']; auth_code: string | null; reason: string | null; last4: string }): CardRefundResponse {
  return { refundId: row.payment_id, status: row.status === 'approved' ? 'approved' : 'declined', reference: row.auth_code, reason: row.reason, last4: row.last4 };
}
