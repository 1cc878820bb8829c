/**
 * Is a runnable Electron installed? `require('electron')` from plain Node returns the path of the
 * executable when the binary was downloaded, and throws ("Electron failed to install correctly…") when the
 * download was skipped or blocked: the JS and type definitions are there, `path.txt` and `dist/` are not.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @returns {{ path: string, reason?: undefined } | { path: null, reason: string }} */
export function electronStatus() {
  let executable;
  try {
    executable = require('electron');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error && typeof error === 'object' && 'code' in error && error.code === 'MODULE_NOT_FOUND' && message.includes("'electron'")) {
      return { path: null, reason: 'the electron package is not installed (node_modules/electron is missing)' };
    }
    if (message.includes('Electron failed to install correctly')) {
      return { path: null, reason: 'node_modules/electron is installed but its binary is not (no path.txt or dist/: the download was skipped or failed)' };
    }
    return { path: null, reason: `require("electron") failed: ${message.split('\n')[0]}` };
  }
  if (typeof executable !== 'string' || executable === '') {
    return { path: null, reason: 'require("electron") did not return the path of an executable' };
  }
  if (!fs.existsSync(executable)) {
    return { path: null, reason: `the Electron executable ${executable} does not exist` };
  }
  return { path: executable };
}

/** The Electron executable's path, or `null` when Electron cannot run here (see `electronStatus().reason`). */
export function electronBinary() {
  return electronStatus().path;
}

/** The installed Electron version (from node_modules/electron/package.json), or `null`. */
export function electronVersion() {
  try {
    return /** @type {{ version: string }} */ (require('electron/package.json')).version;
  } catch {
    return null;
  }
}
