/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import type { Page, TestInfo } from '@playwright/test';
import { expect, scan, test } from './fixtures';
import { startHq, type RunningHq } from './support/hq-server';
import { setOffline, startEnrolledRegister, type EnrolledRegister } from './support/hq-till';
import { euros, FAST_CONNECTIVITY, payAndComplete, ringUp, SHELF, signInOnline, callRegister } from './support/shop';
import { REPO_ROOT } from './support/web-host';

/**
 * The HQ back-office console at /console, driven as an owner would: the first owner from HQ's setup link
 * sets up a store, a cashier and a register that then signs in; a price changed in the console reaches a
 * register's sale; a till switched offline shows in the fleet view with who switched it; a sale shows in
 * the takings. Every page passes axe and is photographed for docs/.
 */

const DEMO_OWNER = { email: 'owner@kassa.demo', password: 'kassa-demo-owner' };
const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const CATALOG = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'shared', 'demo', 'catalog.json'), 'utf8')) as { products: { sku: string; barcodes: string[]; name: string; price: number }[] };

let hq: RunningHq | null = null;
const tills: EnrolledRegister[] = [];
test.afterEach(async () => {
  for (const till of tills.splice(0)) await till.stop();
  await hq?.stop();
  hq = null;
});

async function signInToConsole(page: Page, url: string, { email, password } = DEMO_OWNER): Promise<void> {
  await page.goto(`${url}/console`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Console' })).toBeVisible();
}

async function goTo(page: Page, name: string, heading = name): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

/** A register enrolled with this HQ, open on its own page, signed in (online, so HQ checks the PIN). */
async function openTill(page: Page, running: RunningHq, { code = 'DEMO', pin = '1234' } = {}): Promise<EnrolledRegister> {
  const till = await startEnrolledRegister(running, { connectivity: FAST_CONNECTIVITY }, code);
  tills.push(till);
  await page.goto(till.register.url);
  await expect(page.getByTestId('connectivity')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await signInOnline(page, pin);
  return till;
}

async function expectAccessible(page: Page, screen: string, testInfo: TestInfo): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  if (results.violations.length) await testInfo.attach(`axe ${screen}`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `${screen}: serious or critical accessibility violations`,
  ).toEqual([]);
}

/**
 * A week of connectivity history for the demo HQ's registers, as their outboxes would have delivered it:
 * outages of each kind, so the fleet view shows what it is for. Written straight into HQ's SQLite file (HQ
 * reads it with its own connection); the till's own transitions from this test follow after it.
 */
function seedFleetWeek(running: RunningHq): void {
  const db = new Database(path.join(running.dataDir, 'hq.db'));
  try {
    const registers = db.prepare('SELECT id, store_id FROM registers').all() as { id: string; store_id: string }[];
    const day = 86_400_000;
    const start = Date.now() - 7 * day;
    const midnight = start - (start % day);
    const insert = db.prepare('INSERT INTO register_transitions (id, register_id, store_id, at, from_state, to_state, reasons, trigger, user_name, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const outages: [number, number, number, string[], string | null][] = [
      // [day, hour, minutes offline, reasons, who switched]
      [1, 9.5, 45, ['network'], null],
      [2, 14, 25, ['service:payments'], null],
      [3, 12, 20, ['manual'], 'Ana'],
      [4, 8, 150, ['network'], null],
      [5, 17, 35, ['service:catalog'], null],
      [6, 11, 60, ['network'], null],
    ];
    for (const register of registers) {
      let n = 0;
      const at = (d: number, hour: number) => midnight + d * day + hour * 3_600_000;
      insert.run(`seed-${register.id}-${n++}`, register.id, register.store_id, at(0, 7), 'offline', 'online', '[]', 'probe', null, Date.now());
      for (const [d, hour, minutes, reasons, who] of outages) {
        insert.run(`seed-${register.id}-${n++}`, register.id, register.store_id, at(d, hour), 'online', 'offline', JSON.stringify(reasons), reasons.includes('manual') ? 'manual' : 'probe', who, Date.now());
        insert.run(`seed-${register.id}-${n++}`, register.id, register.store_id, at(d, hour) + minutes * 60_000, 'offline', 'online', '[]', 'probe', null, Date.now());
      }
    }
  } finally {
    db.close();
  }
}

async function photograph(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}.png`) });
}

test('the first owner opens the setup link, sets up a store, a cashier and a register, and the register signs in with that PIN', async ({ page, context }, testInfo) => {
  test.setTimeout(120_000);
  hq = await startHq({ demo: false });
  const running = hq;
  await expect.poll(() => running.output(), { message: 'HQ prints its one-time setup link' }).toMatch(/\/console\/setup#\S+/);
  const link = /(http:\/\/\S+\/console\/setup#\S+)/.exec(running.output())![1]!;

  // Signing in first says where to start.
  await page.goto(`${running.url}/console`);
  await expect(page.getByText('HQ has no owner yet')).toBeVisible();
  await expectAccessible(page, 'sign-in', testInfo);
  await photograph(page, 'sign-in');

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Create the first owner' })).toBeVisible();
  await expectAccessible(page, 'setup', testInfo);
  await photograph(page, 'setup');
  await page.getByLabel('Your name').fill('Olga Owner');
  await page.getByLabel('Email').fill('olga@shop.test');
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByLabel('Repeat the password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create owner and sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Stores' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Console' })).toContainText('Olga Owner');

  // A store.
  const newStore = page.getByRole('form', { name: 'New store' });
  await newStore.getByLabel('Code').fill('HARBOUR');
  await newStore.getByLabel('Name').fill('Harbour Street');
  await newStore.getByLabel('Currency').fill('EUR');
  await newStore.getByRole('button', { name: 'Create store' }).click();
  await expect(page.getByRole('cell', { name: 'Harbour Street', exact: true })).toBeVisible();

  // A cashier with a PIN, which the page does not keep.
  await goTo(page, 'People');
  const addPerson = page.getByRole('form', { name: 'Add a cashier or manager' });
  await addPerson.getByLabel('Name').fill('Lena Lund');
  await addPerson.getByLabel('PIN').fill('4321');
  await addPerson.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('cell', { name: 'Lena Lund', exact: true })).toBeVisible();
  await expect(addPerson.getByLabel('PIN')).toHaveValue('');
  // A PIN is unique in the store: HQ's sentence says so, and nobody is added.
  await addPerson.getByLabel('Name').fill('Mats Berg');
  await addPerson.getByLabel('PIN').fill('4321');
  await addPerson.getByRole('button', { name: 'Add' }).click();
  await expect(addPerson.getByRole('alert')).toHaveText(/already has this PIN/);
  await expect(page.getByRole('cell', { name: 'Mats Berg', exact: true })).toHaveCount(0);

  // An enrolment code, shown once.
  await goTo(page, 'Stores');
  await page.getByRole('button', { name: 'Issue an enrolment code for Harbour Street' }).click();
  await page.getByRole('button', { name: 'Issue code' }).click();
  const code = (await page.getByTestId('enrolment-code').textContent())!.trim();
  expect(code.length).toBeGreaterThan(4);
  await expectAccessible(page, 'enrolment code', testInfo);
  await photograph(page, 'enrolment-code');

  // The register enrols with that code and Lena signs in with her PIN.
  const till = await context.newPage();
  await openTill(till, running, { code, pin: '4321' });
  await expect(till.getByTestId('scan-input')).toBeVisible();
  await expect(till.getByText('Lena Lund')).toBeVisible();

  // The console lists the register under the new store.
  await goTo(page, 'Registers');
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody')).toContainText('Harbour Street');
});

test.describe('with the demo HQ', () => {
  test.beforeEach(async () => {
    hq = await startHq();
  });

  test('a price changed in the console is the price the register sells at within 5 s', async ({ page, context }) => {
    test.setTimeout(90_000);
    const running = hq!;
    const item = SHELF[0]!;
    const product = CATALOG.products.find((p) => p.barcodes.includes(item.barcode))!;
    const till = await context.newPage();
    await openTill(till, running);
    await ringUp(till, [item], { waitForCatalog: true });
    await payAndComplete(till, 'cash');

    await signInToConsole(page, running.url);
    await goTo(page, 'Catalog');
    await page.getByLabel('Search products').fill(product.sku);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('button', { name: `Edit ${product.name}` }).click();
    const newPrice = product.price + 111;
    await page.getByLabel('Price (EUR)').fill((newPrice / 100).toFixed(2));
    await page.getByRole('button', { name: 'Save' }).click();
    const saved = Date.now();
    await expect(page.getByRole('status')).toContainText(`now costs ${euros(newPrice)}`);

    await expect
      .poll(async () => {
        const found = await callRegister<{ product: { price: number } }>(till, 'catalog.lookup', { code: item.barcode });
        return found.ok ? found.value.product.price : null;
      }, { timeout: 5000, intervals: [100] })
      .toBe(newPrice);
    expect(Date.now() - saved).toBeLessThan(5000);
    await till.getByTestId('scan-input').focus();
    await scan(till, item.barcode);
    await expect(till.getByTestId('cart-total')).toHaveText(euros(newPrice));
    await payAndComplete(till, 'cash');

    // An import answers with its row report: what was taken, and each refused row with why.
    const csv = ['sku,barcodes,name,price,taxClass', 'SKU-E2E-1,2000000000015,Harbour Lemonade 330 ml,149,standard', 'SKU-E2E-2,2000000000022,Broken Row,not-a-price,standard'].join('\n');
    await page.getByLabel('CSV or JSON file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText('Imported 1 product. Rows refused: 1.');
    const rejected = page.getByRole('table', { name: 'Refused rows' });
    await expect(rejected.locator('tbody tr')).toHaveCount(1);
    await expect(rejected.locator('tbody tr')).toContainText('price');
  });

  test('a till switched offline shows offline, switched by its cashier, in the fleet view within 5 s', async ({ page, context }) => {
    test.setTimeout(90_000);
    const running = hq!;
    const till = await context.newPage();
    await openTill(till, running);
    await signInToConsole(page, running.url);
    await goTo(page, 'Fleet', 'Fleet connectivity');
    const row = page.locator('table.fleet tbody tr').first();
    // Online, or not reported yet: a register that enrolled after it came online first reports on its
    // minute tick. Either way not offline, so what follows is the switch's doing.
    await expect(row.getByTestId('register-state')).toHaveAttribute('data-state', /^(online|unknown)$/);

    await setOffline(till, true);
    const switched = Date.now();
    await expect(row.getByTestId('register-state')).toContainText('Offline — switched by Ana', { timeout: 5000 });
    await expect(row.getByTestId('register-state')).toHaveAttribute('data-state', 'offline');
    expect(Date.now() - switched).toBeLessThan(5000);
  });

  test('a sale shows in the takings', async ({ page, context }) => {
    test.setTimeout(90_000);
    const running = hq!;
    const till = await context.newPage();
    await openTill(till, running);
    const total = await ringUp(till, SHELF.slice(0, 3), { waitForCatalog: true });
    await payAndComplete(till, 'cash');

    await signInToConsole(page, running.url);
    await goTo(page, 'Money');
    const takings = page.getByTestId('takings');
    await expect(async () => {
      await page.reload();
      await expect(takings.locator('tbody tr').filter({ hasText: 'Cash' })).toHaveCount(1, { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(takings.locator('tbody tr').filter({ hasText: 'Cash' })).toContainText(euros(total));
    await expect(page.getByTestId('takings-net')).toHaveText(euros(total));
  });

  test('an owner adds a store manager, who after signing in sees only their store and no console users', async ({ page }) => {
    const running = hq!;
    await signInToConsole(page, running.url);
    const newStore = page.getByRole('form', { name: 'New store' });
    await newStore.getByLabel('Code').fill('S02');
    await newStore.getByLabel('Name').fill('Riverside');
    await newStore.getByRole('button', { name: 'Create store' }).click();
    await expect(page.getByRole('cell', { name: 'Riverside', exact: true })).toBeVisible();

    await goTo(page, 'Console users');
    const add = page.getByRole('form', { name: 'Add a console user' });
    await add.getByLabel('Name').fill('Sam Store');
    await add.getByLabel('Email').fill('sam@shop.test');
    await add.getByLabel('Role').selectOption('store-manager');
    await add.getByLabel('Password').fill('sam-is-the-manager');
    await add.getByRole('button', { name: 'Add user' }).click();
    await expect(add.getByRole('alert')).toHaveText('Choose the stores this manager works for.');
    await add.getByLabel('Kassa Demo Store (S01)').check();
    await add.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByRole('cell', { name: 'sam@shop.test', exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await page.getByLabel('Email').fill('sam@shop.test');
    await page.getByLabel('Password').fill('sam-is-the-manager');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Stores' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Kassa Demo Store', exact: true })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Riverside', exact: true })).toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Console users' })).toHaveCount(0);
    await expect(page.getByRole('form', { name: 'New store' })).toHaveCount(0);
  });

  test('every console page passes axe, and is photographed', async ({ page, context }, testInfo) => {
    test.setTimeout(120_000);
    const running = hq!;
    // A register with a sale and a stretch offline, so the pages show what they are for.
    const till = await context.newPage();
    await openTill(till, running);
    await ringUp(till, SHELF.slice(0, 2), { waitForCatalog: true });
    await payAndComplete(till, 'cash');
    await setOffline(till, true);
    seedFleetWeek(running);

    await signInToConsole(page, running.url);
    const pages: [string, string, string][] = [
      ['Stores', 'Stores', 'stores'],
      ['Registers', 'Registers', 'registers'],
      ['People', 'People', 'people'],
      ['Catalog', 'Catalog', 'catalog'],
      ['Promotions', 'Promotions', 'promotions'],
      ['Money', 'Money', 'money'],
      ['Fleet', 'Fleet connectivity', 'fleet'],
      ['Audit log', 'Audit log', 'audit'],
      ['Console users', 'Console users', 'users'],
    ];
    for (const [link, heading, name] of pages) {
      await goTo(page, link, heading);
      await expect(page.getByText('Loading…')).toHaveCount(0);
      await expectAccessible(page, name, testInfo);
      await photograph(page, name);
    }

    // The revoke confirmation is a page of its own for the keyboard.
    await goTo(page, 'Registers');
    await page.getByRole('button', { name: /^Revoke / }).first().click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectAccessible(page, 'revoke dialog', testInfo);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();

    // In Chinese too.
    await page.getByLabel('Language').selectOption('zh-CN');
    await expect(page.getByRole('heading', { level: 1, name: '收银机' })).toBeVisible();
    await expectAccessible(page, 'registers (zh-CN)', testInfo);
    await page.getByRole('navigation', { name: '控制台' }).getByRole('link', { name: '设备联网', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: '设备联网' })).toBeVisible();
    await expectAccessible(page, 'fleet (zh-CN)', testInfo);
    await photograph(page, 'fleet-zh-CN');
  });
});
