/** The console's registers: their status as last reported, and revoking one. */
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';
import { endStreamsOf } from '../registers/registers.routes';
import { recordAudit } from './audit';
import { registerViews } from './register-view';
import { storesToShow } from './scope';

export async function consoleRegisterRoutes(app: HqApp): Promise<void> {
  const ctx = app.hq;

  serve(app, HQ_ROUTES.consoleRegisters, { access: { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [] } }, async (request) => ({
    registers: await registerViews(ctx.database.read, { storeIds: storesToShow(request, request.query.storeId) }),
  }));

  serve(
    app,
    HQ_ROUTES.consoleRevokeRegister,
    { access: { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [{ in: 'params', name: 'registerId', kind: 'register', unknown: 'refuse' }] } },
    async (request) => {
      const { registerId } = request.params;
      const revoked = await ctx.writer.transaction(async (tx) => {
        const row = await tx.trx.selectFrom('registers').select(['code', 'store_id', 'revoked_at']).where('id', '=', registerId).executeTakeFirstOrThrow();
        if (row.revoked_at !== null) throw new HqError(409, 'ALREADY_REVOKED', `Register ${row.code} was already revoked on ${new Date(Number(row.revoked_at)).toISOString()}.`);
        const done = await ctx.registers.revoke(registerId, tx);
        await recordAudit(tx, request, { action: 'register.revoke', target: row.code, storeId: row.store_id });
        return done!;
      });
      endStreamsOf(ctx, revoked.tokenHash);
      const view = (await registerViews(ctx.database.read, { storeIds: null, registerId }))[0]!;
      ctx.fleet.emit('register', registerId, view.storeId);
      request.log.info({ registerId }, 'register revoked from the console');
      return view;
    },
  );
}
