import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';

export const chargeRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  serve(app, HQ_ROUTES.charges, { access: { caller: 'admin' } }, async (request) => ({ charges: await ctx.charges.list(request.query) }));
};
