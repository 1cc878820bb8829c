/**
 * The catalog and promotions in the console: search the products, change a price or tax class, import a
 * CSV or JSON catalog (the same import as `POST /catalog/import`), and schedule or end promotions. Every
 * role reads; owners and area managers change. Each change is written with its audit entry and its feed
 * change in one write, so registers get it through the feed and the realtime stream.
 */
import { z } from 'zod';
import { CHAIN_ROLES } from '../../../shared/hq/console';
import type { Promotion } from '../../../shared/hq/feed';
import { HQ_ROUTES } from '../../../shared/hq/routes';
import { productOf, type ProductRow, type StoredPromotion } from '../catalog/catalog.repository';
import { catalogRowsFromCsv } from '../catalog/csv';
import type { HqApp } from '../context';
import { serve } from '../http/contract';
import { HqError } from '../http/errors';
import { recordAudit } from './audit';

const EVERY_ROLE = ['owner', 'area-manager', 'store-manager'] as const;
/** The import's body limit: the same as `POST /catalog/import`'s (server.ts lists both in ROUTE_BODY_LIMITS). */
export const CONSOLE_IMPORT_BODY_LIMIT = 64 * 1024 * 1024;
const ImportBodySchema = z.union([z.string(), z.object({ products: z.array(z.unknown()) }).strict()]);

function consoleProductOf(row: ProductRow) {
  const product = productOf(row);
  return { sku: product.sku, name: product.name, price: product.price, taxClass: product.taxClass, barcodes: product.barcodes, priceByLabel: product.priceByLabel === true, updatedAt: new Date(Number(row.updated_at)).toISOString() };
}

function scheduledOf(stored: StoredPromotion) {
  return { promotion: stored.promotion, startsAt: stored.startsAt, endsAt: stored.endsAt, updatedAt: new Date(stored.updatedAt).toISOString() };
}

export async function consoleCatalogRoutes(app: HqApp): Promise<void> {
  const ctx = app.hq;

  serve(app, HQ_ROUTES.consoleProducts, { access: { caller: 'console', roles: EVERY_ROLE, ids: [] } }, async (request) => {
    const { q, limit, after } = request.query;
    const page = await ctx.catalog.searchProducts(q, limit, after);
    return { products: page.rows.map(consoleProductOf), total: page.total, next: page.next };
  });

  serve(app, HQ_ROUTES.consoleChangeProduct, { access: { caller: 'console', roles: CHAIN_ROLES, ids: [] } }, async (request) => {
    const change = request.body;
    const sku = request.params.sku;
    return ctx.writer.transaction(async (tx) => {
      const changed = await ctx.catalog.changeProductIn(tx, sku, change);
      if (!changed) throw new HqError(404, 'PRODUCT_NOT_FOUND', `HQ has no product with the SKU ${sku}.`);
      const { before, after } = changed;
      const detail: Record<string, unknown> = {};
      if (change.price !== undefined) detail.price = { from: Number(before.price), to: after.price };
      if (change.taxClass !== undefined) detail.taxClass = { from: before.tax_class, to: after.tax_class };
      await recordAudit(tx, request, { action: 'product.change', target: sku, storeId: null, detail });
      return consoleProductOf(after);
    });
  });

  serve(app, HQ_ROUTES.consoleTaxClasses, { access: { caller: 'console', roles: EVERY_ROLE, ids: [] } }, async () => {
    return { taxClasses: (await ctx.catalog.taxClasses()).map((t) => ({ code: t.code, name: t.name, rateBp: t.rateBasisPoints })) };
  });

  // CSV is read only by the import: its parser lives in this scope, so every other console route answers 415 to it.
  await app.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: CONSOLE_IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));
    serve(scope as HqApp, HQ_ROUTES.consoleImportCatalog, { access: { caller: 'console', roles: CHAIN_ROLES, ids: [] }, bodyLimit: CONSOLE_IMPORT_BODY_LIMIT }, async (request) => {
      const body = ImportBodySchema.safeParse(request.body);
      if (!body.success) throw new HqError(400, 'INVALID_INPUT', 'Send the catalog as CSV (text/csv) or as JSON { "products": [...] }. Nothing was imported.');
      const rows = typeof body.data === 'string' ? catalogRowsFromCsv(body.data) : body.data.products;
      const report = await ctx.inFlight.run(() =>
        ctx.catalog.importProducts(rows, (tx, counts) =>
          recordAudit(tx, request, { action: 'catalog.import', target: null, storeId: null, detail: { rows: rows.length, imported: counts.imported, rejected: counts.rejected.length } }),
        ),
      );
      request.log.info({ imported: report.imported, rejected: report.rejected.length }, 'catalog imported from the console');
      return report;
    });
  });

  serve(app, HQ_ROUTES.consolePromotions, { access: { caller: 'console', roles: EVERY_ROLE, ids: [] } }, async () => {
    return { promotions: (await ctx.catalog.promotions()).map(scheduledOf) };
  });

  serve(app, HQ_ROUTES.consoleSavePromotion, { access: { caller: 'console', roles: CHAIN_ROLES, ids: [] } }, async (request) => {
    const { promotion, startsAt, endsAt } = request.body;
    if (startsAt !== null && endsAt !== null && Date.parse(endsAt) <= Date.parse(startsAt)) {
      throw new HqError(400, 'INVALID_SCHEDULE', 'The promotion must end after it starts. Nothing was saved.');
    }
    // The schedule sent beside the promotion is the one kept (and sent to registers with it).
    const scheduled: Promotion = { ...promotion, startsAt: normalised(startsAt), endsAt: normalised(endsAt) };
    return ctx.writer.transaction(async (tx) => {
      const existed = (await ctx.catalog.promotionIn(tx, promotion.id)) !== null;
      const saved = await ctx.catalog.savePromotionIn(tx, scheduled);
      await recordAudit(tx, request, { action: existed ? 'promotion.change' : 'promotion.create', target: promotion.id, storeId: null, detail: { name: promotion.name, kind: promotion.kind, active: promotion.active, startsAt: saved.startsAt, endsAt: saved.endsAt } });
      return scheduledOf(saved);
    });
  });

  serve(app, HQ_ROUTES.consoleEndPromotion, { access: { caller: 'console', roles: CHAIN_ROLES, ids: [] } }, async (request) => {
    const id = request.params.promotionId;
    return ctx.writer.transaction(async (tx) => {
      const stored = await ctx.catalog.promotionIn(tx, id);
      if (!stored) throw new HqError(404, 'PROMOTION_NOT_FOUND', `HQ has no promotion ${id}.`);
      const now = new Date(tx.now).toISOString();
      // Ending one that already ended keeps the time it ended.
      const endsAt = stored.endsAt !== null && Date.parse(stored.endsAt) <= tx.now ? stored.endsAt : now;
      const saved = await ctx.catalog.savePromotionIn(tx, { ...stored.promotion, endsAt });
      await recordAudit(tx, request, { action: 'promotion.end', target: id, storeId: null, detail: { name: stored.promotion.name, endsAt } });
      return scheduledOf(saved);
    });
  });
}

/** One form for every time HQ keeps: UTC with milliseconds. */
function normalised(time: string | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}
