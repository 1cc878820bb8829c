import type { FastifyPluginAsync } from 'fastify';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';
import { catalogRowsFromCsv } from './csv';

const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

export const catalogRoutes: FastifyPluginAsync = async (instance) => {
  const app = instance as HqApp;
  const ctx = app.hq;
  // CSV is read only by the import: the parser lives in this plugin's scope, so every other route answers 415 to it.
  void app.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));
    serve(scope as HqApp, HQ_ROUTES.importCatalog, { access: { caller: 'admin' }, bodyLimit: IMPORT_BODY_LIMIT }, async (request) => {
      const rows = typeof request.body === 'string' ? catalogRowsFromCsv(request.body) : request.body.products;
      const report = await ctx.inFlight.run(() => ctx.catalog.importProducts(rows));
      request.log.info({ imported: report.imported, rejected: report.rejected.length }, 'catalog imported');
      return report;
    });
  });

  serve(app, HQ_ROUTES.savePromotions, { access: { caller: 'admin' } }, async (request) => {
    const ids = new Set<string>();
    for (const p of request.body.promotions) {
      if (ids.has(p.id)) throw new HqError(400, 'INVALID_INPUT', `Promotion ${p.id} appears twice. Nothing was saved.`);
      ids.add(p.id);
    }
    await ctx.catalog.upsertPromotions(request.body.promotions);
    return { saved: request.body.promotions.length };
  });
};
