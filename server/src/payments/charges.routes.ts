import { HqErrorSchema } from '../../../shared/hq/common';
import { ChargesQuerySchema, ChargesResponseSchema } from '../../../shared/hq/payments';
import type { HqApp, HqContext } from '../context';

export function chargeRoutes(app: HqApp, ctx: HqContext): void {
  app.get(
    '/admin/charges',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary:
          'Every movement of money at the card acquirer (admin), oldest first: kind charge, refund or void, amount positive in minor units, last4, at (ISO 8601 UTC), and orderNumber, the HQ order one of whose payments it is (null while no uploaded order references it). Declined attempts move nothing and are not listed. last4 (exactly 4 digits) and orderNumber narrow it. For any card, charges − refunds − voids is what its holder paid.',
        tags: ['admin'],
        querystring: ChargesQuerySchema,
        response: { 200: ChargesResponseSchema, 400: HqErrorSchema, 401: HqErrorSchema },
      },
    },
    async (request) => ({ charges: await ctx.charges.list(request.query) }),
  );
}
