/**
 * `docs/receipt-barcode.png`: the receipt of a demo cash sale as it prints, its sale number as a Code 128
 * barcode at the foot. Called by `scripts/screenshot.ts`; alone: `npx tsx scripts/screenshot-receipt.ts`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { startRegister } from '../e2e/support/web-host';
import { OUT, barcode, registerPage, signIn } from './shot-kit';

export async function receiptScreenshot(browser: Browser): Promise<void> {
  const register = await startRegister();
  const page = await registerPage(browser);
  try {
    await signIn(page, register.url);
    for (const index of [0, 1, 2, 3]) {
      await page.getByTestId('scan-input').fill(barcode(index));
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Added' }).waitFor();
    }
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByLabel('Cash received').fill('20.00');
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await page.getByTestId('sale-number').waitFor();
    // The receipt as the register renders it for paper, at a thermal printer's sharpness.
    await page.frameLocator('[data-testid="receipt"]').getByTestId('receipt-barcode').waitFor();
    const html = (await page.getByTestId('receipt').getAttribute('srcdoc'))!;
    const paper = await browser.newPage({ viewport: { width: 360, height: 800 }, deviceScaleFactor: 2 });
    try {
      await paper.setContent(html);
      await paper.locator('.receipt').screenshot({ path: path.join(OUT, 'receipt-barcode.png') });
    } finally {
      await paper.close();
    }
  } finally {
    await page.close();
    await register.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  try {
    await receiptScreenshot(browser);
    console.log('docs/receipt-barcode.png written');
  } finally {
    await browser.close();
  }
}
