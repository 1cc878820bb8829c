import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, signIn, test } from './fixtures';
import { startHq, type RunningHq } from './support/hq-server';
import { setOffline, startEnrolledRegister } from './support/hq-till';
import { startPrinterSimulator, type PrinterSimulator } from './support/printer-simulator';
import { callRegister, euros, FAST_CONNECTIVITY, finishSale, payAndComplete, ringUp, SHELF, signInOnline } from './support/shop';
import { startRegister } from './support/web-host';

/*
 * Cash management with the till's hardware: a register whose settings point its receipt printer
 * (`printer.kind: "escpos"`) at a printer simulator, so every receipt and every drawer kick is seen as the
 * printer sees it. The drawer is opened with a float counted by note and coin, cash and card sales, a
 * paid-out a manager approves, an offline cash refund, the X report, the blind count with a shortage and
 * the close with a manager's note; HQ shows the session. In Chinese the same shift, shorter. And the
 * printer going offline mid-shift: the sale completes, the cashier is told, and the receipt is printed
 * again from the order once the printer is back.
 */

/** A paid-out above 20.00 needs a manager; an over/short above 1.00 a manager's PIN and note. */
const CASH_RULES = { payOutManagerAbove: 2000, varianceManagerAbove: 100 };

/** The till's settings: the receipt printer is the simulator, each receipt printed at once. */
const tillSettings = (printer: PrinterSimulator, extra: object = {}) => ({
  printer: { kind: 'escpos', address: printer.address, paperWidthMm: 80 },
  checkout: { receipt: 'print' },
  cash: CASH_RULES,
  ...extra,
});

/** Types a count into the drawer form: how many of each note and coin (minor units as keys). */
async function enterCount(page: Page, counts: Record<number, number>): Promise<void> {
  for (const [denomination, count] of Object.entries(counts)) await page.getByTestId(`count-${denomination}`).fill(String(count));
}

/** Waits until the printer has printed a receipt carrying this sale number. */
async function printedReceiptOf(printer: PrinterSimulator, number: string): Promise<string> {
  await expect.poll(() => printer.printedText(), { message: `a receipt with ${number} on the printer`, timeout: 15_000 }).toContain(number);
  return printer.jobs().find((job) => job.lines.some((line) => line.includes(number)))!.lines.join('\n');
}

/** Waits until the printer has seen this many drawer kicks, and checks none more comes. */
async function expectKicks(printer: PrinterSimulator, kicks: number): Promise<void> {
  await expect.poll(() => printer.kicks(), { timeout: 10_000 }).toBe(kicks);
  // A second kick would follow the first within moments (the same queue): give it the chance to show.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(printer.kicks()).toBe(kicks);
}

/**
 * Signs in on a register with HQ and waits until it says who is signed in (the screen may be any: the
 * register goes back to the one it showed). HQ checks the PIN and, on a loaded machine, may answer after the
 * register stopped waiting: the cashier tries again, as `signInOnline` does.
 */
async function signInAs(page: Page, pin: string, name: string): Promise<void> {
  const signedIn = page.getByRole('navigation').getByText(name, { exact: true });
  for (let attempt = 1; ; attempt++) {
    await signIn(page, pin);
    const outcome = await Promise.race([
      signedIn.waitFor({ state: 'visible', timeout: 15_000 }).then(
        () => 'in' as const,
        () => 'no answer' as const,
      ),
      page
        .getByRole('alert')
        .waitFor({ state: 'visible', timeout: 15_000 })
        .then(
          () => 'refused' as const,
          () => 'no answer' as const,
        ),
    ]);
    if (outcome === 'in' || attempt === 3) break;
    await page.getByLabel('PIN').fill('');
  }
  await expect(signedIn).toBeVisible();
}

interface HqCashSession {
  id: string;
  registerId: string;
  registerCode: string | null;
  float: number;
  totals: Record<string, number>;
  expected: number;
  counted: number | null;
  variance: number | null;
  closedAt: string | null;
  note: string | null;
  approvedBy: string | null;
  reconciled: boolean | null;
}

test.describe('cash drawer with an ESC/POS printer', () => {
  let printer: PrinterSimulator | null = null;
  let hq: RunningHq | null = null;
  const stops: (() => Promise<void>)[] = [];
  test.afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
    await printer?.close();
    printer = null;
    await hq?.stop();
    hq = null;
  });

  test('a shift in English: float by denomination, cash and card sales, a paid-out a manager approves, an offline cash refund, X report, blind count short, close with a manager’s note; HQ shows the session', async ({ page }) => {
    // HQ, a register enrolled with it and the printer: a busy machine needs time for all three.
    test.setTimeout(240_000);
    printer = await startPrinterSimulator();
    hq = await startHq();
    const till = await startEnrolledRegister(hq, tillSettings(printer, { connectivity: FAST_CONNECTIVITY }));
    stops.push(till.stop);
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    await page.goto(till.register.url);
    await expect(page.getByTestId('connectivity')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });

    // The manager signs in once at the start of the day: HQ checks the PIN, so this register can take their approvals later.
    await signInOnline(page, '9999');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInOnline(page);

    // Open the drawer: the float counted note by note and coin by coin, the total adding up as typed.
    await page.keyboard.press('Alt+w');
    await expect(page.getByRole('heading', { name: 'Cash drawer' })).toBeVisible();
    await expect(page.getByTestId('cash-session')).toContainText('The drawer is closed');
    await enterCount(page, { 2000: 2, 1000: 3, 500: 4, 200: 10, 100: 10, 50: 20 });
    const float = 2 * 2000 + 3 * 1000 + 4 * 500 + 10 * 200 + 10 * 100 + 20 * 50;
    await expect(page.getByTestId('count-sum')).toHaveText(`Total: ${euros(float)}`);
    await page.getByTestId('cash-open').click();
    await expect(page.getByTestId('cash-notice')).toHaveText(`Drawer opened with a float of ${euros(float)}.`);
    await expect(page.getByTestId('cash-session')).toContainText(`float ${euros(float)}`);
    // The float goes into the drawer: it opens once.
    await expectKicks(printer, 1);

    // A cash sale: the drawer opens exactly once and the receipt prints, its sale number on it.
    await page.keyboard.press('Alt+s');
    const cashItems = [SHELF[0]!, SHELF[1]!];
    const cashTotal = await ringUp(page, cashItems, { waitForCatalog: true });
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await expect(page.getByTestId('sale-number')).toBeVisible();
    const cashSale = (await page.getByTestId('sale-number').textContent())!;
    await expect(page.getByRole('status').filter({ hasText: `Receipt sent to ${printer.address}.` })).toBeVisible();
    const receipt = await printedReceiptOf(printer, cashSale);
    for (const words of [cashSale, ...cashItems.map((item) => item.name.slice(0, 20)), 'Cash', 'Ana']) expect(receipt).toContain(words);
    await expectKicks(printer, 2);
    await finishSale(page);

    // A card sale: a receipt, and the drawer stays shut.
    await ringUp(page, [SHELF[3]!]);
    const cardSale = await payAndComplete(page, 'card', '4242424242424242');
    await printedReceiptOf(printer, cardSale);
    await expectKicks(printer, 2);

    // A paid-out above the limit: refused for the cashier, and their own PIN is no manager's; a manager's PIN approves it.
    const paidOut = 2500;
    await page.keyboard.press('Alt+w');
    await page.getByTestId('cash-paid-out').click();
    await page.getByTestId('cash-amount').fill('25.00');
    await page.getByTestId('cash-reason').selectOption({ label: 'Supplier' });
    await page.getByTestId('cash-note').fill('Window cleaner');
    await page.getByTestId('cash-move-submit').click();
    await expect(page.getByRole('alert')).toContainText('A paid-out of this amount needs a manager');
    const managerPin = page.getByTestId('cash-manager-pin');
    await expect(managerPin).toBeVisible();
    await managerPin.fill('1234');
    await page.getByTestId('cash-move-submit').click();
    await expect(page.getByRole('alert')).toContainText('not a manager');
    await expectKicks(printer, 2);
    await managerPin.fill('9999');
    await page.getByTestId('cash-move-submit').click();
    await expect(page.getByTestId('cash-notice')).toHaveText(`${euros(paidOut)} paid out.`);
    await expectKicks(printer, 3);

    // Offline, the cash sale is refunded from Orders: the drawer opens to pay the customer back.
    await setOffline(page, true);
    await page.keyboard.press('Alt+o');
    const row = page.getByTestId('order-row').filter({ hasText: cashSale });
    await row.getByRole('button', { name: cashSale }).click();
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Refund everything left' }).click();
    await dialog.getByLabel('Reason').fill('Changed their mind');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: /Refund S01-R\d+-\d+ recorded/ })).toBeVisible();
    await expectKicks(printer, 4);
    await setOffline(page, false);

    // The X report, for a manager: every movement so far, the refund among them, and what the drawer should hold.
    const expected = float + cashTotal - paidOut - cashTotal;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs(page, '9999', 'Max');
    await page.keyboard.press('Alt+w');
    await page.getByTestId('cash-x').click();
    const report = page.getByTestId('cash-report');
    await expect(report.getByRole('heading', { name: 'X report (nothing closed)' })).toBeVisible();
    await expect(report.getByTestId('cash-expected')).toHaveText(euros(expected));
    await expect(report.getByRole('row', { name: /^Cash refunds/ }).first()).toContainText(euros(-cashTotal));
    const movements = report.getByRole('table', { name: 'Every cash movement' });
    await expect(movements.getByRole('row').filter({ hasText: 'Cash refunds' })).toContainText(euros(-cashTotal));
    await expect(movements.getByRole('row').filter({ hasText: 'Paid out' })).toContainText('Supplier · Window cleaner · approved by Max');
    await expect(report.getByTestId('cash-counted')).toHaveCount(0);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs(page, '1234', 'Ana');

    // The blind count: what the drawer should hold is not shown until the count is entered. 2.00 short.
    const counted = expected - 200;
    await page.keyboard.press('Alt+w');
    await expect(page.getByTestId('cash-x')).toHaveCount(0);
    await page.getByTestId('cash-count').click();
    await expect(page.getByRole('heading', { name: 'Count the drawer' })).toBeVisible();
    await expect(page.getByTestId('cash-expected')).toHaveCount(0);
    await expect(page.getByText(euros(expected))).toHaveCount(0);
    await enterCount(page, { 5000: 2, 200: 1, 100: 1 });
    await expect(page.getByTestId('count-sum')).toHaveText(`Total: ${euros(counted)}`);
    await page.getByTestId('cash-count-submit').click();
    await expect(report.getByRole('heading', { name: 'Z report: the count' })).toBeVisible();
    await expect(report.getByTestId('cash-expected')).toHaveText(euros(expected));
    await expect(report.getByTestId('cash-counted')).toHaveText(euros(counted));
    await expect(report.getByRole('row', { name: /^Short/ })).toContainText(euros(-200));

    const state = await callRegister<{ session: { id: string } | null }>(page, 'cash.state', {});
    const sessionId = state.ok ? state.value.session?.id : undefined;
    expect(sessionId).toBeTruthy();

    // The close: 2.00 short is above what a cashier closes alone, so a manager enters their PIN and a note.
    await page.getByTestId('cash-close').click();
    await expect(page.getByRole('alert')).toContainText('a manager enters their PIN and a note');
    await expect(page.getByTestId('cash-close')).toBeDisabled();
    await page.getByTestId('cash-close-note').fill('Short 2.00: change given twice at the rush');
    await page.getByTestId('cash-manager-pin').fill('9999');
    await page.getByTestId('cash-close').click();
    await expect(page.getByTestId('cash-notice')).toHaveText('The drawer is closed; the session goes to HQ.');
    await expect(report.getByRole('heading', { name: 'Z report: drawer closed' })).toBeVisible();
    await expect(page.getByTestId('cash-session')).toContainText('The drawer is closed');
    // The day's Z report lists the drawer session with its shortage.
    await page.keyboard.press('Alt+e');
    await expect(page.getByTestId('z-drawer')).toContainText(`expected ${euros(expected)} · counted ${euros(counted)} · over/short ${euros(-200)}`);

    // HQ has the session: its float, its movements, what it should have held, and the shortage.
    await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 30_000 });
    const { registers } = await hq.admin<{ registers: { id: string; storeId: string }[] }>('GET', '/registers');
    expect(registers).toHaveLength(1);
    const query = new URLSearchParams({ storeId: registers[0]!.storeId, from: startedAt, to: new Date(Date.now() + 60_000).toISOString() });
    const { sessions } = await hq.admin<{ sessions: HqCashSession[] }>('GET', `/admin/cash?${query}`);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      id: sessionId,
      registerId: registers[0]!.id,
      registerCode: 'R01',
      float,
      expected,
      counted,
      variance: -200,
      note: 'Short 2.00: change given twice at the rush',
      reconciled: true,
      totals: { sale: cashTotal, refund: -cashTotal, 'paid-out': -paidOut },
    });
    expect(sessions[0]!.closedAt).not.toBeNull();
    expect(sessions[0]!.approvedBy).toBe('Max');
  });

  test('收银班次（中文）：清点备用金开启钱箱，现金销售打印中文小票并弹开钱箱，盲点短款后关闭钱箱', async ({ page }) => {
    test.setTimeout(120_000);
    printer = await startPrinterSimulator();
    const register = await startRegisterWith(tillSettings(printer, { store: { currency: 'CNY' } }), { KASSA_LOCALE: 'zh-CN' });
    stops.push(register.stop);
    const yuan = (minor: number) => formatMoney(minor, 'CNY', 'zh-CN');
    await page.goto(register.url);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.locator('input#pin')).toBeFocused();
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('scan-input')).toBeFocused();

    // 开启钱箱：按面额清点备用金。
    await page.keyboard.press('Alt+w');
    await expect(page.getByRole('heading', { name: '钱箱', exact: true })).toBeVisible();
    await expect(page.getByRole('navigation').getByRole('button', { name: '钱箱' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { name: '开启钱箱' })).toBeVisible();
    await enterCount(page, { 5000: 1, 2000: 2, 1000: 5, 100: 10 });
    const float = 5000 + 2 * 2000 + 5 * 1000 + 10 * 100;
    await expect(page.getByTestId('count-sum')).toHaveText(`合计：${yuan(float)}`);
    await page.getByTestId('cash-open').click();
    await expect(page.getByTestId('cash-notice')).toHaveText(`钱箱已开启，备用金 ${yuan(float)}。`);
    await expectKicks(printer, 1);

    // 现金销售：钱箱弹开一次，小票以中文打印（GB18030）。
    await page.keyboard.press('Alt+s');
    await scan(page, SHELF[0]!.barcode);
    await scan(page, SHELF[1]!.barcode);
    const total = SHELF[0]!.price + SHELF[1]!.price;
    await expect(page.getByTestId('cart-total')).toHaveText(yuan(total));
    await page.getByRole('button', { name: '结账' }).click();
    await page.getByRole('button', { name: '现金', exact: true }).click();
    await page.getByRole('button', { name: '完成交易' }).click();
    await expect(page.getByRole('heading', { name: '交易完成' })).toBeVisible();
    const number = (await page.getByTestId('sale-number').textContent())!;
    const receipt = await printedReceiptOf(printer, number);
    for (const words of ['门店 S01 · 收银机 R01', '收银员', '合计', '现金', '谢谢惠顾']) expect(receipt).toContain(words);
    await expectKicks(printer, 2);
    await page.getByRole('button', { name: '新交易' }).click();

    // 盲点：提交清点前看不到应有金额；短款 0.08 元，在收银员可自行关闭的范围内。
    const expected = float + total;
    const counted = 5000 + 2 * 2000 + 5 * 1000 + 13 * 100 + 1 * 10;
    await page.keyboard.press('Alt+w');
    await page.getByTestId('cash-count').click();
    await expect(page.getByRole('heading', { name: '清点钱箱' })).toBeVisible();
    await expect(page.getByText('在看到应有金额之前，先清点钱箱中的现金。')).toBeVisible();
    await expect(page.getByTestId('cash-expected')).toHaveCount(0);
    await enterCount(page, { 5000: 1, 2000: 2, 1000: 5, 100: 13, 10: 1 });
    await page.getByTestId('cash-count-submit').click();
    const report = page.getByTestId('cash-report');
    await expect(report.getByRole('heading', { name: 'Z 报表：清点' })).toBeVisible();
    await expect(report.getByTestId('cash-expected')).toHaveText(yuan(expected));
    await expect(report.getByTestId('cash-counted')).toHaveText(yuan(counted));
    await expect(report.getByRole('row', { name: /^短款/ })).toContainText(yuan(counted - expected));

    await page.getByTestId('cash-close').click();
    await expect(page.getByTestId('cash-notice')).toHaveText('钱箱已关闭；本班次将上传至总部。');
    await expect(report.getByRole('heading', { name: 'Z 报表：钱箱已关闭' })).toBeVisible();
  });

  test('the printer goes offline mid-shift: the sale completes, the status bar warns, the cashier is told; back online, the receipt is printed again from the order', async ({ page }) => {
    test.setTimeout(120_000);
    printer = await startPrinterSimulator();
    const register = await startRegisterWith(tillSettings(printer));
    stops.push(register.stop);
    await page.goto(register.url);
    await signIn(page);
    await expect(page.getByTestId('printer-status')).toHaveCount(0);

    // The printer is switched off between two customers.
    await printer.set('refuse');
    await ringUp(page, [SHELF[0]!, SHELF[1]!]);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByRole('button', { name: 'Complete sale' }).click();
    // The sale is complete all the same.
    await expect(page.getByRole('heading', { name: 'Sale complete' })).toBeVisible();
    const number = (await page.getByTestId('sale-number').textContent())!;
    const told = page.getByRole('alert').filter({ hasText: 'The receipt did not print.' });
    await expect(told).toContainText(`The receipt printer at ${printer.address} cannot be reached`);
    await expect(told).toContainText('then print the receipt again');
    const warning = page.getByTestId('printer-status');
    await expect(warning).toHaveAttribute('data-state', 'offline');
    await expect(warning).toHaveText(/Printer offline/);
    expect(printer.printedText()).not.toContain(number);
    await finishSale(page);

    // Switched on again: the receipt is printed from the order, and the warning goes.
    await printer.set('online');
    await page.keyboard.press('Alt+o');
    await page.getByTestId('order-row').filter({ hasText: number }).getByRole('button', { name: number }).click();
    await page.getByRole('button', { name: 'Reprint' }).click();
    await page.getByRole('button', { name: 'Print receipt' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Receipt sent to ${printer.address}.` })).toBeVisible();
    const receipt = await printedReceiptOf(printer, number);
    expect(receipt).toContain(SHELF[0]!.name.slice(0, 20));
    await expect(warning).toHaveCount(0);
  });
});

/** A register in demo mode (no HQ) with these settings in a fresh data folder; stop() removes it. */
async function startRegisterWith(settings: object, env: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-cash-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify(settings));
  const register = await startRegister({ dataDir, env });
  return {
    url: register.url,
    stop: async () => {
      await register.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
