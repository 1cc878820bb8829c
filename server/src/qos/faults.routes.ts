import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export const faultRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  /** 404 without HQ_FAULTS whatever the token; then the admin token (the declared guard, which runs after this); then loopback only. */
  const enabled = async () => {
    if (!ctx.settings.faultsEnabled) throw new HqError(404, 'NOT_FOUND', 'Fault injection is off on this HQ (start it with HQ_FAULTS=1 to test faults).');
  };
  const loopback = async (request: FastifyRequest) => {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) throw new HqError(403, 'LOOPBACK_ONLY', 'Faults can only be injected from the HQ machine itself (127.0.0.1).');
  };
  const gate = { access: { caller: 'admin' as const }, onRequest: enabled, preValidation: loopback };

  serve(app, HQ_ROUTES.injectFault, gate, async (request, reply) => {
    await ctx.faults.add(request.body);
    request.log.warn({ fault: request.body }, 'fault injected');
    return reply.code(204).send();
  });

  serve(app, HQ_ROUTES.clearFaults, gate, async (request, reply) => {
    await ctx.faults.clear();
    request.log.warn('faults cleared');
    return reply.code(204).send();
  });

  serve(app, HQ_ROUTES.listFaults, gate, async () => ({ faults: ctx.faults.active() }));
};
