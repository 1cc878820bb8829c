import { z } from 'zod';
import { HqErrorSchema } from '../../../shared/hq/common';
import { OrderWithPaymentsSchema } from '../../../shared/hq/feed';
import type { HqApp, HqContext } from '../context';
import { callerStoreId } from '../http/scope';
import { MAX_SEARCH_LIMIT } from './orders.repository';

export function orderRoutes(app: HqApp, ctx: HqContext): void {
  app.get(
    '/orders/search',
    {
      // The search itself is narrowed to a register's store, so another store's registerId, id or originalOrderId
      // finds nothing, exactly as an unknown one does.
      config: { access: { caller: 'registerOrAdmin', ids: [] } },
      schema: {
        summary: 'Orders across registers and stores, newest createdAt first: an admin sees every store, a register its own store only. number matches the sale number exactly; id, originalOrderId (refunds of an order, and sales that took items of it back), kind, memberId, from/to (createdAt, ISO 8601), amount (the total, sign ignored) and tender narrow it; limit 1..10000, default 100. Each order lists its payments in the order taken: tender, amount (minor units, adding up to the total), last4 of a card, and status (for a card, that of its authorisation or offline settlement).',
        tags: ['orders'],
        querystring: z
          .object({
            number: z.string().min(1).max(64).optional(),
            registerId: z.string().min(1).max(64).optional(),
            id: z.string().min(1).max(64).optional(),
            originalOrderId: z.string().min(1).max(64).optional(),
            kind: z.enum(['sale', 'refund']).optional(),
            memberId: z.string().min(1).max(64).optional(),
            from: z.iso.datetime({ message: 'must be an ISO 8601 UTC time' }).optional(),
            to: z.iso.datetime({ message: 'must be an ISO 8601 UTC time' }).optional(),
            amount: z.coerce.number().int('must be whole minor units').min(0, 'must not be negative').optional(),
            tender: z.enum(['cash', 'card', 'points']).optional(),
            limit: z.coerce
              .number()
              .int('must be a whole number')
              .min(1, 'must be at least 1')
              .max(MAX_SEARCH_LIMIT, `must be at most ${MAX_SEARCH_LIMIT}`)
              .default(100),
          })
          .strict(),
        response: { 200: z.object({ orders: z.array(OrderWithPaymentsSchema) }), 400: HqErrorSchema, 401: HqErrorSchema },
      },
    },
    async (request) => ({ orders: await ctx.orders.search({ ...request.query, storeId: callerStoreId(request.caller) }) }),
  );
}
