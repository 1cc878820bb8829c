import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './support/web-host';
import { electronStatus } from '../scripts/electron-available.mjs';

/**
 * Builds the renderer and the HQ console once for the whole run, and says up front whether the Electron project can run.
 * `KASSA_RENDERER_DIR` builds into (and the web hosts serve from) another folder, so two runs at once do
 * not overwrite each other's build.
 */
export default function globalSetup(): void {
  const outDir = process.env.KASSA_RENDERER_DIR ? ['--outDir', process.env.KASSA_RENDERER_DIR, '--emptyOutDir'] : [];
  execFileSync(process.execPath, [`${REPO_ROOT}/node_modules/vite/bin/vite.js`, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn', ...outDir], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  // The console HQ serves at /console; `KASSA_CONSOLE_DIR` keeps a run's build apart, as for the renderer,
  // and the HQs the journeys start serve it from there (HQ_CONSOLE_DIR, inherited by their processes).
  const consoleDir = process.env.KASSA_CONSOLE_DIR ? ['--outDir', process.env.KASSA_CONSOLE_DIR, '--emptyOutDir'] : [];
  if (process.env.KASSA_CONSOLE_DIR) process.env.HQ_CONSOLE_DIR = process.env.KASSA_CONSOLE_DIR;
  execFileSync(process.execPath, [`${REPO_ROOT}/node_modules/vite/bin/vite.js`, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn', ...consoleDir], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  const electron = electronStatus();
  if (!electron.path) console.log(`Electron E2E project: skipped — ${electron.reason}`);
}
