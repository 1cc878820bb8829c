/**
 * `docs/screenshots/cash-*.png`: the Drawer screen (Alt+W) through a shift, at a store register's screen (1366×768)
 * and a 1024×768 touch screen: the drawer opened with a float counted by note and coin, the X report, the
 * blind count, the Z report with a shortage, and the day's Z report listing the drawer. Called by `scripts/screenshot.ts`; alone:
 * `npx tsx scripts/screenshot-cash.ts` (the renderer built first: `npm run build:renderer`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/browser';
import { REPO_ROOT, startRegister } from '../e2e/support/web-host';
import { DENOMINATIONS } from '../shared/cash';
import { OUT, REGISTER_SCREEN, sellCash, signIn } from './shot-kit';

export const CASH_SHOTS = path.join(OUT, 'screenshots');

/** The two screens a store runs the register on: the register's own, and a smaller touch screen. */
const SCREENS = [
  { suffix: '', viewport: REGISTER_SCREEN, hasTouch: false },
  { suffix: '-1024-touch', viewport: { width: 1024, height: 768 }, hasTouch: true },
] as const;

/** The float: 130.00 in notes and coins. */
const FLOAT_COUNT = { 2000: 2, 1000: 3, 500: 4, 200: 10, 100: 10, 50: 20 };
const FLOAT = 13_000;
const PAID_OUT = 1250;
const DROP = 5000;
/** The drawer comes to 3.00 less than it should hold. */
const SHORT = 300;

const products = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { price: number }[] }).products;
const priceOf = (indexes: number[]) => indexes.reduce((sum, index) => sum + products[index]!.price, 0);

/** An amount in euro notes and coins, the largest first (as a cashier counts it out). */
function breakDown(amount: number): Record<number, number> {
  const counts: Record<number, number> = {};
  let left = amount;
  for (const d of DENOMINATIONS.EUR!.filter((d) => d <= 2000)) {
    const n = Math.floor(left / d);
    if (n > 0) counts[d] = n;
    left -= n * d;
  }
  return counts;
}

/** Types a count into the drawer form: how many of each note and coin (minor units as keys). */
async function enterCount(page: Page, counts: Record<number, number>): Promise<void> {
  for (const [denomination, count] of Object.entries(counts)) await page.getByTestId(`count-${denomination}`).fill(String(count));
}

async function signInWith(page: Page, pin: string, name: string): Promise<void> {
  await page.getByLabel('PIN').waitFor();
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
  await page.getByRole('navigation').getByText(name, { exact: true }).waitFor();
}

export async function cashScreenshots(browser: Browser): Promise<string[]> {
  fs.mkdirSync(CASH_SHOTS, { recursive: true });
  const written: string[] = [];
  for (const screen of SCREENS) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-shot-cash-'));
    // The store's limits: over or short by more than 1.00 needs a manager at the close.
    fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ cash: { varianceManagerAbove: 100 } }));
    const register = await startRegister({ dataDir });
    const context = await browser.newContext({ viewport: screen.viewport, hasTouch: screen.hasTouch });
    const page = await context.newPage();
    const shot = async (name: string) => {
      const file = path.join(CASH_SHOTS, `${name}${screen.suffix}.png`);
      // The page as the cashier left it, without the focus ring of the last field typed into.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.screenshot({ path: file, animations: 'disabled', fullPage: true });
      written.push(file);
    };
    try {
      await signIn(page, register.url);
      await page.keyboard.press('Alt+w');
      await page.getByTestId('drawer-count').waitFor();
      await enterCount(page, FLOAT_COUNT);
      await page.getByTestId('count-sum').filter({ hasText: '130.00' }).waitFor();
      await shot('cash-open');
      await page.getByTestId('cash-open').click();
      await page.getByTestId('cash-notice').waitFor();

      // A morning's trade: two cash sales, a supplier paid from the drawer, a safe drop.
      await page.keyboard.press('Alt+s');
      await page.getByTestId('scan-input').waitFor();
      await sellCash(page, [0, 1, 3]);
      await sellCash(page, [4, 5]);
      await page.keyboard.press('Alt+w');
      await page.getByTestId('cash-paid-out').click();
      await page.getByTestId('cash-amount').fill('12.50');
      await page.getByTestId('cash-reason').selectOption('supplier');
      await page.getByTestId('cash-note').fill('Window cleaner');
      await page.getByTestId('cash-move-submit').click();
      await page.getByTestId('cash-notice').waitFor();
      await page.getByTestId('cash-drop').click();
      await page.getByTestId('cash-amount').fill('50.00');
      await page.getByTestId('cash-move-submit').click();
      await page.getByTestId('cash-notice').filter({ hasText: 'safe' }).waitFor();

      // The X report is a manager's.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signInWith(page, '9999', 'Max');
      await page.keyboard.press('Alt+w');
      await page.getByTestId('cash-x').click();
      await page.getByTestId('cash-report').waitFor();
      await shot('cash-x-report');
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signInWith(page, '1234', 'Ana');

      // The blind count: nothing shows what the drawer should hold. It comes to 3.00 short.
      await page.keyboard.press('Alt+w');
      await page.getByTestId('cash-count').click();
      await page.getByTestId('drawer-count').waitFor();
      await enterCount(page, breakDown(FLOAT + priceOf([0, 1, 3, 4, 5]) - PAID_OUT - DROP - SHORT));
      await shot('cash-count');
      await page.getByTestId('cash-count-submit').click();
      await page.getByTestId('cash-variance').waitFor();
      await page.getByTestId('cash-close-note').fill('Change given twice at the rush');
      await shot('cash-z-report');
      // 3.00 short is more than a cashier closes alone: a manager's PIN with the note; then the day's Z report lists the drawer.
      await page.getByTestId('cash-close').click();
      await page.getByTestId('cash-manager-pin').fill('9999');
      await page.getByTestId('cash-close').click();
      await page.getByTestId('cash-notice').waitFor();
      await page.keyboard.press('Alt+e');
      await page.getByTestId('z-drawer').waitFor();
      await shot('cash-day-z-report');
    } finally {
      await context.close();
      await register.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  try {
    for (const file of await cashScreenshots(browser)) console.log(`${path.relative(process.cwd(), file)} written`);
  } finally {
    await browser.close();
  }
}
