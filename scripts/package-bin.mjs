import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** The path of a package's bin script, so it runs with this Node (no npx or shell needed, on any OS). */
export function packageBin(pkg, bin = pkg) {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = require(manifestPath);
  const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  return path.join(path.dirname(manifestPath), relative);
}

/** Runs a package's bin script in the repo root; returns its exit code. */
export function runPackageBin(pkg, args, stdio = 'inherit') {
  return spawnSync(process.execPath, [packageBin(pkg), ...args], { cwd: ROOT, stdio }).status ?? 1;
}
