import fs from 'node:fs';
import { chromium } from '@playwright/test';

/** Flags that keep Debian's Chromium quiet on a machine with no outside network. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium or Playwright's own, whichever exists; a clear error naming both installs if neither. */
export function chromiumExecutable(): string | undefined {
  if (process.env.KASSA_CHROMIUM && fs.existsSync(process.env.KASSA_CHROMIUM)) return process.env.KASSA_CHROMIUM;
  if (fs.existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  let bundled = '';
  try {
    bundled = chromium.executablePath();
  } catch {
    // Playwright has no browser of its own here.
  }
  if (bundled && fs.existsSync(bundled)) return undefined; // Playwright's default finds it.
  throw new Error(
    'No Chromium for the end-to-end tests. Install one of them:\n' +
      '  sudo apt-get install -y chromium        (Debian/Ubuntu; used from /usr/bin/chromium)\n' +
      '  npx playwright install chromium         (Playwright’s own build)',
  );
}
