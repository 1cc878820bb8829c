import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { formatMoney } from '../../shared/money';
import { electronStatus } from '../../scripts/electron-available.mjs';
import { REPO_ROOT } from '../support/web-host';

const status = electronStatus();

test.describe('the Electron app', () => {
  test.skip(!status.path, `Electron is not installed on this machine: ${status.reason}`);

  test.beforeAll(() => {
    execFileSync(process.execPath, ['scripts/rebuild-electron.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  });

  test('a cashier signs in and scans in the Electron window', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-electron-'));
    const app = await electron.launch({ args: ['.'], cwd: REPO_ROOT, env: { ...process.env, KASSA_DATA_DIR: dataDir, KASSA_LOCALE: 'en' } });
    try {
      const window = await app.firstWindow();
      await expect(window.getByTestId('connectivity')).toBeVisible();
      expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      await window.getByLabel('PIN').fill('1234');
      await window.keyboard.press('Enter');
      await window.getByTestId('scan-input').fill('SKU-000001');
      await window.keyboard.press('Enter');
      const first = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { name: string; price: number }[] }).products[0]!;
      await expect(window.getByRole('table')).toContainText(first.name);
      await expect(window.getByTestId('cart-total')).toHaveText(formatMoney(first.price, 'EUR', 'en'));
    } finally {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
