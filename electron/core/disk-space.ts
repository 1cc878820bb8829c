import fs from 'node:fs';
import type { DiskSpace } from '../../shared/api';
import { KassaError } from '../../shared/errors';

export const MIB = 1024 * 1024;

/** A write that failed for want of space: SQLite's SQLITE_FULL, or the OS's ENOSPC / EDQUOT from a file write. */
export function isDiskFullError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

/** SQLite's I/O errors: on a disk with (almost) no space left, a failed write can surface as one of these. */
function isIoError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_IOERR');
}

export type StatFs = (dir: string) => { bavail: number | bigint; bsize: number | bigint; blocks: number | bigint };

export interface DiskSpaceMonitorOptions {
  /** The register's data folder: its filesystem is the one that fills. */
  dir: string;
  /** Below this many bytes free the status bar warns. */
  lowBytes: () => number;
  intervalMs: number;
  onChange: (space: DiskSpace) => void;
  statfs?: StatFs;
}

/**
 * Watches the free space on the data folder's filesystem (every `intervalMs`, and after each write that
 * failed for want of space): the status bar warns while it is below the threshold, and says the disk is
 * full after a write failed, until space comes back.
 */
export class DiskSpaceMonitor {
  private space: DiskSpace;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Free bytes when the last write failed for want of space; null while writes go through. */
  private freeAtFailure: number | null = null;
  private readonly statfs: StatFs;

  constructor(private readonly options: DiskSpaceMonitorOptions) {
    this.statfs = options.statfs ?? ((dir) => fs.statfsSync(dir));
    this.space = this.measure();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  current(): DiskSpace {
    return this.space;
  }

  /** Measures now; tells `onChange` when what the status bar shows changed. */
  check(): DiskSpace {
    const next = this.measure();
    const before = this.space;
    this.space = next;
    if (before.low !== next.low || before.full !== next.full || before.lowBytes !== next.lowBytes || (next.low && mib(before.freeBytes) !== mib(next.freeBytes))) this.options.onChange(next);
    return next;
  }

  /**
   * A call failed: when it was for want of space, the disk counts as full (until space comes back) and the
   * error the cashier gets says so. Returns that error, or null for any other failure.
   */
  failed(error: unknown, what: string, outcome: string): KassaError | null {
    let full = isDiskFullError(error);
    if (!full && isIoError(error)) full = (this.measure().freeBytes ?? Infinity) < MIB;
    if (!full) return null;
    this.freeAtFailure = this.measure().freeBytes ?? 0;
    const space = this.check();
    return new KassaError(
      'DISK_FULL',
      `The register's disk is full: ${what} was not saved. Free space on ${this.options.dir} (${mibText(space.freeBytes)} MiB free) or call IT; ${outcome}.`,
    );
  }

  /** A call went through: while the disk counted as full, look again (space may be back). */
  succeeded(): void {
    if (this.freeAtFailure === null) return;
    // A filesystem that cannot tell its free space: a call that went through is the best sign space is back.
    if (this.space.freeBytes === null) this.freeAtFailure = null;
    this.check();
  }

  private measure(): DiskSpace {
    const lowBytes = this.options.lowBytes();
    let freeBytes: number;
    let totalBytes: number;
    try {
      const stats = this.statfs(this.options.dir);
      freeBytes = Number(stats.bavail) * Number(stats.bsize);
      totalBytes = Number(stats.blocks) * Number(stats.bsize);
    } catch {
      // A filesystem that cannot say: nothing to warn about from here; a failed write still tells.
      return { path: this.options.dir, freeBytes: null, totalBytes: null, lowBytes, low: false, full: this.freeAtFailure !== null };
    }
    // Space came back (a megabyte or more since the failure): writes are worth trying again.
    if (this.freeAtFailure !== null && freeBytes >= this.freeAtFailure + MIB) this.freeAtFailure = null;
    return { path: this.options.dir, freeBytes, totalBytes, lowBytes, low: freeBytes < lowBytes, full: this.freeAtFailure !== null };
  }
}

function mib(bytes: number | null): number | null {
  return bytes === null ? null : Math.floor(bytes / MIB);
}

function mibText(bytes: number | null): string {
  if (bytes === null) return '?';
  return (bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0);
}
