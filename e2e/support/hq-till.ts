import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, signIn, test } from '../fixtures';
import { startHq, type RunningHq } from './hq-server';
import { FAST_CONNECTIVITY } from './shop';
import { startRegister, type RunningRegister } from './web-host';

/** A register enrolled with an HQ, in a data folder of its own. */
export interface EnrolledRegister {
  register: RunningRegister;
  dataDir: string;
  /** Stops the register and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * A register that enrols with this HQ on its first start (with `enrolmentCode`, the demo store's code
 * unless given), in a fresh data folder whose settings.json holds `settings` (short connectivity timings
 * unless given).
 */
export async function startEnrolledRegister(hq: RunningHq, settings: object = { connectivity: FAST_CONNECTIVITY }, enrolmentCode = 'DEMO'): Promise<EnrolledRegister> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-till-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify(settings));
  const register = await startRegister({ dataDir, env: { KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: enrolmentCode } });
  return {
    register,
    dataDir,
    stop: async () => {
      await register.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HqJourneys {
  /** This test's HQ. */
  readonly hq: RunningHq;
  /**
   * Opens an enrolled register on the page and signs in. `online`: waits for the till to show online first
   * (the first sign-in on a register is then checked by HQ).
   */
  open(page: Page, options?: { online?: boolean; settings?: object }): Promise<RunningRegister>;
}

/**
 * The lifecycle of a file of journeys against the real HQ: a fresh HQ for each test, the registers `open`
 * starts, and all of it stopped and removed after the test.
 */
export function hqJourneys(options: { timeoutMs?: number } = {}): HqJourneys {
  let hq: RunningHq | null = null;
  const tills: EnrolledRegister[] = [];
  test.beforeEach(async () => {
    if (options.timeoutMs) test.setTimeout(options.timeoutMs);
    hq = await startHq();
  });
  test.afterEach(async () => {
    for (const till of tills.splice(0)) await till.stop();
    await hq?.stop();
    hq = null;
  });
  const current = (): RunningHq => {
    if (!hq) throw new Error('HQ runs only inside a test');
    return hq;
  };
  return {
    get hq() {
      return current();
    },
    async open(page, { online = false, settings } = {}) {
      const till = await startEnrolledRegister(current(), settings);
      tills.push(till);
      await page.goto(till.register.url);
      if (online) await expect(page.getByTestId('connectivity')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
      await signIn(page);
      return till.register;
    },
  };
}

/** Presses the offline switch when the till is not already in that mode, and waits for the mode; `backToScan` puts focus back on the scan field. */
export async function setOffline(page: Page, offline: boolean, { backToScan = false } = {}): Promise<void> {
  const connectivity = page.getByTestId('connectivity');
  if ((await connectivity.getAttribute('data-state')) !== (offline ? 'offline' : 'online')) await page.getByTestId('offline-toggle').click();
  await expect(connectivity).toHaveAttribute('data-state', offline ? 'offline' : 'online', { timeout: 15_000 });
  if (backToScan) await page.getByTestId('scan-input').focus();
}
