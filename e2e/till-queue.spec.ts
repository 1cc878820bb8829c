import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, signIn, test } from './fixtures';
import os from 'node:os';
import { REPO_ROOT, startRegister } from './support/web-host';

/**
 * The queue at the till: the scanner is simulated as a burst of keystrokes through the keyboard (never by
 * filling a field), wherever focus happens to be.
 */
interface DemoProduct {
  barcodes: string[];
  name: string;
  price: number;
}
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: DemoProduct[] };
const [milk, bread, third] = catalog.products as [DemoProduct, DemoProduct, DemoProduct];
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');
const rows = (page: Page) => page.locator('tbody tr.cart__line');

/** A wedge scanner: the whole code within a few milliseconds, then Enter, into whatever has focus. */
async function burst(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: 2 });
  await page.keyboard.press('Enter');
}

async function cashSale(page: Page, tendered: string): Promise<void> {
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByLabel('Cash received').fill(tendered);
  await page.getByRole('button', { name: 'Complete sale' }).click();
  await expect(page.getByTestId('sale-number')).toBeVisible();
}

test('a scan straight after Complete sale starts the next sale with that item, with the change still in view', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await cashSale(till, '5.00');
  const number = (await till.getByTestId('sale-number').textContent())!;
  await expect(till.getByRole('button', { name: 'New sale' })).toBeFocused();

  await burst(till, bread.barcodes[0]!);
  await expect(rows(till)).toHaveCount(1);
  await expect(rows(till).first()).toContainText(bread.name);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(bread.price));
  await expect(till.getByTestId('change-banner')).toContainText(euros(500 - milk.price));
  await expect(till.getByTestId('change-banner')).toContainText(number);
  await expect(till.getByTestId('scan-input')).toBeFocused();
  // The banner gives way to the next message; the sale goes on.
  await scan(till, milk.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(bread.price + milk.price));
});

test('Enter alone on the completed sale is still New sale (the contract flow), and Enter on the empty scan field goes to Pay', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price));
  // Enter on the empty scan field with items in the cart: the Pay key.
  await till.keyboard.press('Enter');
  await expect(till.getByRole('button', { name: 'Cash' })).toBeVisible();
  await till.getByRole('button', { name: 'Cash' }).click();
  await till.getByLabel('Cash received').press('Enter');
  await expect(till.getByTestId('sale-number')).toBeVisible();
  await till.keyboard.press('Enter');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));
  // Empty cart: Enter does not leave the sale screen. F12 pays once there is something to pay.
  await till.keyboard.press('Enter');
  await expect(till.getByTestId('scan-input')).toBeFocused();
  await expect(till.getByRole('button', { name: 'Cash' })).toHaveCount(0);
  await scan(till, bread.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(bread.price));
  await till.keyboard.press('F12');
  await expect(till.getByRole('button', { name: 'Cash' })).toBeVisible();
});


test('a scan with focus on the language button or a line button lands in the scan field', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await till.getByRole('button', { name: 'Increase quantity' }).click();
  await expect(till.getByTestId('scan-input')).toBeFocused();
  await till.getByRole('button', { name: 'Increase quantity' }).focus();
  await burst(till, bread.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(2 * milk.price + bread.price));
});

test('messages take one fixed slot: an unknown barcode does not move the sale buttons, and flashes the scan field', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  const find = till.getByRole('button', { name: /Find product/ });
  const before = await find.boundingBox();
  await scan(till, '4006381333931');
  await expect(till.getByRole('alert')).toContainText('No product');
  await expect(till.getByTestId('scan-input')).toHaveClass(/scan-flash/);
  expect(await find.boundingBox()).toEqual(before);
  await scan(till, bread.barcodes[0]!);
  await expect(till.getByTestId('messages')).toContainText(`Added ${bread.name}`);
  await expect(till.getByRole('alert')).toHaveCount(0);
  expect(await find.boundingBox()).toEqual(before);
});

test('F5 price check shows the price without adding the item; F5 again goes back to selling', async ({ till }) => {
  await signIn(till);
  await scan(till, milk.barcodes[0]!);
  await till.keyboard.press('F5');
  await expect(till.getByTestId('price-check-mode')).toBeVisible();
  await scan(till, bread.barcodes[0]!);
  await expect(till.getByTestId('price-check')).toContainText(bread.name);
  await expect(till.getByTestId('price-check')).toContainText(euros(bread.price));
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price));
  await till.keyboard.press('F5');
  await expect(till.getByTestId('price-check-mode')).toBeHidden();
  await scan(till, bread.barcodes[0]!);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + bread.price));
});

/** Counts the receipts the page sends to print (the browser preview prints with window.print()). */
async function countPrints(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const counted = window as unknown as { prints: number };
    counted.prints = 0;
    window.print = () => {
      counted.prints += 1;
      window.dispatchEvent(new Event('afterprint'));
    };
  });
}
const prints = (page: Page) => page.evaluate(() => (window as unknown as { prints: number }).prints);

test('receipt choice: the default (ask) prints nothing until P; P prints once', async ({ page, register }) => {
  await countPrints(page);
  await page.goto(register.url);
  await signIn(page);
  await scan(page, milk.barcodes[0]!);
  await cashSale(page, '2.00');
  await expect(page.getByTestId('receipt')).toBeVisible();
  expect(await prints(page)).toBe(0);
  await page.keyboard.press('p');
  await expect.poll(() => prints(page)).toBe(1);
  // Still on the completed sale: P was the print key, not the first letter of a code.
  await expect(page.getByTestId('sale-number')).toBeVisible();
});

test('receipt choice: a store set to print prints every sale at once, with no tap', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-print-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ checkout: { receipt: 'print' } }));
  const register = await startRegister({ dataDir });
  try {
    await countPrints(page);
    await page.goto(register.url);
    await signIn(page);
    await scan(page, milk.barcodes[0]!);
    await cashSale(page, '2.00');
    await expect.poll(() => prints(page)).toBe(1);
    await burst(page, bread.barcodes[0]!);
    await expect(page.getByTestId('cart-total')).toHaveText(euros(bread.price));
    await cashSale(page, '5.00');
    await expect.poll(() => prints(page)).toBe(2);
  } finally {
    await register.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});



/**
 * Journeys that tell a scanner from typing by the keystrokes' timing (at most 80 ms apart). The scanner is
 * simulated by keystrokes 2 ms apart; a loaded machine can stall one keystroke past 80 ms, which a real
 * scanner never does, so these retry: a retry shows as flaky in the report, and a real fault fails every try.
 */
test.describe('bursts told apart by their timing', () => {
  test.describe.configure({ retries: 2 });

  test('a scan after tapping the Orders tab and back lands in the sale; a scan on the Orders screen goes to the sale too', async ({ till }) => {
    await signIn(till, '9999');
    await scan(till, milk.barcodes[0]!);
    await till.getByRole('button', { name: /^Orders/ }).click();
    await till.getByRole('button', { name: /^Sale/ }).click();
    await burst(till, bread.barcodes[0]!);
    await expect(rows(till)).toHaveCount(2);
    await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + bread.price));

    await till.getByRole('button', { name: /^Orders/ }).click();
    await expect(till.getByTestId('scan-input')).toHaveCount(0);
    // Focus on the Orders tab (a button): the scanner's Enter must not press it, and the item must not be lost.
    await till.getByRole('button', { name: /^Orders/ }).focus();
    await burst(till, third.barcodes[0]!);
    await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + bread.price + third.price));
  });

  test('a scan on the tender screen is an item, not an amount: back to the cart with it, the cash field untouched', async ({ till }) => {
    await signIn(till);
    await scan(till, milk.barcodes[0]!);
    await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price));
    await till.keyboard.press('Enter');
    await expect(till.getByLabel('Cash received')).toBeFocused();
    await burst(till, bread.barcodes[0]!);
    await expect(till.getByTestId('cart-total')).toHaveText(euros(milk.price + bread.price));
    await expect(rows(till)).toHaveCount(2);
    // A person typing an amount is not a scan: 50 then Enter pays.
    await till.keyboard.press('Enter');
    await expect(till.getByLabel('Cash received')).toBeFocused();
    await till.keyboard.type('50', { delay: 150 });
    await till.keyboard.press('Enter');
    await expect(till.getByTestId('sale-number')).toBeVisible();
    await expect(till.getByRole('status').filter({ hasText: 'Change' })).toContainText(euros(5000 - milk.price - bread.price));
  });
});
