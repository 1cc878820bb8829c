/**
 * The real HQ server as a child process (`node --import tsx server/src/main.ts`, what `npm run server`
 * runs), for tests that must kill it: started on a free loopback port, ready once it prints its ready line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const READY = /^HQ listening on (http:\/\/\S+)$/m;

export interface HqProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** The last lines HQ wrote to stderr (its pino log), for a failure message. */
  logTail(): string;
  /** SIGKILL: no shutdown hook runs; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: graceful shutdown (in-flight pushes finish); resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface HqProcessOptions {
  /** Added to a minimal environment: PORT=0, HOST=127.0.0.1 and whatever the caller sets (HQ_DATA_DIR or DATABASE_URL, …). */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

export function startHqProcess(options: HqProcessOptions): Promise<HqProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', HQ_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(...chunk.split('\n').filter(Boolean));
    if (stderr.length > 40) stderr.splice(0, stderr.length - 40);
  });
  const logTail = () => stderr.join('\n');
  let stdout = '';
  return new Promise<HqProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`HQ did not print its ready line within ${options.readyTimeoutMs ?? 30_000} ms:\n${logTail()}`));
    }, options.readyTimeoutMs ?? 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`HQ exited before it was ready (code ${code}, signal ${signal}):\n${logTail()}`));
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = READY.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        url: match[1]!,
        pid: child.pid!,
        child,
        logTail,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
