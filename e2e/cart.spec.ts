import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { makeEmbeddedBarcode } from '../shared/barcode';
import { formatMoney } from '../shared/money';
import { expect, scan, signIn, test } from './fixtures';
import { REPO_ROOT, startRegister } from './support/web-host';

interface DemoProduct {
  sku: string;
  barcodes: string[];
  name: string;
  price: number;
}
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: DemoProduct[] };
const firstTen = catalog.products.slice(0, 10);
const [milk, bread, bananas, eggs] = firstTen as [DemoProduct, DemoProduct, DemoProduct, DemoProduct];
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');

const rows = (page: Page) => page.getByRole('table').getByRole('row');
const line = (page: Page, product: DemoProduct) => rows(page).filter({ hasText: product.name });
const selectedLine = (page: Page) => page.locator('tr[aria-current="true"]');

test('a cashier changes a quantity with + and −, with a number and *, and in the dialog; 0 and 10000 are refused', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await expect(selectedLine(till)).toContainText(milk.name);

  await till.keyboard.press('+');
  await expect(line(till, milk)).toContainText(euros(milk.price * 2));
  // "3 *" then a scan adds 3 of the scanned item (keyboard tills' quantity × next item).
  await till.keyboard.type('3*');
  await expect(till.getByTestId('next-quantity')).toContainText('× 3');
  await scan(till, milk.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price * 5));
  await expect(till.getByTestId('next-quantity')).toBeHidden();
  await till.getByRole('button', { name: 'Decrease quantity' }).click();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price * 4));
  await expect(till.getByTestId('scan-input')).toBeFocused();

  await till.keyboard.press('F3');
  const dialog = till.getByRole('dialog', { name: `Quantity of ${milk.name}` });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Quantity').fill('0');
  await till.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toContainText('A quantity must be at least 1');
  await dialog.getByLabel('Quantity').fill('10000');
  await till.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toContainText('above 9,999 is not accepted');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price * 4));
  await dialog.getByLabel('Quantity').fill('3');
  await till.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price * 3));
  await expect(till.getByRole('status').filter({ hasText: `${milk.name}: quantity 3` })).toBeVisible();
  await expect(till.getByTestId('scan-input')).toBeFocused();
});

test('a cashier selects a line with the arrow keys and voids it', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await scan(till, bread.barcodes[0]!);
  await expect(selectedLine(till)).toContainText(bread.name);
  await till.keyboard.press('ArrowUp');
  await expect(selectedLine(till)).toContainText(milk.name);

  await till.getByRole('button', { name: 'Void line' }).click();
  await expect(line(till, milk)).toHaveCount(0);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(bread.price));
  await expect(till.getByRole('status').filter({ hasText: `Voided ${milk.name}` })).toBeVisible();
  await expect(till.getByTestId('scan-input')).toBeFocused();

  // Delete alone takes nothing off (a stray key); Shift+Delete voids, and Undo brings the line back.
  await till.keyboard.press('Delete');
  await expect(till.getByTestId('messages')).toContainText(`Shift+Delete voids ${bread.name}`);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(bread.price));
  await till.keyboard.press('Shift+Delete');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));
  await expect(till.getByText('Scan an item to start a sale.')).toBeVisible();
  await expect(till.getByTestId('undo-void')).toContainText(`Voided ${bread.name}`);
  await till.getByTestId('undo-void').getByRole('button', { name: 'Undo' }).click();
  await expect(line(till, bread)).toHaveCount(1);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(bread.price));
  await expect(till.getByTestId('scan-input')).toBeFocused();
});

test('a manager overrides a price with PIN 9999 after a cashier PIN is refused; a negative price is refused', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await scan(till, bread.barcodes[0]!);
  await expect(selectedLine(till)).toContainText(bread.name);

  await till.getByRole('button', { name: 'Override price' }).click();
  const dialog = till.getByRole('dialog', { name: `Override the price of ${bread.name}` });
  await dialog.getByLabel('New price').fill('-1');
  await dialog.getByLabel('Manager PIN').fill('9999');
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(dialog.getByRole('alert')).toContainText('A price cannot be negative');

  await dialog.getByLabel('New price').fill('1.00');
  await dialog.getByLabel('Manager PIN').fill('1234');
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(dialog.getByRole('alert')).toContainText('not a manager’s PIN');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + bread.price));

  await dialog.getByLabel('Manager PIN').fill('9999');
  await till.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(line(till, bread)).toContainText(euros(100));
  await expect(line(till, bread)).toContainText(`Price changed from ${euros(bread.price)} by a manager`);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + 100));
  await expect(till.getByTestId('scan-input')).toBeFocused();

  await till.keyboard.press('F7');
  const discount = till.getByRole('dialog', { name: `Discount ${bread.name}` });
  await discount.getByLabel('Percent off').fill('50');
  await discount.getByLabel('Manager PIN').fill('9999');
  await till.keyboard.press('Enter');
  await expect(discount).toBeHidden();
  await expect(line(till, bread)).toContainText(`50 % off: −${euros(50)}`);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + 50));
});

test('a cashier holds two sales and recalls the first; a held sale survives a reload', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await till.keyboard.press('F8');
  const hold = till.getByRole('dialog', { name: 'Hold this sale' });
  await hold.getByLabel('Label').fill('Blue coat');
  await till.keyboard.press('Enter');
  await expect(hold).toBeHidden();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));
  await expect(till.getByTestId('scan-input')).toBeFocused();

  await scan(till, bread.barcodes[0]!);
  await scan(till, eggs.barcodes[0]!);
  await till.getByRole('button', { name: 'Hold' }).click();
  await till.getByRole('button', { name: 'Hold sale' }).click();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));
  await expect(till.getByRole('button', { name: /Recall \(2\)/ })).toBeVisible();

  await till.reload();
  await signInIfAsked(till);
  await expect(till.getByRole('button', { name: /Recall \(2\)/ })).toBeVisible();
  await till.keyboard.press('F9');
  const recall = till.getByRole('dialog', { name: 'Recall a held sale' });
  const options = recall.getByRole('option');
  await expect(options).toHaveCount(2);
  await expect(options.nth(0)).toContainText('Blue coat');
  await expect(options.nth(1)).toContainText(euros(bread.price + eggs.price));
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
  await till.keyboard.press('ArrowDown');
  await till.keyboard.press('ArrowUp');
  await till.keyboard.press('Enter');
  await expect(recall).toBeHidden();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price));
  await expect(line(till, milk)).toBeVisible();
  await expect(till.getByRole('button', { name: /Recall \(1\)/ })).toBeVisible();
  await expect(till.getByTestId('scan-input')).toBeFocused();
});

test('a cashier finds a product by name, picks it with the arrows and adds it with Enter', async ({ till }) => {
  await signIn(till);
  await expect(till.getByTestId('scan-input')).toBeFocused();
  await till.keyboard.press('F2');
  const search = till.getByRole('dialog', { name: 'Find a product' });
  await expect(search.getByLabel('Name or SKU')).toBeFocused();
  await till.keyboard.type('greenhollow');
  const options = search.getByRole('option');
  await expect(options.filter({ hasText: bananas.name })).toHaveCount(1);
  // The list answers each keystroke; ↓ until the bananas are the chosen option (read again each time, so a
  // late answer that reorders the list cannot make the count of presses wrong).
  const bananasOption = options.filter({ hasText: bananas.name });
  for (let presses = 0; presses < 20 && (await bananasOption.getAttribute('aria-selected')) !== 'true'; presses++) await till.keyboard.press('ArrowDown');
  await expect(bananasOption).toHaveAttribute('aria-selected', 'true');
  await till.keyboard.press('Enter');
  await expect(search).toBeHidden();
  await expect(line(till, bananas)).toContainText(euros(bananas.price));

  await till.getByRole('button', { name: 'Find product' }).click();
  await till.keyboard.type(eggs.sku);
  await expect(search.getByRole('option')).toHaveCount(1);
  await till.keyboard.press('Enter');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(bananas.price + eggs.price));
  await expect(till.getByTestId('scan-input')).toBeFocused();
});

test('a scale label with an embedded price adds the item at that price (prefix 2, item code = SKU number)', async ({ till }) => {
  await signIn(till);
  const label = makeEmbeddedBarcode('2', bananas.sku.slice(-6), 237);
  await scan(till, label);
  await expect(line(till, bananas)).toContainText(euros(237));
  await expect(till.getByTestId('cart-total')).toHaveText(euros(237));
  await scan(till, makeEmbeddedBarcode('2', '999999', 100));
  await expect(till.getByRole('alert')).toContainText('No product with item code 999999');
});

test('a weighed item: 1.250 kg of bananas at the per-kg price when the store reads weights', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-weight-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ checkout: { embeddedBarcode: { prefix: '2', value: 'weight' } } }));
  const register = await startRegister({ dataDir });
  try {
    await page.goto(register.url);
    await signIn(page);
    await scan(page, makeEmbeddedBarcode('2', bananas.sku.slice(-6), 1250));
    const total = Math.round((bananas.price * 1250) / 1000);
    await expect(line(page, bananas)).toContainText('1.250 kg');
    await expect(line(page, bananas)).toContainText(`${euros(bananas.price)}/kg`);
    await expect(page.getByTestId('cart-total')).toHaveText(euros(total));
  } finally {
    await register.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('50 items scanned in quick succession through the keyboard wedge all land', async ({ till }) => {
  await signIn(till);
  await expect(till.getByTestId('scan-input')).toBeFocused();
  let expected = 0;
  for (let i = 0; i < 50; i++) {
    const product = firstTen[i % 10]!;
    expected += product.price;
    // No waiting between items: a scanner sends the next code as soon as the cashier pulls the trigger.
    await till.keyboard.type(product.barcodes[0]!, { delay: 2 });
    await till.keyboard.press('Enter');
  }
  await expect(till.getByTestId('cart-total')).toHaveText(euros(expected));
  await expect(till.getByText('Total · 50 items')).toBeVisible();
  await expect(rows(till)).toHaveCount(11);
  for (const product of firstTen) await expect(line(till, product).locator('td').nth(1)).toHaveText('5');
});

test('a reload in the middle of a sale brings back every line, the override and the selection-free cart', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await scan(till, bread.barcodes[0]!);
  await expect(selectedLine(till)).toContainText(bread.name);
  await till.keyboard.press('+');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + 2 * bread.price));
  await till.keyboard.press('F6');
  const dialog = till.getByRole('dialog', { name: `Override the price of ${bread.name}` });
  await dialog.getByLabel('New price').fill('2.00');
  await dialog.getByLabel('Manager PIN').fill('9999');
  await till.keyboard.press('Enter');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + 400));

  await till.reload();
  await signInIfAsked(till);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + 400));
  await expect(line(till, bread)).toContainText(`Price changed from ${euros(bread.price)}`);
  await expect(rows(till)).toHaveCount(3);
  await expect(till.getByTestId('scan-input')).toBeFocused();
});

test('the cart at 1366×768 with a few lines and one selected: large targets, nothing cut off', async ({ till }) => {
  await signIn(till);
  for (const product of firstTen.slice(0, 5)) await scan(till, product.barcodes[0]!);
  await scan(till, makeEmbeddedBarcode('2', bananas.sku.slice(-6), 318));
  await expect(selectedLine(till)).toContainText(euros(318));
  await till.keyboard.press('ArrowUp');
  await till.keyboard.press('ArrowUp');
  await till.keyboard.press('+');
  await expect(selectedLine(till)).toContainText(catalog.products[3]!.name);
  await expect(selectedLine(till)).toContainText(euros(catalog.products[3]!.price * 2));
  await till.keyboard.press('F7');
  const discount = till.getByRole('dialog', { name: /^Discount / });
  await discount.getByLabel('Percent off').fill('10');
  await discount.getByLabel('Manager PIN').fill('9999');
  await till.keyboard.press('Enter');
  await expect(selectedLine(till)).toContainText(`10 % off: −${euros(Math.round(catalog.products[3]!.price * 2 * 0.1))}`);
  await expect(till.getByTestId('scan-input')).toBeFocused();

  for (const name of ['Override price', 'Discount', 'Void line', 'Find product', 'Hold', 'Recall', 'Void sale', 'Pay']) {
    const box = await till.getByRole('button', { name, exact: false }).first().boundingBox();
    expect(box!.height, `${name} is a large touch target`).toBeGreaterThanOrEqual(48);
    expect(box!.y + box!.height, `${name} is on screen`).toBeLessThanOrEqual(768);
  }
  const overflow = await till.evaluate('document.documentElement.scrollWidth > innerWidth || document.documentElement.scrollHeight > innerHeight');
  expect(overflow).toBe(false);
  if (process.env.KASSA_SCREENSHOTS) await till.screenshot({ path: path.join(REPO_ROOT, 'docs', 'cart.png') });
});

/** After a reload the session may still be signed in (it lives in the register), or ask for the PIN again. */
async function signInIfAsked(page: Page): Promise<void> {
  const pin = page.getByLabel('PIN');
  const scanField = page.getByTestId('scan-input');
  await expect(pin.or(scanField)).toBeVisible();
  if (await pin.isVisible()) await signIn(page);
}
