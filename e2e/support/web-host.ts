import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const READY = /^Kassa ready at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9._~-]+))$/m;

export interface RunningRegister {
  url: string;
  origin: string;
  dataDir: string;
  /** Everything the web host wrote, for failure messages. */
  output(): string;
  /** Stops the host; its data folder is removed unless `keepData` (to start it again on the same data). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts a fresh web host (its own temp data folder, a free port) and resolves once it prints its ready
 * line. The renderer must already be built (global setup does that).
 */
export async function startRegister(options: { env?: Record<string, string>; dataDir?: string; timeoutMs?: number } = {}): Promise<RunningRegister> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-'));
  const ownsDataDir = !options.dataDir;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'electron/web-host.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', KASSA_DATA_DIR: dataDir, KASSA_LOCALE: 'en', KASSA_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web host did not get ready within ${options.timeoutMs ?? 30_000} ms:\n${output}`)), options.timeoutMs ?? 30_000);
    const look = () => {
      const m = output.match(READY);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the web host exited (code ${code}) before it was ready:\n${output}`));
    });
  });

  return {
    url: match[1]!,
    origin: new URL(match[1]!).origin,
    dataDir,
    output: () => output,
    stop: async ({ keepData = false } = {}) => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (ownsDataDir && !keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
