import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { HqApp, HqContext } from '../context';
import { HqError } from '../http/errors';
import { FaultSchema } from './fault-injector';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function faultRoutes(app: HqApp, ctx: HqContext): void {
  /** 404 without HQ_FAULTS whatever the token; then the admin token (the declared guard, which runs after this); then loopback only. */
  const enabled = async () => {
    if (!ctx.settings.faultsEnabled) throw new HqError(404, 'NOT_FOUND', 'Fault injection is off on this HQ (start it with HQ_FAULTS=1 to test faults).');
  };
  const loopback = async (request: FastifyRequest) => {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) throw new HqError(403, 'LOOPBACK_ONLY', 'Faults can only be injected from the HQ machine itself (127.0.0.1).');
  };
  const gate = { config: { access: { caller: 'admin' as const } }, onRequest: enabled, preValidation: loopback };

  app.post(
    '/admin/faults',
    {
      ...gate,
      schema: {
        summary: 'Injects a fault (HQ_FAULTS=1, admin, loopback only): error (503), timeout (held, then 504), slow (delayed), drop (connection reset).',
        tags: ['admin'],
        body: FaultSchema,
      },
    },
    async (request, reply) => {
      ctx.faults.add(request.body);
      request.log.warn({ fault: request.body }, 'fault injected');
      return reply.code(204).send();
    },
  );

  app.delete('/admin/faults', { ...gate, schema: { summary: 'Clears every injected fault.', tags: ['admin'] } }, async (request, reply) => {
    ctx.faults.clear();
    request.log.warn('faults cleared');
    return reply.code(204).send();
  });

  app.get(
    '/admin/faults',
    { ...gate, schema: { summary: 'The faults in force.', tags: ['admin'], response: { 200: z.object({ faults: z.array(z.unknown()) }) } } },
    async () => ({ faults: ctx.faults.active() }),
  );
}
