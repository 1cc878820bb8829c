import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { writeFileAtomic } from '../fs/atomic-write';

/** The file whose OS lock says "a register runs on this folder". */
export const LOCK_FILE = 'kassa.lock';
/** Who holds the lock: written by the holder beside the lock, read by whoever is refused. */
export const LOCK_HOLDER_FILE = 'kassa.lock.json';

export interface LockHolder {
  pid: number;
  host: string;
  /** ms UTC */
  startedAt: number;
  command: string;
}

export interface DataFolderLock {
  readonly dataDir: string;
  release(): void;
}

/** Another process (or this one, a second time) runs a register on this data folder. */
export class DataFolderLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(lockedMessage(dataDir, holder));
    this.name = 'DataFolderLockedError';
  }
}

/** Folders this process holds, so a second attempt from the same process is refused whatever the OS says. */
const heldHere = new Set<string>();

/**
 * Takes the data folder for this process: one register per folder. The lock is SQLite's own exclusive
 * lock on `<dataDir>/kassa.lock` (an OS byte-range lock), held for as long as the process keeps it open:
 * the kernel drops it when the process ends, however it ends, so a register killed with SIGKILL or a power
 * cut never leaves a lock that blocks the next start. Who holds it goes to `kassa.lock.json`.
 *
 * POSIX locks belong to the process and go when it closes ANY descriptor of the file: nothing else in this
 * process may open `kassa.lock` (a backup or a support bundle copying the folder must skip it). SQLite's
 * own connections are safe: SQLite keeps such a descriptor open until its locks on the file are gone.
 *
 * Throws DataFolderLockedError naming the holder when the folder is taken.
 */
export function lockDataFolder(dataDir: string, options: { nativeBinding?: string; now?: () => number } = {}): DataFolderLock {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const key = realKey(dir);
  if (heldHere.has(key)) throw new DataFolderLockedError(dir, readHolder(dir));
  const db = new Database(path.join(dir, LOCK_FILE), { timeout: 0, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new DataFolderLockedError(dir, readHolder(dir));
    throw error;
  }
  heldHere.add(key);
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: (options.now ?? Date.now)(), command: commandLine() };
  try {
    writeFileAtomic(path.join(dir, LOCK_HOLDER_FILE), `${JSON.stringify(holder, null, 2)}\n`);
  } catch {
    // A full disk at start: the lock holds all the same, a refused start just cannot name us.
  }
  let released = false;
  return {
    dataDir: dir,
    release: () => {
      if (released) return;
      released = true;
      heldHere.delete(key);
      db.close();
    },
  };
}

/** What `kassa.lock.json` says, or null when it is missing or unreadable. */
export function readHolder(dataDir: string): LockHolder | null {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_HOLDER_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof raw.pid !== 'number' || typeof raw.startedAt !== 'number') return null;
    return { pid: raw.pid, host: String(raw.host ?? ''), startedAt: raw.startedAt, command: String(raw.command ?? '') };
  } catch {
    return null;
  }
}

/** "Kassa is already running on this data folder (/path): process 1234 (node … web-host.ts) since 23:10. …" */
export function lockedMessage(dataDir: string, holder: LockHolder | null, now = Date.now()): string {
  const who = holder
    ? `process ${holder.pid}${holder.host && holder.host !== os.hostname() ? ` on ${holder.host}` : ''}${holder.command ? ` (${holder.command})` : ''} since ${since(holder.startedAt, now)}`
    : 'another process';
  return `Kassa is already running on this data folder (${dataDir}): ${who}. Close it first, or start with another data folder (KASSA_DATA_DIR).`;
}

function since(at: number, now: number): string {
  const date = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return new Date(now).toDateString() === date.toDateString() ? time : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** The command that started this process, shortened to what names it (node … web-host.ts). */
function commandLine(): string {
  const [exe, ...args] = process.argv;
  const text = [path.basename(exe ?? process.execPath), ...args.map((arg) => (path.isAbsolute(arg) ? path.basename(arg) : arg))].join(' ');
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function realKey(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
