import fs from 'node:fs';
import path from 'node:path';
import { formatMoney } from '../shared/money';
import { expect, scan, signIn, test } from './fixtures';
import { REPO_ROOT } from './support/web-host';

interface DemoProduct {
  sku: string;
  barcodes: string[];
  name: string;
  price: number;
}
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: DemoProduct[] };
const [milk, bread] = catalog.products as [DemoProduct, DemoProduct];
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');

test('a cashier signs in, scans two products and sees both lines and the right total', async ({ till }) => {
  await expect(till.getByTestId('connectivity')).toHaveAttribute('data-state', 'online');
  await signIn(till, '1234');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));

  await scan(till, milk.barcodes[0]!);
  await scan(till, bread.barcodes[0]!);

  const rows = till.getByRole('table').getByRole('row');
  await expect(rows.filter({ hasText: milk.name })).toContainText(euros(milk.price));
  await expect(rows.filter({ hasText: bread.name })).toContainText(euros(bread.price));
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + bread.price));
  await expect(till.getByTestId('scan-input')).toBeFocused();
});

test('a wrong PIN shows an error and stays on the sign-in screen', async ({ till }) => {
  await signIn(till, '0000');
  await expect(till.getByRole('alert')).toContainText('That PIN is not right');
  await expect(till.getByLabel('PIN')).toBeVisible();
  await expect(till.getByLabel('PIN')).toBeFocused();
  await expect(till.getByTestId('scan-input')).toHaveCount(0);
});

test('an unknown barcode shows a clear message and leaves the cart unchanged', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price));

  await scan(till, '4006381333931'); // a valid EAN-13 that is not in the demo catalog
  await expect(till.getByRole('alert')).toContainText('No product with barcode "4006381333931"');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price));
  await expect(till.getByRole('table').getByRole('row')).toHaveCount(2); // header + milk

  await scan(till, '4006381333932'); // a misread: wrong check digit
  await expect(till.getByRole('alert')).toContainText('did not read correctly');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price));
});

test('the open cart comes back after a reload', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await scan(till, milk.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price * 2));
  await till.reload();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price * 2));
});
