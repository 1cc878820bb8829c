/**
 * A power-cut filesystem for tests (scripts/powerfs/powerfs.py, a FUSE filesystem in Python): what is
 * written under `dir` stays in memory until fsync (files) or fsync of the directory (creates, unlinks,
 * renames). `cut()` loses everything else, as a machine losing power would, and mounts the durable state
 * again at the same place.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Availability } from '../../shared/testing/capabilities';

const SCRIPT = path.resolve(import.meta.dirname, '..', '..', 'scripts', 'powerfs', 'powerfs.py');
const CONTROL = '.powerfs';
const READY_LIMIT_MS = 10_000;

let support: { python: string; unmount: string[] } | { reason: string } | undefined;

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

function probe(): { python: string; unmount: string[] } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `FUSE power cuts run on Linux only (this is ${process.platform})` };
  try {
    fs.accessSync('/dev/fuse', fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    return { reason: '/dev/fuse is missing or not accessible' };
  }
  const fusermount = onPath('fusermount3') ?? onPath('fusermount');
  if (!fusermount) return { reason: 'neither fusermount3 nor fusermount is installed (apt-get install fuse3)' };
  // Debian's python3-fusepy is installed for the system python, which a pyenv or venv python3 on PATH may not see.
  const pythons = [...new Set(['/usr/bin/python3', onPath('python3')].filter((p): p is string => !!p && fs.existsSync(p)))];
  if (pythons.length === 0) return { reason: 'python3 is not installed' };
  for (const python of pythons) {
    const check = spawnSync(python, ['-c', 'try:\n import fuse\nexcept ImportError:\n import fusepy'], { encoding: 'utf8', timeout: 10_000 });
    if (check.status === 0) return { python, unmount: [fusermount, '-u', '-z'] };
  }
  return { reason: `fusepy is not installed for ${pythons.join(' or ')} (apt-get install python3-fusepy)` };
}

function supported(): { python: string; unmount: string[] } | { reason: string } {
  return (support ??= probe());
}

/** Whether powerfs can run here: Linux, /dev/fuse, fusermount, python3 with fusepy. */
export function powerfsSupport(): Availability {
  const s = supported();
  return 'reason' in s ? { ok: false, reason: s.reason } : { ok: true };
}

export interface PowerFs {
  /** The mounted folder: what programs write here is lost at a cut unless they made it durable. */
  readonly dir: string;
  /** The durable state: what a disk would hold after a power cut now. */
  readonly backing: string;
  /** How many cuts so far. */
  readonly cuts: number;
  /** Loses every write not made durable, then mounts what is left at the same place. Stop writers first. */
  cut(): Promise<void>;
  /** Makes everything durable (sync(2)): for setting a folder up. */
  sync(): void;
  /** Unmounts and removes the temp folder. */
  unmount(): Promise<void>;
}

function isMounted(dir: string): boolean {
  const mounts = fs.readFileSync('/proc/mounts', 'utf8');
  return mounts.split('\n').some((line) => line.split(' ')[1] === dir.replace(/ /g, '\\040'));
}

/** Mounts a fresh powerfs in a temp folder (throws when powerfsSupport() is not ok). */
export async function mountPowerfs(prefix = 'kassa-powerfs-'): Promise<PowerFs> {
  const s = supported();
  if ('reason' in s) throw new Error(`powerfs is not available: ${s.reason}`);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  const backing = path.join(root, 'backing');
  const dir = path.join(root, 'mnt');
  fs.mkdirSync(backing);
  fs.mkdirSync(dir);
  let daemon: ChildProcess | null = null;
  let errText = '';
  let cuts = 0;

  const start = async (): Promise<void> => {
    errText = '';
    const child = spawn(s.python, [SCRIPT, backing, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errText = (errText + chunk).slice(-4000)));
    daemon = child;
    const until = Date.now() + READY_LIMIT_MS;
    while (!(isMounted(dir) && fs.existsSync(path.join(dir, CONTROL)))) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`powerfs exited before mounting:\n${errText}`);
      if (Date.now() > until) throw new Error(`powerfs did not mount within ${READY_LIMIT_MS} ms:\n${errText}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const stop = async (): Promise<void> => {
    const child = daemon;
    daemon = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(late);
    }
    // SIGTERM unmounts; a folder still open somewhere (or a killed daemon) needs a lazy unmount.
    if (isMounted(dir)) spawnSync(s.unmount[0]!, [...s.unmount.slice(1), dir], { stdio: 'ignore' });
    if (isMounted(dir)) spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
  };

  const command = (word: string): void => {
    fs.writeFileSync(path.join(dir, CONTROL), `${word}\n`);
  };

  await start();
  return {
    dir,
    backing,
    get cuts() {
      return cuts;
    },
    cut: async () => {
      // From here on the filesystem refuses everything: late writebacks of the page cache go nowhere.
      command('cut');
      await stop();
      cuts++;
      await start();
    },
    sync: () => command('sync'),
    unmount: async () => {
      await stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
