import type { Page } from '@playwright/test';
import { expect, scan, signIn, test } from './fixtures';
import { startHq } from './support/hq-server';
import { startEnrolledRegister, type EnrolledRegister } from './support/hq-till';
import { SHELF, euros, ringUp } from './support/shop';

/*
 * Returns at the till: the receipt carries its sale number as a barcode; scanning it on the sale screen
 * opens that sale's refund, a reason is one key, and the refund is on the order at once.
 */

const [milk, bread, eggs] = [SHELF[0]!, SHELF[1]!, SHELF[3]!];

/** Rings the items up, pays cash and completes; leaves the till on the completed-sale screen. */
async function sell(page: Page, items = [milk, bread]): Promise<string> {
  for (const item of items) await scan(page, item.barcode);
  await expect(page.getByTestId('cart-total')).toHaveText(euros(items.reduce((sum, item) => sum + item.price, 0)));
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByRole('button', { name: 'Complete sale' }).click();
  const number = page.getByTestId('sale-number');
  await expect(number).toHaveText(/^S01-R01-\d+$/);
  return (await number.textContent())!;
}

/** The barcode on the receipt the completed-sale screen shows: what it encodes and the number printed under it. */
async function receiptBarcode(page: Page): Promise<{ value: string; text: string }> {
  const barcode = page.frameLocator('[data-testid="receipt"]').getByTestId('receipt-barcode');
  await expect(barcode.locator('svg path').first()).toBeAttached();
  const value = (await barcode.getAttribute('data-value'))!;
  const text = (await barcode.locator('[data-receipt="barcode-text"]').textContent())!;
  // It fits the paper: the bars are no wider than the receipt's 72 mm column.
  const bars = await barcode.locator('svg').boundingBox();
  const paper = await page.frameLocator('[data-testid="receipt"]').locator('.receipt').boundingBox();
  expect(bars!.width).toBeGreaterThan(0);
  expect(bars!.width).toBeLessThanOrEqual(paper!.width);
  return { value, text };
}

async function newSale(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New sale' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText(euros(0));
}

test('scanning the receipt’s barcode on a new sale opens its refund; key 1 picks Damaged; the order shows the refund and its amount', async ({ till }) => {
  await signIn(till);
  const number = await sell(till);
  const barcode = await receiptBarcode(till);
  expect(barcode.value).toBe(number);
  expect(barcode.text).toBe(number);

  await newSale(till);
  await scan(till, barcode.value);
  const dialog = till.getByRole('dialog', { name: `Refund from ${number}` });
  await expect(dialog).toBeVisible();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));

  await dialog.getByLabel(`Quantity of ${bread.name} to refund`).fill('1');
  await expect(dialog.getByTestId('refund-amount')).toHaveText(`Refund amount: ${euros(bread.price)}`);
  const picker = dialog.getByTestId('reason-picker');
  await picker.getByRole('radio').first().focus();
  await expect(picker).toHaveAttribute('data-reason', '');
  await till.keyboard.press('1');
  await expect(picker).toHaveAttribute('data-reason', 'damaged');
  await expect(picker.getByRole('radio', { name: /Damaged/ })).toBeChecked();
  await dialog.getByRole('button', { name: 'Refund', exact: true }).click();

  await expect(dialog).toBeHidden();
  const done = till.getByRole('status').filter({ hasText: `of sale ${number} recorded: ${euros(bread.price)} back to the customer` });
  await expect(done).toBeVisible();
  const refundNumber = /Refund (S01-R01-\d+) of sale/.exec((await done.textContent())!)![1]!;
  await expect(till.getByTestId('scan-input')).toBeFocused();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));

  // The order: one bread refunded, the refund listed with its amount; the refund's receipt gives the reason.
  await till.keyboard.press('Alt+o');
  await till.getByTestId('order-row').filter({ hasText: number }).getByRole('button', { name: number }).click();
  await expect(till.getByRole('heading', { name: `Sale ${number}` })).toBeVisible();
  await expect(till.getByRole('row').filter({ hasText: bread.name }).getByRole('cell').nth(2)).toHaveText('1');
  await expect(till.getByRole('row').filter({ hasText: milk.name }).getByRole('cell').nth(2)).toHaveText('0');
  const refund = till.locator('.order-detail__list li').filter({ hasText: refundNumber });
  await expect(refund).toContainText(euros(-bread.price));
  await refund.getByRole('button', { name: refundNumber }).click();
  await till.getByRole('button', { name: 'Reprint' }).click();
  await expect(till.frameLocator('[data-testid="receipt"]').locator('.receipt')).toContainText(/Reason\s*Damaged/);
});

test('a sale number no register knows: a clear error, no dialog, the cart as it was', async ({ till }) => {
  await signIn(till);
  await scan(till, eggs.barcode);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(eggs.price));

  await scan(till, 'S01-R01-4242');
  await expect(till.getByRole('alert')).toHaveText('No sale S01-R01-4242 on this register. Check the number on the receipt, or search for the sale in Orders (Alt+O).');
  await expect(till.getByRole('dialog')).toHaveCount(0);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(eggs.price));
  await expect(till.locator('.cart__line')).toHaveCount(1);
  await expect(till.getByTestId('scan-input')).toBeFocused();

  // The till sells on: the next scan is a product again.
  await scan(till, milk.barcode);
  await expect(till.getByTestId('cart-total')).toHaveText(euros(eggs.price + milk.price));
});

test('with HQ: a receipt of another register opens its refund from HQ; a number HQ does not know either says so', async ({ browser }) => {
  test.setTimeout(150_000);
  const hq = await startHq();
  const tills: EnrolledRegister[] = [];
  const openTill = async (page: Page) => {
    const till = await startEnrolledRegister(hq);
    tills.push(till);
    await page.goto(till.register.url);
    await signIn(page);
  };
  try {
    const [here, there] = [await browser.newPage(), await browser.newPage()];
    await openTill(here);
    await openTill(there);
    await ringUp(there, [eggs], { waitForCatalog: true });
    await there.getByRole('button', { name: 'Pay' }).click();
    await there.getByRole('button', { name: 'Cash' }).click();
    await there.getByRole('button', { name: 'Complete sale' }).click();
    const { value: number } = await receiptBarcode(there);
    await expect(there.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });

    await expect(here.getByTestId('connectivity')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    await scan(here, number);
    const dialog = here.getByRole('dialog', { name: `Refund from ${number}` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel(`Quantity of ${eggs.name} to refund`)).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(here.getByTestId('scan-input')).toBeFocused();

    const unknown = `${number.split('-').slice(0, 2).join('-')}-9999`;
    await scan(here, unknown);
    await expect(here.getByRole('alert')).toHaveText(`No sale ${unknown} on this register or at HQ. Check the number on the receipt, or search for the sale in Orders (Alt+O).`);
    await expect(here.getByRole('dialog')).toHaveCount(0);
    await expect(here.getByTestId('cart-total')).toHaveText(euros(0));
  } finally {
    for (const till of tills) await till.stop();
    await hq.stop();
  }
});

test('Exchange moves the chosen lines of the scanned receipt into the current sale as returns', async ({ till }) => {
  await signIn(till);
  const number = await sell(till);
  const { value } = await receiptBarcode(till);
  await newSale(till);
  await scan(till, eggs.barcode);

  await scan(till, value);
  const dialog = till.getByRole('dialog', { name: `Refund from ${number}` });
  await dialog.getByLabel(`Quantity of ${bread.name} to refund`).fill('1');
  await dialog.getByTestId('reason-picker').getByRole('radio').first().focus();
  await till.keyboard.press('2');
  await dialog.getByRole('button', { name: 'Exchange' }).click();

  await expect(dialog).toBeHidden();
  await expect(till.getByRole('status').filter({ hasText: `The returned items of sale ${number} are in this sale.` })).toBeVisible();
  await expect(till.getByRole('row').filter({ hasText: bread.name })).toContainText(euros(-bread.price));
  await expect(till.getByTestId('cart-total')).toHaveText(euros(eggs.price - bread.price));
});
