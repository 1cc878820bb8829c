import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, signIn, test } from './fixtures';
import { startHq } from './support/hq-server';
import { REPO_ROOT, startRegister } from './support/web-host';

const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; price: number }[] };
const [milk, bread] = catalog.products as [{ barcodes: string[]; price: number }, { barcodes: string[]; price: number }];
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');
const SALE_NUMBER = /^[A-Za-z0-9]+-[A-Za-z0-9]+-\d+$/;

async function ringUp(page: Page) {
  await scan(page, milk.barcodes[0]!);
  await scan(page, bread.barcodes[0]!);
  await expect(page.getByTestId('cart-total')).toHaveText(euros(milk.price + bread.price));
  await page.getByRole('button', { name: 'Pay' }).click();
}

test('a cash sale with change: Pay, Cash (exact by default, edited), Complete sale, the number, New sale', async ({ till }) => {
  await signIn(till);
  await ringUp(till);
  await till.getByRole('button', { name: 'Cash' }).click();
  await expect(till.getByLabel('Cash received')).toHaveValue(((milk.price + bread.price) / 100).toFixed(2));
  await till.getByLabel('Cash received').fill('10.00');
  await till.getByRole('button', { name: 'Complete sale' }).click();
  await expect(till.getByTestId('sale-number')).toHaveText('S01-R01-1');
  await expect(till.getByRole('status').filter({ hasText: 'Change' })).toContainText(euros(1000 - milk.price - bread.price));
  await till.getByRole('button', { name: 'New sale' }).click();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));
  await expect(till.getByTestId('scan-input')).toBeFocused();
  await ringUp(till);
  await till.getByRole('button', { name: 'Cash' }).click();
  await till.getByRole('button', { name: 'Complete sale' }).click();
  await expect(till.getByTestId('sale-number')).toHaveText('S01-R01-2');
});

test('a card approved by the simulated terminal', async ({ till }) => {
  await signIn(till);
  await ringUp(till);
  await till.getByRole('button', { name: 'Card' }).click();
  await expect(till.getByText('Card payments are authorised now.')).toBeVisible();
  await till.getByRole('button', { name: 'Complete sale' }).click();
  await expect(till.getByTestId('sale-number')).toHaveText(SALE_NUMBER);
});

test('a declined card keeps the cart, and the sale is then paid in cash', async ({ till }) => {
  await signIn(till);
  await ringUp(till);
  await till.getByRole('button', { name: 'Card' }).click();
  await till.getByLabel('Card number').fill('4000000000000002');
  await till.getByRole('button', { name: 'Complete sale' }).click();
  await expect(till.getByRole('alert')).toContainText('The card was declined');
  await expect(till.getByTestId('sale-number')).toHaveCount(0);
  await till.getByRole('button', { name: 'Cash' }).click();
  await till.getByRole('button', { name: 'Complete sale' }).click();
  await expect(till.getByTestId('sale-number')).toHaveText(SALE_NUMBER);
});

test('offline (the cashier’s switch): a cash sale and a stored card sale, uploaded once to HQ when back online; HQ declines the card later and a manager sees it', async ({ page }) => {
  const hq = await startHq();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-tender-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 } }));
  const register = await startRegister({ dataDir, env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: 'DEMO' } });
  try {
    await page.goto(register.url);
    await signIn(page);
    // The catalog arrives from HQ; wait until a demo product scans.
    await expect(async () => {
      await scan(page, milk.barcodes[0]!);
      await expect(page.getByTestId('cart-total')).not.toHaveText(euros(0), { timeout: 500 });
    }).toPass({ timeout: 15_000 });
    await page.getByTestId('offline-toggle').click();
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-reasons', 'manual');

    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByRole('button', { name: 'Complete sale' }).click();
    const cashSale = (await page.getByTestId('sale-number').textContent())!;
    await page.getByRole('button', { name: 'New sale' }).click();

    await scan(page, bread.barcodes[0]!);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Card' }).click();
    await expect(page.getByText(/switched offline: card payments are stored/)).toBeVisible();
    // A card the issuer will decline when HQ settles it later.
    await page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await page.getByRole('button', { name: 'Complete sale' }).click();
    const cardSale = (await page.getByTestId('sale-number').textContent())!;
    await page.getByRole('button', { name: 'New sale' }).click();
    // Two sales, two payments, one stored card payment, and the drawer the cash sale opened with its cash wait; nothing went to HQ.
    await expect(page.getByTestId('pending-sync')).toHaveText('7');
    expect((await hq.admin<{ orders: unknown[] }>('GET', '/orders/search')).orders).toHaveLength(0);

    await page.getByTestId('offline-toggle').click();
    await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 15_000 });
    const { orders } = await hq.admin<{ orders: { number: string }[] }>('GET', '/orders/search');
    expect(orders.map((o) => o.number).sort()).toEqual([cashSale, cardSale].sort());

    await expect(page.getByRole('alert').filter({ hasText: 'card payment taken offline was declined by HQ' })).toBeVisible({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page.getByRole('dialog', { name: 'Declined offline card payments' })).toContainText(cardSale);
  } finally {
    await register.stop();
    await hq.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
