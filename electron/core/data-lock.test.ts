import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test/factories';
import { createKassaCore } from './kassa-core';
import { silentLogger } from './logger';
import { DataFolderLockedError, LOCK_HOLDER_FILE, lockDataFolder, lockedMessage, readHolder, type DataFolderLock } from './data-lock';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HOLDER = path.join(import.meta.dirname, 'testing', 'hold-data-folder.ts');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
  const { dir, cleanup } = makeTempDir('kassa-lock-');
  cleanups.push(cleanup);
  return dir;
}

function hold(dir: string): DataFolderLock {
  const lock = lockDataFolder(dir);
  cleanups.push(() => lock.release());
  return lock;
}

/** A separate Node process holding the lock on `dir`; resolves once it holds it. */
async function holdInChild(dir: string): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('locked')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before it held the lock: ${output}`)));
  });
  return { child, exited };
}

function refusal(dir: string): DataFolderLockedError {
  try {
    lockDataFolder(dir).release();
  } catch (error) {
    if (error instanceof DataFolderLockedError) return error;
    throw error;
  }
  throw new Error('the second lock was granted');
}

describe('the data folder lock', () => {
  it('refuses a second holder in the same process, naming this process', () => {
    const dir = tempDir();
    hold(dir);
    const error = refusal(dir);
    expect(error.holder?.pid).toBe(process.pid);
    expect(error.message).toContain(`Kassa is already running on this data folder (${dir}): process ${process.pid}`);
  });

  it('refuses a second holder reaching the folder by another path (a symlink)', () => {
    const dir = tempDir();
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(dir, link);
    hold(dir);
    expect(() => lockDataFolder(link)).toThrow(DataFolderLockedError);
  });

  it('is free again once released', () => {
    const dir = tempDir();
    hold(dir).release();
    const again = hold(dir);
    expect(again.dataDir).toBe(dir);
    expect(readHolder(dir)?.pid).toBe(process.pid);
  });

  it('refuses this process while another process holds the folder, and names that process and its command', async () => {
    const dir = tempDir();
    const { child } = await holdInChild(dir);
    const error = refusal(dir);
    expect(error.holder?.pid).toBe(child.pid);
    expect(error.holder?.command).toContain('hold-data-folder.ts');
    expect(error.message).toMatch(new RegExp(`process ${child.pid} \\(.*hold-data-folder\\.ts.*\\) since \\d\\d:\\d\\d`));
  });

  it('a holder killed with SIGKILL leaves no lock that blocks the next start', async () => {
    const dir = tempDir();
    const { child, exited } = await holdInChild(dir);
    expect(() => lockDataFolder(dir)).toThrow(DataFolderLockedError);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // The dead holder's note is still there; the kernel dropped its lock all the same.
    expect(readHolder(dir)?.pid).toBe(child.pid);
    hold(dir);
    expect(readHolder(dir)?.pid).toBe(process.pid);
  });

  it('a holder in this process blocks another process, which exits non-zero naming us', async () => {
    const dir = tempDir();
    hold(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`process ${process.pid}`);
  });

  it('names "another process" when the holder left no note', () => {
    const dir = tempDir();
    hold(dir);
    fs.rmSync(path.join(dir, LOCK_HOLDER_FILE));
    expect(refusal(dir).message).toContain(': another process. Close it first');
  });

  it('says the date when the holder started on another day', () => {
    const message = lockedMessage('/data', { pid: 7, host: '', startedAt: new Date(2026, 0, 2, 8, 5).getTime(), command: 'node web-host.ts' }, new Date(2026, 0, 3, 9, 0).getTime());
    expect(message).toBe('Kassa is already running on this data folder (/data): process 7 (node web-host.ts) since 2026-01-02 08:05. Close it first, or start with another data folder (KASSA_DATA_DIR).');
  });

  it('the register core holds the lock while it runs, and lets go when it closes or fails to start', async () => {
    const dir = tempDir();
    const config = { dataDir: dir, port: 0, hqUrl: null, enrolmentCode: null, locale: 'en' as const };
    const core = await createKassaCore({ config, log: silentLogger() });
    await expect(createKassaCore({ config, log: silentLogger() })).rejects.toThrow(DataFolderLockedError);
    core.close();
    hold(dir).release();
    // A start that fails after taking the lock (a bad settings.json) gives it back.
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ storage: { lowSpaceMiB: -1 } }));
    await expect(createKassaCore({ config, log: silentLogger() })).rejects.toThrow(/storage\.lowSpaceMiB/);
    hold(dir);
  });
});
