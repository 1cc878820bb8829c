import { expect, scan, signIn, test } from './fixtures';
import { SHELF, euros, payAndComplete } from './support/shop';

/*
 * End of day on a register whose sales have not reached HQ (demo mode: there is no HQ, so every
 * operation stays in the outbox): closing is refused without a manager, then closed with a manager's
 * PIN; the report says how many operations were unsynced and none of them is discarded.
 */
test('closing the day with unsynced sales is refused without a manager, then closed with a manager PIN, keeping every operation', async ({ till: page }) => {
  await signIn(page);
  await scan(page, SHELF[0]!.barcode);
  await scan(page, SHELF[1]!.barcode);
  await payAndComplete(page, 'cash');
  const pending = page.getByTestId('pending-sync');
  await expect(pending).not.toHaveText('0');
  const unsynced = (await pending.textContent())!;

  await page.keyboard.press('Alt+e');
  const report = page.getByTestId('z-report');
  await expect(report).toBeVisible();
  await expect(report.getByTestId('z-sales')).toHaveText(euros(SHELF[0]!.price + SHELF[1]!.price));
  await expect(report.getByTestId('z-pending')).toHaveText(unsynced);

  await page.getByRole('button', { name: 'Close day', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText(`${unsynced} operations have not reached HQ yet`);
  await expect(page.getByTestId('day-closed')).toHaveCount(0);

  // A cashier's PIN is not a manager's.
  await page.getByLabel('Manager PIN').fill('1234');
  await page.getByRole('button', { name: 'Close day with manager PIN' }).click();
  await expect(page.getByRole('alert')).toContainText('not a manager');
  await expect(page.getByTestId('day-closed')).toHaveCount(0);

  await page.getByLabel('Manager PIN').fill('9999');
  await page.getByRole('button', { name: 'Close day with manager PIN' }).click();
  await expect(page.getByTestId('day-closed')).toHaveText(new RegExp(`Day closed by Max .* with ${unsynced} unsynced operations`));
  // Closing discarded nothing: the same operations still wait to upload.
  await expect(pending).toHaveText(unsynced);
  // The new day starts empty.
  await page.keyboard.press('Alt+o');
  await expect(page.getByRole('status').filter({ hasText: 'No orders match.' })).toBeVisible();
});
