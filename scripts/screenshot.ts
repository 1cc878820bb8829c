/**
 * Takes the README's screenshots of the cashier screens in the browser preview, the way a cashier gets
 * there: sign in with the demo PIN, scan products. Run with `npm run screenshot`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { startHq } from '../e2e/support/hq-server';
import { REPO_ROOT, startRegister } from '../e2e/support/web-host';
import { ordersScreenshots } from './screenshot-orders';
import { authScreenshots } from './screenshot-auth';
import { receiptScreenshot } from './screenshot-receipt';
import { cashScreenshots } from './screenshot-cash';

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
    // The number pad as a touch till uses it: the amount due is selected, 5 and 0 replace it, the change shows.
    await page.getByRole('button', { name: 'Exact' }).click();
    const pad = page.getByRole('group', { name: 'Number pad' });
    for (const key of ['5', '0']) await pad.getByRole('button', { name: key, exact: true }).click();
    await page.getByTestId('tender-change').filter({ hasText: 'Change' }).waitFor();
    await page.screenshot({ path: path.join(OUT, 'tender-number-pad.png') });
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await page.getByTestId('sale-number').waitFor();
    await page.frameLocator('iframe').locator('body').waitFor();
    await page.screenshot({ path: path.join(OUT, 'completed.png') });
    await page.close();
  }
  await memberLookupScreenshot();
  await ordersScreenshots(browser);
  await authScreenshots(browser);
  await receiptScreenshot(browser);
  await cashScreenshots(browser);
  console.log(`screenshots written to ${path.relative(REPO_ROOT, OUT)}/`);
} finally {
  await browser.close();
  await register.stop();
}

/** The member dialog (F10) with HQ away: a member found in the register's copy, their balance "as of" the last time HQ gave it. */
async function memberLookupScreenshot(): Promise<void> {
  const hq = await startHq();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-shot-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: { t1Ms: 1000, t2Ms: 1000, t2OfflineMs: 500, probeTimeoutMs: 500, recoverSuccesses: 2, qosPollMs: 1000 } }));
  const withHq = await startRegister({ dataDir, env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: 'DEMO' } });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const dialog = page.getByRole('dialog', { name: 'Member' });
  try {
    await hq.admin('POST', '/members', { name: 'Mia Chen', phone: '+49 151 2345 6789', card: 'KM0004711' });
    await page.goto(withHq.url);
    await page.getByLabel('PIN').waitFor();
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    const total = page.getByTestId('cart-total');
    for (let tries = 0; tries < 60 && (await total.textContent()) === '€0.00'; tries++) {
      await page.getByTestId('scan-input').fill(catalog.products[3]!.barcodes[0]!);
      await page.keyboard.press('Enter');
      // The register pulls HQ's catalog after enrolling; until then the barcode is unknown.
      await total.filter({ hasNotText: '€0.00' }).waitFor({ timeout: 1000 }).catch(() => undefined);
    }
    // A sale to the member online: their points on HQ, the register's copy refreshed.
    await page.keyboard.press('F10');
    await dialog.getByLabel('Phone or card number').fill('+49 151 2345 6789');
    await dialog.getByRole('button', { name: 'Find', exact: true }).click();
    await dialog.getByRole('button', { name: 'Attach to sale' }).click();
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await page.getByRole('button', { name: 'New sale' }).click();
    await page.getByText('0', { exact: true }).and(page.getByTestId('pending-sync')).waitFor();
    // HQ away: the cashier switches offline and looks the member up by card.
    await page.getByTestId('offline-toggle').click();
    await page.locator('[data-testid="connectivity"][data-state="offline"]').waitFor();
    await page.getByTestId('scan-input').fill(catalog.products[1]!.barcodes[0]!);
    await page.keyboard.press('Enter');
    await page.keyboard.press('F10');
    await dialog.getByLabel('Phone or card number').fill('KM0004711');
    await dialog.getByRole('button', { name: 'Find', exact: true }).click();
    await dialog.getByTestId('member-balance').waitFor();
    await page.screenshot({ path: path.join(OUT, 'member-lookup.png') });
  } finally {
    await page.close();
    await withHq.stop();
    await hq.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
