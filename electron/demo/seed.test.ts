import { afterEach, beforeEach, expect, it } from 'vitest';
import demoCatalog from '../../shared/demo/catalog.json' with { type: 'json' };
import { CatalogFileSchema } from '../../shared/catalog';
import { UsersRepository } from '../modules/auth/users.repository';
import { CatalogRepository } from '../modules/catalog/catalog.repository';
import { makeDatabase } from '../test/factories';
import { seedDemoData } from './seed';

let setup: ReturnType<typeof makeDatabase>;
beforeEach(() => (setup = makeDatabase()));
afterEach(() => setup.close());

it('a demo register filled before the label-price mark gets the demo’s marks, the gift cards staying unmarked', async () => {
  const users = new UsersRepository(setup.db);
  users.add({ id: 'ana', name: 'Ana', role: 'cashier', pinHash: 'scrypt$1$1$1$a$b' });
  const catalog = new CatalogRepository(setup.db);
  catalog.upsertMany(CatalogFileSchema.parse(demoCatalog).products.map(({ priceByLabel: _mark, ...product }) => product));
  expect(catalog.labelPricedCount()).toBe(0);
  await seedDemoData(catalog, users);
  expect(catalog.findBySku('SKU-000003')?.priceByLabel).toBe(true);
  expect(catalog.search('Gift Card').every((p) => p.priceByLabel === false)).toBe(true);
  expect(catalog.labelPricedCount()).toBe(CatalogFileSchema.parse(demoCatalog).products.filter((p) => p.priceByLabel).length);
});
