import { AuthorizeRequestSchema, AuthorizeResponseSchema, CardKeyResponseSchema, CardRefundRequestSchema, CardRefundResponseSchema } from '../../../shared/hq/payments';
import { HqErrorSchema } from '../../../shared/hq/common';
import { callerRegister } from '../auth/guards';
import type { HqApp, HqContext } from '../context';

export function paymentRoutes(app: HqApp, ctx: HqContext): void {
  app.post(
    '/payments/authorize',
    {
      onRequest: ctx.guards.register,
      schema: {
        summary: 'Authorises a card payment through the card gateway (the simulator by default: see the README for its test cards). Idempotent by paymentId; 504 when the acquirer does not answer in time.',
        tags: ['checkout'],
        body: AuthorizeRequestSchema,
        response: { 200: AuthorizeResponseSchema, 400: HqErrorSchema, 401: HqErrorSchema, 409: HqErrorSchema, 504: HqErrorSchema },
      },
    },
    async (request) => ctx.payments.authorize(callerRegister(request), request.body),
  );
  app.post(
    '/payments/refund',
    {
      onRequest: ctx.guards.register,
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
      onRequest: ctx.guards.register,
      schema: {
        summary: "HQ's public key (X25519, base64 of its SPKI DER) to which a register seals card numbers it keeps for later (store-and-forward); registers enrolled before it existed fetch it here.",
        tags: ['checkout'],
        response: { 200: CardKeyResponseSchema, 401: HqErrorSchema },
      },
    },
    async () => ({ cardKey: ctx.cardKey.publicKey }),
  );
}
