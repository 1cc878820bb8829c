import fs from 'node:fs';

/**
 * The data folder holds the register's database (sales, PIN hashes, the device token) and its logs: only the
 * account Kassa runs as may read them. POSIX modes only; on Windows the per-user app data folder's ACL
 * already keeps other accounts out.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = () => process.platform !== 'win32';

/**
 * Creates `dir` (and its parents) if missing, and makes it 0700 even if it already existed wider. False when
 * it stays wider because another account owns it (a folder IT prepared): the caller says so in the log.
 */
export function ensurePrivateDir(dir: string): boolean {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!posix()) return true;
  try {
    fs.chmodSync(dir, PRIVATE_DIR_MODE);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return false;
    throw error;
  }
}

/** Creates `file` empty and 0600 if it does not exist yet (so whatever writes it next never makes it readable to others). */
export function createPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  restrictToOwner(file);
}

/** Makes each existing file 0600 (a file from an older version may be 0644); missing files are skipped. */
export function restrictToOwner(...files: string[]): void {
  if (!posix()) return;
  for (const file of files) {
    try {
      fs.chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
