import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from '../../shared/testing/capabilities';
import { mountPowerfs, powerfsSupport, type PowerFs } from './powerfs';

/*
 * The power-cut filesystem itself: what it keeps across a cut is exactly what was made durable.
 */

const skip = skipReason('powerfs', powerfsSupport());

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeSynced(file: string, text: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Commits a row from a child process with the given `synchronous`, then leaves it to be killed. */
async function commitInChild(file: string, synchronous: 'FULL' | 'OFF'): Promise<void> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = ${synchronous}');
    db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)');
    db.prepare('INSERT INTO t (v) VALUES (?)').run('committed');
    process.stdout.write('committed\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('committed') && resolve());
    child.once('exit', () => reject(new Error(`the SQLite child exited early:\n${err}`)));
  });
  child.kill('SIGKILL');
  await exited;
}

describe.skipIf(skip)(`powerfs: a power cut keeps what was made durable, nothing else${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let pfs: PowerFs;
  beforeAll(async () => {
    pfs = await mountPowerfs();
  });
  afterAll(async () => {
    await pfs?.unmount();
  });

  it('keeps an fsynced file whose folder was fsynced', async () => {
    const file = path.join(pfs.dir, 'kept.txt');
    writeSynced(file, 'durable');
    fsyncDir(pfs.dir);
    await pfs.cut();
    expect(fs.readFileSync(file, 'utf8')).toBe('durable');
    expect(fs.readFileSync(path.join(pfs.backing, 'kept.txt'), 'utf8')).toBe('durable');
  });

  it('loses a write that was not fsynced, and a truncation', async () => {
    const file = path.join(pfs.dir, 'written.txt');
    writeSynced(file, 'first version');
    fsyncDir(pfs.dir);
    fs.writeFileSync(file, 'second');
    expect(fs.readFileSync(file, 'utf8')).toBe('second');
    await pfs.cut();
    expect(fs.readFileSync(file, 'utf8')).toBe('first version');
  });

  it('loses a created file whose folder was not fsynced, even if the file itself was', async () => {
    fs.writeFileSync(path.join(pfs.dir, 'unsynced.txt'), 'never synced');
    writeSynced(path.join(pfs.dir, 'synced-file-only.txt'), 'file synced, folder not');
    await pfs.cut();
    expect(fs.existsSync(path.join(pfs.dir, 'unsynced.txt'))).toBe(false);
    expect(fs.existsSync(path.join(pfs.dir, 'synced-file-only.txt'))).toBe(false);
  });

  it('rolls back a rename and an unlink whose folder was not fsynced', async () => {
    writeSynced(path.join(pfs.dir, 'old-name.txt'), 'renamed');
    writeSynced(path.join(pfs.dir, 'doomed.txt'), 'unlinked');
    fsyncDir(pfs.dir);
    fs.renameSync(path.join(pfs.dir, 'old-name.txt'), path.join(pfs.dir, 'new-name.txt'));
    fs.unlinkSync(path.join(pfs.dir, 'doomed.txt'));
    await pfs.cut();
    expect(fs.existsSync(path.join(pfs.dir, 'new-name.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(pfs.dir, 'old-name.txt'), 'utf8')).toBe('renamed');
    expect(fs.readFileSync(path.join(pfs.dir, 'doomed.txt'), 'utf8')).toBe('unlinked');
  });

  it('keeps an atomic replace (write, fsync, rename, fsync the folder) and a subfolder made durable', async () => {
    const sub = path.join(pfs.dir, 'sub');
    fs.mkdirSync(sub);
    fsyncDir(pfs.dir);
    writeSynced(path.join(sub, 'settings.json.tmp'), '{"v":1}');
    fs.renameSync(path.join(sub, 'settings.json.tmp'), path.join(sub, 'settings.json'));
    fsyncDir(sub);
    writeSynced(path.join(sub, 'settings.json.tmp'), '{"v":2}');
    fs.renameSync(path.join(sub, 'settings.json.tmp'), path.join(sub, 'settings.json'));
    await pfs.cut();
    expect(fs.readdirSync(sub)).toEqual(['settings.json']);
    expect(fs.readFileSync(path.join(sub, 'settings.json'), 'utf8')).toBe('{"v":1}');
  });

  it('keeps a row SQLite committed with synchronous=FULL in WAL mode, killed and cut right after', async () => {
    const file = path.join(pfs.dir, 'full.db');
    await commitInChild(file, 'FULL');
    await pfs.cut();
    const db = new Database(file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT v FROM t').all()).toEqual([{ v: 'committed' }]);
    } finally {
      db.close();
    }
  });

  it('loses a row SQLite committed with synchronous=OFF (a kill alone would not)', async () => {
    const file = path.join(pfs.dir, 'off.db');
    await commitInChild(file, 'OFF');
    // Killed only: the operating system (here, powerfs) still has it.
    const killed = new Database(file, { readonly: true });
    expect(killed.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
    killed.close();
    await pfs.cut();
    const db = new Database(file);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const table = db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").get();
      expect(table ? db.prepare('SELECT count(*) AS n FROM t').get() : { n: 0 }).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('makes everything durable on sync', async () => {
    fs.mkdirSync(path.join(pfs.dir, 'setup'));
    fs.writeFileSync(path.join(pfs.dir, 'setup', 'a.json'), '{}');
    pfs.sync();
    await pfs.cut();
    expect(fs.readFileSync(path.join(pfs.dir, 'setup', 'a.json'), 'utf8')).toBe('{}');
  });
});
