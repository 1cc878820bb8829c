import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';

export const memberRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  // Members are the chain's, not a store's: any register looks them up and enrols them.
  const chainWide = { access: { caller: 'registerOrAdmin' as const, ids: [] } };

  serve(app, HQ_ROUTES.lookUpMember, chainWide, async (request) => {
    const found = await ctx.members.lookup(request.query);
    if (!found) throw new HqError(404, 'MEMBER_NOT_FOUND', 'No member has this phone number or card. Check it, or enrol the customer.');
    return found;
  });

  serve(app, HQ_ROUTES.enrolMember, chainWide, async (request, reply) => reply.code(201).send(await ctx.members.create(request.body)));

  serve(app, HQ_ROUTES.memberBalance, chainWide, async (request) => {
    const balance = await ctx.members.balance(request.params.id);
    if (!balance) throw new HqError(404, 'MEMBER_NOT_FOUND', `HQ knows no member ${request.params.id}.`);
    return balance;
  });

  serve(app, HQ_ROUTES.adjustPoints, { access: { caller: 'admin' } }, async (request) => {
    const after = await ctx.members.adjustPoints(request.params.id, request.body);
    if (!after) throw new HqError(404, 'MEMBER_NOT_FOUND', `HQ knows no member ${request.params.id}.`);
    request.log.info({ memberId: after.memberId, entry: request.body.id, delta: request.body.delta, note: request.body.note }, 'member points adjusted by an admin');
    return after;
  });
};
