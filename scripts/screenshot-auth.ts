/**
 * Screenshots of signing in and cash rounding: the lock screen over a sale at the tender step, and the
 * tender screen with the cash due rounded to 0.05. Part of `npm run screenshot`; alone:
 * `KASSA_RENDERER_DIR=<built renderer> npx tsx scripts/screenshot-auth.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { REPO_ROOT, startRegister } from '../e2e/support/web-host';
import { OUT, registerPage, scanAll, signIn } from './shot-kit';

export async function authScreenshots(browser: Browser): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-shot-auth-'));
  // Cash rounding to 0.05, and a screen that locks after 2 s without the cashier.
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ store: { cashRoundingMinor: 5 }, auth: { autoLockMinutes: 2 / 60 } }));
  const register = await startRegister({ dataDir });
  const page = await registerPage(browser);
  try {
    await signIn(page, register.url);
    // Milk 1.29 + bread 1.89 + water 0.49 = 3.67: 3.65 in cash.
    await scanAll(page, [0, 1, 6]);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByTestId('cash-due').waitFor();
    await page.screenshot({ path: path.join(OUT, 'tender-rounding.png') });
    await page.getByRole('dialog', { name: 'Register locked' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(OUT, 'lock-screen.png') });
  } finally {
    await page.close();
    await register.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  try {
    await authScreenshots(browser);
    console.log(`screenshots written to ${path.relative(REPO_ROOT, OUT)}/ (lock-screen.png, tender-rounding.png)`);
  } finally {
    await browser.close();
  }
}
