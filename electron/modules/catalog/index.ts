import type { Product } from '../../../shared/api';

export { CatalogRepository } from './catalog.repository';
export { catalogFeed } from './catalog.feed';

/** What the checkout needs of the catalog: finding the product a scan, an item code or a search names. */
export interface CatalogLookup {
  findByBarcode(barcode: string): Product | undefined;
  findBySku(sku: string): Product | undefined;
  findByItemCode(itemCode: string): Product[];
  search(query: string, limit?: number): Product[];
}
