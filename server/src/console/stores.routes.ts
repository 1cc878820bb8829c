/** The console's stores, their enrolment codes, and the audit log. */
import { v7 as uuidv7 } from 'uuid';
import type { ConsoleStore } from '../../../shared/hq/console';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import type { StoresTable } from '../db/schema';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';
import { listAudit, recordAudit } from './audit';
import { consoleUser, storesToShow } from './scope';

const STORE_ID = { in: 'params', name: 'storeId', kind: 'store', unknown: 'refuse' } as const;

function storeOf(row: StoresTable, registers: number): ConsoleStore {
  return { id: row.id, code: row.code, name: row.name, currency: row.currency, pricesIncludeTax: row.prices_include_tax === 1, registers, createdAt: new Date(Number(row.created_at)).toISOString() };
}

export async function consoleStoreRoutes(app: HqApp): Promise<void> {
  const ctx = app.hq;
  const db = ctx.database.read;

  /** Registers in service per store (of one store when given). */
  async function registerCounts(storeId?: string): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('registers')
      .select((eb) => ['store_id', eb.fn.countAll<number>().as('n')])
      .where('revoked_at', 'is', null)
      .$if(storeId !== undefined, (q) => q.where('store_id', '=', storeId!))
      .groupBy('store_id')
      .execute();
    return new Map(rows.map((r) => [r.store_id, Number(r.n)]));
  }

  serve(app, HQ_ROUTES.consoleStores, { access: { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [] } }, async (request) => {
    const stores = storesToShow(request, undefined);
    if (stores !== null && stores.length === 0) return { stores: [] };
    let query = db.selectFrom('stores').selectAll().orderBy('code');
    if (stores !== null) query = query.where('id', 'in', stores);
    const counts = await registerCounts();
    return { stores: (await query.execute()).map((row) => storeOf(row, counts.get(row.id) ?? 0)) };
  });

  serve(app, HQ_ROUTES.consoleAddStore, { access: { caller: 'console', roles: ['owner', 'area-manager'], ids: [] } }, async (request, reply) => {
    const user = consoleUser(request);
    const body = request.body;
    const store = await ctx.writer.transaction(async (tx) => {
      const clash = await tx.trx.selectFrom('stores').select('id').where('code', '=', body.code).executeTakeFirst();
      if (clash) throw new HqError(409, 'STORE_CODE_TAKEN', `A store with the code ${body.code} already exists. Choose another code.`);
      const row: StoresTable = { id: uuidv7(), code: body.code, name: body.name, currency: body.currency, prices_include_tax: body.pricesIncludeTax ? 1 : 0, enrolment_code_hash: null, created_at: tx.now };
      await tx.trx.insertInto('stores').values(row).execute();
      if (user.role === 'area-manager') {
        // The area manager who opens a store works for it; their row is locked while it is read and written, so two stores opened at once both stay theirs.
        const mine = await tx.trx.selectFrom('console_users').select('store_ids').where('id', '=', user.id).$if(ctx.writer.dialect === 'postgres', (q) => q.forUpdate()).executeTakeFirstOrThrow();
        await tx.trx.updateTable('console_users').set({ store_ids: JSON.stringify([...(JSON.parse(mine.store_ids) as string[]), row.id]), updated_at: tx.now }).where('id', '=', user.id).execute();
      }
      await recordAudit(tx, request, { action: 'store.create', target: body.code, storeId: row.id, detail: { name: body.name, currency: body.currency, pricesIncludeTax: body.pricesIncludeTax } });
      return storeOf(row, 0);
    });
    return reply.code(201).send(store);
  });

  serve(app, HQ_ROUTES.consoleChangeStore, { access: { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [STORE_ID] } }, async (request) => {
    const change = request.body;
    return ctx.writer.transaction(async (tx) => {
      const row = await tx.trx.selectFrom('stores').selectAll().where('id', '=', request.params.storeId).executeTakeFirstOrThrow();
      const next = { ...row, name: change.name ?? row.name, prices_include_tax: change.pricesIncludeTax === undefined ? row.prices_include_tax : change.pricesIncludeTax ? 1 : 0 };
      await tx.trx.updateTable('stores').set({ name: next.name, prices_include_tax: next.prices_include_tax }).where('id', '=', row.id).execute();
      await recordAudit(tx, request, { action: 'store.change', target: row.code, storeId: row.id, detail: change });
      const counts = await registerCounts(row.id);
      return storeOf(next, counts.get(row.id) ?? 0);
    });
  });

  serve(app, HQ_ROUTES.consoleEnrolmentCode, { access: { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [STORE_ID] } }, async (request, reply) => {
    const expiresAt = request.body.ttlSeconds === undefined ? null : Date.now() + request.body.ttlSeconds * 1000;
    const issued = await ctx.writer.transaction(async (tx) => {
      const code = await ctx.registers.issueEnrolmentCode(request.params.storeId, { maxUses: request.body.maxUses, expiresAt }, tx);
      if (!code) throw new HqError(404, 'STORE_NOT_FOUND', `HQ has no store ${request.params.storeId}.`);
      // The code itself is shown once and never written to the log.
      await recordAudit(tx, request, { action: 'store.enrolment-code', target: request.params.storeId, storeId: request.params.storeId, detail: { maxUses: code.maxUses, expiresAt: code.expiresAt === null ? null : new Date(code.expiresAt).toISOString() } });
      return code;
    });
    return reply.code(201).send({ ...issued, expiresAt: issued.expiresAt === null ? null : new Date(issued.expiresAt).toISOString() });
  });

  serve(app, HQ_ROUTES.consoleAudit, { access: { caller: 'console', roles: ['owner', 'area-manager', 'store-manager'], ids: [] } }, async (request) => {
    const stores = storesToShow(request, request.query.storeId);
    return { entries: await listAudit(db, { stores, limit: request.query.limit, before: request.query.before }) };
  });
}
