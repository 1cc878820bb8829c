import { v7 as uuidv7 } from 'uuid';
import demoCatalog from '../../shared/demo/catalog.json' with { type: 'json' };
import { CatalogFileSchema } from '../../shared/catalog';
import type { CatalogRepository } from '../modules/catalog/catalog.repository';
import { hashPin } from '../modules/auth/pin';
import type { UsersRepository } from '../modules/auth/users.repository';

/** The demo store's people (CONTRACT.md): cashier PIN 1234, manager PIN 9999. */
export const DEMO_USERS = [
  { name: 'Ana', role: 'cashier', pin: '1234' },
  { name: 'Max', role: 'manager', pin: '9999' },
] as const;

/** Fills an empty register with the demo catalog and users, so demo mode works with no HQ. */
export async function seedDemoData(catalog: CatalogRepository, users: UsersRepository): Promise<void> {
  const products = CatalogFileSchema.parse(demoCatalog).products;
  if (catalog.activeCount() === 0) catalog.upsertMany(products);
  // A demo register filled before products carried the label-price mark gets the demo's marks once.
  else if (catalog.labelPricedCount() === 0) catalog.markLabelPriced(products.filter((p) => p.priceByLabel).map((p) => p.sku));
  if (users.isEmpty()) {
    for (const user of DEMO_USERS) users.add({ id: uuidv7(), name: user.name, role: user.role, pinHash: await hashPin(user.pin) });
  }
  // The device secret was lost: there is no HQ to sign in with, so the demo people get their PINs again.
  for (const user of users.withUnusablePin()) {
    const demo = DEMO_USERS.find((d) => d.name === user.name && d.role === user.role);
    if (demo) users.setPinHash(user.id, await hashPin(demo.pin));
  }
}
