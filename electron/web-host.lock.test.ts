import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from './test/factories';

const ROOT = path.resolve(import.meta.dirname, '..');
const READY = /Kassa ready at http:\/\/127\.0\.0\.1:\d+\//;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** What `npm run preview` runs (scripts/preview.mjs spawns exactly this), on a given data folder. */
function webHost(dataDir: string, rendererDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/web-host.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', KASSA_DATA_DIR: dataDir, KASSA_RENDERER_DIR: rendererDir, KASSA_LOG_LEVEL: 'warn', KASSA_HQ_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => READY.test(stdout) && resolve());
    void exited.then(({ code }) => reject(new Error(`the web host exited (${code}) before it was ready:\n${stdout}${stderr}`)));
  });
  // A start that is refused never gets ready: only the tests that wait for it care.
  ready.catch(() => undefined);
  return { child, ready, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('one web host per data folder', () => {
  it('a second start on the same data folder exits non-zero, naming the running one; after a SIGKILL of the first, a start succeeds', async () => {
    const { dir: dataDir, cleanup } = makeTempDir('kassa-lock-host-');
    cleanups.push(cleanup);
    const rendererDir = path.join(dataDir, '..', `${path.basename(dataDir)}-renderer`);
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Kassa</title>');
    cleanups.push(() => fs.rmSync(rendererDir, { recursive: true, force: true }));

    const first = webHost(dataDir, rendererDir);
    await first.ready;

    const second = webHost(dataDir, rendererDir);
    const { code } = await second.exited;
    expect(code).not.toBe(0);
    expect(second.stdout()).not.toMatch(READY);
    expect(second.stderr()).toContain(`Kassa is already running on this data folder (${dataDir}): process ${first.child.pid} (node web-host.ts) since `);
    expect(second.stderr()).toContain('Close it first, or start with another data folder');

    // The first is killed outright: the lock goes with it and the next start is not blocked.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = webHost(dataDir, rendererDir);
    await third.ready;
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
  }, 60_000);
});
