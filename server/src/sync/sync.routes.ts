import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { optInKindsOf } from '../../../shared/hq/feed';
import { MAX_PUSH_BYTES } from '../../../shared/hq/ops';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { callerRegister } from '../auth/guards';
import { bearerToken, hashSecret } from '../auth/tokens';
import type { HqApp, HqContext } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';
import type { FeedReader } from './feed.repository';
import { openChangeStream } from './change-stream';
import { snapshotChunks } from './snapshot';

export const syncRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  // Each operation's references are checked against the store inside the push's transaction (push.service.ts).
  serve(app, HQ_ROUTES.push, { access: { caller: 'register', ids: [] }, bodyLimit: MAX_PUSH_BYTES }, async (request) => {
    const register = callerRegister(request);
    if (request.body.registerId !== register.id) {
      throw new HqError(403, 'WRONG_REGISTER', `This device token belongs to register ${register.id}, not ${request.body.registerId}. Nothing was applied.`);
    }
    // HQ was restored from a backup since this register last synced: what it uploads now must wait for
    // what HQ lost (the register sends that again first), or a refund could arrive before its sale.
    if (request.query.epoch !== undefined && request.query.epoch !== ctx.epoch) {
      throw new HqError(
        409,
        'EPOCH_CHANGED',
        `HQ's database was restored from a backup since this register last synced (its epoch is now ${ctx.epoch}). Nothing was applied: upload again what HQ acknowledged since, then this.`,
        { epoch: ctx.epoch },
      );
    }
    const outcome = await ctx.inFlight.run(() => ctx.push.push(register, request.body.ops));
    if (outcome.storedCardPayments > 0) void ctx.payments.settlePending();
    // After the commit: the console's live view reads what the push stored.
    if (outcome.transitions > 0) ctx.fleet.emit('register', register.id, register.storeId);
    return { results: outcome.results, epoch: ctx.epoch };
  });

  // A register gets the opt-in kinds it names (an older one names none); an admin gets every kind.
  const reader = (request: Parameters<typeof callerRegister>[0], kinds?: string): FeedReader =>
    request.caller?.kind === 'register' ? { storeId: request.caller.register.storeId, registerId: request.caller.register.id, optIn: optInKindsOf(kinds) } : { storeId: null, registerId: null };

  serve(app, HQ_ROUTES.changes, { access: { caller: 'registerOrAdmin', ids: [] } }, async (request) => ({
    ...(await ctx.feed.changes(request.query.since, request.query.limit, reader(request, request.query.kinds))),
    epoch: ctx.epoch,
  }));

  serve(app, HQ_ROUTES.snapshot, { access: { caller: 'registerOrAdmin', ids: [] } }, async (request, reply) => {
    reply.type('application/json; charset=utf-8').header('cache-control', 'no-store');
    return reply.send(Readable.from(snapshotChunks(ctx.database, reader(request).storeId, () => ctx.writer.settle()), { objectMode: false }));
  });

  serve(app, HQ_ROUTES.stream, { access: { caller: 'registerOrAdmin', ids: [] } }, async (request, reply) => {
    const header = request.headers['last-event-id'];
    const since = typeof header === 'string' ? Number(header) : request.query.since;
    reply.hijack();
    if (request.caller?.kind === 'register') endOnRevocation(ctx, reply.raw, bearerToken(request.headers.authorization));
    await openChangeStream(ctx, reply.raw, reader(request, request.query.kinds), since);
  });
};

/**
 * A register revoked on another HQ instance: that instance ends the streams it holds, and this one hears
 * of it through PostgreSQL (RegistersRepository.follow) and ends this register's streams here. After a lost
 * LISTEN connection each stream checks its token once again.
 */
function endOnRevocation(ctx: HqContext, res: ServerResponse, token: string | null): void {
  if (!token) return;
  const unwatch = ctx.registers.watch(hashSecret(token), {
    revoked: () => res.end(),
    recheck: () => {
      ctx.registers.byToken(token).then(
        (register) => (register ? undefined : res.end()),
        (error: unknown) => (error instanceof HqError && error.code === 'REGISTER_REVOKED' ? res.end() : undefined),
      );
    },
  });
  res.on('close', unwatch);
}
