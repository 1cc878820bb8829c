/**
 * A small filesystem of its own for a test (a tmpfs of a few MiB mounted on a temp folder), to fill up:
 * what a register or HQ does when its disk is full. Needs root (or CAP_SYS_ADMIN) and `mount`; the
 * `loopfs` capability says whether this machine can.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Availability } from '../../shared/testing/capabilities';

export interface SmallFs {
  /** The mounted folder. */
  dir: string;
  /** Fills the filesystem with a filler file until the OS answers ENOSPC; returns the bytes written. */
  fill(): number;
  /** Deletes the filler: the space is back. */
  free(): void;
  freeBytes(): number;
  unmount(): void;
}

let support: Availability | null = null;

/** Whether a tmpfs can be mounted here (tried once per process). */
export function smallFsSupport(): Availability {
  if (support) return support;
  if (process.platform !== 'linux') return (support = { ok: false, reason: `mounting a tmpfs needs Linux, this is ${process.platform}` });
  try {
    const trial = mountSmallFs(1);
    trial.unmount();
    support = { ok: true };
  } catch (error) {
    support = { ok: false, reason: `could not mount a tmpfs (needs root or CAP_SYS_ADMIN): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
  return support;
}

export function mountSmallFs(sizeMiB: number): SmallFs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-smallfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    fs.rmdirSync(dir);
    throw error;
  }
  const filler = path.join(dir, 'filler.bin');
  let mounted = true;
  return {
    dir,
    fill: () => {
      const chunk = Buffer.alloc(64 * 1024, 0x5a);
      const fd = fs.openSync(filler, 'a');
      let written = 0;
      try {
        // Big writes first, then ever smaller ones, until not one byte more fits.
        for (const size of [chunk.length, 4096, 512, 1]) {
          try {
            for (;;) written += fs.writeSync(fd, chunk.subarray(0, size));
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      return written;
    },
    free: () => fs.rmSync(filler, { force: true }),
    freeBytes: () => {
      const stats = fs.statfsSync(dir);
      return stats.bavail * stats.bsize;
    },
    unmount: () => {
      if (!mounted) return;
      mounted = false;
      execFileSync('umount', ['-l', dir]);
      fs.rmdirSync(dir);
    },
  };
}
