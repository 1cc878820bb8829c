import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { startHq } from './support/hq-server';
import { startEnrolledRegister } from './support/hq-till';
import { callRegister, FAST_CONNECTIVITY, payAndComplete, ringUp, SHELF, signInOnline } from './support/shop';
import { REPO_ROOT } from './support/web-host';

/**
 * The status bar's words for each reason a till is offline, as a cashier reads them. Detection bounds
 * are proven in connectivity.spec.ts and resilience.spec.ts; this checks what the bar says.
 */
const TIME = String.raw`\d{1,2}:\d{2}(\s?[AP]M)?`;

test('manual offline says who switched it and when; F1 shows the shortcuts and Escape gives focus back', async ({ till }) => {
  await signIn(till);
  await expect(till.getByTestId('scan-input')).toBeFocused();
  const connectivity = till.getByTestId('connectivity');
  await expect(connectivity).toHaveText(/Online/);
  await till.getByTestId('offline-toggle').click();
  await expect(connectivity).toHaveAttribute('data-reasons', 'manual');
  await expect(connectivity).toHaveText(new RegExp(`^⚠Offline — switched by Ana at ${TIME}$`));
  await expect(till.getByTestId('offline-toggle')).toHaveText('Go online');
  // Demo mode has no HQ, so no "reachable again" hint.
  await expect(till.getByText('HQ reachable again')).toHaveCount(0);

  // The Go offline button kept the focus; the cashier goes back to scanning.
  await till.getByTestId('scan-input').focus();
  await till.keyboard.press('F1');
  const sheet = till.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  for (const key of ['F2', 'F9', 'F10', 'Alt+D', 'Esc']) await expect(sheet.locator('kbd', { hasText: new RegExp(`^${key.replace('+', '\\+')}$`) }).first()).toBeVisible();
  await expect(sheet.getByRole('button', { name: /Close/ })).toBeFocused();
  // Keys of the screen behind do nothing while the sheet is open.
  await till.keyboard.press('F2');
  await expect(till.getByRole('dialog')).toHaveCount(1);
  await till.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);
  await expect(till.getByTestId('scan-input')).toBeFocused();

  await till.getByRole('button', { name: /^Help/ }).click();
  await expect(till.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
});

test('a degraded service, the cashier’s switch on top of it, then HQ not reachable: the bar names every reason, the most important first', async ({ page }) => {
  const { hq, register, stop } = await hqRegister();
  try {
    await page.goto(register.url);
    const connectivity = page.getByTestId('connectivity');
    await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    await expect(connectivity).toHaveText('●Online');
    await signIn(page);
    await expect(page.getByTestId('scan-input')).toBeFocused();

    // The membership service fails while the network is fine: checkout works, so the pill says Limited, not an outage.
    await hq.admin('POST', '/admin/faults', { domain: 'membership', mode: 'error', rate: 1 });
    await callRegister(page, 'membership.lookup', { query: '+4915112345678' });
    await expect(connectivity).toHaveAttribute('data-reasons', 'service:membership', { timeout: 10_000 });
    await expect(connectivity).toHaveAttribute('data-state', 'offline');
    await expect(connectivity).toHaveAttribute('data-display', 'limited');
    await expect(connectivity).toHaveText("◐Limited — members from this register's copy");
    await expect(page.getByTestId('offline-toggle')).toHaveText('Go offline');

    // The cashier switches offline as well: their switch comes first, the service after it.
    await page.getByTestId('offline-toggle').click();
    await expect(connectivity).toHaveAttribute('data-reasons', /manual/);
    await expect(connectivity).toHaveText(new RegExp(`^⚠Offline — switched by Ana at ${TIME}; membership service degraded$`));
    await expect(page.getByRole('status').filter({ hasText: 'HQ reachable again' })).toBeVisible();

    // HQ stops answering its health probe: not reachable, and the hint goes.
    await hq.admin('DELETE', '/admin/faults');
    await hq.admin('POST', '/admin/faults', { route: '/health', mode: 'error', rate: 1 });
    await expect(connectivity).toHaveAttribute('data-reasons', /network/, { timeout: 10_000 });
    await expect(connectivity).toHaveText(new RegExp(`^⚠Offline — switched by Ana at ${TIME}; HQ not reachable since ${TIME}`));
    await expect(page.getByText('HQ reachable again')).toHaveCount(0);

    // Fixed: HQ answers, the cashier goes back online.
    await hq.admin('DELETE', '/admin/faults');
    await expect(page.getByText('HQ reachable again')).toBeVisible({ timeout: 10_000 });
    await page.getByTestId('offline-toggle').click();
    await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
    await expect(connectivity).toHaveText('●Online');
  } finally {
    await stop();
  }
});

const FAST_STATUS = { connectivity: FAST_CONNECTIVITY };

/** A picture with the test's results; with KASSA_SCREENSHOTS=1 also the README's copy in docs/. */
async function shot(target: Page | Locator, name: string, testInfo: TestInfo) {
  await target.screenshot({ path: testInfo.outputPath(name), animations: 'disabled' });
  if (process.env.KASSA_SCREENSHOTS) await target.screenshot({ path: path.join(REPO_ROOT, 'docs', name), animations: 'disabled' });
}

/** A register with HQ (enrolled with the demo store), its data folder and HQ; `settings` go into settings.json. */
async function hqRegister(settings: object = {}) {
  const hq = await startHq();
  const { register, stop } = await startEnrolledRegister(hq, { ...FAST_STATUS, ...settings });
  return {
    hq,
    register,
    stop: async () => {
      await stop();
      await hq.stop();
    },
  };
}

/**
 * What "one line" means, measured in the page: every item of the bar sits in the pill's row and inside the
 * bar (none pushed past its right edge, where the bar clips), no text inside an item breaks onto a second
 * line, and the bar is no taller than the pill and its padding.
 */
async function measureBar(page: Page) {
  return page.locator('.status-bar').evaluate((bar) => {
    const box = bar.getBoundingClientRect();
    const style = getComputedStyle(bar);
    const pill = bar.querySelector('.status-pill')!.getBoundingClientRect();
    const items = [...bar.children].filter((el) => el.getClientRects().length > 0 && !el.classList.contains('status-bar__notes'));
    // The notices' strip clips what does not fit; each notice must still show some of its words.
    const notes = bar.querySelector('.status-bar__notes')!.getBoundingClientRect();
    const hiddenNotes = [...bar.querySelectorAll('.status-bar__notes > *')].filter((el) => Math.min(el.getBoundingClientRect().right, notes.right) - el.getBoundingClientRect().left < 40).map((el) => el.className);
    const outOfRow = items
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.top + r.height / 2 < pill.top || r.top + r.height / 2 > pill.bottom || r.right > box.right - parseFloat(style.paddingRight) + 1 || r.left < box.left)
      .map(({ el }) => el.className);
    // A wrapped text has a line box wholly below another one (an icon taller than the words is still one line).
    const lines = (el: Element) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).sort((a, b) => a.top - b.top);
      let rows = rects.length ? 1 : 0;
      let bottom = rects[0]?.bottom ?? 0;
      for (const r of rects.slice(1)) {
        if (r.top >= bottom - 1) {
          rows++;
          bottom = r.bottom;
        } else bottom = Math.max(bottom, r.bottom);
      }
      return rows;
    };
    const wrapped = [...bar.querySelectorAll('.connectivity, .status-bar__hint, .status-bar__warning, .deadline, .pending, .status-bar__till, button')]
      .filter((el) => el.getClientRects().length > 0 && !el.closest('.status-details') && lines(el) > 1)
      .map((el) => el.className || el.tagName);
    return {
      height: box.height,
      pillHeight: pill.height,
      padding: parseFloat(style.paddingTop) + parseFloat(style.paddingBottom),
      outOfRow,
      wrapped,
      items: [...bar.querySelectorAll('.status-bar > *, .status-bar__notes > *')].map((el) => el.className),
      hiddenNotes,
      widths: items.map((el) => `${el.className.split(' ').pop()}:${Math.round(el.getBoundingClientRect().left)}+${Math.round(el.getBoundingClientRect().width)}`).join(' '),
      flexWrap: style.flexWrap,
      whiteSpace: style.whiteSpace,
    };
  });
}

async function expectOneLine(page: Page, oneLineHeight: number) {
  const m = await measureBar(page);
  expect(m.flexWrap).toBe('nowrap');
  expect(m.whiteSpace).toBe('nowrap');
  expect(m.outOfRow, `items out of the pill's row or past the bar's edge: ${m.outOfRow.join(', ')} (${m.widths})`).toEqual([]);
  expect(m.wrapped, `items whose text wraps: ${m.wrapped.join(', ')}`).toEqual([]);
  expect(m.hiddenNotes, `notices clipped away: ${m.hiddenNotes.join(', ')} (${m.widths})`).toEqual([]);
  expect(m.height).toBeLessThanOrEqual(m.pillHeight + m.padding + 8); // the buttons are a little taller than the pill
  expect(m.height).toBe(oneLineHeight);
  return m;
}

test('at 1366×768 the worst state stays on one line, in English and in Chinese; F11 and hover show every detail, Escape closes them', async ({ page }, testInfo) => {
  // No disk has this much free: the low-disk warning shows too.
  const { hq, register, stop } = await hqRegister({ storage: { lowSpaceMiB: 1_000_000_000 } });
  try {
    await page.goto(register.url);
    expect(page.viewportSize()).toEqual({ width: 1366, height: 768 });
    const connectivity = page.getByTestId('connectivity');
    await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    // (signInOnline reads any alert as a refused PIN, and the low-disk warning is an alert from the start.)
    await signIn(page);
    await expect(page.getByTestId('scan-input')).toBeFocused({ timeout: 20_000 });
    await ringUp(page, SHELF.slice(0, 1), { waitForCatalog: true });
    await payAndComplete(page, 'cash');
    await expect(page.getByTestId('disk-space')).toBeVisible();
    const { height: oneLine } = await measureBar(page);

    // A degraded service, the cashier's switch, HQ answering again, sales and a stored card payment waiting.
    await hq.admin('POST', '/admin/faults', { domain: 'membership', mode: 'error', rate: 1 });
    await callRegister(page, 'membership.lookup', { query: '+4915112345678' });
    await expect(connectivity).toHaveAttribute('data-reasons', 'service:membership', { timeout: 10_000 });
    await page.getByTestId('offline-toggle').click();
    await expect(connectivity).toHaveAttribute('data-reasons', 'manual service:membership');
    await page.getByTestId('scan-input').focus();
    await ringUp(page, SHELF.slice(1, 3));
    await payAndComplete(page, 'cash');
    await ringUp(page, SHELF.slice(3, 4));
    await payAndComplete(page, 'card', '4242424242424242');
    await expect(page.getByTestId('card-deadline')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('pending-sync')).not.toHaveText('0');
    await expect(page.getByRole('status').filter({ hasText: 'HQ reachable again' })).toBeVisible({ timeout: 10_000 });
    await expect(connectivity).toHaveAttribute('data-display', 'offline');
    await expect(connectivity).toHaveText(new RegExp(`^⚠Offline — switched by Ana at ${TIME}; membership service degraded$`));

    const m = await expectOneLine(page, oneLine);
    for (const item of ['status-pill', 'status-bar__hint', 'status-bar__disk', 'deadline', 'pending', 'status-bar__help']) expect(m.items.join(' ')).toContain(item);
    await shot(page, 'status-one-line-1366.png', testInfo);

    // F11: every reason with its time, HQ reachable again, the backlog; focus stays in the scan field.
    const details = page.getByTestId('status-details');
    const more = page.getByRole('button', { name: 'Status details' });
    await expect(details).toBeHidden();
    await page.getByTestId('scan-input').focus();
    await page.keyboard.press('F11');
    await expect(details).toBeVisible();
    await expect(more).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByTestId('scan-input')).toBeFocused();
    await expect(details.getByRole('listitem')).toHaveText([new RegExp(`^switched by Ana at ${TIME}$`), new RegExp(`^membership service degraded since ${TIME} — members from this register's copy$`)]);
    await expect(details).toContainText('HQ is reachable again: Go online sends what waits to upload.');
    const pending = (await page.getByTestId('pending-sync').textContent())!;
    await expect(details).toContainText(`${pending} operations waiting to upload, the oldest from`);
    await expect(details).toContainText('Disk space low');
    await expectOneLine(page, oneLine);
    const axe = await new AxeBuilder({ page }).include('.status-bar').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await shot(page, 'status-details.png', testInfo);
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();
    await expect(page.getByTestId('scan-input')).toBeFocused();

    // A mouse resting on the pill opens them; moving away closes them. A click keeps them open; Escape closes.
    await page.locator('.status-pill').hover();
    await expect(details).toBeVisible();
    await page.mouse.move(683, 600);
    await expect(details).toBeHidden();
    await more.click();
    await expect(details).toBeVisible();
    await page.mouse.move(683, 600);
    await expect(details).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();
    await expect(more).toBeFocused();

    // The same worst state in Chinese (the navigation row's language switch).
    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: '中文' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(connectivity).toHaveText(/^⚠离线 — Ana 于 .+ 切换为离线；会员服务降级$/);
    await expect(page.getByRole('status').filter({ hasText: '总部已可连接' })).toBeVisible();
    await expect(page.getByTestId('offline-toggle')).toHaveText('切换在线');
    await expectOneLine(page, oneLine);
    await shot(page, 'status-one-line-1366-zh.png', testInfo);
    await page.keyboard.press('F11');
    await expect(details).toContainText('总部已恢复连接');
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();
  } finally {
    await stop();
  }
});

test('Limited: with the membership service degraded the pill has its own colour, and a card is still authorised live by HQ', async ({ page }, testInfo) => {
  const { hq, register, stop } = await hqRegister();
  try {
    await page.goto(register.url);
    const connectivity = page.getByTestId('connectivity');
    await expect(connectivity).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    await signInOnline(page);
    await ringUp(page, SHELF.slice(0, 1), { waitForCatalog: true });
    const pill = page.locator('.status-pill');
    const onlineColour = await pill.evaluate((el) => getComputedStyle(el).backgroundColor);

    await hq.admin('POST', '/admin/faults', { domain: 'membership', mode: 'error', rate: 1 });
    await callRegister(page, 'membership.lookup', { query: '+4915112345678' });
    await expect(connectivity).toHaveAttribute('data-reasons', 'service:membership', { timeout: 10_000 });
    await expect(connectivity).toHaveAttribute('data-state', 'offline');
    await expect(connectivity).toHaveAttribute('data-display', 'limited');
    await expect(connectivity).toHaveText("◐Limited — members from this register's copy");
    const limitedColour = await pill.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(limitedColour).not.toBe(onlineColour);
    await shot(page.locator('.status-bar'), 'status-limited.png', testInfo);

    // The card goes to HQ now, not into the store-and-forward queue.
    const before = (await hq.admin<{ charges: unknown[] }>('GET', '/admin/charges')).charges.length;
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Card' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Card payments are authorised now.' })).toBeVisible();
    await expect(page.getByText(/card payments are stored/)).toHaveCount(0);
    await page.getByLabel('Card number').fill('4242424242424242');
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await expect(page.getByTestId('sale-number')).toHaveText(/^[A-Za-z0-9]+-[A-Za-z0-9]+-\d+$/);
    expect((await hq.admin<{ charges: { kind: string }[] }>('GET', '/admin/charges')).charges.slice(before)).toEqual([expect.objectContaining({ kind: 'charge', amount: SHELF[0]!.price })]);
    await expect(page.getByTestId('card-deadline')).toHaveCount(0);

    // Checkout itself degraded is an outage: the orange pill, the cashier told cards are stored.
    await hq.admin('POST', '/admin/faults', { domain: 'checkout', mode: 'error', rate: 1 });
    await page.getByRole('button', { name: 'New sale' }).click();
    await ringUp(page, SHELF.slice(1, 2));
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Card' }).click();
    await page.getByLabel('Card number').fill('4242424242424242');
    await page.getByRole('button', { name: 'Complete sale' }).click();
    await expect(connectivity).toHaveAttribute('data-reasons', /service:checkout/, { timeout: 10_000 });
    await expect(connectivity).toHaveAttribute('data-display', 'offline');
    expect(await pill.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(limitedColour);
  } finally {
    await stop();
  }
});

test('who is signed in and Sign out are in the navigation row, not the status bar; signing out goes back to the PIN', async ({ till }) => {
  await signIn(till);
  await expect(till.getByTestId('scan-input')).toBeFocused();
  const nav = till.getByRole('navigation', { name: 'Screens' });
  await expect(nav.getByTestId('signed-in-user')).toHaveText('Signed in Ana');
  await expect(till.locator('.status-bar')).not.toContainText('Ana');
  await expect(till.locator('.status-bar').getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await nav.getByRole('button', { name: 'Sign out' }).click();
  await expect(till.getByLabel('PIN')).toBeFocused();
  await expect(till.getByRole('navigation', { name: 'Screens' })).toHaveCount(0);

  // A manager's row: five screens, the language switch and the session, still one row.
  await signIn(till, '9999');
  await expect(nav.getByTestId('signed-in-user')).toHaveText('Signed in Max');
  const rows = await nav.evaluate((el) => new Set([...el.querySelectorAll('button')].map((b) => Math.round(b.getBoundingClientRect().top))).size);
  expect(rows).toBe(1);
});
