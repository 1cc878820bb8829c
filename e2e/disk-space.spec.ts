import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { skipReason } from '../shared/testing/capabilities';
import { mountSmallFs, smallFsSupport } from '../electron/test/small-fs';
import { expect, scan, signIn, test } from './fixtures';
import { REPO_ROOT, startRegister } from './support/web-host';

/**
 * The register's disk as the cashier sees it: the status bar warns while free space is below the
 * threshold, a scan the full disk refuses says so (the cart as it was), and scanning works again once
 * there is space.
 */
const demo = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; price: number }[] };
const MONEY = /^€?\s?\d+[.,]\d{2}\s?€?$/;

test('the status bar warns while the data folder has less free space than the register is set to want', async ({ page }, testInfo) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-disk-'));
  // No disk has this much free: the warning shows from the start.
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ storage: { lowSpaceMiB: 1_000_000_000 } }));
  const register = await startRegister({ dataDir });
  try {
    await page.goto(register.url);
    const warning = page.getByTestId('disk-space');
    await expect(warning).toHaveText(/^⚠ Disk space low: [\d,.]+ MiB free on the register\. Call IT before it runs out\.$/);
    await expect(warning).toHaveAttribute('role', 'alert');
    await expect(warning).toHaveAttribute('title', `Data folder: ${dataDir}`);
    await signIn(page);
    await expect(page.getByTestId('scan-input')).toBeFocused();
    await expect(warning).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('disk-low.png') });
    if (process.env.KASSA_SCREENSHOTS) await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'disk-low.png') });
  } finally {
    await register.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a scan the full disk cannot save is refused with the reason, the cart as it was; scanning works again once there is space', async ({ page }, testInfo) => {
  const skip = skipReason('loopfs', smallFsSupport());
  test.skip(skip !== null, skip ?? '');
  const disk = mountSmallFs(24);
  const dataDir = path.join(disk.dir, 'register');
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ storage: { lowSpaceMiB: 8 } }));
  const register = await startRegister({ dataDir });
  try {
    await page.goto(register.url);
    await signIn(page);
    await expect(page.getByTestId('disk-space')).toHaveCount(0);
    const [first, second] = demo.products;
    await scan(page, first!.barcodes[0]!);
    // The empty cart's €0.00 is money too: wait for the line, then read the total it makes.
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(2); // header + the first product
    await expect(page.getByTestId('cart-total')).toHaveText(MONEY);
    await expect(page.getByTestId('cart-total')).not.toHaveText(/^€?\s?0[.,]00\s?€?$/);
    const total = await page.getByTestId('cart-total').textContent();

    disk.fill();
    await scan(page, second!.barcodes[0]!);
    await expect(page.getByRole('alert').filter({ hasText: "The register's disk is full: this scan was not saved." })).toBeVisible();
    await expect(page.getByTestId('cart-total')).toHaveText(total!);
    const warning = page.getByTestId('disk-space');
    await expect(warning).toHaveAttribute('data-full', 'true');
    await expect(warning).toHaveText("⚠ The register's disk is full: sales cannot be saved. Free space or call IT.");
    await page.screenshot({ path: testInfo.outputPath('disk-full.png') });
    if (process.env.KASSA_SCREENSHOTS) await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'disk-full.png') });

    disk.free();
    await page.getByTestId('scan-input').focus();
    await scan(page, second!.barcodes[0]!);
    await expect(page.getByTestId('cart-total')).not.toHaveText(total!);
    await expect(warning).toHaveCount(0);
  } finally {
    await register.stop();
    disk.unmount();
  }
});
