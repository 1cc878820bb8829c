/**
 * The orders screenshots, the way a cashier gets there. `docs/orders.png`: two registers on one HQ, a sale
 * on the second, two on the first, and the first's order list (its own orders, then HQ's of the other
 * register). `docs/refund.png` and `docs/z-report.png` in the demo store: three cash sales, a sale's
 * refund dialog filled in, then Alt+E and Close day refused while the sales have not reached HQ. Called by
 * `scripts/screenshot.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { startHq } from '../e2e/support/hq-server';
import { startRegister } from '../e2e/support/web-host';
import { OUT, barcode, registerPage, sellCash, signIn } from './shot-kit';

/** Signs in on a register with HQ and waits for HQ's catalog. */
async function signInWithCatalog(page: Page, url: string): Promise<void> {
  await signIn(page, url);
  // With HQ, the register pulls HQ's catalog after enrolling: scan until the first product is known.
  const total = page.getByTestId('cart-total');
  for (let tries = 0; tries < 60 && (await total.textContent()) === '€0.00'; tries++) {
    await page.getByTestId('scan-input').fill(barcode(9));
    await page.keyboard.press('Enter');
    await total.filter({ hasNotText: '€0.00' }).waitFor({ timeout: 1000 }).catch(() => undefined);
  }
}

async function orderListScreenshot(browser: Browser): Promise<void> {
  const hq = await startHq();
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-shot-')));
  const registers = [];
  const pages: Page[] = [];
  try {
    for (const dataDir of dirs) registers.push(await startRegister({ dataDir, env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: 'DEMO' } }));
    for (const register of registers) {
      const page = await registerPage(browser);
      pages.push(page);
      await signInWithCatalog(page, register.url);
    }
    const [a, b] = pages as [Page, Page];
    await sellCash(b, [3, 4]);
    await b.getByText('0', { exact: true }).and(b.getByTestId('pending-sync')).waitFor();
    await sellCash(a, [0, 1, 1]);
    await sellCash(a, [5, 5, 6]);
    await a.getByText('0', { exact: true }).and(a.getByTestId('pending-sync')).waitFor();
    await a.keyboard.press('Alt+o');
    await a.locator('[data-testid="order-row"][data-source="hq"]').first().waitFor();
    await a.screenshot({ path: path.join(OUT, 'orders.png') });
  } finally {
    for (const page of pages) await page.close();
    for (const register of registers) await register.stop();
    await hq.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function ordersScreenshots(browser: Browser): Promise<void> {
  await orderListScreenshot(browser);
  const register = await startRegister();
  const page = await registerPage(browser);
  try {
    await signIn(page, register.url);
    await sellCash(page, [0, 1, 1, 2]);
    await sellCash(page, [3, 4]);
    await sellCash(page, [5, 5, 5, 6]);
    await page.keyboard.press('Alt+o');
    await page.getByTestId('order-row').nth(2).waitFor();
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
