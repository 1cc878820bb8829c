import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { strFromU8, unzipSync } from 'fflate';
import { expect, signIn, test } from './fixtures';
import { callRegister } from './support/shop';

test('a manager opens diagnostics with Alt+D, sees the switch in the timeline, and exports a support bundle without a secret in it', async ({ till, register }) => {
  await signIn(till, '9999');
  await expect(till.getByTestId('scan-input')).toBeFocused();
  // Something to see in the timeline: the manager switches offline and back.
  await till.getByTestId('offline-toggle').click();
  await expect(till.getByTestId('connectivity')).toHaveAttribute('data-reasons', 'manual');
  await till.getByTestId('offline-toggle').click();
  await expect(till.getByTestId('connectivity')).toHaveAttribute('data-state', 'online');

  await till.keyboard.press('Alt+d');
  await expect(till.getByRole('heading', { name: 'Diagnostics', level: 1 })).toBeVisible();
  await expect(till.getByRole('button', { name: /Diagnostics/ })).toHaveAttribute('aria-current', 'page');
  await expect(till.getByTestId('connectivity-timeline')).toHaveAttribute('aria-label', /Offline 1 time/);
  await expect(till.getByTestId('transitions')).toContainText('switched offline');
  await expect(till.getByTestId('transitions')).toContainText('Max');
  await expect(till.getByTestId('versions')).toContainText('Demo mode: no HQ');
  await expect(till.getByTestId('diag-pending')).toHaveText('0');

  const axe = await new AxeBuilder({ page: till }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  const downloading = till.waitForEvent('download');
  await till.getByTestId('export-bundle').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^kassa-support-S01-R01-\d{8}-\d{6}\.zip$/);
  await expect(till.getByRole('status').filter({ hasText: 'downloaded' })).toBeVisible();
  const files = unzipSync(fs.readFileSync(await download.path()));
  expect(Object.keys(files)).toEqual(expect.arrayContaining(['versions.json', 'settings.json', 'connectivity-log.json', 'counts.json', 'machine.json', 'logs/kassa.log']));
  const text = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
  expect(JSON.parse(text['connectivity-log.json']!)).toEqual(expect.arrayContaining([expect.objectContaining({ reasons: ['manual'], user: 'Max' })]));

  // The secrets this register holds: the page's token and the PIN hashes of its users.
  const token = new URL(register.url).searchParams.get('token')!;
  const db = new Database(path.join(register.dataDir, 'kassa.db'), { readonly: true, fileMustExist: true });
  const pinHashes = db.prepare<[], { pin_hash: string }>('SELECT pin_hash FROM users').all().map((r) => r.pin_hash);
  db.close();
  expect(token.length).toBeGreaterThan(10);
  expect(pinHashes.length).toBeGreaterThanOrEqual(2);
  for (const [name, content] of Object.entries(text)) {
    for (const secret of [token, ...pinHashes]) expect(content.includes(secret), `${name} holds a secret`).toBe(false);
    expect(content, name).not.toMatch(/scrypt\$/);
  }
});

test('a cashier has no diagnostics: no button, Alt+D does nothing, and the register refuses the call', async ({ till }) => {
  await signIn(till, '1234');
  await expect(till.getByTestId('scan-input')).toBeFocused();
  await expect(till.getByRole('button', { name: /Diagnostics/ })).toHaveCount(0);
  await till.keyboard.press('Alt+d');
  await expect(till.getByRole('heading', { name: 'Diagnostics' })).toHaveCount(0);
  await expect(till.getByTestId('scan-input')).toBeVisible();
  expect(await callRegister(till, 'diagnostics.bundle', {})).toMatchObject({ ok: false, error: { code: 'NOT_A_MANAGER' } });
});
