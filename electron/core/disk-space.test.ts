import { describe, expect, it, vi } from 'vitest';
import type { DiskSpace } from '../../shared/api';
import { DiskSpaceMonitor, isDiskFullError, MIB } from './disk-space';

function monitor(free: { bytes: number }, lowMiB = 200) {
  const changes: DiskSpace[] = [];
  const statfs = vi.fn(() => ({ bavail: free.bytes / 4096, bsize: 4096, blocks: (1024 * MIB) / 4096 }));
  const m = new DiskSpaceMonitor({ dir: '/data', lowBytes: () => lowMiB * MIB, intervalMs: 30_000, onChange: (space) => changes.push(space), statfs });
  return { m, changes, statfs };
}

const sqliteFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('the disk space monitor', () => {
  it('knows a write that failed for want of space (SQLite or the OS)', () => {
    expect(isDiskFullError(sqliteFull)).toBe(true);
    expect(isDiskFullError(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))).toBe(true);
    expect(isDiskFullError(Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT' }))).toBe(false);
    expect(isDiskFullError(null)).toBe(false);
  });

  it('says low below the threshold, and tells only when that changes (or the MiB free while low)', () => {
    const free = { bytes: 500 * MIB };
    const { m, changes } = monitor(free);
    expect(m.current()).toMatchObject({ path: '/data', freeBytes: 500 * MIB, totalBytes: 1024 * MIB, lowBytes: 200 * MIB, low: false, full: false });
    m.check();
    expect(changes).toHaveLength(0);
    free.bytes = 199 * MIB;
    expect(m.check().low).toBe(true);
    free.bytes = 150 * MIB;
    m.check();
    free.bytes = 150 * MIB + 10;
    m.check();
    expect(changes.map((c) => c.freeBytes)).toEqual([199 * MIB, 150 * MIB]);
  });

  it('turns a full-disk failure into DISK_FULL naming the folder and the space left, and counts the disk full until space comes back', () => {
    const free = { bytes: 0.25 * MIB };
    const { m, changes } = monitor(free);
    const error = m.failed(sqliteFull, 'this scan', 'the cart is as it was');
    expect(error?.code).toBe('DISK_FULL');
    expect(error?.message).toBe("The register's disk is full: this scan was not saved. Free space on /data (0.3 MiB free) or call IT; the cart is as it was.");
    expect(changes.at(-1)).toMatchObject({ full: true, low: true });
    // A few bytes more are not space back.
    free.bytes = 0.5 * MIB;
    m.succeeded();
    expect(m.current().full).toBe(true);
    free.bytes = 50 * MIB;
    m.succeeded();
    expect(m.current().full).toBe(false);
    expect(changes.at(-1)).toMatchObject({ full: false, low: true });
  });

  it('leaves other failures alone; an I/O error counts as a full disk only with (almost) no space left', () => {
    const free = { bytes: 100 * MIB };
    const { m } = monitor(free);
    expect(m.failed(new Error('boom'), 'this', 'nothing changed')).toBeNull();
    const ioError = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    expect(m.failed(ioError, 'this', 'nothing changed')).toBeNull();
    free.bytes = 4096;
    expect(m.failed(ioError, 'this', 'nothing changed')?.code).toBe('DISK_FULL');
  });

  it('measures every interval once started, and stops', () => {
    vi.useFakeTimers();
    try {
      const { m, statfs } = monitor({ bytes: 500 * MIB });
      const before = statfs.mock.calls.length;
      m.start();
      vi.advanceTimersByTime(90_000);
      expect(statfs.mock.calls.length - before).toBe(3);
      m.stop();
      vi.advanceTimersByTime(90_000);
      expect(statfs.mock.calls.length - before).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a filesystem that cannot say its free space warns of nothing; a failed write still counts it full', () => {
    const m = new DiskSpaceMonitor({ dir: '/data', lowBytes: () => 200 * MIB, intervalMs: 30_000, onChange: () => undefined, statfs: () => { throw new Error('ENOSYS'); } });
    expect(m.current()).toMatchObject({ freeBytes: null, low: false, full: false });
    expect(m.failed(sqliteFull, 'this scan', 'the cart is as it was')?.message).toContain('(? MiB free)');
    expect(m.current().full).toBe(true);
    m.succeeded();
    expect(m.current().full).toBe(false);
  });
});
