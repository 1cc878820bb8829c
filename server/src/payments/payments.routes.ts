import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { callerRegister } from '../auth/guards';
import type { HqApp } from '../context';
import { serve } from '../http/contract';

/** What HQ answers for a payment id it never saw, and for one of another store. */
const unknownPayment = (paymentId: string) => ({ paymentId, status: 'unknown' as const, amount: null, authCode: null, reason: null, last4: null });

export const paymentRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  // The sale is usually not on HQ yet; an order another store owns is refused. paymentId is a new id the register makes.
  serve(app, HQ_ROUTES.authorizeCard, { access: { caller: 'register', ids: [{ in: 'body', name: 'orderId', kind: 'order', unknown: 'pass' }] } }, async (request) =>
    ctx.payments.authorize(callerRegister(request), request.body),
  );
  serve(
    app,
    HQ_ROUTES.cardPayment,
    { access: { caller: 'register', ids: [{ in: 'params', name: 'paymentId', kind: 'cardPayment', unknown: 'pass', otherStoreAnswer: unknownPayment }] } },
    async (request) => ctx.payments.outcome(callerRegister(request), request.params.paymentId),
  );
  serve(app, HQ_ROUTES.refundCard, { access: { caller: 'register', ids: [{ in: 'body', name: 'paymentId', kind: 'cardPayment', unknown: 'refuse' }] } }, async (request) =>
    ctx.payments.refund(callerRegister(request), request.body),
  );
  serve(app, HQ_ROUTES.cardKey, { access: { caller: 'register', ids: [] } }, async () => ({ cardKey: ctx.cardKey.publicKey }));
};
