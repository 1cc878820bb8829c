/**
 * Screenshots of what a cashier sees when the register refuses something for authority's sake: the offline
 * switch waiting on the sign-in screen, and a scale label for a product that is not sold by label.
 * `npx tsx scripts/screenshot-authority.ts [outDir]` (default docs/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { REPO_ROOT, startRegister } from '../e2e/support/web-host';

const OUT = process.argv[2] ?? path.join(REPO_ROOT, 'docs');
const register = await startRegister();
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
try {
  fs.mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(register.url);
  await page.getByLabel('PIN').waitFor();
  await page.getByTestId('offline-toggle').hover();
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(OUT, 'switch-needs-cashier.png') });
  await page.keyboard.type('1234');
  await page.keyboard.press('Enter');
  await page.getByTestId('scan-input').waitFor();
  await page.getByTestId('scan-input').fill('SKU-000003');
  await page.keyboard.press('Enter');
  // A label with the item code of a product that is not marked for label prices (SKU-000001), at €0.01.
  await page.getByTestId('scan-input').fill(labelFor('000001', 1));
  await page.keyboard.press('Enter');
  await page.getByRole('alert').waitFor();
  await page.screenshot({ path: path.join(OUT, 'label-refused.png') });
} finally {
  await browser.close();
  await register.stop();
}

/** An EAN-13 scale label: prefix 2, item code, 5-digit value, check digit. */
function labelFor(item: string, value: number): string {
  const body = `2${item}${String(value).padStart(5, '0')}`;
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return body + String((10 - (sum % 10)) % 10);
}
