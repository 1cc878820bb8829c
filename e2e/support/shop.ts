import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { formatMoney } from '../../shared/money';
import { expect, scan, signIn } from '../fixtures';
import { REPO_ROOT } from './web-host';

/** What the journeys ring up: the demo catalog's first ten products (no promotion applies to them, so their prices add up to the amount due). */
export interface ShelfItem {
  barcode: string;
  name: string;
  price: number;
}

export const SHELF: ShelfItem[] = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { barcodes: string[]; name: string; price: number }[] }
).products
  .slice(0, 10)
  .map((p) => ({ barcode: p.barcodes[0]!, name: p.name, price: p.price }));

export const euros = (cents: number) => formatMoney(cents, 'EUR', 'en');

/**
 * Short connectivity timings for a journey (settings.json): a sustained outage shows within one probe
 * interval + T1 + the probe timeout.
 */
export const FAST_CONNECTIVITY = { t1Ms: 1000, t2Ms: 1000, t2OfflineMs: 500, probeTimeoutMs: 500, recoverSuccesses: 2, qosPollMs: 1000 };
/** The promised bound for going offline on a cut (a probe interval may start just before the cut: jitter allowance 10 %). */
export const OFFLINE_BOUND_MS = FAST_CONNECTIVITY.t2Ms * 1.1 + FAST_CONNECTIVITY.t1Ms + FAST_CONNECTIVITY.probeTimeoutMs;
/** The page hears of a change over the API's event stream and renders; a loaded CI machine gets some slack. */
export const UI_SLACK_MS = 1500;

/**
 * The first sign-in on a register with HQ: HQ checks the PIN (scrypt) and, on a loaded machine, may answer
 * after the register stopped waiting, which the register reports as a PIN it cannot check yet; the cashier
 * tries again, as this does (twice at most, well under the lockout).
 */
export async function signInOnline(page: Page, pin = '1234'): Promise<void> {
  const scanInput = page.getByTestId('scan-input');
  for (let attempt = 1; ; attempt++) {
    await signIn(page, pin);
    const outcome = await Promise.race([
      scanInput.waitFor({ state: 'visible', timeout: 15_000 }).then(
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
  await expect(scanInput).toBeFocused();
}

/**
 * Scans the items and checks the amount due; returns it in minor units. `waitForCatalog`: the register
 * pulls HQ's catalog after its first start, so the first item is scanned again until it is known.
 */
export async function ringUp(page: Page, items: ShelfItem[], options: { waitForCatalog?: boolean } = {}): Promise<number> {
  const [first, ...rest] = items;
  if (options.waitForCatalog) {
    await expect(async () => {
      await scan(page, first!.barcode);
      await expect(page.getByTestId('cart-total')).toHaveText(euros(first!.price), { timeout: 2000 });
    }).toPass({ timeout: 20_000 });
  } else await scan(page, first!.barcode);
  for (const item of rest) await scan(page, item.barcode);
  const total = items.reduce((sum, item) => sum + item.price, 0);
  await expect(page.getByTestId('cart-total')).toHaveText(euros(total));
  return total;
}

/** Pays the open cart in cash (the exact amount) or by card (an approving card unless given) and returns the sale number. */
export async function payAndComplete(page: Page, tender: 'cash' | 'card', cardNumber?: string): Promise<string> {
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByRole('button', { name: tender === 'cash' ? 'Cash' : 'Card' }).click();
  if (cardNumber) await page.getByLabel('Card number').fill(cardNumber);
  await page.getByRole('button', { name: 'Complete sale' }).click();
  return finishSale(page);
}

/** On the completed-sale screen: reads the sale number and starts a new sale. */
export async function finishSale(page: Page): Promise<string> {
  const number = page.getByTestId('sale-number');
  await expect(number).toHaveText(/^[A-Za-z0-9]+-[A-Za-z0-9]+-\d+$/);
  const text = (await number.textContent())!;
  await page.getByRole('button', { name: 'New sale' }).click();
  await expect(page.getByTestId('cart-total')).toHaveText(euros(0));
  return text;
}

/** A sale's sequence, the last part of its number. */
export const sequenceOf = (number: string) => Number(number.split('-').pop());

/**
 * A call to the register's API from the till's page (in the browser preview over its own WebSocket to
 * `/api`, the page's launch cookie authenticating it): the same call a screen makes, for steps whose
 * screen is not there yet.
 */
export async function callRegister<T>(page: Page, channel: string, input: unknown): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }> {
  return page.evaluate(
    async ([channel, input]) => {
      // Electron: the preload's bridge; the browser preview: a WebSocket of its own.
      const page = globalThis as unknown as { kassa?: { invoke(c: string, i: unknown): Promise<unknown> }; location: { protocol: string; host: string } };
      const bridge = page.kassa;
      if (bridge) return (await bridge.invoke(channel, input)) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
      const socket = new WebSocket(`${page.location.protocol === 'https:' ? 'wss' : 'ws'}://${page.location.host}/api`);
      await new Promise((resolve, reject) => {
        socket.addEventListener('open', resolve, { once: true });
        socket.addEventListener('error', reject, { once: true });
      });
      try {
        return await new Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>((resolve) => {
          socket.addEventListener('message', (message) => {
            const data = JSON.parse(String(message.data)) as { id?: number; result?: { ok: true; value: T } | { ok: false; error: { code: string; message: string } } };
            if (data.id === 1 && data.result) resolve(data.result);
          });
          socket.send(JSON.stringify({ id: 1, channel, input }));
        });
      } finally {
        socket.close();
      }
    },
    [channel, input] as const,
  );
}
