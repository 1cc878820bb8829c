/**
 * Takes the README's screenshots of the cashier screens in the browser preview, the way a cashier gets
 * there: sign in with the demo PIN, scan products. Run with `npm run screenshot`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { REPO_ROOT, startRegister } from '../e2e/support/web-host';

const OUT = path.join(REPO_ROOT, 'docs');
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[] }[] };

const register = await startRegister();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
try {
  fs.mkdirSync(OUT, { recursive: true });
  for (const [width, height] of [[1366, 768]] as const) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(register.url);
    await page.getByLabel('PIN').waitFor();
    await page.screenshot({ path: path.join(OUT, 'login.png') });
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    for (const product of catalog.products.slice(0, 5)) {
      await page.getByTestId('scan-input').fill(product.barcodes[0]!);
      await page.keyboard.press('Enter');
    }
    await page.getByTestId('scan-input').fill(catalog.products[0]!.barcodes[0]!);
    await page.keyboard.press('Enter');
    await page.getByTestId('scan-input').fill('4006381333931');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    await page.screenshot({ path: path.join(OUT, 'checkout.png') });
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByLabel('Cash received').fill('20.00');
    await page.screenshot({ path: path.join(OUT, 'tender.png') });
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await page.getByTestId('sale-number').waitFor();
    await page.frameLocator('iframe').locator('body').waitFor();
    await page.screenshot({ path: path.join(OUT, 'completed.png') });
    await page.close();
  }
  console.log(`screenshots written to ${path.relative(REPO_ROOT, OUT)}/`);
} finally {
  await browser.close();
  await register.stop();
}
