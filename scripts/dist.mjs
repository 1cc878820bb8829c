/**
 * `npm run dist [-- --linux|--win|…]`: installers in release/. Builds better-sqlite3 for Electron
 * (native/electron/), bundles with electron-vite, then runs electron-builder with build/electron-builder.yml;
 * extra arguments go to electron-builder as they are.
 *
 * Packaging needs Electron: without its binary (download skipped or blocked) this explains what is missing
 * and exits 1 rather than producing a broken installer.
 */
import { runPackageBin } from './package-bin.mjs';
import { electronStatus } from './electron-available.mjs';
import { REBUILD_HINT, rebuildElectronNative } from './rebuild-electron.mjs';

const status = electronStatus();
if (status.path === null) {
  process.stderr.write(
    [
      `npm run dist: Kassa cannot be packaged on this machine, because Electron is not installed here.`,
      `  What is missing: ${status.reason}.`,
      `  Why packaging needs it: the installer carries the Electron runtime, and better-sqlite3 has to be compiled`,
      `  for Electron's ABI against Electron's headers (a Node build of it does not load in Electron). Both are`,
      `  downloaded (from GitHub's release downloads and https://www.electronjs.org/headers), and this machine`,
      `  cannot reach them.`,
      `  On a machine that can download them, run:`,
      `    npm install && npm run dist              (add -- --linux or -- --win to pick the targets)`,
      `  The installers are written to release/.`,
      `  Meanwhile, on this machine:`,
      `    npm run preview                           (the same register in the browser, no Electron needed)`,
      `    npx vitest run scripts/packaging.test.ts  (checks the installer configuration and the icons)`,
      '',
    ].join('\n'),
  );
  process.exit(1);
}

try {
  await rebuildElectronNative();
} catch (error) {
  process.stderr.write(
    `npm run dist: could not build better-sqlite3 for Electron: ${error instanceof Error ? error.message : String(error)}\n  ${REBUILD_HINT}\n`,
  );
  process.exit(1);
}

if (runPackageBin('electron-vite', ['build']) !== 0) {
  process.stderr.write('npm run dist: the electron-vite build failed (see the messages above).\n');
  process.exit(1);
}

const extra = process.argv.slice(2);
// Never publish from a local build unless asked to.
const publish = extra.some((arg) => arg === '-p' || arg.startsWith('--publish')) ? [] : ['--publish', 'never'];
process.exit(runPackageBin('electron-builder', ['--config', 'build/electron-builder.yml', ...publish, ...extra]));
