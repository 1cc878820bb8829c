import type { Product } from '../../../shared/api';
import type { CatalogProduct } from '../../../shared/catalog';
import type { KassaDatabase } from '../../db/open';

interface ProductRow {
  sku: string;
  name: string;
  price: number;
  tax_class: Product['taxClass'];
  barcodes: string;
}

/** The local catalog: products and their barcodes, read on every scan. */
export class CatalogRepository {
  private readonly byBarcode;
  private readonly bySku;
  private readonly countActive;
  private readonly upsertProduct;
  private readonly deleteBarcodes;
  private readonly insertBarcode;

  constructor(private readonly db: KassaDatabase) {
    const select = `SELECT p.sku, p.name, p.price, p.tax_class,
        (SELECT json_group_array(barcode) FROM product_barcodes WHERE sku = p.sku) AS barcodes
      FROM products p`;
    this.byBarcode = db.prepare<[string], ProductRow>(
      `${select} WHERE p.active = 1 AND p.sku = (SELECT sku FROM product_barcodes WHERE barcode = ?)`,
    );
    this.bySku = db.prepare<[string], ProductRow>(`${select} WHERE p.active = 1 AND p.sku = ? COLLATE NOCASE`);
    this.countActive = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM products WHERE active = 1');
    this.upsertProduct = db.prepare<[string, string, number, string, number]>(
      `INSERT INTO products (sku, name, price, tax_class, active, updated_at) VALUES (?, ?, ?, ?, 1, ?)
       ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price, tax_class = excluded.tax_class,
         active = 1, updated_at = excluded.updated_at`,
    );
    this.deleteBarcodes = db.prepare<[string]>('DELETE FROM product_barcodes WHERE sku = ?');
    this.insertBarcode = db.prepare<[string, string]>(
      'INSERT INTO product_barcodes (barcode, sku) VALUES (?, ?) ON CONFLICT (barcode) DO UPDATE SET sku = excluded.sku',
    );
  }

  findByBarcode(barcode: string): Product | undefined {
    return toProduct(this.byBarcode.get(barcode));
  }

  findBySku(sku: string): Product | undefined {
    return toProduct(this.bySku.get(sku));
  }

  activeCount(): number {
    return this.countActive.get()!.n;
  }

  /** Inserts or updates products by SKU in one transaction; a barcode moves to the product that lists it last. */
  upsertMany(products: readonly CatalogProduct[], now = Date.now()): void {
    this.db.transaction(() => {
      for (const p of products) {
        this.upsertProduct.run(p.sku, p.name, p.price, p.taxClass, now);
        this.deleteBarcodes.run(p.sku);
        for (const barcode of p.barcodes) this.insertBarcode.run(barcode, p.sku);
      }
    })();
  }
}

function toProduct(row: ProductRow | undefined): Product | undefined {
  if (!row) return undefined;
  return { sku: row.sku, name: row.name, price: row.price, taxClass: row.tax_class, barcodes: JSON.parse(row.barcodes) as string[] };
}
