import { z } from 'zod';
import { AuthorizeRequestSchema, AuthorizeResponseSchema, CardRefundRequestSchema, CardKeyResponseSchema, CardRefundResponseSchema, PaymentOutcomeSchema } from '../../../shared/hq/payments';
import { IdSchema } from '../../../shared/hq/common';
import { HqErrorSchema } from '../../../shared/hq/common';
import { callerRegister } from '../auth/guards';
import type { HqApp, HqContext } from '../context';

/** What HQ answers for a payment id it never saw, and for one of another store. */
const unknownPayment = (paymentId: string) => ({ paymentId, status: 'unknown' as const, amount: null, authCode: null, reason: null, last4: null });

export function paymentRoutes(app: HqApp, ctx: HqContext): void {
  app.post(
    '/payments/authorize',
    {
      // The sale is usually not on HQ yet; an order another store owns is refused. paymentId is a new id the register makes.
      config: { access: { caller: 'register', ids: [{ in: 'body', name: 'orderId', kind: 'order', unknown: 'pass' }] } },
      schema: {
        summary: 'Authorises a card payment through the card gateway (the simulator by default: see the README for its test cards). Idempotent by paymentId; 504 when the acquirer does not answer in time.',
        tags: ['checkout'],
        body: AuthorizeRequestSchema,
        response: { 200: AuthorizeResponseSchema, 400: HqErrorSchema, 401: HqErrorSchema, 409: HqErrorSchema, 504: HqErrorSchema },
      },
    },
    async (request) => ctx.payments.authorize(callerRegister(request), request.body),
  );
  app.get(
    '/payments/:paymentId',
    {
      config: { access: { caller: 'register', ids: [{ in: 'params', name: 'paymentId', kind: 'cardPayment', unknown: 'pass', otherStoreAnswer: unknownPayment }] } },
      schema: {
        summary: "What HQ knows of a card attempt of the caller's store, for a register whose authorisation got no answer: approved, declined, pending (the acquirer is being asked), voided, or unknown (HQ never received it).",
        tags: ['checkout'],
        params: z.object({ paymentId: IdSchema }).strict(),
        response: { 200: PaymentOutcomeSchema, 400: HqErrorSchema, 401: HqErrorSchema },
      },
    },
    async (request) => ctx.payments.outcome(callerRegister(request), request.params.paymentId),
  );
  app.post(
    '/payments/refund',
    {
      config: { access: { caller: 'register', ids: [{ in: 'body', name: 'paymentId', kind: 'cardPayment', unknown: 'refuse' }] } },
      schema: {
        summary: 'Gives money back to the card of an earlier approved card payment (live or taken offline), at most what it charged in all. Idempotent by refundId; 404 for an unknown payment, 409 when it would refund more, 504 when the acquirer does not answer in time.',
        tags: ['orders'],
        body: CardRefundRequestSchema,
        response: { 200: CardRefundResponseSchema, 400: HqErrorSchema, 401: HqErrorSchema, 404: HqErrorSchema, 409: HqErrorSchema, 504: HqErrorSchema },
      },
    },
    async (request) => ctx.payments.refund(callerRegister(request), request.body),
  );
  app.get(
    '/payments/card-key',
    {
      config: { access: { caller: 'register', ids: [] } },
      schema: {
        summary: "HQ's public key (X25519, base64 of its SPKI DER) to which a register seals card numbers it keeps for later (store-and-forward); registers enrolled before it existed fetch it here.",
        tags: ['checkout'],
        response: { 200: CardKeyResponseSchema, 401: HqErrorSchema },
      },
    },
    async () => ({ cardKey: ctx.cardKey.publicKey }),
  );
}
