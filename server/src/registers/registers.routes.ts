import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { callerRegister } from '../auth/guards';
import { bearerToken, hashSecret } from '../auth/tokens';
import type { HqApp, HqContext } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';

function expiryOf(body: { ttlSeconds?: number; expiresAt?: string }, now: number): number | null {
  if (body.ttlSeconds !== undefined) return now + body.ttlSeconds * 1000;
  if (body.expiresAt === undefined) return null;
  const at = Date.parse(body.expiresAt);
  if (at <= now) throw new HqError(400, 'INVALID_INPUT', `expiresAt ${body.expiresAt} is already past; give a time in the future. Nothing was changed.`);
  return at;
}

/** A revoked register's open realtime streams end too: they were authenticated when they opened, not per change. */
export function endStreamsOf(ctx: HqContext, tokenHash: string): void {
  for (const stream of ctx.streams) {
    const token = bearerToken(stream.req?.headers.authorization);
    if (token && hashSecret(token) === tokenHash) stream.end();
  }
}

export const registerRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  serve(app, HQ_ROUTES.enrol, { access: { public: "the store's enrolment code is the credential" } }, async (request, reply) => {
    // request.ip is the client's own address unless HQ_TRUST_PROXY declares the proxy in front of HQ.
    const keys = [request.ip];
    const attempt = await ctx.limits.enrol.attempt(keys, 'enrolment codes');
    const { register, token, store } = await ctx.registers.enrol(request.body.code, { registerCode: request.body.registerCode, name: request.body.name });
    await attempt.giveBack();
    request.log.info({ registerId: register.id, store: store.code, register: register.code }, 'register enrolled');
    return reply.code(201).send({ registerId: register.id, registerCode: register.code, token, store, cardKey: ctx.cardKey.publicKey });
  });

  serve(app, HQ_ROUTES.login, { access: { caller: 'register', ids: [] } }, async (request) => {
    const register = callerRegister(request);
    const { userId } = request.body;
    const keys = userId ? [`register:${register.id}`, `user:${userId}`] : [`register:${register.id}`];
    // Taken before the PIN is checked, so PINs sent at the same time cannot all get past the limit.
    const attempt = await ctx.limits.login.attempt(keys, 'PINs');
    const user = await ctx.limits.pinChecks.run(keys, () => ctx.users.checkPin(register.storeId, request.body.pin, userId));
    if (!user) throw new HqError(401, 'WRONG_PIN', 'That PIN is not right. Try again, or ask a manager.');
    await attempt.giveBack();
    return { user: { id: user.id, name: user.name, role: user.role }, pinHash: user.pinHash };
  });

  serve(app, HQ_ROUTES.listRegisters, { access: { caller: 'admin' } }, async () => ({ registers: await ctx.registers.list() }));

  serve(app, HQ_ROUTES.revokeRegister, { access: { caller: 'admin' } }, async (request, reply) => {
    const revoked = await ctx.registers.revoke(request.params.registerId);
    if (!revoked) throw new HqError(404, 'UNKNOWN_REGISTER', `HQ has no register ${request.params.registerId}.`);
    endStreamsOf(ctx, revoked.tokenHash);
    request.log.info({ registerId: request.params.registerId }, 'register revoked');
    return reply.code(204).send(null);
  });

  serve(app, HQ_ROUTES.issueEnrolmentCode, { access: { caller: 'admin' } }, async (request, reply) => {
    const limits = { maxUses: request.body.maxUses, expiresAt: expiryOf(request.body, Date.now()) };
    const issued = await ctx.registers.issueEnrolmentCode(request.params.storeId, limits);
    if (!issued) throw new HqError(404, 'UNKNOWN_STORE', `HQ has no store ${request.params.storeId}.`);
    return reply.code(201).send({ ...issued, expiresAt: issued.expiresAt === null ? null : new Date(issued.expiresAt).toISOString() });
  });

  serve(app, HQ_ROUTES.upsertStore, { access: { caller: 'admin' } }, async (request) => {
    const { enrolmentCodeMaxUses, enrolmentCodeTtlSeconds, ...store } = request.body;
    const expiresAt = enrolmentCodeTtlSeconds === undefined ? null : Date.now() + enrolmentCodeTtlSeconds * 1000;
    return ctx.registers.upsertStore({ ...store, enrolmentCodeLimits: { maxUses: enrolmentCodeMaxUses, expiresAt } });
  });

  serve(app, HQ_ROUTES.addUser, { access: { caller: 'admin' } }, async (request, reply) => {
    if (request.body.storeId !== null && !(await ctx.registers.storeById(request.body.storeId))) {
      throw new HqError(400, 'UNKNOWN_STORE', `HQ has no store ${request.body.storeId}.`);
    }
    const user = await ctx.users.add(request.body);
    return reply.code(201).send({ id: user.id, name: user.name, role: user.role });
  });
};
