import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './e2e/support/browser';

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure', viewport: { width: 1366, height: 768 } },
  projects: [
    {
      name: 'web',
      testIgnore: 'electron/**',
      use: { browserName: 'chromium', launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS } },
    },
    // The journeys take their register from a fixture (e2e/support/till.ts), so they run in the Electron app too.
    {
      name: 'electron',
      testMatch: ['electron/**/*.spec.ts', 'shift.spec.ts', 'resilience.spec.ts'],
      use: { launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS } },
    },
  ],
});
