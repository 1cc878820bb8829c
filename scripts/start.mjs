/**
 * `npm start`: the desktop app. Builds better-sqlite3 for Electron (native/electron/, skipped when current),
 * bundles main, preload and renderer with electron-vite into out/, and runs Electron on this folder
 * (package.json "main" is out/main/main.js).
 *
 * Where Electron's binary is not installed (its download from GitHub was skipped or blocked), it says so
 * and runs the browser preview (scripts/preview.mjs) instead: the same register core and renderer,
 * served on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedHq } from './embedded-hq.mjs';
import { runPackageBin } from './package-bin.mjs';
import { electronStatus } from './electron-available.mjs';
import { REBUILD_HINT, rebuildElectronNative } from './rebuild-electron.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs a child with inherited stdio, passes SIGINT/SIGTERM on to it, and exits with its exit code. */
function runForwarding(command, args, options = {}) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: registerEnv, ...options });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => {
    process.stderr.write(`Could not start ${path.basename(command)}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    hq?.stop();
    process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
  });
}

let hq = null;
try {
  hq = await startEmbeddedHq();
} catch (error) {
  process.stderr.write(`Kassa: ${error instanceof Error ? error.message : String(error)}; starting in demo mode without HQ.\n`);
}
const registerEnv = hq ? { ...process.env, KASSA_HQ_URL: hq.url, KASSA_ENROLMENT_CODE: process.env.KASSA_ENROLMENT_CODE || hq.enrolmentCode } : { ...process.env };
process.on('exit', () => hq?.stop());


const status = electronStatus();

if (status.path === null) {
  process.stderr.write(
    [
      `Kassa: Electron is not installed on this machine, so the desktop app cannot start.`,
      `  What is missing: ${status.reason}.`,
      `  Electron's binary is downloaded from GitHub's release downloads when its package installs; here that`,
      `  download was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD) or blocked.`,
      `  To get it, on a machine that can reach https://github.com/electron/electron/releases:`,
      `    npm rebuild electron        (re-runs its download; or a fresh \`npm install\`, without ELECTRON_SKIP_BINARY_DOWNLOAD)`,
      `  or download through a mirror you can reach:`,
      `    ELECTRON_MIRROR=https://your-mirror.example/electron/ npm rebuild electron`,
      `Starting the browser preview instead (npm run preview): the same register, in a browser.`,
      '',
    ].join('\n'),
  );
  runForwarding(process.execPath, [path.join(ROOT, 'scripts', 'preview.mjs')]);
} else {
  try {
    await rebuildElectronNative();
  } catch (error) {
    process.stderr.write(
      `Kassa: could not build better-sqlite3 for Electron: ${error instanceof Error ? error.message : String(error)}\n` +
        `  ${REBUILD_HINT}\n` +
        `  The browser preview does not need it: npm run preview\n`,
    );
    process.exit(1);
  }
  if (runPackageBin('electron-vite', ['build']) !== 0) {
    process.stderr.write('Kassa: the electron-vite build failed (see the messages above).\n');
    process.exit(1);
  }
  const env = { ...process.env };
  // Set, it would make Electron behave as plain Node and ignore the app.
  delete env.ELECTRON_RUN_AS_NODE;
  runForwarding(status.path, ['.'], { env });
}
