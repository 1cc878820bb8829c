import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from './contract';

export const metricsRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  serve(app, HQ_ROUTES.metrics, { access: { caller: 'admin' } }, async () => app.hq.metrics.report());
};
