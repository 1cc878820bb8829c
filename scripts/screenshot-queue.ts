/**
 * Screenshots of the queue at the till, at 1366×768, reached the way a cashier does (the scanner as a burst
 * of keys): the completed sale waiting for the next scan, the next sale with the previous change in view,
 * Undo after a void, "3 *" waiting for its scan, and the price check. Run with `npm run screenshot:queue`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { REPO_ROOT, startRegister } from '../e2e/support/web-host';

const OUT = path.join(REPO_ROOT, 'docs');
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[] }[] };
const code = (i: number) => catalog.products[i]!.barcodes[0]!;

async function burst(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 2 });
  await page.keyboard.press('Enter');
}

const register = await startRegister();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(register.url);
  await page.getByLabel('PIN').waitFor();
  await burst(page, '1234');
  await page.getByTestId('scan-input').waitFor();
  for (const i of [0, 1, 2]) await burst(page, code(i));
  await page.getByText('3 items').waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByLabel('Cash received').fill('20.00');
  await page.getByRole('button', { name: 'Complete sale' }).click();
  await page.getByTestId('sale-number').waitFor();
  await page.frameLocator('iframe').locator('body').waitFor();
  await page.screenshot({ path: path.join(OUT, 'queue-completed.png') });

  await burst(page, code(3));
  await page.getByTestId('change-banner').waitFor();
  await burst(page, code(4));
  await page.screenshot({ path: path.join(OUT, 'queue-next-sale-change.png') });

  await page.keyboard.press('Shift+Delete');
  await page.getByTestId('undo-void').waitFor();
  await page.screenshot({ path: path.join(OUT, 'queue-undo-void.png') });

  await page.keyboard.type('3*');
  await page.getByTestId('next-quantity').waitFor();
  await page.screenshot({ path: path.join(OUT, 'queue-next-quantity.png') });
  await burst(page, code(5));

  await page.keyboard.press('F5');
  await burst(page, code(6));
  await page.getByTestId('price-check').waitFor();
  await page.screenshot({ path: path.join(OUT, 'queue-price-check.png') });
  console.log(`screenshots written to ${path.relative(REPO_ROOT, OUT)}/queue-*.png`);
} finally {
  await browser.close();
  await register.stop();
}
