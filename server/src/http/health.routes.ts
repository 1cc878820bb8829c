import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { ping } from '../db/database';
import { serve } from './contract';

/** HQ's version, reported on `/health` (registers show it on their diagnostics page). */
export const HQ_VERSION = '0.1.0';

export const healthRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  serve(app, HQ_ROUTES.health, { access: { public: 'liveness for registers and load balancers' } }, async (_request, reply) => {
    if (ctx.closing) return reply.code(503).send({ error: 'SHUTTING_DOWN', message: 'This HQ instance is shutting down; another instance or a restart will answer.' });
    try {
      await ping(ctx.database);
    } catch {
      return reply.code(503).send({ error: 'DATABASE_UNAVAILABLE', message: 'HQ is running but cannot reach its database.' });
    }
    return { status: 'ok' as const, database: ctx.database.dialect, version: HQ_VERSION };
  });

  serve(app, HQ_ROUTES.qos, { access: { public: "registers poll a domain's service quality before they hold a token" } }, async (request) => ({
    domain: request.query.domain,
    status: ctx.qos.status(request.query.domain),
  }));

  serve(app, HQ_ROUTES.apiDescription, { access: { public: 'the API description' } }, async () => app.swagger());
};
