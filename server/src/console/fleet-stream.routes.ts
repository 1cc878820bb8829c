import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { CONSOLE_COOKIE, type ConsoleRegister } from '../../../shared/hq/console';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { cookieValue } from '../auth/guards';
import type { HqApp, HqContext } from '../context';
import { serve } from '../http/contract';
import { registerViews } from './register-view';
import { consoleStoreIds } from './scope';
import { startEventStream } from '../http/sse';

/**
 * `GET /console/api/fleet/stream`: the console's live view of the user's registers (Server-Sent Events,
 * `event: register` with a ConsoleRegister). It opens with every register of the user's stores, then sends a
 * register again each time HQ (this instance or another) commits a status report or uploaded transitions of it (FleetEvents). A register
 * of a store the user does not work for is never read, let alone sent. Heartbeats as on the registers' own
 * stream (sync/change-stream.ts); shutdown ends it through ctx.streams.
 */
export const fleetStreamRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  serve(app, HQ_ROUTES.consoleFleetStream, { access: { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [] } }, async (request, reply) => {
    const storeIds = consoleStoreIds(request);
    const secret = cookieValue(request.headers.cookie, CONSOLE_COOKIE);
    // The stream outlives the request that opened it: at each heartbeat the session must still stand, for the
    // same stores (signed out, deactivated or given other stores: it ends, and the console opens it anew).
    const stillValid = async () => {
      const session = secret ? await ctx.consoleUsers.session(secret) : null;
      return session !== null && sameScope(session.user.role === 'owner' ? null : session.user.storeIds, storeIds);
    };
    reply.hijack();
    await openFleetStream(ctx, reply.raw, storeIds, request.log, stillValid);
  });
};

function sameScope(a: string[] | null, b: string[] | null): boolean {
  if (a === null || b === null) return a === b;
  const want = new Set(b);
  return a.length === want.size && a.every((id) => want.has(id));
}

export async function openFleetStream(ctx: HqContext, res: ServerResponse, storeIds: string[] | null, log: FastifyBaseLogger, stillValid: () => Promise<boolean> = async () => true): Promise<void> {
  startEventStream(ctx, res);
  const mine = storeIds === null ? null : new Set(storeIds);
  let closed = false;
  /** Registers heard of and not sent yet: several reports of one register while a read runs become one event. */
  const due = new Set<string>();
  /** The opening list of every register in the user's stores, read in the same queue as the events so none overtakes it. */
  let opening = true;
  let pumping: Promise<void> | null = null;

  const send = (registers: ConsoleRegister[]) => {
    if (closed || registers.length === 0) return;
    res.write(registers.map((r) => `event: register\ndata: ${JSON.stringify(r)}\n\n`).join(''));
  };

  const pump = async (): Promise<void> => {
    if (opening) {
      opening = false;
      // Read after everything heard so far: it holds their committed state.
      due.clear();
      send(await registerViews(ctx.database.read, { storeIds }));
    }
    while (!closed && due.size > 0) {
      const [registerId] = due;
      due.delete(registerId!);
      send(await registerViews(ctx.database.read, { storeIds, registerId }));
    }
  };
  const kick = () => {
    pumping ??= pump()
      .catch((error: unknown) => {
        log.warn({ err: error }, "the console's fleet stream could not read the registers; closing it so the console reconnects");
        close();
      })
      .finally(() => {
        pumping = null;
        if (!closed && (due.size > 0 || opening)) kick();
      });
  };

  const heard = (registerId: string, storeId: string) => {
    if (mine !== null && !mine.has(storeId)) return;
    due.add(registerId);
    kick();
  };

  // Events from another HQ instance may have been missed: send every register again.
  const resync = () => {
    opening = true;
    kick();
  };

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    ctx.fleet.off('register', heard);
    ctx.fleet.off('resync', resync);
    ctx.streams.delete(res);
    if (!res.writableEnded) res.end();
  };

  // Listening before the first read: a report committed meanwhile is sent again after it, never lost.
  ctx.fleet.on('register', heard);
  ctx.fleet.on('resync', resync);
  const heartbeat = setInterval(() => {
    void stillValid().then(
      (valid) => {
        if (!valid) close();
        else if (!closed) res.write(': heartbeat\n\n');
      },
      (error: unknown) => {
        log.warn({ err: error }, "the console's fleet stream could not check its session; closing it so the console reconnects");
        close();
      },
    );
  }, ctx.settings.heartbeatMs);
  res.on('close', close);
  res.on('error', close);
  kick();
  await pumping;
}
