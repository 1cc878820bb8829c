import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, signIn, test } from './fixtures';
import { REPO_ROOT } from './support/web-host';

/**
 * Amounts as a cashier types them: entering the cash field selects the amount due so typing replaces it,
 * quick amounts add up, and the on-screen number pad (a touch till has no keyboard) types amounts and PINs.
 */
const catalog = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; price: number }[] };
const [milk, bread] = catalog.products as [{ barcodes: string[]; price: number }, { barcodes: string[]; price: number }];
const due = milk.price + bread.price;
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');
const SALE_NUMBER = /^[A-Za-z0-9]+-[A-Za-z0-9]+-\d+$/;

async function payInCash(page: Page) {
  await scan(page, milk.barcodes[0]!);
  await scan(page, bread.barcodes[0]!);
  await expect(page.getByTestId('cart-total')).toHaveText(euros(due));
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: 'Cash' }).click();
  const cash = page.getByLabel('Cash received');
  await expect(cash).toBeFocused();
  await expect(cash).toHaveValue((due / 100).toFixed(2));
  return cash;
}

async function expectCompletedWithChange(page: Page, change: number) {
  await expect(page.getByTestId('sale-number')).toHaveText(SALE_NUMBER);
  await expect(page.getByRole('status').filter({ hasText: 'Change' })).toContainText(euros(change));
}

test('after Cash, 50 typed on the keyboard replaces the amount due: the change is 50 less the due, and the sale completes', async ({ till }) => {
  await signIn(till);
  const cash = await payInCash(till);
  await till.keyboard.type('50');
  await expect(cash).toHaveValue('50');
  await expect(till.getByTestId('tender-change')).toHaveText(`Change ${euros(5000 - due)}`);
  await till.keyboard.press('Enter');
  await expectCompletedWithChange(till, 5000 - due);
});

test('quick amounts add up: 20 then 5 is 25 received; Exact puts the amount due back, Clear starts from nothing', async ({ till }) => {
  await signIn(till);
  const cash = await payInCash(till);
  const quick = till.getByRole('group', { name: 'Quick amounts' });
  await quick.getByRole('button', { name: '+€20.00', exact: true }).click();
  await expect(cash).toHaveValue('20.00');
  await quick.getByRole('button', { name: '+€5.00', exact: true }).click();
  await expect(cash).toHaveValue('25.00');
  await expect(cash).toBeFocused();

  await quick.getByRole('button', { name: `Exact ${euros(due)}` }).click();
  await expect(cash).toHaveValue((due / 100).toFixed(2));
  await quick.getByRole('button', { name: '+€10.00', exact: true }).click();
  await expect(cash).toHaveValue('10.00');
  await till.getByRole('group', { name: 'Number pad' }).getByRole('button', { name: 'Clear', exact: true }).click();
  await expect(cash).toHaveValue('');
  await quick.getByRole('button', { name: '+€20.00', exact: true }).click();
  await quick.getByRole('button', { name: '+€5.00', exact: true }).click();
  await expect(cash).toHaveValue('25.00');
  await expect(till.getByTestId('tender-change')).toHaveText(`Change ${euros(2500 - due)}`);
  await till.getByRole('button', { name: 'Complete sale' }).click();
  await expectCompletedWithChange(till, 2500 - due);
});

test.describe('on a touch screen', () => {
  test.use({ hasTouch: true });

  test('the number pad, tapped, enters the cash amount and OK completes the sale; focus never leaves the field', async ({ till }) => {
    await signIn(till);
    const cash = await payInCash(till);
    const pad = till.getByRole('group', { name: 'Number pad' });
    for (const key of ['2', '0', 'Decimal point', '5']) await pad.getByRole('button', { name: key, exact: true }).tap();
    await expect(cash).toHaveValue('20.5');
    await expect(cash).toBeFocused();
    await pad.getByRole('button', { name: 'Delete the last digit' }).tap();
    await pad.getByRole('button', { name: '0', exact: true }).tap();
    await expect(cash).toHaveValue('20.0');
    await expect(till.getByTestId('tender-change')).toHaveText(`Change ${euros(2000 - due)}`);
    await expect(cash).toBeFocused();
    await pad.getByRole('button', { name: 'OK', exact: true }).tap();
    await expectCompletedWithChange(till, 2000 - due);
  });

  test('a PIN entered on the number pad signs in', async ({ till }) => {
    const pin = till.getByLabel('PIN');
    await expect(pin).toBeFocused();
    const pad = till.getByRole('group', { name: 'Number pad' });
    await pad.getByRole('button', { name: 'OK', exact: true }).tap();
    await expect(till.getByTestId('scan-input')).toHaveCount(0);
    for (const key of ['1', '2', '3', '4']) await pad.getByRole('button', { name: key, exact: true }).tap();
    await expect(pin).toHaveValue('1234');
    await expect(pin).toBeFocused();
    await pad.getByRole('button', { name: 'OK', exact: true }).tap();
    await expect(till.getByTestId('scan-input')).toBeFocused();
  });
});
