/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect, scan, signIn, test } from './fixtures';
import { REPO_ROOT, startRegister } from './support/web-host';

/**
 * Every screen a cashier or manager reaches, checked with axe at the register's 1366×768 touch screen
 * and at 1920×1080: no serious or critical violation, every button and field at least 48 px (a finger, at
 * arm's length), and a visible focus ring on what the keyboard reaches.
 */
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[] }[] };
const [milk, bread] = catalog.products as [{ barcodes: string[] }, { barcodes: string[] }];

const MIN_TARGET = 48;

/** axe on the page as it is now; fails with the rule, its impact and the offending elements. */
async function expectNoSeriousViolations(page: Page, screen: string, testInfo: TestInfo) {
  // The receipt is a print document in a sandboxed frame where no script (axe included) may run; its
  // frame's title and the Print receipt button around it are checked.
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).exclude('[data-testid="receipt"]').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (results.violations.length) await testInfo.attach(`axe ${screen}`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  expect(
    serious.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `${screen}: serious or critical accessibility violations`,
  ).toEqual([]);
}

/** Visible buttons, fields and options smaller than a fingertip (a dialog open: only inside it). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const scope: ParentNode = document.querySelector('dialog[open]') ?? document;
    const targets = scope.querySelectorAll<HTMLElement>('button, input:not([type=hidden]), select, textarea, [role="option"], [role="button"], a[href]');
    const small: string[] = [];
    for (const element of targets) {
      // A checkbox or radio is touched through its label, which toggles it.
      const label = element instanceof HTMLInputElement && (element.type === 'checkbox' || element.type === 'radio') ? element.labels?.[0] : undefined;
      const box = (label ?? element).getBoundingClientRect();
      const style = getComputedStyle(element);
      if (!box.width || !box.height || style.visibility === 'hidden') continue;
      if (box.height < min - 0.5 || box.width < min - 0.5) small.push(`${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return small;
  }, MIN_TARGET);
}

async function check(page: Page, screen: string, testInfo: TestInfo) {
  await expectNoSeriousViolations(page, screen, testInfo);
  expect(await smallTargets(page), `${screen}: touch targets under ${MIN_TARGET} px`).toEqual([]);
}

/** The element with focus draws a ring: an outline or a box-shadow that is not none. */
async function expectVisibleFocus(page: Page, what: string) {
  const ring = await page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return { outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2, shadow: style.boxShadow !== 'none' };
  });
  expect(ring, `${what}: something has focus`).not.toBeNull();
  expect(ring!.outline || ring!.shadow, `${what}: the focused element shows a focus ring`).toBe(true);
}

async function ringUp(page: Page) {
  await scan(page, milk.barcodes[0]!);
  await scan(page, bread.barcodes[0]!);
  await expect(page.getByTestId('cart-total')).not.toHaveText(/^\D*0[.,]00\D*$/);
}

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });
    // axe takes a second or two a screen on a busy machine, and these tests visit many screens.
    test.setTimeout(300_000);

    test('login, checkout with lines and each cart dialog, tender (cash and card), completed sale with its receipt', async ({ till }, testInfo) => {
      await check(till, 'login', testInfo);
      await signIn(till);
      await check(till, 'empty checkout', testInfo);
      await ringUp(till);
      await check(till, 'checkout with lines', testInfo);
      await expectVisibleFocus(till, 'checkout scan field');

      for (const [key, title] of [
        ['F2', 'Find a product'],
        ['F3', /^Quantity of/],
        ['F6', /^Override the price/],
        ['F7', /^Discount/],
        ['F8', 'Hold this sale'],
        ['F9', 'Recall a held sale'],
        ['F4', /^Void the whole sale/],
      ] as const) {
        await till.keyboard.press(key);
        const dialog = till.getByRole('dialog', { name: title });
        await expect(dialog).toBeVisible();
        if (key === 'F2') await till.keyboard.type('mil');
        if (key === 'F2') await expect(dialog.getByRole('option').first()).toBeVisible();
        await check(till, `dialog ${key}`, testInfo);
        await expectVisibleFocus(till, `dialog ${key}`);
        await till.keyboard.press('Escape');
        await expect(dialog).toBeHidden();
      }

      await till.getByRole('button', { name: 'Pay' }).click();
      await expect(till.getByRole('button', { name: 'Complete sale' })).toBeVisible();
      await check(till, 'tender: cash', testInfo);
      await till.getByRole('button', { name: 'Card' }).click();
      await expect(till.getByLabel('Card number')).toBeVisible();
      await check(till, 'tender: card', testInfo);
      await till.getByLabel('Card number').fill('4000000000000002');
      await till.getByRole('button', { name: 'Complete sale' }).click();
      await expect(till.getByRole('alert')).toBeVisible();
      await check(till, 'tender: card declined', testInfo);
      await till.getByRole('button', { name: 'Cash' }).click();
      // From the keyboard (Enter in the cash field), as a cashier does: New sale then shows its focus ring.
      await till.getByLabel('Cash received').press('Enter');
      await expect(till.getByTestId('sale-number')).toBeVisible();
      await expect(till.getByTestId('receipt')).toBeVisible();
      await check(till, 'completed sale and receipt', testInfo);
      await expectVisibleFocus(till, 'New sale');
    });

    test("a manager's round: help sheet, member dialog, orders, an order and its refund dialog, end of day, members, diagnostics", async ({ till }, testInfo) => {
      await signIn(till, '9999');
      await ringUp(till);
      // Offline by the cashier's switch: the status bar's offline state and the card tender stored for later.
      await till.getByTestId('offline-toggle').click();
      await expect(till.getByTestId('connectivity')).toHaveAttribute('data-state', 'offline');
      await check(till, 'checkout offline', testInfo);
      await till.getByRole('button', { name: 'Pay' }).click();
      await till.getByRole('button', { name: 'Card' }).click();
      await expect(till.getByLabel('Card number')).toBeVisible();
      await check(till, 'tender: card stored offline', testInfo);
      await till.getByTestId('offline-toggle').click();
      await expect(till.getByTestId('connectivity')).toHaveAttribute('data-state', 'online');
      await till.getByRole('button', { name: 'Cash' }).click();
      await till.getByLabel('Cash received').press('Enter');
      const number = (await till.getByTestId('sale-number').textContent())!;
      await till.getByRole('button', { name: 'New sale' }).click();

      await till.keyboard.press('F1');
      await expect(till.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      await check(till, 'help sheet (F1)', testInfo);
      await till.keyboard.press('Escape');
      await expect(till.getByRole('dialog')).toHaveCount(0);

      await expect(till.getByTestId('scan-input')).toBeFocused();
      await till.keyboard.press('F10');
      await expect(till.getByRole('dialog')).toBeVisible();
      await check(till, 'member dialog (F10)', testInfo);
      await till.keyboard.press('Escape');
      await expect(till.getByRole('dialog')).toHaveCount(0);

      await till.keyboard.press('Alt+o');
      await expect(till.getByTestId('order-row').first()).toBeVisible();
      await check(till, 'orders', testInfo);
      await till.getByTestId('order-row').filter({ hasText: number }).getByRole('button', { name: number }).click();
      await expect(till.getByRole('heading', { name: `Sale ${number}` })).toBeVisible();
      await check(till, 'order detail', testInfo);
      await till.getByRole('button', { name: 'Refund', exact: true }).click();
      await expect(till.getByRole('dialog')).toBeVisible();
      await check(till, 'refund dialog', testInfo);
      await till.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

      await till.keyboard.press('Alt+e');
      await expect(till.getByTestId('z-report')).toBeVisible();
      await check(till, 'end of day', testInfo);

      await till.keyboard.press('Alt+m');
      await expect(till.getByRole('heading', { level: 1 })).toBeVisible();
      await check(till, 'members', testInfo);

      await till.keyboard.press('Alt+d');
      await expect(till.getByRole('heading', { level: 1 })).toBeVisible();
      await check(till, 'diagnostics', testInfo);
    });

    test('the lock screen after idle time', async ({ page }, testInfo) => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-a11y-'));
      fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ auth: { autoLockMinutes: 0.02 } }));
      const register = await startRegister({ dataDir });
      try {
        await page.goto(register.url);
        await signIn(page);
        await expect(page.getByTestId('lock-screen')).toBeVisible({ timeout: 15_000 });
        await check(page, 'lock screen', testInfo);
      } finally {
        await register.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });

    test('the Chinese screens too: checkout and tender in 中文', async ({ till }, testInfo) => {
      await signIn(till);
      await till.getByRole('button', { name: '中文' }).click();
      await expect(till.locator('html')).toHaveAttribute('lang', 'zh-CN');
      await ringUp(till);
      await check(till, 'checkout (zh-CN)', testInfo);
      await till.getByRole('button', { name: '结账' }).click();
      await expect(till.getByRole('button', { name: '完成交易' })).toBeVisible();
      await check(till, 'tender (zh-CN)', testInfo);
    });
  });
}
