/**
 * What the screenshot scripts share: the screen size of a store's register, the demo catalog's barcodes,
 * and the cashier's first steps (sign in, scan, sell in cash), done as a cashier does them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { REPO_ROOT } from '../e2e/support/web-host';

export const OUT = path.join(REPO_ROOT, 'docs');
/** The screen of a typical store register. */
export const REGISTER_SCREEN = { width: 1366, height: 768 } as const;

const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[] }[] };
/** The first barcode of the demo catalog's product at `index`. */
export const barcode = (index: number): string => catalog.products[index]!.barcodes[0]!;

/** A page the size of a register's screen. */
export const registerPage = (browser: Browser): Promise<Page> => browser.newPage({ viewport: REGISTER_SCREEN });

/** Opens the register and signs in with the demo cashier's PIN. `untilScanning`: waits for the sale screen. */
export async function signIn(page: Page, url: string, { untilScanning = true } = {}): Promise<void> {
  await page.goto(url);
  await page.getByLabel('PIN').waitFor();
  await page.keyboard.type('1234');
  await page.keyboard.press('Enter');
  if (untilScanning) await page.getByTestId('scan-input').waitFor();
}

/** Scans the demo products at these indexes, one after the other. */
export async function scanAll(page: Page, indexes: number[]): Promise<void> {
  for (const index of indexes) {
    await page.getByTestId('scan-input').fill(barcode(index));
    await page.keyboard.press('Enter');
  }
}

/** Scans the products, pays the amount due in cash, and starts the next sale. */
export async function sellCash(page: Page, indexes: number[]): Promise<void> {
  await scanAll(page, indexes);
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByRole('button', { name: 'Complete sale' }).click();
  await page.getByTestId('sale-number').waitFor();
  await page.getByRole('button', { name: 'New sale' }).click();
}
