import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { hqJourneys, setOffline } from './support/hq-till';
import { SHELF, finishSale, ringUp } from './support/shop';

/*
 * Orders against the real HQ: an offline refund of this register's cash sale uploads once the till is
 * back online (HQ has it exactly once, referencing the sale), and an online search on one register
 * finds a sale made on a second register, marked as HQ's.
 */

interface HqOrder {
  id: string;
  number: string;
  kind: 'sale' | 'refund';
  total: number;
  originalOrderId: string | null;
  lines: { quantity: number; originalLineIndex?: number }[];
}

// Two web hosts and HQ on a shared CI machine: starting them and pulling the catalog take a while.
const journeys = hqJourneys({ timeoutMs: 120_000 });
const openTill = (page: Page) => journeys.open(page);

async function sellCash(page: Page, items = [SHELF[0]!, SHELF[1]!]): Promise<string> {
  await ringUp(page, items, { waitForCatalog: true });
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByRole('button', { name: 'Complete sale' }).click();
  return finishSale(page);
}

const hqOrders = (query: string) => journeys.hq.admin<{ orders: HqOrder[] }>('GET', `/orders/search?${query}`).then((r) => r.orders);

test('offline refund of a cash sale of this register: recorded at once, uploaded to HQ exactly once when back online', async ({ page }) => {
  await openTill(page);
  const number = await sellCash(page);
  await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 15_000 });
  const [sale] = await hqOrders(`number=${number}`);
  expect(sale).toBeDefined();

  await setOffline(page, true);
  await page.keyboard.press('Alt+o');
  const row = page.getByTestId('order-row').filter({ hasText: number });
  await expect(row).toHaveAttribute('data-source', 'local');
  await expect(page.getByTestId('orders-notice')).toContainText('Offline: only this register’s orders are searched');
  await row.getByRole('button', { name: number }).click();
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(`Quantity of ${SHELF[1]!.name} to refund`).fill('1');
  await dialog.getByLabel('Reason').fill('Damaged packaging');
  await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /Refund S01-R\d+-2 recorded/ })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: SHELF[1]!.name })).toContainText('1');
  // Offline: the refund waits on the register.
  await expect(page.getByTestId('pending-sync')).not.toHaveText('0');
  expect(await hqOrders('kind=refund')).toEqual([]);

  await setOffline(page, false);
  await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });
  const refunds = await hqOrders('kind=refund');
  expect(refunds).toHaveLength(1);
  expect(refunds[0]).toMatchObject({ originalOrderId: sale!.id, total: -SHELF[1]!.price, lines: [{ quantity: -1 }] });
});

test('online search finds a sale made on a second register, marked as HQ’s; offline the search says it covered this register only', async ({ browser }) => {
  const pageA = await browser.newPage();
  const pageB = await browser.newPage();
  await openTill(pageA);
  await openTill(pageB);
  const number = await sellCash(pageB, [SHELF[2]!]);
  await expect(pageB.getByTestId('pending-sync')).toHaveText('0', { timeout: 15_000 });
  await expect.poll(async () => (await hqOrders(`number=${number}`)).length).toBe(1);

  await pageA.getByTestId('scan-input').waitFor();
  await pageA.keyboard.press('Alt+o');
  await pageA.getByLabel('Sale number').fill(number);
  await pageA.getByRole('button', { name: 'Search' }).click();
  const row = pageA.getByTestId('order-row').filter({ hasText: number });
  await expect(row).toHaveAttribute('data-source', 'hq');
  await expect(row).toContainText(/HQ · register S01-R\d+/);
  await expect(pageA.getByTestId('orders-notice')).toHaveCount(0);

  // The other register's sale opens from HQ; offline its refund is refused with the reason.
  await row.getByRole('button', { name: number }).click();
  await expect(pageA.getByRole('heading', { name: `Sale ${number}` })).toBeVisible();
  await setOffline(pageA, true);
  await pageA.getByRole('button', { name: 'Refund', exact: true }).click();
  const dialog = pageA.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Refund everything left' }).click();
  await dialog.getByLabel('Reason').fill('Wrong size');
  await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('orders of other registers can be refunded only online');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await pageA.getByRole('button', { name: 'Back to orders' }).click();
  await pageA.getByLabel('Sale number').fill(number);
  await pageA.getByRole('button', { name: 'Search' }).click();
  await expect(pageA.getByTestId('orders-notice')).toHaveAttribute('data-notice', 'offline');
  await expect(pageA.getByTestId('order-row')).toHaveCount(0);
});

test('two registers refund the same sale while one is offline: HQ keeps the first, the late one lands in the dead-letter list with the reason', async ({ browser }) => {
  const pageA = await browser.newPage();
  const pageB = await browser.newPage();
  await openTill(pageA);
  await openTill(pageB);
  const number = await sellCash(pageA, [SHELF[0]!]);
  await expect(pageA.getByTestId('pending-sync')).toHaveText('0', { timeout: 15_000 });

  // Register A, offline, refunds its own sale: recorded here, waiting to upload.
  await setOffline(pageA, true);
  await pageA.keyboard.press('Alt+o');
  await pageA.getByTestId('order-row').filter({ hasText: number }).getByRole('button', { name: number }).click();
  await pageA.getByRole('button', { name: 'Refund', exact: true }).click();
  await pageA.getByRole('dialog').getByRole('button', { name: 'Refund everything left' }).click();
  await pageA.getByRole('dialog').getByLabel('Reason').fill('Returned at register A');
  await pageA.getByRole('dialog').getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(pageA.getByRole('status').filter({ hasText: 'recorded' })).toBeVisible();

  // Register B, online, refunds the same sale from HQ's copy.
  await pageB.getByTestId('scan-input').waitFor();
  await pageB.keyboard.press('Alt+o');
  await pageB.getByLabel('Sale number').fill(number);
  await pageB.getByRole('button', { name: 'Search' }).click();
  await pageB.getByTestId('order-row').filter({ hasText: number }).getByRole('button', { name: number }).click();
  await pageB.getByRole('button', { name: 'Refund', exact: true }).click();
  await pageB.getByRole('dialog').getByRole('button', { name: 'Refund everything left' }).click();
  await pageB.getByRole('dialog').getByLabel('Reason').fill('Returned at register B');
  await pageB.getByRole('dialog').getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(pageB.getByRole('status').filter({ hasText: 'recorded' })).toBeVisible();
  await expect(pageB.getByTestId('pending-sync')).toHaveText('0', { timeout: 15_000 });

  // A comes back: HQ rejects its refund; nothing is lost, a manager sees why.
  await setOffline(pageA, false);
  await expect(pageA.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });
  const [sale] = await hqOrders(`number=${number}`);
  expect(await hqOrders(`originalOrderId=${sale!.id}`)).toHaveLength(1);
  await pageA.getByRole('button', { name: 'Sign out' }).click();
  await signIn(pageA, '9999');
  await pageA.getByRole('button', { name: /Diagnostics/ }).click();
  const deadLetters = pageA.getByTestId('dead-letters');
  await expect(deadLetters).toContainText('REFUND_EXCEEDS');
  await expect(deadLetters).toContainText(`than remains of order ${number}`);
});
