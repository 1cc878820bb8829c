/**
 * The README's screenshots of the status bar in each state (online, switched offline, HQ not reachable,
 * a degraded service: Limited), the bar on one line at 1366 px in English and Chinese with its details
 * (F11), the help sheet and the diagnostics page, against a real HQ on loopback:
 * `npx tsx scripts/screenshot-status.ts` (KASSA_RENDERER_DIR: a renderer built elsewhere).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { startHq } from '../e2e/support/hq-server';
import { callRegister, FAST_CONNECTIVITY, payAndComplete, ringUp, SHELF } from '../e2e/support/shop';
import { REPO_ROOT, startRegister } from '../e2e/support/web-host';

const OUT = path.join(REPO_ROOT, 'docs');
const hq = await startHq();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-shots-'));
fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: FAST_CONNECTIVITY }));
const register = await startRegister({ dataDir, env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: 'DEMO' } });
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });

const bar = (page: Page, name: string) => page.locator('.status-bar').screenshot({ path: path.join(OUT, `status-${name}.png`), animations: 'disabled' });
const signIn = async (page: Page, pin: string) => {
  await page.getByLabel('PIN').waitFor();
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('scan-input')).toBeFocused();
};

try {
  fs.mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(register.url);
  const connectivity = page.getByTestId('connectivity');
  await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  // The manager signs in once while HQ is reachable, so the register can check his PIN offline later.
  await signIn(page, '9999');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, '1234');
  await ringUp(page, SHELF.slice(0, 2), { waitForCatalog: true });
  await payAndComplete(page, 'cash');
  await bar(page, 'online');

  await page.getByTestId('offline-toggle').click();
  await expect(page.getByText('HQ reachable again')).toBeVisible({ timeout: 10_000 });
  await bar(page, 'manual');
  await page.getByTestId('offline-toggle').click();
  await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 10_000 });

  // HQ stops answering: sales queue up while it is away.
  await hq.admin('POST', '/admin/faults', { route: '/health', mode: 'error', rate: 1 });
  await expect(connectivity).toHaveAttribute('data-reasons', 'network', { timeout: 10_000 });
  for (const items of [SHELF.slice(2, 4), SHELF.slice(4, 7)]) {
    await page.getByTestId('scan-input').focus();
    await ringUp(page, items);
    await payAndComplete(page, 'cash');
  }
  await bar(page, 'hq-unreachable');
  await hq.admin('DELETE', '/admin/faults');
  await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 15_000 });

  await hq.admin('POST', '/admin/faults', { domain: 'membership', mode: 'error', rate: 1 });
  await callRegister(page, 'membership.lookup', { query: '+4915112345678' });
  await expect(connectivity).toHaveAttribute('data-reasons', 'service:membership', { timeout: 10_000 });
  await expect(connectivity).toHaveAttribute('data-display', 'limited');
  await bar(page, 'service-degraded');
  await bar(page, 'limited');
  // Queue some work for the diagnostics page: the cashier switches offline and sells. The bar stays one
  // line with every reason, HQ reachable again and the backlog; F11 shows them whole.
  await page.getByTestId('offline-toggle').click();
  await page.getByTestId('scan-input').focus();
  await ringUp(page, SHELF.slice(7, 9));
  await payAndComplete(page, 'cash');
  await expect(page.getByText('HQ reachable again')).toBeVisible({ timeout: 10_000 });
  await page.screenshot({ path: path.join(OUT, 'status-one-line-1366.png') });
  await page.keyboard.press('F11');
  await expect(page.getByTestId('status-details')).toBeVisible();
  await page.screenshot({ path: path.join(OUT, 'status-details.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('status').filter({ hasText: '总部已可连接' })).toBeVisible();
  await page.screenshot({ path: path.join(OUT, 'status-one-line-1366-zh.png') });
  await page.getByRole('group', { name: '语言' }).getByRole('button', { name: 'English' }).click();
  await expect(page.getByText('HQ reachable again')).toBeVisible();
  await hq.admin('DELETE', '/admin/faults');

  await page.keyboard.press('F1');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.screenshot({ path: path.join(OUT, 'help.png') });
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, '9999');
  await page.keyboard.press('Alt+d');
  await expect(page.getByTestId('connectivity-timeline')).toBeVisible();
  await expect(page.getByTestId('diag-pending')).not.toHaveText('0');
  await page.screenshot({ path: path.join(OUT, 'diagnostics.png'), fullPage: true });
  await page.close();
  console.log(`screenshots written to ${path.relative(REPO_ROOT, OUT)}/`);
} finally {
  await browser.close();
  await register.stop();
  await hq.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
