import { Readable } from 'node:stream';
import { z } from 'zod';
import { HqErrorSchema } from '../../../shared/hq/common';
import { ChangesQuerySchema, ChangesResponseSchema, EpochSchema } from '../../../shared/hq/feed';
import { MAX_PUSH_BYTES, PushRequestSchema, PushResponseSchema } from '../../../shared/hq/ops';
import { callerRegister } from '../auth/guards';
import type { HqApp, HqContext } from '../context';
import { HqError } from '../http/errors';
import type { FeedReader } from './feed.repository';
import { openChangeStream } from './change-stream';
import { snapshotChunks } from './snapshot';

export function syncRoutes(app: HqApp, ctx: HqContext): void {
  app.post(
    '/sync/push',
    {
      // Each operation's references are checked against the store inside the push's transaction (push.service.ts).
      config: { access: { caller: 'register', ids: [] } },
      bodyLimit: MAX_PUSH_BYTES,
      schema: {
        summary:
          "Uploads outbox operations (at most 1000, 2 MiB). Each is applied at most once by its id; one result per operation: applied, duplicate, or rejected with a code. epoch (optional): the HQ epoch the register last saw; another one is refused with 409 EPOCH_CHANGED (details.epoch: HQ's), nothing applied.",
        tags: ['sync'],
        querystring: z.object({ epoch: EpochSchema.optional() }),
        body: PushRequestSchema,
        response: { 200: PushResponseSchema, 400: HqErrorSchema, 401: HqErrorSchema, 403: HqErrorSchema, 409: HqErrorSchema, 413: HqErrorSchema },
      },
    },
    async (request) => {
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
      return { results: outcome.results, epoch: ctx.epoch };
    },
  );

  const reader = (request: Parameters<typeof callerRegister>[0]): FeedReader =>
    request.caller?.kind === 'register' ? { storeId: request.caller.register.storeId, registerId: request.caller.register.id } : { storeId: null, registerId: null };

  app.get(
    '/sync/changes',
    {
      config: { access: { caller: 'registerOrAdmin', ids: [] } },
      schema: {
        summary: "Changes after `since` in sequence order (catalog, prices, promotions, members, other registers' orders, points). snapshotRequired: since is outside the kept history; load /sync/snapshot.",
        tags: ['sync'],
        querystring: ChangesQuerySchema,
        response: { 200: ChangesResponseSchema, 400: HqErrorSchema, 401: HqErrorSchema },
      },
    },
    async (request) => ({ ...(await ctx.feed.changes(request.query.since, request.query.limit, reader(request))), epoch: ctx.epoch }),
  );

  app.get(
    '/sync/snapshot',
    {
      config: { access: { caller: 'registerOrAdmin', ids: [] } },
      schema: {
        summary: 'The full current state, streamed as one JSON document { seq, epoch, taxClasses, promotions, members, products }; continue the feed from seq.',
        tags: ['sync'],
      },
    },
    async (_request, reply) => {
      reply.type('application/json; charset=utf-8').header('cache-control', 'no-store');
      return reply.send(Readable.from(snapshotChunks(ctx.database), { objectMode: false }));
    },
  );

  app.get(
    '/sync/stream',
    {
      config: { access: { caller: 'registerOrAdmin', ids: [] } },
      schema: {
        summary: 'Server-Sent Events: one `change` event per change, its sequence as the event id; resume with Last-Event-ID (or since=). Heartbeat comment every 15 s. A `snapshot-required` event ends the stream when since is too old.',
        tags: ['sync'],
        querystring: z.object({ since: z.coerce.number().int().min(0).optional() }),
        headers: z.object({ 'last-event-id': z.string().regex(/^\d+$/, 'must be a sequence number').optional() }).passthrough(),
        response: { 401: HqErrorSchema },
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const since = typeof header === 'string' ? Number(header) : request.query.since;
      reply.hijack();
      await openChangeStream(ctx, reply.raw, reader(request), since, request.log);
    },
  );
}
