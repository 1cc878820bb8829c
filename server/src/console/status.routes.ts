import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { callerRegister } from '../auth/guards';
import type { HqApp } from '../context';
import { serve } from '../http/contract';

/**
 * `POST /registers/status`: a register's state now, for the console's fleet view. Stored as the register's
 * latest report with the store of the register that sent it (a register reports only on itself), and it
 * counts as the register being seen. Reports may cross on the way (the parting notice of a manual switch
 * and a periodic report sent just before it): one whose state began before the stored one's is older news
 * and leaves the stored report as it is.
 */
export const statusRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  serve(app, HQ_ROUTES.registerStatus, { access: { caller: 'register', ids: [] } }, async (request, reply) => {
    const register = callerRegister(request);
    const report = request.body;
    const since = Date.parse(report.since);
    const oldestPendingAt = report.oldestPendingAt === null ? null : Date.parse(report.oldestPendingAt);
    await ctx.inFlight.run(() =>
      ctx.writer.transaction(async ({ trx, now }) => {
        const row = {
          state: report.state,
          reasons: JSON.stringify(report.reasons),
          // Who switched the till off means something only while the switch is a reason.
          user_name: report.reasons.includes('manual') ? report.switchedBy : null,
          since,
          version: report.version,
          backlog: report.backlog,
          oldest_pending_at: oldestPendingAt,
          dead_letters: report.deadLetters,
          reported_at: now,
        };
        await trx
          .insertInto('register_status')
          .values({ register_id: register.id, store_id: register.storeId, ...row })
          .onConflict((oc) => oc.column('register_id').doUpdateSet({ store_id: register.storeId, ...row }).where('register_status.since', '<=', since))
          .execute();
        await trx.updateTable('registers').set({ last_seen_at: now }).where('id', '=', register.id).execute();
      }),
    );
    ctx.fleet.emit('register', register.id, register.storeId);
    return reply.code(204).send(null);
  });
};
