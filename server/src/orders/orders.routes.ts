import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { callerStoreId } from '../http/scope';

export const orderRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  // The search itself is narrowed to a register's store, so another store's registerId, id or originalOrderId
  // finds nothing, exactly as an unknown one does.
  serve(app, HQ_ROUTES.searchOrders, { access: { caller: 'registerOrAdmin', ids: [] } }, async (request) => ({
    orders: await ctx.orders.search({ ...request.query, storeId: callerStoreId(request.caller) }),
  }));
};
