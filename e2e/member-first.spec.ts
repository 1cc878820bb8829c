import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, test } from './fixtures';
import { hqJourneys, setOffline } from './support/hq-till';
import { REPO_ROOT } from './support/web-host';

/*
 * The member comes first: the customer hands over the loyalty card (or gives a phone number, F10) before
 * the first item. The cart opens the sale with the member on it, the items scanned next join it, and the
 * completed sale is the member's on HQ, with the points it earned. Against the real HQ and its demo members.
 */

const PRODUCTS = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { name: string; barcodes: string[]; price: number }[] }).products;
/** No demo promotion touches the first ten products, so their prices add up to the amount due. */
const [BREAD, MILK] = [PRODUCTS[0]!, PRODUCTS[1]!];
/** The demo HQ's member (server/src/demo/seed.ts), with no points yet. */
const LENA = { id: '0190d5a0-0000-7000-8000-000000000001', name: 'Lena Fischer', phone: '+4915112345678', card: '2900000000017' };
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');
/** One point per whole euro paid (the default rule). */
const pointsFor = (cents: number) => Math.floor(cents / 100);

interface HqOrder {
  number: string;
  total: number;
}

const journeys = hqJourneys();

/** An enrolled register, signed in, with HQ's catalog pulled, and its cart still empty. */
async function openTill(page: Page): Promise<void> {
  // The first sign-in on a register is checked by HQ.
  await journeys.open(page, { online: true });
  await expect(page.getByTestId('scan-input')).toBeFocused();
  // The register pulls HQ's catalog after enrolling: the product search finds it without touching the cart.
  await page.keyboard.press('F2');
  const search = page.getByRole('dialog', { name: 'Find a product' });
  await search.getByLabel('Name or SKU').fill(BREAD.name);
  await expect(search.getByText(BREAD.name).first()).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('Escape');
  await expect(search).toBeHidden();
  await expect(page.getByTestId('cart-total')).toHaveText(euros(0));
  await expect(page.getByRole('region', { name: 'Member' })).toContainText('No member on this sale.');
}

/** Pay → Cash → Complete sale → New sale; the sale's number as shown. */
async function payCash(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByRole('button', { name: 'Complete sale' }).click();
  const number = (await page.getByTestId('sale-number').textContent())!;
  await page.getByRole('button', { name: 'New sale' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText(euros(0));
  return number;
}

/** Once uploaded, HQ holds the sale as Lena's, and her balance is what it earned. */
async function expectLenasSale(page: Page, number: string, total: number): Promise<void> {
  await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });
  const { orders } = await journeys.hq.admin<{ orders: HqOrder[] }>('GET', `/orders/search?memberId=${LENA.id}`);
  expect(orders.map((order) => [order.number, order.total])).toEqual([[number, total]]);
  expect(await journeys.hq.admin<{ balance: number }>('GET', `/members/${LENA.id}/balance`)).toEqual({ memberId: LENA.id, balance: pointsFor(total) });
}

test('a loyalty card scanned on an empty cart opens the sale with the member; the items scanned next are hers, and so are the points', async ({ page }) => {
  await openTill(page);
  await scan(page, LENA.card);
  const member = page.getByRole('region', { name: 'Member' });
  await expect(member.getByTestId('member-name')).toHaveText(LENA.name);
  await expect(page.getByRole('status').filter({ hasText: 'Member card' })).toContainText(LENA.name);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('cart-total')).toHaveText(euros(0));
  // Nothing to pay yet, and nothing worth holding.
  await expect(page.getByRole('button', { name: 'Pay' })).toBeDisabled();

  await scan(page, BREAD.barcodes[0]!);
  await scan(page, MILK.barcodes[0]!);
  await scan(page, BREAD.barcodes[0]!);
  const total = 2 * BREAD.price + MILK.price;
  await expect(page.getByTestId('cart-total')).toHaveText(euros(total));
  // Still her sale.
  await expect(member.getByTestId('member-name')).toHaveText(LENA.name);

  const number = await payCash(page);
  // The next customer starts without her.
  await expect(member).toContainText('No member on this sale.');
  await expectLenasSale(page, number, total);
});

test('F10 on an empty cart, offline: the member found in the register’s copy is attached, and the sale that follows is hers', async ({ page }) => {
  await openTill(page);
  // HQ's change feed brings its members into the register's copy; then the till goes offline.
  await setOffline(page, true, { backToScan: true });
  const dialog = page.getByRole('dialog', { name: 'Member' });
  await expect(async () => {
    if (!(await dialog.isVisible())) await page.keyboard.press('F10');
    await dialog.getByLabel('Phone or card number').fill(LENA.phone);
    await dialog.getByRole('button', { name: 'Find' }).click();
    await expect(dialog.getByTestId('member-name')).toHaveText(LENA.name, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(dialog.getByTestId('member-summary')).not.toContainText('live from HQ');
  await dialog.getByRole('button', { name: 'Attach to sale' }).click();
  await expect(dialog).toBeHidden();
  const member = page.getByRole('region', { name: 'Member' });
  await expect(member.getByTestId('member-name')).toHaveText(LENA.name);
  await expect(page.getByTestId('scan-input')).toBeFocused();

  await scan(page, MILK.barcodes[0]!);
  await expect(page.getByTestId('cart-total')).toHaveText(euros(MILK.price));
  await expect(member.getByTestId('member-name')).toHaveText(LENA.name);
  const number = await payCash(page);
  await expect(page.getByTestId('pending-sync')).not.toHaveText('0');

  await setOffline(page, false, { backToScan: true });
  await expectLenasSale(page, number, MILK.price);
});
