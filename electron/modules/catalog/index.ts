import type { Product } from '../../../shared/api';
import type { KassaDatabase } from '../../db/open';
import type { Handlers } from '../../core/handle';
import type { KassaModule } from '../../core/module';
import { catalogFeed } from './catalog.feed';
import { CatalogRepository, type SaleItem } from './catalog.repository';

export { CatalogRepository, type SaleItem } from './catalog.repository';
export { catalogFeed } from './catalog.feed';

/** What the checkout needs of the catalog: finding the product a scan, an item code or a search names. */
export interface CatalogLookup {
  findByBarcode(barcode: string): Product | undefined;
  findBySku(sku: string): Product | undefined;
  /** The product a barcode or a typed SKU names, as a scan puts it on a line. */
  saleItem(code: { barcode: string } | { sku: string }): SaleItem | undefined;
  findByItemCode(itemCode: string): Product[];
  search(query: string, limit?: number): Product[];
}

export type CatalogModule = KassaModule<never> & { repository: CatalogRepository };

/** The products this register sells (HQ's catalog, kept in sync, or the demo file); HQ's product changes reach it through its feed applier. Its channels are answered with the cart's pricing: see `catalogHandlers`. */
export function createCatalogModule({ db }: { db: KassaDatabase }): CatalogModule {
  const repository = new CatalogRepository(db);
  return { name: 'catalog', repository, handlers: {}, contributes: { feedAppliers: [catalogFeed(repository)] } };
}

/** Looking a product up without selling it: the scan rules and the promotions are the cart's, so checkout answers these with its own. */
export function catalogHandlers({
  lookup,
  promotions,
}: {
  lookup: (code: string) => Product;
  promotions: () => readonly { id: string; name: string; active: boolean; skus?: readonly string[] }[];
}): Pick<Handlers, 'catalog.lookup' | 'catalog.priceCheck'> {
  return {
    'catalog.lookup': ({ code }) => ({ product: lookup(code) }),
    'catalog.priceCheck': ({ code }) => {
      const product = lookup(code);
      const on = promotions().filter((promotion) => promotion.active && promotion.skus?.includes(product.sku) === true);
      return { product, promotions: on.map(({ id, name }) => ({ id, name })) };
    },
  };
}
