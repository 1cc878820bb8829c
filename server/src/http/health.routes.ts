import { z } from 'zod';
import { SERVICE_DOMAINS } from '../../../shared/api';
import type { HqApp, HqContext } from '../context';
import { ping } from '../db/database';
import { HqErrorSchema } from '../../../shared/hq/common';

/** HQ's version, reported on `/health` (registers show it on their diagnostics page). */
export const HQ_VERSION = '0.1.0';

export function healthRoutes(app: HqApp, ctx: HqContext): void {
  app.get(
    '/health',
    {
      config: { access: { public: 'liveness for registers and load balancers' } },
      schema: {
        summary: 'Liveness for registers and load balancers: 200 while HQ serves (one database ping), 503 while shutting down or without its database.',
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']), version: z.string() }), 503: HqErrorSchema },
      },
    },
    async (_request, reply) => {
      if (ctx.closing) return reply.code(503).send({ error: 'SHUTTING_DOWN', message: 'This HQ instance is shutting down; another instance or a restart will answer.' });
      try {
        await ping(ctx.database);
      } catch {
        return reply.code(503).send({ error: 'DATABASE_UNAVAILABLE', message: 'HQ is running but cannot reach its database.' });
      }
      return { status: 'ok' as const, database: ctx.database.dialect, version: HQ_VERSION };
    },
  );

  app.get(
    '/qos',
    {
      config: { access: { public: "registers poll a domain's service quality before they hold a token" } },
      schema: {
        summary: "A domain's service quality from the recent error rate and latency of its handlers, plus any injected fault. No auth.",
        tags: ['operations'],
        querystring: z.object({ domain: z.enum(SERVICE_DOMAINS) }),
        response: { 200: z.object({ domain: z.enum(SERVICE_DOMAINS), status: z.enum(['ok', 'degraded', 'down']) }) },
      },
    },
    async (request) => ({ domain: request.query.domain, status: ctx.qos.status(request.query.domain) }),
  );

  app.get('/docs/json', { config: { access: { public: 'the API description' } }, schema: { hide: true } }, async () => app.swagger());
}
