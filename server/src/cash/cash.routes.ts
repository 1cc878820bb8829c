import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';

export const cashRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  serve(app, HQ_ROUTES.cash, { access: { caller: 'admin' } }, async (request) => ({ sessions: await ctx.cash.list(request.query) }));
};
