import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, test } from './fixtures';
import { REPO_ROOT, startRegister, type RunningRegister } from './support/web-host';

const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; price: number }[] };
const [milk, bread] = catalog.products as [{ barcodes: string[]; price: number }, { barcodes: string[]; price: number }];
/** A yuan store: `¥` in Chinese and `CN¥` in English, so the amount shows which locale formatted it. */
const yuan = (cents: number, locale: string) => formatMoney(cents, 'CNY', locale);

function yuanStore(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-locale-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), `${JSON.stringify({ store: { currency: 'CNY' } })}\n`);
  return dir;
}

/** Signs in whatever the language: the PIN field has focus on the login screen. */
async function signInWithPin(page: Page, pin = '1234') {
  await expect(page.locator('input#pin')).toBeFocused();
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
}

const registers: RunningRegister[] = [];
const dataDirs: string[] = [];
test.afterEach(async () => {
  for (const register of registers.splice(0)) await register.stop();
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

test('KASSA_LOCALE=zh-CN: a cashier signs in, sells and takes cash in Chinese, money formatted for zh-CN', async ({ page }) => {
  const dataDir = yuanStore();
  dataDirs.push(dataDir);
  const register = await startRegister({ env: { KASSA_LOCALE: 'zh-CN' }, dataDir });
  registers.push(register);
  await page.goto(register.url);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await signInWithPin(page);

  await expect(page.getByLabel('条码或货号')).toBeVisible();
  await expect(page.getByText('扫描商品开始新交易。')).toBeVisible();
  await scan(page, milk.barcodes[0]!);
  await expect(page.getByRole('status').filter({ hasText: '已添加' })).toBeVisible();
  await scan(page, bread.barcodes[0]!);
  const total = milk.price + bread.price;
  await expect(page.getByTestId('cart-total')).toHaveText(yuan(total, 'zh-CN'));
  await expect(page.getByTestId('cart-total')).not.toHaveText(yuan(total, 'en'));
  await expect(page.getByText('2 件')).toBeVisible();
  await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'checkout-zh-CN.png') });

  await page.getByRole('button', { name: '结账' }).click();
  await expect(page.getByTestId('tender-due')).toHaveText(yuan(total, 'zh-CN'));
  await page.getByRole('button', { name: '现金' }).click();
  await page.getByLabel('实收现金').fill('100.00');
  await page.getByRole('button', { name: '完成交易' }).click();
  await expect(page.getByRole('heading', { name: '交易完成' })).toBeVisible();
  await expect(page.getByTestId('sale-number')).toHaveText('S01-R01-1');
  await expect(page.getByRole('status').filter({ hasText: '找零' })).toContainText(yuan(10000 - total, 'zh-CN'));
  // The receipt follows the register's language: its amounts are formatted for zh-CN too.
  await expect(page.frameLocator('[data-testid="receipt"]').getByText(yuan(total, 'zh-CN')).first()).toBeVisible();
  await page.getByRole('button', { name: '新交易' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText(yuan(0, 'zh-CN'));
});

test('an error from the register reads in Chinese, translated by its code', async ({ page }) => {
  const register = await startRegister({ env: { KASSA_LOCALE: 'zh-CN' } });
  registers.push(register);
  await page.goto(register.url);
  await signInWithPin(page);
  await scan(page, '0000000000000');
  await expect(page.getByRole('alert')).toHaveText(/^(没有商品使用此条码|条码无效)/);
});

test('switching to 中文 changes every window at once and survives a reload and a restart; English switches back', async ({ page, context }) => {
  const dataDir = yuanStore();
  dataDirs.push(dataDir);
  let register = await startRegister({ dataDir });
  registers.push(register);
  await page.goto(register.url);
  await signInWithPin(page);
  await scan(page, milk.barcodes[0]!);
  await expect(page.getByTestId('cart-total')).toHaveText(yuan(milk.price, 'en'));
  const second = await context.newPage();
  await second.goto(register.url);
  await expect(second.getByRole('button', { name: 'Pay' })).toBeVisible();

  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: '中文' }).click();
  for (const window of [page, second]) {
    await expect(window.getByRole('button', { name: '结账' })).toBeVisible();
    await expect(window.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(window.getByTestId('cart-total')).toHaveText(yuan(milk.price, 'zh-CN'));
  }
  await expect(page.getByRole('group', { name: '语言' }).getByRole('button', { name: '中文' })).toHaveAttribute('aria-pressed', 'true');
  // The scan field has the focus back, so the next scan goes into the cart.
  await scan(page, bread.barcodes[0]!);
  await expect(page.getByTestId('cart-total')).toHaveText(yuan(milk.price + bread.price, 'zh-CN'));
  await second.close();

  await page.reload();
  await expect(page.getByRole('button', { name: '结账' })).toBeVisible();

  await register.stop({ keepData: true });
  registers.splice(0);
  register = await startRegister({ dataDir, env: { KASSA_LOCALE: 'en' } });
  registers.push(register);
  await page.goto(register.url);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await signInWithPin(page);
  await expect(page.getByTestId('cart-total')).toHaveText(yuan(milk.price + bread.price, 'zh-CN'));
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'Pay' })).toBeVisible();
  await expect(page.getByTestId('cart-total')).toHaveText(yuan(milk.price + bread.price, 'en'));
  expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'locale.json'), 'utf8'))).toMatchObject({ locale: 'en', by: 'Ana' });

  // The login screen offers the switch too, before anyone signs in.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: '中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('group', { name: '语言' }).getByRole('button', { name: '中文' })).toHaveAttribute('aria-pressed', 'true');
  expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'locale.json'), 'utf8'))).toMatchObject({ locale: 'zh-CN', by: null });
  expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8'))).toEqual({ store: { currency: 'CNY' } });
});
