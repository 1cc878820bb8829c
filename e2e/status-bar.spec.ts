import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, signIn, test } from './fixtures';
import { startHq } from './support/hq-server';
import { callRegister } from './support/shop';
import { startRegister } from './support/web-host';

/**
 * The status bar's words for each reason a till is offline, as a cashier reads them. Detection bounds
 * are proven in connectivity.spec.ts and resilience.spec.ts; this checks what the bar says.
 */
const FAST = { t1Ms: 1000, t2Ms: 1000, t2OfflineMs: 500, probeTimeoutMs: 500, recoverSuccesses: 2, qosPollMs: 1000 };
const TIME = String.raw`\d{1,2}:\d{2}(\s?[AP]M)?`;

test('manual offline says who switched it and when; F1 shows the shortcuts and Escape gives focus back', async ({ till }) => {
  await signIn(till);
  await expect(till.getByTestId('scan-input')).toBeFocused();
  const connectivity = till.getByTestId('connectivity');
  await expect(connectivity).toHaveText(/Online/);
  await till.getByTestId('offline-toggle').click();
  await expect(connectivity).toHaveAttribute('data-reasons', 'manual');
  await expect(connectivity).toHaveText(new RegExp(`^⚠Offline — switched by Ana at ${TIME}$`));
  await expect(till.getByTestId('offline-toggle')).toHaveText('Go online');
  // Demo mode has no HQ, so no "reachable again" hint.
  await expect(till.getByText('HQ reachable again')).toHaveCount(0);

  // The Go offline button kept the focus; the cashier goes back to scanning.
  await till.getByTestId('scan-input').focus();
  await till.keyboard.press('F1');
  const sheet = till.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  for (const key of ['F2', 'F9', 'F10', 'Alt+D', 'Esc']) await expect(sheet.locator('kbd', { hasText: new RegExp(`^${key.replace('+', '\\+')}$`) }).first()).toBeVisible();
  await expect(sheet.getByRole('button', { name: /Close/ })).toBeFocused();
  // Keys of the screen behind do nothing while the sheet is open.
  await till.keyboard.press('F2');
  await expect(till.getByRole('dialog')).toHaveCount(1);
  await till.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);
  await expect(till.getByTestId('scan-input')).toBeFocused();

  await till.getByRole('button', { name: /^Help/ }).click();
  await expect(till.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
});

test('a degraded service, the cashier’s switch on top of it, then HQ not reachable: the bar names every reason, the most important first', async ({ page }) => {
  const hq = await startHq();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-status-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ connectivity: FAST }));
  const register = await startRegister({ dataDir, env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: 'DEMO' } });
  try {
    await page.goto(register.url);
    const connectivity = page.getByTestId('connectivity');
    await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    await expect(connectivity).toHaveText('●Online');
    await signIn(page);
    await expect(page.getByTestId('scan-input')).toBeFocused();

    // The membership service fails while the network is fine.
    await hq.admin('POST', '/admin/faults', { domain: 'membership', mode: 'error', rate: 1 });
    await callRegister(page, 'membership.lookup', { query: '+4915112345678' });
    await expect(connectivity).toHaveAttribute('data-reasons', 'service:membership', { timeout: 10_000 });
    await expect(connectivity).toHaveText('⚠Offline — membership service degraded');
    await expect(page.getByTestId('offline-toggle')).toHaveText('Go offline');

    // The cashier switches offline as well: their switch comes first, the service after it.
    await page.getByTestId('offline-toggle').click();
    await expect(connectivity).toHaveAttribute('data-reasons', /manual/);
    await expect(connectivity).toHaveText(new RegExp(`^⚠Offline — switched by Ana at ${TIME}; membership service degraded$`));
    await expect(page.getByRole('status').filter({ hasText: 'HQ reachable again' })).toBeVisible();

    // HQ stops answering its health probe: not reachable, and the hint goes.
    await hq.admin('DELETE', '/admin/faults');
    await hq.admin('POST', '/admin/faults', { route: '/health', mode: 'error', rate: 1 });
    await expect(connectivity).toHaveAttribute('data-reasons', /network/, { timeout: 10_000 });
    await expect(connectivity).toHaveText(new RegExp(`^⚠Offline — switched by Ana at ${TIME}; HQ not reachable since ${TIME}`));
    await expect(page.getByText('HQ reachable again')).toHaveCount(0);

    // Fixed: HQ answers, the cashier goes back online.
    await hq.admin('DELETE', '/admin/faults');
    await expect(page.getByText('HQ reachable again')).toBeVisible({ timeout: 10_000 });
    await page.getByTestId('offline-toggle').click();
    await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
    await expect(connectivity).toHaveText('●Online');
  } finally {
    await register.stop();
    await hq.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
