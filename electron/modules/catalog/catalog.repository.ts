import type { Product } from '../../../shared/api';
import type { CatalogProduct } from '../../../shared/catalog';
import type { KassaDatabase } from '../../db/open';

interface ProductRow {
  sku: string;
  name: string;
  price: number;
  tax_class: Product['taxClass'];
  barcodes: string;
  price_by_label: 0 | 1;
}

/** What a scan needs of a product to put it on a line (not its other barcodes). */
export type SaleItem = Pick<Product, 'sku' | 'name' | 'price' | 'taxClass' | 'priceByLabel'>;

/** The local catalog: products and their barcodes, read on every scan. */
export class CatalogRepository {
  private readonly byBarcode;
  private readonly itemByBarcode;
  private readonly itemBySku;
  private readonly bySku;
  private readonly countActive;
  private readonly upsertProduct;
  private readonly deleteBarcodes;
  private readonly insertBarcode;
  private readonly searchStatement;
  private readonly byItemCode;
  private readonly countLabelPriced;
  private readonly markLabel;
  private readonly deactivateStmt;
  private readonly stageProduct;
  private readonly stageBarcode;

  constructor(private readonly db: KassaDatabase) {
    const select = `SELECT p.sku, p.name, p.price, p.tax_class, p.price_by_label,
        (SELECT json_group_array(barcode) FROM product_barcodes WHERE sku = p.sku) AS barcodes
      FROM products p`;
    this.byBarcode = db.prepare<[string], ProductRow>(
      `${select} WHERE p.active = 1 AND p.sku = (SELECT sku FROM product_barcodes WHERE barcode = ?)`,
    );
    this.bySku = db.prepare<[string], ProductRow>(`${select} WHERE p.active = 1 AND p.sku = ? COLLATE NOCASE`);
    // The scan's lookup: one read of the barcode's row and one of its product, without gathering its other barcodes.
    this.itemByBarcode = db.prepare<[string], Omit<ProductRow, 'barcodes'>>(
      'SELECT p.sku, p.name, p.price, p.tax_class, p.price_by_label FROM product_barcodes b JOIN products p ON p.sku = b.sku WHERE b.barcode = ? AND p.active = 1',
    );
    this.itemBySku = db.prepare<[string], Omit<ProductRow, 'barcodes'>>('SELECT sku, name, price, tax_class, price_by_label FROM products WHERE active = 1 AND sku = ? COLLATE NOCASE');
    // Name or SKU containing the words typed; names starting with them first. A scan of the table, but only on a search.
    this.searchStatement = db.prepare<{ contains: string; starts: string; limit: number }, ProductRow>(
      `${select} WHERE p.active = 1 AND (p.name LIKE @contains ESCAPE '\\' OR p.sku LIKE @contains ESCAPE '\\')
       ORDER BY (p.name LIKE @starts ESCAPE '\\' OR p.sku LIKE @starts ESCAPE '\\') DESC, p.name COLLATE NOCASE LIMIT @limit`,
    );
    this.byItemCode = db.prepare<[string, string], ProductRow>(`${select} WHERE p.active = 1 AND (p.sku = ? OR p.sku LIKE ?) ORDER BY p.sku LIMIT 10`);
    this.countActive = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM products WHERE active = 1');
    this.countLabelPriced = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM products WHERE price_by_label = 1');
    this.markLabel = db.prepare<[string]>('UPDATE products SET price_by_label = 1 WHERE sku = ?');
    this.upsertProduct = db.prepare<[string, string, number, string, number, number]>(
      `INSERT INTO products (sku, name, price, tax_class, price_by_label, active, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)
       ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price, tax_class = excluded.tax_class,
         price_by_label = excluded.price_by_label, active = 1, updated_at = excluded.updated_at`,
    );
    this.deleteBarcodes = db.prepare<[string]>('DELETE FROM product_barcodes WHERE sku = ?');
    this.insertBarcode = db.prepare<[string, string]>(
      'INSERT INTO product_barcodes (barcode, sku) VALUES (?, ?) ON CONFLICT (barcode) DO UPDATE SET sku = excluded.sku',
    );
    this.deactivateStmt = db.prepare<[number, string]>('UPDATE products SET active = 0, updated_at = ? WHERE sku = ?');
    this.stageProduct = db.prepare<[string, string, number, string, number, number]>(
      'INSERT OR REPLACE INTO products_staging (sku, name, price, tax_class, price_by_label, active, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
    );
    this.stageBarcode = db.prepare<[string, string]>('INSERT OR REPLACE INTO product_barcodes_staging (barcode, sku) VALUES (?, ?)');
  }

  findByBarcode(barcode: string): Product | undefined {
    return toProduct(this.byBarcode.get(barcode));
  }

  findBySku(sku: string): Product | undefined {
    return toProduct(this.bySku.get(sku));
  }

  /** The product a barcode or a typed SKU names, as a scan puts it on a line. */
  saleItem(code: { barcode: string } | { sku: string }): SaleItem | undefined {
    const row = 'barcode' in code ? this.itemByBarcode.get(code.barcode) : this.itemBySku.get(code.sku);
    return row && { sku: row.sku, name: row.name, price: row.price, taxClass: row.tax_class, priceByLabel: row.price_by_label === 1 };
  }

  /** Products whose name or SKU contains every typed word in order (case-insensitive), best first. */
  search(query: string, limit = 20): Product[] {
    const words = query.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/[\\%_]/g, (c) => `\\${c}`));
    if (!words.length) return [];
    const pattern = words.join('%');
    return this.searchStatement.all({ contains: `%${pattern}%`, starts: `${pattern}%`, limit }).map((row) => toProduct(row)!);
  }

  /**
   * The products a scale label's item code names, exactly: the SKU is the item code, or the SKU's number
   * after its last hyphen is (`SKU-000003` for `000003`). Whether a label may price them is theirs to say.
   */
  findByItemCode(itemCode: string): Product[] {
    if (!/^\d{1,11}$/.test(itemCode)) return [];
    return this.byItemCode
      .all(itemCode, `%-${itemCode}`)
      .filter((row) => row.sku === itemCode || row.sku.slice(row.sku.lastIndexOf('-') + 1) === itemCode)
      .map((row) => toProduct(row)!);
  }

  activeCount(): number {
    return this.countActive.get()!.n;
  }

  /** How many products a scale label may price. */
  labelPricedCount(): number {
    return this.countLabelPriced.get()!.n;
  }

  /** Marks these products for label prices (the demo's, on a register filled before the mark existed). */
  markLabelPriced(skus: readonly string[]): void {
    this.db.transaction(() => {
      for (const sku of skus) this.markLabel.run(sku);
    })();
  }

  /** Inserts or updates products by SKU in one transaction; a barcode moves to the product that lists it last. */
  upsertMany(products: readonly CatalogProduct[], now = Date.now()): void {
    this.db.transaction(() => {
      for (const p of products) {
        this.upsertProduct.run(p.sku, p.name, p.price, p.taxClass, p.priceByLabel ? 1 : 0, now);
        this.deleteBarcodes.run(p.sku);
        for (const barcode of p.barcodes) this.insertBarcode.run(barcode, p.sku);
      }
    })();
  }

  /** HQ removed a product: it stays for the receipts and orders that name it, but can no longer be sold. */
  deactivate(sku: string, now: number): void {
    this.deactivateStmt.run(now, sku);
  }

  /** Empties the staging tables a catalog snapshot is loaded into. */
  clearStaging(): void {
    this.db.exec('DELETE FROM products_staging; DELETE FROM product_barcodes_staging;');
  }

  /** Adds products of a snapshot to the staging tables, in one transaction. */
  stage(products: readonly CatalogProduct[], now: number): void {
    this.db.transaction(() => {
      for (const p of products) {
        this.stageProduct.run(p.sku, p.name, p.price, p.taxClass, p.priceByLabel ? 1 : 0, now);
        for (const barcode of p.barcodes) this.stageBarcode.run(barcode, p.sku);
      }
    })();
  }

  /**
   * Makes the staged snapshot the catalog (inside the feed's swap transaction). Only the differences are
   * written: a register re-loading a catalog it mostly has (the usual case after falling behind HQ's feed)
   * holds the database, and the till's event loop, for a moment only.
   */
  swapInStaged(): void {
    this.db.exec(`
      DELETE FROM products WHERE sku NOT IN (SELECT sku FROM products_staging);
      DELETE FROM product_barcodes WHERE barcode NOT IN (SELECT barcode FROM product_barcodes_staging);
      INSERT INTO products (sku, name, price, tax_class, price_by_label, active, updated_at)
        SELECT s.sku, s.name, s.price, s.tax_class, s.price_by_label, s.active, s.updated_at FROM products_staging s LEFT JOIN products p ON p.sku = s.sku
        WHERE p.sku IS NULL OR p.name IS NOT s.name OR p.price IS NOT s.price OR p.tax_class IS NOT s.tax_class OR p.price_by_label IS NOT s.price_by_label OR p.active IS NOT s.active
        ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price, tax_class = excluded.tax_class, price_by_label = excluded.price_by_label,
          active = excluded.active, updated_at = excluded.updated_at;
      INSERT INTO product_barcodes (barcode, sku)
        SELECT s.barcode, s.sku FROM product_barcodes_staging s LEFT JOIN product_barcodes b ON b.barcode = s.barcode
        WHERE b.barcode IS NULL OR b.sku IS NOT s.sku
        ON CONFLICT (barcode) DO UPDATE SET sku = excluded.sku;
      DELETE FROM product_barcodes_staging;
      DELETE FROM products_staging;
    `);
  }
}

function toProduct(row: ProductRow | undefined): Product | undefined {
  if (!row) return undefined;
  return { sku: row.sku, name: row.name, price: row.price, taxClass: row.tax_class, barcodes: JSON.parse(row.barcodes) as string[], priceByLabel: row.price_by_label === 1 };
}
