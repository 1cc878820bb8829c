import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, scan, signIn, test } from './fixtures';
import { hqJourneys } from './support/hq-till';
import { SHELF, callRegister, euros, finishSale, ringUp } from './support/shop';
import { REPO_ROOT } from './support/web-host';

const CATALOG = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; price: number }[] }).products;

/*
 * Returned items settled in a sale. Against the real HQ: an item of an earlier sale comes back in a new
 * sale (an exchange) beside an item returned without a receipt and a new item; the customer pays the
 * difference, and HQ has the sale exactly once, with its return lines, payments that add up to its total,
 * and the earlier sale's item no longer refundable. In demo mode: a return without a receipt above the
 * limit asks for a manager's PIN, and a negative total is given to the customer in cash.
 */

interface HqOrder {
  id: string;
  number: string;
  kind: 'sale' | 'refund';
  total: number;
  lines: { sku: string; quantity: number; lineTotal: number; returned?: { reason: string; orderId?: string; originalLineIndex?: number } }[];
  payments: { tender: string; amount: number }[];
}

const [milk, bread, , , butter, coffee] = SHELF as [(typeof SHELF)[number], (typeof SHELF)[number], unknown, unknown, (typeof SHELF)[number], (typeof SHELF)[number]];

test.describe('with HQ', () => {
  const journeys = hqJourneys({ timeoutMs: 120_000 });
  const openTill = (page: Page) => journeys.open(page);

  const hqOrders = (query: string) => journeys.hq.admin<{ orders: HqOrder[] }>('GET', `/orders/search?${query}`).then((r) => r.orders);

  test('an exchange: an earlier sale\'s item and one without a receipt come back, a new item is bought, the difference paid; HQ has the sale once', async ({ page }) => {
    await openTill(page);
    await ringUp(page, [milk, bread], { waitForCatalog: true });
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByRole('button', { name: 'Complete sale' }).click();
    const firstNumber = await finishSale(page);
    await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });
    const [original] = await hqOrders(`number=${firstNumber}`);
    expect(original).toBeDefined();

    // The milk of that sale comes back (through the register's channel, as the Exchange screen calls it).
    const exchanged = await callRegister(page, 'cart.addReturn', { kind: 'receipt', orderId: original!.id, lines: [{ index: 0, quantity: 1 }], reason: 'Wrong item' });
    expect(exchanged.ok).toBe(true);
    const returnRows = page.locator('tr[data-returned="true"]');
    await expect(returnRows).toHaveCount(1);
    await expect(returnRows.first()).toContainText('Return');
    await expect(returnRows.first()).toContainText(`Wrong item · from ${firstNumber}`);
    await expect(returnRows.first()).toContainText(euros(-milk.price));

    // Butter without a receipt, through the Return item dialog (Alt+R), typed as the scanner types it.
    await page.keyboard.press('Alt+r');
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Barcode or SKU')).toBeFocused();
    await page.keyboard.type(butter.barcode, { delay: 5 });
    await dialog.getByLabel('Reason').fill('Past its date');
    await dialog.getByRole('button', { name: 'Take the item back' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(returnRows).toHaveCount(2);
    await expect(returnRows.nth(1)).toContainText('Past its date');

    // A new item; the customer pays the difference.
    await scan(page, coffee.barcode);
    const net = coffee.price - milk.price - butter.price;
    await expect(page.getByTestId('cart-total')).toHaveText(euros(net));
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect(page.getByTestId('tender-due')).toHaveText(euros(net));
    await page.getByRole('button', { name: 'Cash' }).click();
    await page.getByRole('button', { name: 'Complete sale' }).click();
    const number = await finishSale(page);
    await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });

    const all = (await hqOrders('limit=1000')).filter((o) => o.number === number);
    expect(all).toHaveLength(1);
    const sale = all[0]!;
    expect(sale.total).toBe(net);
    expect(sale.lines).toEqual([
      expect.objectContaining({ sku: 'SKU-000001', quantity: -1, lineTotal: -milk.price, returned: expect.objectContaining({ reason: 'Wrong item', orderId: original!.id, originalLineIndex: 0 }) }),
      expect.objectContaining({ quantity: -1, lineTotal: -butter.price, returned: { reason: 'Past its date' } }),
      expect.objectContaining({ quantity: 1, lineTotal: coffee.price }),
    ]);
    expect(sale.payments.reduce((sum, p) => sum + p.amount, 0)).toBe(sale.total);
    // HQ lists the exchange with the earlier sale's refunds and exchanges: what it can still refund is less.
    expect((await hqOrders(`originalOrderId=${original!.id}`)).map((o) => o.id)).toEqual([sale.id]);

    // The earlier sale's milk is no longer refundable; its bread still is.
    const detail = await callRegister<{ lines: { refundable: number; returned?: number }[] }>(page, 'orders.detail', { orderId: original!.id });
    expect(detail.ok && detail.value.lines.map((l) => [l.refundable, l.returned ?? 0])).toEqual([
      [0, 1],
      [1, 0],
    ]);
    const refund = await callRegister(page, 'orders.refund', { orderId: original!.id, lines: [{ index: 0, quantity: 1 }], tender: 'cash', reason: 'again' });
    expect(refund.ok ? null : refund.error.code).toBe('LIMIT_EXCEEDED');
  });
});

test('a return without a receipt above the limit asks for a manager\'s PIN; the negative total is given back in cash', async ({ till }) => {
  const expensive = CATALOG.find((p) => p.price > 2000)!;
  await signIn(till);
  await till.getByTestId('return-item').click();
  const dialog = till.getByRole('dialog');
  await expect(dialog.getByLabel('Barcode or SKU')).toBeFocused();
  await till.keyboard.type(expensive.barcodes[0]!, { delay: 5 });
  await dialog.getByLabel('Reason').fill('Does not work');
  await dialog.getByRole('button', { name: 'Take the item back' }).click();
  await expect(dialog.getByRole('alert')).toContainText('needs a manager');
  await expect(till.locator('tr[data-returned="true"]')).toHaveCount(0);
  await dialog.getByLabel('Manager PIN').fill('9999');
  await dialog.getByRole('button', { name: 'Take the item back' }).click();
  await expect(dialog).toHaveCount(0);
  const row = till.locator('tr[data-returned="true"]');
  await expect(row).toContainText('Return');
  await expect(till.getByTestId('cart-total')).toHaveText(euros(-expensive.price));

  await till.getByRole('button', { name: 'Pay' }).click();
  await expect(till.getByTestId('tender-payout')).toHaveText(`Give the customer ${euros(expensive.price)}`);
  await expect(till.getByRole('button', { name: 'Card' })).toHaveCount(0);
  await till.getByRole('button', { name: 'Complete sale' }).click();
  await expect(till.getByTestId('sale-number')).toHaveText(/^S01-R01-\d+$/);
  await till.getByRole('button', { name: 'New sale' }).click();
  await expect(till.getByTestId('cart-total')).toHaveText(euros(0));
});
