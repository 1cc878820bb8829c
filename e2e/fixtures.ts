import { test as base, expect, type Page } from '@playwright/test';
import { startRegister, type RunningRegister } from './support/web-host';

/** Each test gets its own web host, data folder and port, and a page already on the register. */
export const test = base.extend<{ register: RunningRegister; till: Page }>({
  // eslint-disable-next-line no-empty-pattern
  register: async ({}, use) => {
    const register = await startRegister();
    await use(register);
    await register.stop();
  },
  till: async ({ page, register }, use) => {
    await page.goto(register.url);
    await expect(page.getByTestId('connectivity')).toBeVisible();
    await use(page);
  },
});

export { expect };

/** Signs in with a PIN the way a cashier does: type it, press Enter. */
export async function signIn(page: Page, pin = '1234'): Promise<void> {
  await expect(page.getByLabel('PIN')).toBeFocused();
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
}

/** Scans a barcode as a keyboard-wedge scanner does: fast keystrokes, then Enter. */
export async function scan(page: Page, barcode: string): Promise<void> {
  await expect(page.getByTestId('scan-input')).toBeFocused();
  await page.keyboard.type(barcode, { delay: 5 });
  await page.keyboard.press('Enter');
}
