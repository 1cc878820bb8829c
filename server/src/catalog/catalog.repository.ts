import { sql, type Kysely } from 'kysely';
import { CatalogProductSchema, type CatalogProduct } from '../../../shared/catalog';
import { PRODUCT_SEARCH_TOTAL_CAP } from '../../../shared/hq/console';
import { PromotionSchema, type Promotion, type TaxClass } from '../../../shared/hq/feed';
import type { HqSchema } from '../db/schema';
import type { NewChange, WriteTx, Writer } from '../db/writer';
import { HqError } from '../http/errors';

export interface ImportReport {
  imported: number;
  rejected: { row: number; reason: string }[];
}

const ROWS_PER_STATEMENT = 500;


export interface ProductRow {
  sku: string;
  barcodes: string;
  name: string;
  price: number;
  tax_class: string;
  price_by_label: number;
  updated_at: number;
}

/** A promotion as HQ stores it: the promotion with its schedule, and when it last changed. */
export interface StoredPromotion {
  promotion: Promotion;
  startsAt: string | null;
  endsAt: string | null;
  updatedAt: number;
}

/** `%` and `_` in what a person types are letters, not wildcards. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Turns zod's issues for one row into one sentence naming the fields. */
export function describeRowIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 4)
    .map((issue) => `${issue.path.map(String).join('.') || 'row'}: ${issue.message}`)
    .join('; ');
}

function sameProduct(row: { name: string; price: number; tax_class: string; barcodes: string; price_by_label: number }, product: CatalogProduct): boolean {
  return (
    row.name === product.name &&
    Number(row.price) === product.price &&
    row.tax_class === product.taxClass &&
    row.barcodes === JSON.stringify(product.barcodes) &&
    Number(row.price_by_label) === (product.priceByLabel ? 1 : 0)
  );
}

/** A product as registers and imports see it: `priceByLabel` only when a label may price it. */
export function productOf(row: { sku: string; barcodes: string; name: string; price: number; tax_class: string; price_by_label: number }): CatalogProduct {
  const product: CatalogProduct = { sku: row.sku, barcodes: JSON.parse(row.barcodes) as string[], name: row.name, price: Number(row.price), taxClass: row.tax_class as CatalogProduct['taxClass'] };
  return Number(row.price_by_label) === 1 ? { ...product, priceByLabel: true } : product;
}

function storedPromotion(row: { data: string; updated_at: number }): StoredPromotion | null {
  const parsed = PromotionSchema.safeParse(JSON.parse(row.data));
  if (!parsed.success) return null;
  return { promotion: parsed.data, startsAt: parsed.data.startsAt ?? null, endsAt: parsed.data.endsAt ?? null, updatedAt: Number(row.updated_at) };
}

function withoutMark(product: CatalogProduct): CatalogProduct {
  const { priceByLabel: _mark, ...rest } = product;
  return rest;
}

export class CatalogRepository {
  constructor(
    private readonly read: Kysely<HqSchema>,
    private readonly writer: Writer,
  ) {}

  /**
   * Upserts products by SKU, row by row: a row that fails validation, repeats a SKU or barcode of an
   * earlier row, or uses a barcode another product owns is rejected and reported; the others are stored
   * in one transaction. Unchanged products are counted as imported but add no change to the feed.
   */
  async importProducts(rows: readonly unknown[], alsoWrite?: (tx: WriteTx, report: ImportReport) => Promise<void>): Promise<ImportReport> {
    const rejected: ImportReport['rejected'] = [];
    const accepted: { row: number; product: CatalogProduct }[] = [];
    const skuRow = new Map<string, number>();
    const barcodeRow = new Map<string, number>();
    rows.forEach((raw, row) => {
      const parsed = CatalogProductSchema.safeParse(raw);
      if (!parsed.success) return rejected.push({ row, reason: describeRowIssues(parsed.error.issues) });
      const product = parsed.data;
      const earlier = skuRow.get(product.sku);
      if (earlier !== undefined) return rejected.push({ row, reason: `sku ${product.sku} already appears in row ${earlier}` });
      const repeated = product.barcodes.find((b) => barcodeRow.has(b) || product.barcodes.indexOf(b) !== product.barcodes.lastIndexOf(b));
      if (repeated) return rejected.push({ row, reason: `barcode ${repeated} is used twice in this import (row ${barcodeRow.get(repeated) ?? row})` });
      skuRow.set(product.sku, row);
      for (const b of product.barcodes) barcodeRow.set(b, row);
      accepted.push({ row, product });
    });
    // Counted afresh in each attempt: the writer runs the transaction again after a deadlock or a conflict.
    const report = await this.writer.transaction(async (tx) => {
      const attempt: ImportReport = { imported: 0, rejected: [...rejected] };
      const changes: NewChange[] = [];
      for (let i = 0; i < accepted.length; i += ROWS_PER_STATEMENT) {
        attempt.imported += await this.upsertChunk(tx, accepted.slice(i, i + ROWS_PER_STATEMENT), attempt.rejected, changes);
      }
      await alsoWrite?.(tx, attempt);
      await tx.append(changes);
      return attempt;
    });
    report.rejected.sort((a, b) => a.row - b.row);
    return report;
  }

  private async upsertChunk(tx: WriteTx, chunk: { row: number; product: CatalogProduct }[], rejected: ImportReport['rejected'], changes: NewChange[]): Promise<number> {
    const { trx, now } = tx;
    if (chunk.length === 0) return 0;
    const skus = chunk.map((c) => c.product.sku);
    const existing = new Map((await trx.selectFrom('products').selectAll().where('sku', 'in', skus).execute()).map((r) => [r.sku, r]));
    const owners = new Map(
      (await trx.selectFrom('product_barcodes').select(['barcode', 'sku']).where('barcode', 'in', chunk.flatMap((c) => c.product.barcodes)).execute()).map((r) => [r.barcode, r.sku]),
    );
    const changed: CatalogProduct[] = [];
    let imported = 0;
    for (const { row, product } of chunk) {
      const taken = product.barcodes.find((b) => owners.has(b) && owners.get(b) !== product.sku);
      if (taken) {
        rejected.push({ row, reason: `barcode ${taken} belongs to sku ${owners.get(taken)}` });
        continue;
      }
      imported++;
      const before = existing.get(product.sku);
      if (!before || !sameProduct(before, product)) changed.push(product);
    }
    if (changed.length === 0) return imported;
    await trx
      .insertInto('products')
      .values(changed.map((p) => ({ sku: p.sku, name: p.name, price: p.price, tax_class: p.taxClass, barcodes: JSON.stringify(p.barcodes), price_by_label: p.priceByLabel ? 1 : 0, updated_at: now })))
      .onConflict((oc) =>
        oc.column('sku').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          price: eb.ref('excluded.price'),
          tax_class: eb.ref('excluded.tax_class'),
          barcodes: eb.ref('excluded.barcodes'),
          price_by_label: eb.ref('excluded.price_by_label'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    await trx.deleteFrom('product_barcodes').where('sku', 'in', changed.map((p) => p.sku)).execute();
    const barcodes = changed.flatMap((p) => p.barcodes.map((barcode) => ({ barcode, sku: p.sku })));
    for (let i = 0; i < barcodes.length; i += ROWS_PER_STATEMENT * 2) await trx.insertInto('product_barcodes').values(barcodes.slice(i, i + ROWS_PER_STATEMENT * 2)).execute();
    // What registers get: the mark only when set, so an unmarked product reads as it always did.
    for (const p of changed) changes.push({ kind: 'product', entityId: p.sku, data: p.priceByLabel ? p : withoutMark(p) });
    return imported;
  }

  async productCount(): Promise<number> {
    const row = await this.read.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async product(sku: string): Promise<CatalogProduct | null> {
    const row = await this.read.selectFrom('products').selectAll().where('sku', '=', sku).executeTakeFirst();
    return row ? productOf(row) : null;
  }

  /**
   * Products matching `q` (empty: all): SKU starting with it, name containing it (both ignoring case), or a
   * barcode equal to it; a page in SKU order after `after`. `total` counts matches up to PRODUCT_SEARCH_TOTAL_CAP.
   */
  async searchProducts(q: string, limit: number, after: string | undefined): Promise<{ rows: ProductRow[]; total: number; next: string | null }> {
    const text = q.trim();
    // SQLite's LIKE ignores the case of ASCII letters already; PostgreSQL's needs ILIKE.
    const like = sql.raw(this.writer.dialect === 'postgres' ? 'ILIKE' : 'LIKE');
    const base = () => {
      let query = this.read.selectFrom('products');
      if (text !== '') {
        const escaped = likeEscaped(text);
        query = query.where((eb) =>
          eb.or([
            sql<boolean>`${eb.ref('sku')} ${like} ${`${escaped}%`} ESCAPE '\\'`,
            sql<boolean>`${eb.ref('name')} ${like} ${`%${escaped}%`} ESCAPE '\\'`,
            eb('sku', 'in', eb.selectFrom('product_barcodes').select('sku').where('barcode', '=', text)),
          ]),
        );
      }
      return query;
    };
    let page = base().selectAll();
    if (after !== undefined) page = page.where('sku', '>', after);
    const rows = await page.orderBy('sku').limit(limit + 1).execute();
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    // A first page that holds every match has counted them already: the count's second read is skipped.
    let total = shown.length;
    if (after !== undefined || more) {
      const counted = await this.read
        .selectFrom(base().select('sku').limit(PRODUCT_SEARCH_TOTAL_CAP).as('m'))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      total = Number(counted.n);
    }
    return { rows: shown, total, next: more ? shown[shown.length - 1]!.sku : null };
  }

  /**
   * Changes a product's price or tax class inside the caller's write and sends registers the product as it
   * now is. Null when HQ has no such product; 400 UNKNOWN_TAX_CLASS for a class HQ does not have.
   */
  async changeProductIn(tx: WriteTx, sku: string, change: { price?: number; taxClass?: string }): Promise<{ before: ProductRow; after: ProductRow } | null> {
    const before = await tx.trx.selectFrom('products').selectAll().where('sku', '=', sku).executeTakeFirst();
    if (!before) return null;
    if (change.taxClass !== undefined) {
      const known = await tx.trx.selectFrom('tax_classes').select('code').where('code', '=', change.taxClass).executeTakeFirst();
      const parsed = CatalogProductSchema.shape.taxClass.safeParse(change.taxClass);
      if (!known || !parsed.success) throw new HqError(400, 'UNKNOWN_TAX_CLASS', `HQ has no tax class "${change.taxClass}". Choose one of the tax classes listed. Nothing was saved.`);
    }
    const after: ProductRow = { ...before, price: change.price ?? Number(before.price), tax_class: change.taxClass ?? before.tax_class, updated_at: tx.now };
    await tx.trx.updateTable('products').set({ price: after.price, tax_class: after.tax_class, updated_at: after.updated_at }).where('sku', '=', sku).execute();
    await tx.append([{ kind: 'product', entityId: sku, data: productOf(after) }]);
    return { before, after };
  }

  async taxClasses(): Promise<TaxClass[]> {
    const rows = await this.read.selectFrom('tax_classes').selectAll().orderBy('code').execute();
    return rows.map((r) => ({ code: r.code as TaxClass['code'], name: r.name, rateBasisPoints: r.rate_bp }));
  }

  /** Every promotion with its schedule, by id; one HQ cannot read (stored by an older version) is left out. */
  async promotions(): Promise<StoredPromotion[]> {
    const rows = await this.read.selectFrom('promotions').selectAll().orderBy('id').execute();
    return rows.flatMap((row) => storedPromotion(row) ?? []);
  }

  /** Creates or replaces one promotion with its schedule inside the caller's write, and sends it to the registers. */
  async savePromotionIn(tx: WriteTx, promotion: Promotion): Promise<StoredPromotion> {
    const data = JSON.stringify(promotion);
    await tx.trx
      .insertInto('promotions')
      .values({ id: promotion.id, data, updated_at: tx.now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ data, updated_at: tx.now }))
      .execute();
    await tx.append([{ kind: 'promotion', entityId: promotion.id, data: promotion }]);
    return { promotion, startsAt: promotion.startsAt ?? null, endsAt: promotion.endsAt ?? null, updatedAt: tx.now };
  }

  async promotionIn(tx: WriteTx, id: string): Promise<StoredPromotion | null> {
    const row = await tx.trx.selectFrom('promotions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? storedPromotion(row) : null;
  }

  async upsertTaxClasses(taxClasses: TaxClass[]): Promise<void> {
    await this.writer.transaction(async (tx) => {
      for (const t of taxClasses) {
        await tx.trx
          .insertInto('tax_classes')
          .values({ code: t.code, name: t.name, rate_bp: t.rateBasisPoints })
          .onConflict((oc) => oc.column('code').doUpdateSet({ name: t.name, rate_bp: t.rateBasisPoints }))
          .execute();
      }
      await tx.append(taxClasses.map((t) => ({ kind: 'taxClass', entityId: t.code, data: t })));
    });
  }

  async upsertPromotions(promotions: Promotion[]): Promise<void> {
    await this.writer.transaction(async (tx) => {
      for (const p of promotions) {
        const data = JSON.stringify(p);
        await tx.trx
          .insertInto('promotions')
          .values({ id: p.id, data, updated_at: tx.now })
          .onConflict((oc) => oc.column('id').doUpdateSet({ data, updated_at: tx.now }))
          .execute();
      }
      await tx.append(promotions.map((p) => ({ kind: 'promotion', entityId: p.id, data: p })));
    });
  }
}
