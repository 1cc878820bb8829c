import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HqErrorSchema } from '../../../shared/hq/common';
import { PromotionSchema } from '../../../shared/hq/feed';
import type { HqApp, HqContext } from '../context';
import { HqError } from '../http/errors';
import { catalogRowsFromCsv } from './csv';

const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

const ImportReportSchema = z.object({ imported: z.number().int(), rejected: z.array(z.object({ row: z.number().int(), reason: z.string() })) });

export function catalogRoutes(app: HqApp, ctx: HqContext): void {
  // CSV is read only by the import: the parser lives in this plugin's scope, so every other route answers 415 to it.
  void app.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));
    importRoute(scope.withTypeProvider<ZodTypeProvider>(), ctx);
  });

  app.post(
    '/catalog/promotions',
    {
      config: { access: { caller: 'admin' } },
      schema: {
        summary: 'Creates or replaces promotions by id (admin); set active: false to end one.',
        tags: ['catalog'],
        body: z.object({ promotions: z.array(PromotionSchema).min(1).max(1000) }).strict(),
        response: { 200: z.object({ saved: z.number().int() }), 400: HqErrorSchema },
      },
    },
    async (request) => {
      const ids = new Set<string>();
      for (const p of request.body.promotions) {
        if (ids.has(p.id)) throw new HqError(400, 'INVALID_INPUT', `Promotion ${p.id} appears twice. Nothing was saved.`);
        ids.add(p.id);
      }
      await ctx.catalog.upsertPromotions(request.body.promotions);
      return { saved: request.body.promotions.length };
    },
  );
}

function importRoute(app: HqApp, ctx: HqContext): void {
  app.post(
    '/catalog/import',
    {
      config: { access: { caller: 'admin' } },
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        summary:
          'Upserts products by sku (admin): JSON { products: [{ sku, barcodes, name, price, taxClass }] } or CSV (text/csv) with the header sku,barcodes,name,price,taxClass (barcodes separated by |). Each row is checked; rejected rows are reported with their 0-based index.',
        tags: ['catalog'],
        body: z.union([z.object({ products: z.array(z.unknown()) }).strict(), z.string()]),
        response: { 200: ImportReportSchema, 400: HqErrorSchema, 401: HqErrorSchema },
      },
    },
    async (request) => {
      const rows = typeof request.body === 'string' ? catalogRowsFromCsv(request.body) : request.body.products;
      const report = await ctx.inFlight.run(() => ctx.catalog.importProducts(rows));
      request.log.info({ imported: report.imported, rejected: report.rejected.length }, 'catalog imported');
      return report;
    },
  );
}
