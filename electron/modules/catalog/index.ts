import type { Product } from '../../../shared/api';
import type { KassaDatabase } from '../../db/open';
import type { Handlers } from '../../core/handle';
import type { KassaModule } from '../../core/module';
import { CatalogRepository } from './catalog.repository';

export type CatalogModule = KassaModule<never> & { repository: CatalogRepository };

/** The products this register sells (HQ's catalog, kept in sync, or the demo file). Its channels are answered with the cart's pricing: see `catalogHandlers`. */
export function createCatalogModule({ db }: { db: KassaDatabase }): CatalogModule {
  return { name: 'catalog', repository: new CatalogRepository(db), handlers: {} };
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
