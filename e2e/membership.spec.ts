import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../shared/money';
import { expect, scan, test } from './fixtures';
import { hqJourneys, setOffline } from './support/hq-till';
import { REPO_ROOT } from './support/web-host';

/*
 * Membership journeys against the real HQ: points earned while the till is offline reach HQ once it is
 * back, and a customer enrolled offline whose phone HQ already knows ends up as HQ's member, with the
 * points.
 */

const PRODUCT = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; price: number }[] }).products[0]!;
const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');
/** One point per whole euro paid (the default rule). */
const pointsFor = (cents: number) => Math.floor(cents / 100);

interface Member {
  id: string;
  name: string;
}

const journeys = hqJourneys();

async function openTill(page: Page): Promise<void> {
  // The first sign-in on a register is checked by HQ.
  await journeys.open(page, { online: true });
  // The register pulls HQ's catalog after enrolling: scan until the product is known.
  await expect(async () => {
    await scan(page, PRODUCT.barcodes[0]!);
    await expect(page.getByTestId('cart-total')).toHaveText(euros(PRODUCT.price), { timeout: 2000 });
  }).toPass({ timeout: 30_000 });
}

async function payCash(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByRole('button', { name: 'Complete sale' }).click();
  await expect(page.getByTestId('sale-number')).toBeVisible();
  await page.getByRole('button', { name: 'New sale' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText(euros(0));
}

async function findMember(page: Page, query: string) {
  await page.keyboard.press('F10');
  const dialog = page.getByRole('dialog', { name: 'Member' });
  await dialog.getByLabel('Phone or card number').fill(query);
  await dialog.getByRole('button', { name: 'Find' }).click();
  return dialog;
}

test('offline member earn: the points wait on the register and HQ’s balance is right once the till is back online', async ({ page }) => {
  const mia = await journeys.hq.admin<Member>('POST', '/members', { name: 'Mia Chen', phone: '+49 151 1111 2222' });
  await openTill(page);
  // The change feed brought the member into the register's cache; now the till goes offline.
  await expect(async () => {
    await setOffline(page, true, { backToScan: true });
    const dialog = await findMember(page, '+4915111112222');
    await expect(dialog.getByTestId('member-name')).toHaveText('Mia Chen', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  const dialog = page.getByRole('dialog', { name: 'Member' });
  await expect(dialog.getByRole('status').first()).toContainText('Offline');
  await dialog.getByRole('button', { name: 'Attach to sale' }).click();
  await expect(page.getByRole('region', { name: 'Member' }).getByTestId('member-name')).toHaveText('Mia Chen');
  await expect(page.getByTestId('scan-input')).toBeFocused();
  await payCash(page);
  await expect(page.getByTestId('pending-sync')).not.toHaveText('0');
  const earned = pointsFor(PRODUCT.price);

  // Still offline: the register's copy has the earn, marked as of a time, not live.
  await scan(page, PRODUCT.barcodes[0]!);
  const cached = await findMember(page, '+4915111112222');
  await expect(cached.getByTestId('member-balance')).toHaveAttribute('data-points', String(earned));
  await expect(cached.getByTestId('member-summary')).not.toContainText('live from HQ');
  await cached.getByRole('button', { name: 'Cancel' }).click();

  await setOffline(page, false, { backToScan: true });
  await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });
  expect(await journeys.hq.admin<{ balance: number }>('GET', `/members/${mia.id}/balance`)).toEqual({ memberId: mia.id, balance: earned });
  const live = await findMember(page, '+4915111112222');
  await expect(live.getByTestId('member-summary')).toContainText('live from HQ');
  await expect(live.getByTestId('member-balance')).toHaveAttribute('data-points', String(earned));

  // Online, the points pay part of the next sale; the rest is cash, which earns again.
  await live.getByRole('button', { name: 'Attach to sale' }).click();
  await page.getByRole('button', { name: 'Pay' }).click();
  const points = page.getByRole('form', { name: 'Points' });
  await expect(points.getByTestId('points-redeemable')).toContainText(`Can pay with ${earned} points`);
  await points.getByLabel('Points to redeem').fill(String(earned));
  await points.getByRole('button', { name: 'Pay with points' }).click();
  await expect(page.getByRole('list', { name: 'Payments taken' })).toContainText(`Points ${euros(earned)}`);
  await expect(page.getByTestId('tender-due')).toHaveText(euros(PRODUCT.price - earned));
  await expect(points.getByTestId('points-redeemable')).toContainText('Can pay with 0 points');
  await page.getByRole('button', { name: 'Cash' }).click();
  await page.getByRole('button', { name: 'Complete sale' }).click();
  await expect(page.getByTestId('sale-number')).toBeVisible();
  await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });
  expect(await journeys.hq.admin<{ balance: number }>('GET', `/members/${mia.id}/balance`)).toEqual({ memberId: mia.id, balance: pointsFor(PRODUCT.price - earned) });
});

test('offline enrolment of a phone HQ already knows: after sync the register shows HQ’s member, with the points', async ({ page }) => {
  await openTill(page);
  await setOffline(page, true, { backToScan: true });
  // Meanwhile the customer was enrolled at HQ (another store, the website) under the same phone.
  const onHq = await journeys.hq.admin<Member>('POST', '/members', { name: 'Lea Wong', phone: '0612 345 678', card: 'LEA00001' });

  await page.keyboard.press('F10');
  const dialog = page.getByRole('dialog', { name: 'Member' });
  await dialog.getByRole('button', { name: 'Enrol new member' }).click();
  await dialog.getByLabel('Name').fill('Lea W.');
  await dialog.getByLabel('Phone').fill('0612345678');
  await dialog.getByRole('button', { name: 'Enrol' }).click();
  await expect(dialog.getByTestId('member-pending')).toHaveText('pending');
  const localId = await dialog.getByTestId('member-summary').getAttribute('data-member-id');
  expect(localId).not.toBe(onHq.id);
  await dialog.getByRole('button', { name: 'Attach to sale' }).click();
  await expect(page.getByRole('region', { name: 'Member' }).getByTestId('member-pending')).toBeVisible();
  await payCash(page);
  const earned = pointsFor(PRODUCT.price);

  await setOffline(page, false, { backToScan: true });
  await expect(page.getByTestId('pending-sync')).toHaveText('0', { timeout: 20_000 });
  expect(await journeys.hq.admin<{ balance: number }>('GET', `/members/${onHq.id}/balance`)).toEqual({ memberId: onHq.id, balance: earned });

  // Looked up again (offline, from the register's own copy): HQ's id and name, no longer pending, with the points.
  await setOffline(page, true, { backToScan: true });
  await scan(page, PRODUCT.barcodes[0]!);
  const merged = await findMember(page, '0612345678');
  await expect(merged.getByTestId('member-summary')).toHaveAttribute('data-member-id', onHq.id);
  await expect(merged.getByTestId('member-name')).toHaveText('Lea Wong');
  await expect(merged.getByTestId('member-pending')).toHaveCount(0);
  await expect(merged.getByTestId('member-balance')).toHaveAttribute('data-points', String(earned));

  // HQ's card came with HQ's member: scanned in the cart's field, it attaches her to the sale.
  await merged.getByRole('button', { name: 'Cancel' }).click();
  await scan(page, 'LEA00001');
  await expect(page.getByRole('status').filter({ hasText: 'Member card' })).toContainText('Lea Wong');
  await expect(page.getByRole('region', { name: 'Member' }).getByTestId('member-name')).toHaveText('Lea Wong');
});
