import fs from 'node:fs';
import path from 'node:path';

export const ELECTRON_BINDING_FILE = 'better_sqlite3.node';

/**
 * Where the Electron-ABI build of better-sqlite3 lives: `native/electron/` in a checkout (built by
 * `scripts/rebuild-electron.mjs`), `resources/native/` in an installed app. Node (tests, web host) uses
 * the module's own build, so both can sit side by side.
 */
export function electronNativeBinding(isPackaged: boolean, resourcesPath: string, appPath: string): string | undefined {
  const candidate = isPackaged
    ? path.join(resourcesPath, 'native', ELECTRON_BINDING_FILE)
    : path.join(appPath, 'native', 'electron', ELECTRON_BINDING_FILE);
  return fs.existsSync(candidate) ? candidate : undefined;
}
