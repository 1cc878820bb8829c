import demoCatalog from '../../../shared/demo/catalog.json' with { type: 'json' };
import { CatalogFileSchema } from '../../../shared/catalog';
import { DEFAULT_TAX_CLASSES, type Promotion, type TaxClass } from '../../../shared/hq/feed';
import type { HqContext } from '../context';
import type { Logger } from '../logger';

/** The demo store matches the register's default settings (store S01, EUR, prices include tax). */
export const DEMO_STORE = { code: 'S01', name: 'Kassa Demo Store', currency: 'EUR', pricesIncludeTax: true } as const;

/** CONTRACT.md: cashier PIN 1234, manager PIN 9999; a second cashier (Ben, 2468) for journeys with two cashiers. */
export const DEMO_USERS = [
  { name: 'Ana', role: 'cashier', pin: '1234' },
  { name: 'Max', role: 'manager', pin: '9999' },
  { name: 'Ben', role: 'cashier', pin: '2468' },
] as const;

/** The same rates a register prices with before HQ sends any (demo mode). */
export const DEMO_TAX_CLASSES: TaxClass[] = [...DEFAULT_TAX_CLASSES];

export const DEMO_MEMBERS = [
  { id: '0190d5a0-0000-7000-8000-000000000001', name: 'Lena Fischer', phone: '+4915112345678', card: '2900000000017' },
  { id: '0190d5a0-0000-7000-8000-000000000002', name: 'Omar Haddad', phone: '+4915187654321', card: '2900000000024' },
  { id: '0190d5a0-0000-7000-8000-000000000003', name: 'Mei Chen', phone: '+4917611122233', card: '2900000000031' },
];

/** None touches the first ten products of the demo file, so those add up to the amount due (CONTRACT.md). */
export function demoPromotions(skus: string[]): Promotion[] {
  return [
    { id: 'demo-10-off', name: '10% off selected pantry items', kind: 'percentOff', percent: 10, skus: skus.slice(20, 30), active: true },
    { id: 'demo-3-for-2', name: '3 for the price of 2', kind: 'multiBuy', quantity: 3, payFor: 2, skus: skus.slice(40, 45), active: true },
    { id: 'demo-weekend', name: '25% off this weekend', kind: 'percentOff', percent: 25, skus: skus.slice(60, 62), active: true },
  ];
}

/**
 * Seeds the demo store once; a restart only refreshes the enrolment code (HQ_ENROLMENT_CODE may change)
 * and never overwrites catalog, users or members someone changed since.
 */
export async function seedDemo(ctx: HqContext, { enrolmentCode, log }: { enrolmentCode: string; log: Logger }): Promise<void> {
  const store = await ctx.registers.upsertStore({ ...DEMO_STORE, enrolmentCode });
  const products = CatalogFileSchema.parse(demoCatalog).products;
  if ((await ctx.catalog.productCount()) === 0) {
    await ctx.catalog.upsertTaxClasses(DEMO_TAX_CLASSES);
    const report = await ctx.catalog.importProducts(products);
    if (report.rejected.length > 0) log.warn({ rejected: report.rejected.slice(0, 5) }, 'some demo products were rejected');
    await ctx.catalog.upsertPromotions(demoPromotions(products.map((p) => p.sku)));
  }
  if ((await ctx.users.countForStore(store.id)) === 0) {
    for (const user of DEMO_USERS) await ctx.users.add({ name: user.name, role: user.role, pin: user.pin, storeId: store.id });
  }
  if ((await ctx.members.count()) === 0) {
    for (const member of DEMO_MEMBERS) await ctx.members.create(member);
  }
  log.info({ store: store.code, products: products.length }, 'demo store ready');
}
