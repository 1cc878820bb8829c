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
  /** The web host's process id (the register process itself, also when started inside a network namespace). */
  pid: number;
  /** Resolves when the host process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the web host wrote, for failure messages. */
  output(): string;
  /** Kills the host at once (SIGKILL unless told): a crash, its data folder kept. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the host; its data folder is removed unless `keepData` (to start it again on the same data). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts a fresh web host (its own temp data folder, a free port) and resolves once it prints its ready
 * line. The renderer must already be built (global setup does that).
 */
export async function startRegister(
  options: { env?: Record<string, string>; dataDir?: string; timeoutMs?: number; /** Wraps the command, e.g. `ip netns exec <ns>`. */ prefix?: string[] } = {},
): Promise<RunningRegister> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-e2e-'));
  const ownsDataDir = !options.dataDir;
  const command = [...(options.prefix ?? []), process.execPath, '--import', 'tsx', 'electron/web-host.ts'];
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', KASSA_DATA_DIR: dataDir, KASSA_LOCALE: 'en', KASSA_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

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
    pid: child.pid!,
    exited,
    output: () => output,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    stop: async ({ keepData = false } = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      if (ownsDataDir && !keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
