/**
 * The orders screenshots (`docs/orders.png`, `docs/refund.png`, `docs/z-report.png`), the way a cashier
 * gets there in the demo store: three cash sales, Alt+O, a sale opened and its refund dialog filled in,
 * then Alt+E and Close day refused while the sales have not reached HQ. Called by `scripts/screenshot.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { REPO_ROOT, startRegister } from '../e2e/support/web-host';

const OUT = path.join(REPO_ROOT, 'docs');
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[] }[] };

async function sellCash(page: Page, products: number[]): Promise<void> {
  for (const i of products) {
    await page.getByTestId('scan-input').fill(catalog.products[i]!.barcodes[0]!);
    await page.keyboard.press('Enter');
  }
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByRole('button', { name: 'Complete sale' }).click();
  await page.getByTestId('sale-number').waitFor();
  await page.getByRole('button', { name: 'New sale' }).click();
}

export async function ordersScreenshots(browser: Browser): Promise<void> {
  const register = await startRegister();
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  try {
    await page.goto(register.url);
    await page.getByLabel('PIN').waitFor();
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await page.getByTestId('scan-input').waitFor();
    await sellCash(page, [0, 1, 1, 2]);
    await sellCash(page, [3, 4]);
    await sellCash(page, [5, 5, 5, 6]);
    await page.keyboard.press('Alt+o');
    await page.getByTestId('order-row').nth(2).waitFor();
    await page.screenshot({ path: path.join(OUT, 'orders.png') });
    await page.getByTestId('order-row').last().getByRole('button').click();
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await page.getByRole('dialog').getByRole('spinbutton').first().fill('1');
    await page.getByRole('dialog').getByLabel('Reason').fill('Damaged packaging');
    await page.screenshot({ path: path.join(OUT, 'refund.png') });
    await page.getByRole('dialog').getByRole('button', { name: 'Refund', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'recorded' }).waitFor();
    await page.keyboard.press('Alt+e');
    await page.getByTestId('z-report').waitFor();
    await page.getByRole('button', { name: 'Close day', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await page.screenshot({ path: path.join(OUT, 'z-report.png') });
  } finally {
    await page.close();
    await register.stop();
  }
}
