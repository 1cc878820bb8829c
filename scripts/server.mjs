/**
 * `npm run server`: HQ, with its back-office console built. Builds the console (`out/console`) first when
 * it is missing or older than any file of `console/` or the console API's schemas, then runs HQ with
 * inherited stdio, passes SIGINT/SIGTERM on to it, and exits with its exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPackageBin } from './package-bin.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = path.join(ROOT, 'out', 'console', 'index.html');
const SOURCES = [path.join(ROOT, 'console'), path.join(ROOT, 'shared', 'hq', 'console.ts')];

/** The newest modification time under a file or folder (0 when it does not exist). */
function newest(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

// HQ_CONSOLE_DIR serves a build from elsewhere: that build is the operator's, not ours to make.
if (!process.env.HQ_CONSOLE_DIR) {
  const built = newest(BUILT);
  const reason = built === 0 ? 'it is not built yet' : SOURCES.some((s) => newest(s) > built) ? 'its sources changed since the last build' : null;
  if (reason) {
    process.stdout.write(`Building the console (${reason})…\n`);
    const status = runPackageBin('vite', ['build', '--config', 'console/vite.config.ts', '--logLevel', 'warn']);
    if (status !== 0) {
      process.stderr.write('Building the console failed (see above); HQ starts without it. Fix the build and run `npm run build:console`.\n');
    }
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, stdio: 'inherit' });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('error', (error) => {
  process.stderr.write(`Could not start HQ: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
