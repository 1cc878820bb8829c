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

describe('the web host and the device token', () => {
  it('says in its log at start that it keeps the device token in the clear, and why; its data folder is 0700', async () => {
    const tmp = makeTempDir('kassa-web-secrets-');
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'data');
    const rendererDir = path.join(tmp.dir, 'renderer');
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Kassa</title>');

    // What `npm run preview` runs (scripts/preview.mjs spawns exactly this).
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/web-host.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', KASSA_DATA_DIR: dataDir, KASSA_RENDERER_DIR: rendererDir, KASSA_LOG_LEVEL: 'warn', KASSA_HQ_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (READY.test(stdout)) resolve();
      });
      void exited.then((code) => reject(new Error(`the web host exited (${code}) before it was ready:\n${stdout}${stderr}`)));
    });

    const line = stderr
      .split('\n')
      .filter(Boolean)
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.tokenStorage === 'clear');
    expect(line).toMatchObject({ msg: expect.stringContaining('the device token is kept in the clear'), reason: expect.stringContaining('no OS keychain') });
    if (process.platform !== 'win32') expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
