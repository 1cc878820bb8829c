import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, signIn, test } from './fixtures';
import { startHq } from './support/hq-server';
import { REPO_ROOT, startRegister } from './support/web-host';

/*
 * Sign-in journeys: offline sign-in of a cashier who signed in online on this register before, and of one
 * who never did but whom HQ sent through the change feed (Ana 1234 and Ben 2468), and the refusal of a PIN
 * nobody has; the lockout after wrong PINs; the auto-lock over a sale in progress; cash rounding at the
 * tender step.
 */

const FAST = { t1Ms: 500, t2Ms: 1000, t2OfflineMs: 300, probeTimeoutMs: 400, recoverSuccesses: 1, qosPollMs: 500 };
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; price: number }[] };
const [milk, bread, , , , , water] = catalog.products as { barcodes: string[]; price: number }[];
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');

function dataDirWith(settings: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-login-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ connectivity: FAST, ...settings }));
  return dir;
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('PIN')).toBeFocused();
}

test('offline, a cashier who signed in online here signs in, so does one HQ sent through the feed; a PIN nobody has is refused with the reason', async ({ page }) => {
  const hq = await startHq();
  const register = await startRegister({ dataDir: dataDirWith({}), env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: 'DEMO' } });
  try {
    await page.goto(register.url);
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    // Online: HQ checks Ana's PIN and this register keeps her credential for offline sign-in.
    await signIn(page, '1234');
    await expect(page.getByTestId('scan-input')).toBeFocused();
    // Ana switches the till offline (the switch needs someone signed in), then signs out.
    await page.getByTestId('offline-toggle').click();
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-reasons', 'manual');
    await signOut(page);

    await signIn(page, '1234');
    await expect(page.getByTestId('scan-input')).toBeFocused();
    await expect(page.getByTestId('signed-in-user')).toContainText('Ana');
    await signOut(page);

    // Ben never signed in on this register, but HQ's change feed brought him with his PIN: offline he signs in.
    await signIn(page, '2468');
    await expect(page.getByTestId('scan-input')).toBeFocused();
    await expect(page.getByTestId('signed-in-user')).toContainText('Ben');
    await signOut(page);

    // A PIN nobody at the store has is refused, and the cashier is told why it may be.
    await signIn(page, '7777');
    await expect(page.getByRole('alert')).toContainText('has not signed in on this register while it was online in the last 14 days');
    await expect(page.getByLabel('PIN')).toHaveValue('');

    // Ana (offline from the cache) switches the till back online; HQ checks her PIN again.
    await page.getByLabel('PIN').focus();
    await signIn(page, '1234');
    await expect(page.getByTestId('scan-input')).toBeFocused();
    await page.getByTestId('offline-toggle').click();
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    await signOut(page);
    await signIn(page, '1234');
    await expect(page.getByTestId('scan-input')).toBeFocused();
    await expect(page.getByTestId('signed-in-user')).toContainText('Ana');
  } finally {
    await register.stop();
    await hq.stop();
  }
});

test('three wrong PINs lock sign-in with the time left; a manager’s PIN lifts the lock', async ({ page }) => {
  const register = await startRegister({ dataDir: dataDirWith({ auth: { maxAttempts: 3, lockoutMinutes: 5 } }) });
  try {
    await page.goto(register.url);
    for (const pin of ['1111', '2222']) {
      await signIn(page, pin);
      await expect(page.getByRole('alert')).toHaveText('That PIN is not right. Try again.');
      await expect(page.getByLabel('PIN')).toHaveValue('');
    }
    await signIn(page, '3333');
    await expect(page.getByRole('alert')).toHaveText('Too many wrong PINs. Sign-in is locked for 5 more minutes. A manager can unlock it now with their PIN.');
    await signIn(page, '9999');
    await expect(page.getByTestId('scan-input')).toBeFocused();
    await expect(page.getByTestId('signed-in-user')).toContainText('Max');
  } finally {
    await register.stop();
  }
});

test('auto-lock over a sale at the tender step: the lock screen covers it, the PIN unlocks, the cart and the cash typed are still there', async ({ page }) => {
  const register = await startRegister({ dataDir: dataDirWith({ auth: { autoLockMinutes: 0.05 } }) }); // 3 s
  try {
    await page.goto(register.url);
    await signIn(page, '1234');
    await scan(page, milk!.barcodes[0]!);
    await scan(page, bread!.barcodes[0]!);
    await expect(page.getByTestId('cart-total')).toHaveText(euros(milk!.price + bread!.price));
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByLabel('Cash received').fill('20.00');

    const lock = page.getByRole('dialog', { name: 'Register locked' });
    await expect(lock).toBeVisible({ timeout: 10_000 });
    await expect(lock).toContainText('Ana is still signed in');
    await expect(page.getByLabel('PIN')).toBeFocused();
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.keyboard.type('0000');
    await page.keyboard.press('Enter');
    await expect(lock.getByRole('alert')).toHaveText('That PIN is not right. Try again.');
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await expect(lock).toHaveCount(0);

    await expect(page.getByLabel('Cash received')).toHaveValue('20.00');
    await expect(page.getByTestId('tender-due')).toHaveText(euros(milk!.price + bread!.price));
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await expect(page.getByTestId('sale-number')).toHaveText('S01-R01-1');
  } finally {
    await register.stop();
  }
});

test('cash rounding to 0.05: 3.67 is due as 3.65 in cash, the tender screen and the receipt show the −0.02', async ({ page }) => {
  const register = await startRegister({ dataDir: dataDirWith({ store: { cashRoundingMinor: 5 } }) });
  try {
    await page.goto(register.url);
    await signIn(page, '1234');
    for (const product of [milk!, bread!, water!]) await scan(page, product.barcodes[0]!);
    const total = milk!.price + bread!.price + water!.price;
    expect(total).toBe(367);
    await expect(page.getByTestId('cart-total')).toHaveText(euros(367));
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await expect(page.getByTestId('cash-due')).toHaveText(`Due in cash: ${euros(365)} (rounded from ${euros(367)})`);
    await expect(page.getByLabel('Cash received')).toHaveValue('3.65');
    await page.getByLabel('Cash received').fill('5.00');
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await expect(page.getByTestId('sale-number')).toHaveText('S01-R01-1');
    await expect(page.getByRole('status').filter({ hasText: 'Change' })).toContainText(euros(135));
    const receipt = page.frameLocator('[data-testid="receipt"]').locator('.receipt');
    const re = (text: string) => text.replace(/[.$]/g, '\\$&');
    await expect(receipt).toContainText(new RegExp(`TOTAL${re(euros(367))}\\s*Cash rounding-${re(euros(2))}`));
    await expect(receipt).toContainText(new RegExp(`Cash${re(euros(500))}\\s*Change${re(euros(135))}`));
  } finally {
    await register.stop();
  }
});
