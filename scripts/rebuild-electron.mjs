/**
 * Builds better-sqlite3 for Electron's ABI into native/electron/better_sqlite3.node, leaving
 * node_modules/better-sqlite3/build alone: that is the Node build the tests and the web host load. The
 * Electron main process passes this file to better-sqlite3 as `nativeBinding` (electron/host/native-binding.ts),
 * and electron-builder ships it as resources/native/better_sqlite3.node.
 *
 * The module is copied into a scratch app (.electron-native/app) and rebuilt there with @electron/rebuild
 * (a prebuilt binary via prebuild-install when one exists for this Electron, otherwise node-gyp against
 * Electron's headers). Skipped when native/electron/VERSION already names this Electron and better-sqlite3.
 *
 * Run by `npm start` and `npm run dist` (never on install). `node scripts/rebuild-electron.mjs [--force]`.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRATCH_APP = path.join(ROOT, '.electron-native', 'app');
const OUT_DIR = path.join(ROOT, 'native', 'electron');
const OUT_FILE = path.join(OUT_DIR, 'better_sqlite3.node');
const VERSION_FILE = path.join(OUT_DIR, 'VERSION');

export const REBUILD_HINT =
  'Building it needs either a prebuilt binary (downloaded from GitHub by prebuild-install) or Electron\'s headers ' +
  '(downloaded from https://www.electronjs.org/headers) plus a C++ toolchain and Python for node-gyp.';

function readVersion(packageJsonPath) {
  return /** @type {{ version: string }} */ (JSON.parse(fs.readFileSync(packageJsonPath, 'utf8'))).version;
}

function log(message) {
  process.stderr.write(`[rebuild-electron] ${message}\n`);
}

/**
 * @param {{ force?: boolean }} [options]
 * @returns {Promise<{ file: string, rebuilt: boolean }>}
 */
export async function rebuildElectronNative(options = {}) {
  const electronPackage = path.join(ROOT, 'node_modules', 'electron', 'package.json');
  if (!fs.existsSync(electronPackage)) throw new Error('node_modules/electron is not installed, so there is no Electron version to build for.');
  const electronVersion = readVersion(electronPackage);
  const moduleDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = readVersion(path.join(moduleDir, 'package.json'));
  const stamp = `electron ${electronVersion}\nbetter-sqlite3 ${sqliteVersion}\nplatform ${process.platform}-${process.arch}\n`;

  if (!options.force && fs.existsSync(OUT_FILE) && fs.existsSync(VERSION_FILE) && fs.readFileSync(VERSION_FILE, 'utf8') === stamp) {
    log(`better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} is up to date (native/electron/).`);
    return { file: OUT_FILE, rebuilt: false };
  }

  log(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})…`);
  fs.rmSync(SCRATCH_APP, { recursive: true, force: true });
  const scratchModule = path.join(SCRATCH_APP, 'node_modules', 'better-sqlite3');
  fs.mkdirSync(path.dirname(scratchModule), { recursive: true });
  fs.writeFileSync(
    path.join(SCRATCH_APP, 'package.json'),
    `${JSON.stringify({ name: 'kassa-electron-native', version: '0.0.0', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2)}\n`,
  );
  // Sources only: the Node build (build/) must not be mistaken for, or mixed into, the Electron one.
  const skip = new Set(['build', 'prebuilds', 'node_modules'].map((name) => path.join(moduleDir, name)));
  fs.cpSync(moduleDir, scratchModule, { recursive: true, filter: (source) => !skip.has(source) });

  // The build must use Electron's headers; an npm-wide `nodedir` (Node's own headers) would silently
  // produce a Node-ABI binary instead.
  for (const key of Object.keys(process.env)) if (key.toLowerCase() === 'npm_config_nodedir') delete process.env[key];

  const { rebuild } = await import('@electron/rebuild');
  const run = rebuild({
    buildPath: SCRATCH_APP,
    projectRootPath: SCRATCH_APP,
    electronVersion,
    arch: process.arch,
    onlyModules: ['better-sqlite3'],
    force: true,
  });
  run.lifecycle.on('module-found', (name) => log(`rebuilding ${name}`));
  await run;

  const built = path.join(scratchModule, 'build', 'Release', 'better_sqlite3.node');
  if (!fs.existsSync(built)) throw new Error(`@electron/rebuild finished but ${path.relative(ROOT, built)} was not produced.`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.rmSync(VERSION_FILE, { force: true });
  const partial = `${OUT_FILE}.partial`;
  fs.copyFileSync(built, partial);
  fs.renameSync(partial, OUT_FILE);
  fs.writeFileSync(VERSION_FILE, stamp);
  log(`wrote ${path.relative(ROOT, OUT_FILE)}`);
  return { file: OUT_FILE, rebuilt: true };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  rebuildElectronNative({ force: process.argv.includes('--force') }).catch((error) => {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    log(REBUILD_HINT);
    process.exitCode = 1;
  });
}
